import nock from 'nock';
import {
	NodeConnectionTypes,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { createN8nExecutor, credentialTypeOf } from '../../nodes/shared/runtime/executor';
import {
	authenticationProperty,
	credentialsDescription,
	PKCE_CREDENTIAL_TYPE,
	TOKEN_CREDENTIAL_TYPE,
} from '../../nodes/shared/editor/properties';
import { TestCredentialsHelper } from './harness/credentials-helper';
import { runNode } from './harness/run-node';

/*
 * Issue 13 §2: inside n8n a request leaves only after n8n resolved the credential, so the
 * limiter must count it from the dispatch the executor reports. These runs go through
 * n8n-core's real httpRequestWithAuthentication and axios.
 */

const API = 'https://api.dispatch.test';
const events: string[] = [];

/** A node whose execute() sends one request through the n8n executor and records the order of events. */
class DispatchProbe implements INodeType {

	description: INodeTypeDescription = {
		displayName: 'Dispatch Probe',
		name: 'dispatchProbe',
		group: ['transform'],
		version: 1,
		description: 'test only',
		defaults: { name: 'Dispatch Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: credentialsDescription,
		properties: [authenticationProperty],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const executor = createN8nExecutor(this, credentialTypeOf(this), API);
		const response = await executor.send({
			method: 'GET',
			path: '/v0/appX/tblY',
			onDispatch: () => events.push('dispatched'),
		});
		return [[{ json: { status: response.status, signals: executor.signalsDispatch === true } }]];
	}
}

afterEach(() => nock.cleanAll());

const CREDENTIALS: Record<string, ICredentialDataDecryptedObject> = {
	[TOKEN_CREDENTIAL_TYPE]: { accessToken: 'patDispatch.secret', baseUrl: API },
	[PKCE_CREDENTIAL_TYPE]: {
		clientId: 'client-id',
		clientSecret: 'client-secret',
		baseUrl: API,
		oauthTokenData: { access_token: 'oauth-access', refresh_token: 'oauth-refresh' },
	},
};

it.each([
	['accessToken', TOKEN_CREDENTIAL_TYPE],
	['oAuth2', PKCE_CREDENTIAL_TYPE],
])(
	'reports the dispatch after n8n resolved the credential and before the request arrives (%s)',
	async (authentication, credentialType) => {
		events.length = 0;
		const credentials = new TestCredentialsHelper({ [credentialType]: CREDENTIALS[credentialType] });
		const getDecrypted = credentials.getDecrypted.bind(credentials);
		credentials.getDecrypted = async (...args: Parameters<typeof getDecrypted>) => {
			events.push('credential resolving');
			const data = await getDecrypted(...args);
			events.push('credential resolved');
			return data;
		};
		nock(API)
			.get('/v0/appX/tblY')
			.reply(() => {
				events.push('arrived');
				return [200, { records: [] }];
			});

		const result = await runNode(new DispatchProbe(), { credentialsHelper: credentials, parameters: { authentication } });
		expect(result.error).toBeUndefined();
		expect(result.output[0][0].json).toEqual({ status: 200, signals: true });
		expect(events).toEqual(['credential resolving', 'credential resolved', 'dispatched', 'arrived']);
	},
);
