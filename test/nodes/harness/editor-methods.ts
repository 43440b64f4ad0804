import { LoadOptionsContext } from 'n8n-core';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';
import type {
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	ResourceMapperFields,
} from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import type { CredentialsByType } from './credentials-helper';
import { TestCredentialsHelper } from './credentials-helper';
import { ensureEngine } from './engine';
import type { AnyNodeType } from './node-types';
import { defaultVersion } from './node-types';
import { buildWorkflow } from './workflow';

/** Credential data per type, or a helper to share state with other calls and inspect updates. */
export type CredentialsInput = CredentialsByType | TestCredentialsHelper;

export interface EditorMethodOptions {
	typeVersion?: number;
	/**
	 * Path of the parameter the editor asks for, e.g. `parameters.table` (n8n passes it; it
	 * matters only for `&sibling` lookups in getCurrentNodeParameter). Default `parameters`.
	 */
	path?: string;
}

type MethodKind = 'listSearch' | 'loadOptions' | 'resourceMapping';

/**
 * Builds what n8n builds for the editor's "load options" requests: a one-node workflow with the
 * current parameters, `additionalData.currentNodeParameters`, and n8n-core's LoadOptionsContext.
 */
function prepare(
	nodeType: AnyNodeType,
	kind: MethodKind,
	methodName: string,
	credentials: CredentialsInput,
	currentParameters: INodeParameters,
	options: EditorMethodOptions,
) {
	ensureEngine();
	const typeVersion = options.typeVersion ?? defaultVersion(nodeType);
	const versioned: INodeType = NodeHelpers.getVersionedNodeType(nodeType, typeVersion);
	const method = versioned.methods?.[kind]?.[methodName];
	if (!method) {
		throw new UnexpectedError(`Harness: node "${versioned.description.name}" has no ${kind} method "${methodName}"`);
	}
	const setup =
		credentials instanceof TestCredentialsHelper
			? { credentialsHelper: credentials }
			: { credentials };
	const { workflow, node, credentialsHelper } = buildWorkflow(nodeType, {
		...setup,
		parameters: currentParameters,
		typeVersion,
	});
	const additionalData = createAdditionalData(credentialsHelper);
	additionalData.currentNodeParameters = node.parameters;
	const context = new LoadOptionsContext(workflow, node, additionalData, options.path ?? 'parameters');
	return { method, context };
}

/** Calls `methods.listSearch[methodName]` as the editor's resource-locator list does. */
export async function callListSearch(
	nodeType: AnyNodeType,
	methodName: string,
	credentials: CredentialsInput,
	currentParameters: INodeParameters,
	filter?: string,
	paginationToken?: string,
	options: EditorMethodOptions = {},
): Promise<INodeListSearchResult> {
	const { method, context } = prepare(nodeType, 'listSearch', methodName, credentials, currentParameters, options);
	const listSearch = method as (
		this: LoadOptionsContext,
		filter?: string,
		paginationToken?: string,
	) => Promise<INodeListSearchResult>;
	return await listSearch.call(context, filter, paginationToken);
}

/** Calls `methods.loadOptions[methodName]` as the editor's options dropdown does. */
export async function callLoadOptions(
	nodeType: AnyNodeType,
	methodName: string,
	credentials: CredentialsInput,
	currentParameters: INodeParameters,
	options: EditorMethodOptions = {},
): Promise<INodePropertyOptions[]> {
	const { method, context } = prepare(nodeType, 'loadOptions', methodName, credentials, currentParameters, options);
	const loadOptions = method as (this: LoadOptionsContext) => Promise<INodePropertyOptions[]>;
	return await loadOptions.call(context);
}

/** Calls `methods.resourceMapping[methodName]` as the editor's resource mapper does. */
export async function callResourceMapping(
	nodeType: AnyNodeType,
	methodName: string,
	credentials: CredentialsInput,
	currentParameters: INodeParameters,
	options: EditorMethodOptions = {},
): Promise<ResourceMapperFields> {
	const { method, context } = prepare(
		nodeType,
		'resourceMapping',
		methodName,
		credentials,
		currentParameters,
		options,
	);
	const resourceMapping = method as (this: LoadOptionsContext) => Promise<ResourceMapperFields>;
	return await resourceMapping.call(context);
}
