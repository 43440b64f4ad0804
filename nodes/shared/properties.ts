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

export const baseLocator: INodeProperties = {
	displayName: 'Base',
	name: 'base',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Airtable base to work in',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchBases', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://airtable.com/app12345678901234/tbl12345678901234',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `${URL_PREFIX}(app${ID_BODY}).*`,
						errorMessage: 'Not an Airtable base URL: paste the address of the base from your browser',
					},
				},
			],
			extractValue: { type: 'regex', regex: `${URL_PREFIX}(app${ID_BODY})` },
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'app12345678901234',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: BASE_ID_PATTERN,
						errorMessage: 'Not a base ID: base IDs start with "app"',
					},
				},
			],
		},
	],
};

export const tableLocator: INodeProperties = {
	displayName: 'Table',
	name: 'table',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The table in the chosen base',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchTables', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://airtable.com/app12345678901234/tbl12345678901234',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `${URL_PREFIX}app${ID_BODY}/(tbl${ID_BODY}).*`,
						errorMessage: 'Not an Airtable table URL: open the table in your browser and paste its address',
					},
				},
			],
			extractValue: { type: 'regex', regex: `${URL_PREFIX}app${ID_BODY}/(tbl${ID_BODY})` },
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'tbl12345678901234',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: TABLE_ID_PATTERN,
						errorMessage: 'Not a table ID: table IDs start with "tbl"',
					},
				},
			],
		},
	],
};

export const viewLocator: INodeProperties = {
	displayName: 'View',
	name: 'view',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description: 'Only records visible in this view, in its order (unless a sort is set)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchViews', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://airtable.com/app12345678901234/tbl12345678901234/viw12345678901234',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `${URL_PREFIX}app${ID_BODY}/tbl${ID_BODY}/(viw${ID_BODY}).*`,
						errorMessage: 'Not an Airtable view URL: open the view in your browser and paste its address',
					},
				},
			],
			extractValue: { type: 'regex', regex: `${URL_PREFIX}app${ID_BODY}/tbl${ID_BODY}/(viw${ID_BODY})` },
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'viw12345678901234',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: VIEW_ID_PATTERN,
						errorMessage: 'Not a view ID: view IDs start with "viw"',
					},
				},
			],
		},
	],
};

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
		placeholder: 'Add option',
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
