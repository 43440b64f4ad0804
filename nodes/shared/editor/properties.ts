/**
 * The editor properties the nodes share: credentials and authentication, base, table and view
 * locators, common options.
 */

import type {
	INodeCredentialDescription,
	INodeProperties,
	INodePropertyOptions,
	ResourceMapperTypeOptions,
} from 'n8n-workflow';

/** Credential type names, shared by every node and by the executor that picks one. */
export const TOKEN_CREDENTIAL_TYPE = 'airtableSyncTokenApi';
/** The OAuth2 (authorization code + PKCE) credential. */
export const PKCE_CREDENTIAL_TYPE = 'airtableSyncOAuth2Api';

export type AuthenticationMethod = 'accessToken' | 'oAuth2';

export const AUTHENTICATION_CREDENTIAL: Record<AuthenticationMethod, string> = {
	accessToken: TOKEN_CREDENTIAL_TYPE,
	oAuth2: PKCE_CREDENTIAL_TYPE,
};

export const credentialsDescription: INodeCredentialDescription[] = [
	{
		name: TOKEN_CREDENTIAL_TYPE,
		required: true,
		displayOptions: { show: { authentication: ['accessToken'] } },
	},
	{
		name: PKCE_CREDENTIAL_TYPE,
		required: true,
		displayOptions: { show: { authentication: ['oAuth2'] } },
	},
];

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Access Token', value: 'accessToken' },
		{ name: 'OAuth2', value: 'oAuth2' },
	],
	default: 'accessToken',
};

// Airtable ids: a three-letter prefix and (today) 14 characters; the length is not guaranteed,
// so the patterns only require a plausible minimum.
const ID_BODY = '[a-zA-Z0-9]{3,}';

export const BASE_ID_PATTERN = `^app${ID_BODY}$`;
export const TABLE_ID_PATTERN = `^tbl${ID_BODY}$`;
export const VIEW_ID_PATTERN = `^viw${ID_BODY}$`;

/** Airtable browser URLs look like https://airtable.com/appXXX/tblYYY/viwZZZ?blocks=hide. */
const URL_PREFIX = 'https?://(?:www\\.)?airtable\\.com/';

/** What a browser shows when the base, table or view is open (a base opens on a table). */
const EXAMPLE_URL_PATH = {
	base: 'app12345678901234/tbl12345678901234',
	table: 'app12345678901234/tbl12345678901234',
	view: 'app12345678901234/tbl12345678901234/viw12345678901234',
};

interface LocatorSpec {
	/** Parameter name and what the user picks: 'base', 'table', 'view'. */
	name: 'base' | 'table' | 'view';
	/** Id prefix: 'app', 'tbl', 'viw'. */
	prefix: string;
	/** Browser-URL path segments before this one's id, e.g. the base id before a table id. */
	urlPathBefore: string;
	idPattern: string;
	searchListMethod: string;
	description: string;
	required: boolean;
	/** Where to find the URL, for the error message. */
	urlHint: string;
}

/**
 * A resource locator for an Airtable base, table or view: from the list, by browser URL
 * (the id is taken from the URL) or by id, with the same checks and messages for each.
 */
function airtableLocator(spec: LocatorSpec): INodeProperties {
	const title = spec.name.charAt(0).toUpperCase() + spec.name.slice(1);
	const example = `${spec.prefix}12345678901234`;
	const urlId = `${URL_PREFIX}${spec.urlPathBefore}(${spec.prefix}${ID_BODY})`;
	return {
		displayName: title,
		name: spec.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		...(spec.required ? { required: true } : {}),
		description: spec.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: spec.searchListMethod, searchable: true },
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: `https://airtable.com/${EXAMPLE_URL_PATH[spec.name]}`,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: `${urlId}.*`,
							errorMessage: `Not an Airtable ${spec.name} URL: ${spec.urlHint}`,
						},
					},
				],
				extractValue: { type: 'regex', regex: urlId },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: example,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: spec.idPattern,
							errorMessage: `Not a ${spec.name} ID: ${spec.name} IDs start with "${spec.prefix}"`,
						},
					},
				],
			},
		],
	};
}

