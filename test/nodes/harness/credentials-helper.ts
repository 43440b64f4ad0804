import { Credentials } from 'n8n-core';
import { NodeHelpers, UnexpectedError, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsHelper,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { AirtableSyncOAuth2Api } from '../../../credentials/AirtableSyncOAuth2Api.credentials';
import { AirtableSyncTokenApi } from '../../../credentials/AirtableSyncTokenApi.credentials';

import { HarnessNodeTypes } from './node-types';

/**
 * n8n's `oAuth2Api` parent lives in n8n-nodes-base, which this package does not install.
 * These are the fields of it that n8n-core's OAuth2 request path reads.
 */
export const oAuth2ApiParent: ICredentialType = {
	name: 'oAuth2Api',
	displayName: 'OAuth2 API',
	genericAuth: true,
	properties: [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{ name: 'Authorization Code', value: 'authorizationCode' },
				{ name: 'Client Credentials', value: 'clientCredentials' },
				{ name: 'PKCE', value: 'pkce' },
			],
			default: 'authorizationCode',
		},
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'string', default: '' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '' },
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Scope', name: 'scope', type: 'string', default: '' },
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'string',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Body', value: 'body' },
				{ name: 'Header', value: 'header' },
			],
			default: 'header',
		},
	],
};

/** Our credential classes plus the parent they extend. */
export function packageCredentialTypes(): ICredentialType[] {
	return [new AirtableSyncTokenApi(), new AirtableSyncOAuth2Api(), oAuth2ApiParent];
}

export type CredentialsByType = Record<string, ICredentialDataDecryptedObject>;

export interface CredentialUpdate {
	type: string;
	nodeCredentials: INodeCredentialsDetails;
	data: ICredentialDataDecryptedObject;
}

export interface OauthTokenUpdate {
	type: string;
	nodeCredentials: INodeCredentialsDetails;
	oauthTokenData: IDataObject;
}

export function credentialIdFor(type: string): string {
	return `harness-${type}`;
}

export function nodeCredentialsFor(types: Iterable<string>): Record<string, INodeCredentialsDetails> {
	const result: Record<string, INodeCredentialsDetails> = {};
	for (const type of types) result[type] = { id: credentialIdFor(type), name: `${type} (test)` };
	return result;
}

function isExpression(value: unknown): value is string {
	return typeof value === 'string' && value.startsWith('=');
}

/**
 * Serves decrypted credential data per type the way n8n's CredentialsHelper does: defaults
 * of the type and its parents applied, `={{ }}` defaults resolved (with `$self`), generic
 * `authenticate` blocks resolved against `$credentials`. Stored data can change (OAuth
 * refresh); every change is recorded for assertions.
 */
export class TestCredentialsHelper implements ICredentialsHelper {
	/** Every `updateCredentials` call, in order. */
	readonly credentialUpdates: CredentialUpdate[] = [];

	/** Every `updateCredentialsOauthTokenData` call (n8n-core calls it after a token refresh). */
	readonly oauthTokenUpdates: OauthTokenUpdate[] = [];

	private readonly types = new Map<string, ICredentialType>();

	private readonly stored = new Map<string, ICredentialDataDecryptedObject>();

	constructor(credentials: CredentialsByType = {}, extraTypes: ICredentialType[] = []) {
		for (const type of [...packageCredentialTypes(), ...extraTypes]) this.types.set(type.name, type);
		for (const [type, data] of Object.entries(credentials)) this.setCredentials(type, data);
	}

	setCredentials(type: string, data: ICredentialDataDecryptedObject): void {
		this.requireType(type);
		this.stored.set(type, structuredClone(data));
	}

	/** The stored (undecorated) data of a type, as n8n would hold it in its database. */
	getStoredCredentials(type: string): ICredentialDataDecryptedObject | undefined {
		const data = this.stored.get(type);
		return data === undefined ? undefined : structuredClone(data);
	}

	/** Types that have data, so the harness can attach them to the node. */
	configuredTypes(): string[] {
		return [...this.stored.keys()];
	}

	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const options = requestOptions as IHttpRequestOptions;
		const { authenticate } = this.requireType(typeName);
		if (authenticate === undefined) return options;
		if (typeof authenticate === 'function') return await authenticate(credentials, options);