export const baseLocator = airtableLocator({
	name: 'base',
	prefix: 'app',
	urlPathBefore: '',
	idPattern: BASE_ID_PATTERN,
	searchListMethod: 'searchBases',
	description: 'The Airtable base to work in',
	required: true,
	urlHint: 'paste the address of the base from your browser',
});

export const tableLocator = airtableLocator({
	name: 'table',
	prefix: 'tbl',
	urlPathBefore: `app${ID_BODY}/`,
	idPattern: TABLE_ID_PATTERN,
	searchListMethod: 'searchTables',
	description: 'The table in the chosen base',
	required: true,
	urlHint: 'open the table in your browser and paste its address',
});

export const viewLocator = airtableLocator({
	name: 'view',
	prefix: 'viw',
	urlPathBefore: `app${ID_BODY}/tbl${ID_BODY}/`,
	idPattern: VIEW_ID_PATTERN,
	searchListMethod: 'searchViews',
	description: 'Only records visible in this view, in its order (unless a sort is set)',
	required: false,
	urlHint: 'open the view in your browser and paste its address',
});

export const useFieldIdsOption: INodeProperties = {
	displayName: 'Use Field IDs',
	name: 'useFieldIds',
	type: 'boolean',
	default: false,
	description:
		'Whether to key fields by field ID (fld…) instead of name, in output and in writes, so renaming a field in Airtable does not break the workflow',
};

export const typecastOption: INodeProperties = {
	displayName: 'Typecast',
	name: 'typecast',
	type: 'boolean',
	default: false,
	description:
		'Whether Airtable should convert text values to the column type, e.g. create a missing select option or turn "42" into a number',
};

/** For nodes whose fields come from a resource mapper in "auto-map input data" mode. */
export const ignoreFieldsOption: INodeProperties = {
	displayName: 'Fields to Ignore',
	name: 'ignoreFields',
	type: 'string',
	default: '',
	placeholder: 'e.g. createdTime, notes',
	description: 'Comma-separated input fields not to send when the fields are auto-mapped from the input data',
	displayOptions: { show: { '/columns.mappingMode': ['autoMapInputData'] } },
};

/** Seconds; the client's per-call time budget (limits.budgetMs). Read by getAirtableClient. */
export const DEFAULT_TIME_BUDGET_SECONDS = 120;

/** One option for every action node: how long a single Airtable call may take with its retries and waits. */
export const timeBudgetOption: INodeProperties = {
	displayName: 'Time Budget (Seconds)',
	name: 'timeBudget',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_TIME_BUDGET_SECONDS,
	description:
		'Longest one Airtable request may take including its retries, rate-limit pauses and Retry-After waits. When a wait would pass it, the request fails with an error saying so instead of holding the execution.',
};

/** The "Operation" picker every multi-operation node starts with. */
export function operationProperty(options: INodePropertyOptions[], defaultValue: string): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options,
		default: defaultValue,
	};
}

/** A node's "Options" collection (optional settings behind "Add option"). */
export function optionsCollection(options: INodeProperties[], extra: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
		...extra,
	};
}

/**
 * The "Fields" resource mapper: columns from the selected table's schema (reloaded when base,
 * table or "Use Field IDs" change), with auto-map of the input data. `resourceMapper` holds
 * what differs: the column method, the mode and the matching settings.
 */
export function fieldsMapperProperty(
	resourceMapper: Pick<ResourceMapperTypeOptions, 'resourceMapperMethod' | 'mode'> & Partial<ResourceMapperTypeOptions>,
	extra: Partial<INodeProperties> = {},
): INodeProperties {
	return {
		displayName: 'Fields',
		name: 'columns',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['base.value', 'table.value', 'options.useFieldIds'],
			resourceMapper: {
				fieldWords: { singular: 'field', plural: 'fields' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: true,
				...resourceMapper,
			} as ResourceMapperTypeOptions,
		},
		...extra,
	};
}