		const resolve = (value: unknown): unknown =>
			isExpression(value) ? this.resolveCredentialExpression(value, credentials, workflow, node) : value;
		const resolveAll = (values: IDataObject | undefined): IDataObject => {
			const result: IDataObject = {};
			for (const [key, value] of Object.entries(values ?? {})) result[key] = resolve(value) as IDataObject[string];
			return result;
		};

		const { headers, qs, body, auth } = authenticate.properties;
		if (headers) options.headers = { ...options.headers, ...resolveAll(headers) };
		if (qs) options.qs = { ...options.qs, ...resolveAll(qs) };
		if (body) options.body = { ...(options.body as IDataObject | undefined), ...resolveAll(body) };
		if (auth) {
			options.auth = {
				username: String(resolve(auth.username)),
				password: String(resolve(auth.password)),
			};
		}
		return options;
	}

	/** No credential of this package defines `preAuthentication`, so there is nothing to run. */
	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const credentials = new Credentials(nodeCredentials, type);
		await credentials.setData(this.requireStored(type));
		return credentials;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		_mode: unknown,
		_executeData?: unknown,
		raw?: boolean,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.requireStored(type);
		if (raw === true) return stored;
		return this.applyDefaultsAndResolve(type, stored);
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.stored.set(type, structuredClone(data));
		this.credentialUpdates.push({ type, nodeCredentials, data: structuredClone(data) });
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const oauthTokenData = structuredClone((data.oauthTokenData ?? {}) as IDataObject);
		this.stored.set(type, { ...this.requireStored(type), oauthTokenData });
		this.oauthTokenUpdates.push({ type, nodeCredentials, oauthTokenData: structuredClone(oauthTokenData) });
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.requireType(type);
		const byName = new Map<string, INodeProperties>();
		for (const parent of credentialType.extends ?? []) {
			for (const property of this.getCredentialsProperties(parent)) byName.set(property.name, property);
		}
		for (const property of credentialType.properties) byName.set(property.name, property);
		return [...byName.values()];
	}

	private requireType(type: string): ICredentialType {
		const credentialType = this.types.get(type);
		if (!credentialType) throw new UnexpectedError(`Harness: unknown credential type "${type}"`);
		return credentialType;
	}

	private requireStored(type: string): ICredentialDataDecryptedObject {
		const data = this.stored.get(type);
		if (data === undefined) {
			throw new UnexpectedError(`Harness: no credentials of type "${type}" were given to the test`);
		}
		return structuredClone(data);
	}

	private applyDefaultsAndResolve(
		type: string,
		stored: ICredentialDataDecryptedObject,
	): ICredentialDataDecryptedObject {
		const properties = this.getCredentialsProperties(type);
		const withDefaults =
			NodeHelpers.getNodeParameters(properties, stored as INodeParameters, true, false, null, null) ?? {};
		const workflow = expressionWorkflow();
		const node = workflow.getNode(EXPRESSION_NODE.name) as INode;
		const resolved = workflow.expression.getComplexParameterValue(
			node,
			withDefaults,
			'internal',
			{},
			undefined,
			undefined,
			withDefaults,
		) as ICredentialDataDecryptedObject;
		// Data that no property describes (oauthTokenData) is kept as stored.
		return { ...stored, ...resolved };
	}

	private resolveCredentialExpression(
		expression: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow | undefined,
		node: INode | undefined,
	): unknown {
		const targetWorkflow = workflow ?? expressionWorkflow();
		const targetNode = node ?? (targetWorkflow.getNode(EXPRESSION_NODE.name) as INode);
		return targetWorkflow.expression.getSimpleParameterValue(
			targetNode,
			expression,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
	}
}

const EXPRESSION_NODE: INode = {
	id: 'harness-credentials-node',
	name: 'Credentials',
	type: 'harness.credentials',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** A one-node workflow that only exists to evaluate credential expressions. */
function expressionWorkflow(): Workflow {
	const nodeTypes = new HarnessNodeTypes([]);
	nodeTypes.add(
		{
			description: {
				displayName: 'Credentials',
				name: 'credentials',
				group: [],
				version: 1,
				description: '',
				defaults: {},
				inputs: [],
				outputs: [],
				properties: [],
			},
		},
		EXPRESSION_NODE.type,
	);
	return new Workflow({
		nodes: [structuredClone(EXPRESSION_NODE)],
		connections: {},
		active: false,
		nodeTypes,
	});
}
