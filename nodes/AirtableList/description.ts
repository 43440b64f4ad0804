/**
 * The List node's editor properties: filter builder or formula, what and how much to read, sort,
 * and options.
 */

import type { INodeProperties } from 'n8n-workflow';

import { downloadAttachmentsOption, maxFileSizeOption } from '../shared/attachments/attachmentProperties';
import { optionsCollection, timeBudgetOption, useFieldIdsOption } from '../shared/editor/properties';

const fieldsDependOn = ['base.value', 'table.value'];
const conditionsOnly = { show: { filterMode: ['conditions'] } };

export const filterProperties: INodeProperties[] = [
	{
		displayName: 'Filter',
		name: 'filterMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'None', value: 'none', description: 'Read every record (of the view, if one is set)' },
			{ name: 'Conditions', value: 'conditions', description: 'Build the filter from field conditions; values are escaped safely' },
			{ name: 'Formula', value: 'formula', description: 'Write an Airtable formula (filterByFormula) yourself' },
		],
		default: 'none',
	},
	{
		displayName: 'Conditions',
		name: 'conditions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Condition',
		default: {},
		displayOptions: conditionsOnly,
		options: [
			{
				displayName: 'Condition',
				name: 'condition',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'field',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getFieldNames', loadOptionsDependsOn: fieldsDependOn },
						default: '',
						description:
							'The field to test. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Operator',
						name: 'operator',
						type: 'options',
						options: [
							{ name: 'Contains', value: 'contains', description: 'Text contains the value (ignoring case)' },
							{ name: 'Does Not Contain', value: 'notContains' },
							{ name: 'Ends With', value: 'endsWith' },
							{ name: 'Equals', value: 'equals' },
							{ name: 'Greater Than', value: 'greaterThan' },
							{ name: 'Greater Than or Equal', value: 'greaterOrEqual' },
							{ name: 'Is After', value: 'isAfter', description: 'Date is after the value (ISO 8601 date or date-time)' },
							{ name: 'Is Before', value: 'isBefore', description: 'Date is before the value (ISO 8601 date or date-time)' },
							{ name: 'Is Empty', value: 'isEmpty' },
							{ name: 'Is Not Empty', value: 'isNotEmpty' },
							{ name: 'Less Than', value: 'lessThan' },
							{ name: 'Less Than or Equal', value: 'lessOrEqual' },
							{ name: 'Not Equals', value: 'notEquals' },
							{ name: 'Starts With', value: 'startsWith' },
						],
						default: 'equals',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'The value to compare with. Quotes, backslashes and line breaks are safe.',
						displayOptions: { hide: { operator: ['isEmpty', 'isNotEmpty'] } },
					},
					{
						displayName: 'Value Type',
						name: 'valueType',
						type: 'options',
						options: [
							{
								name: 'Automatic',
								value: 'auto',
								description: 'A number for greater/less than when the value is numeric, text otherwise',
							},
							{ name: 'Text', value: 'string' },
							{ name: 'Number', value: 'number' },
							{ name: 'Boolean', value: 'boolean', description: 'For checkbox fields: true or false' },
						],
						default: 'auto',
						displayOptions: { hide: { operator: ['isEmpty', 'isNotEmpty', 'isAfter', 'isBefore'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Combine Conditions',
		name: 'combine',
		type: 'options',
		options: [
			{ name: 'AND', value: 'and', description: 'Records must match every condition' },
			{ name: 'OR', value: 'or', description: 'Records must match at least one condition' },
		],
		default: 'and',
		displayOptions: conditionsOnly,
	},
	{
		displayName: 'Formula',
		name: 'formula',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: "AND({Status} = 'Active', {Amount} > 100)",
		description:
			'An Airtable formula; records for which it is not 0, empty or an error are returned. Long formulas are sent by POST automatically.',
		displayOptions: { show: { filterMode: ['formula'] } },
	},
];

const notIncremental = { show: { incremental: [false] } };

export const readProperties: INodeProperties[] = [
	{
		displayName: 'Only Records Changed Since Last Run',
		name: 'incremental',
		type: 'boolean',
		default: false,
		description:
			'Whether to return only records created or modified since the last successful run of this workflow (kept in the workflow; manual test runs do not save it)',
	},
	{
		displayName: 'Modified Time Field Name or ID',
		name: 'modifiedField',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getLastModifiedTimeFields', loadOptionsDependsOn: fieldsDependOn },
		default: '',
		description:
			'A Last Modified Time field, or Any Field to use LAST_MODIFIED_TIME(). A field allows exact de-duplication at the boundary between runs. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { incremental: [true] } },
	},
	{
		displayName: 'First Run',
		name: 'firstRun',
		type: 'options',
		options: [
			{ name: 'Read All Records', value: 'all' },
			{ name: 'Read Records Changed Since a Date', value: 'since' },
		],
		default: 'all',
		description: 'What to read when there is no saved watermark yet',
		displayOptions: { show: { incremental: [true] } },
	},
	{
		displayName: 'Changed Since',
		name: 'firstRunSince',
		type: 'dateTime',
		default: '',
		description: 'On the first run, read records modified at or after this time (workflow time zone)',
		displayOptions: { show: { incremental: [true], firstRun: ['since'] } },
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: notIncremental,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { incremental: [false], returnAll: [false] } },
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'One Item per Record', value: 'record' },
			{
				name: 'One Item per Page',
				value: 'page',
				description: 'Each item holds up to 100 records ({ records, page }), for big tables',
			},
		],
		default: 'record',
	},
];

export const sortProperty: INodeProperties = {
	displayName: 'Sort',
	name: 'sort',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Sort Rule',
	default: {},
	options: [
		{
			displayName: 'Rule',
			name: 'rule',
			values: [
				{
					displayName: 'Field Name or ID',
					name: 'field',
					type: 'options',
					typeOptions: { loadOptionsMethod: 'getFields', loadOptionsDependsOn: fieldsDependOn },
					default: '',
					description:
						'Field to sort by. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				},
				{
					displayName: 'Direction',
					name: 'direction',
					type: 'options',
					options: [
						{ name: 'Ascending', value: 'asc' },
						{ name: 'Descending', value: 'desc' },
					],
					default: 'asc',
				},
			],
		},
	],
};

export const optionsProperty: INodeProperties = optionsCollection([
	{
		displayName: 'Cell Format',
		name: 'cellFormat',
		type: 'options',
		options: [
			{ name: 'JSON', value: 'json', description: 'Values as Airtable stores them (numbers, arrays, objects)' },
			{ name: 'String', value: 'string', description: 'Values as text, the way Airtable shows them' },
		],
		default: 'json',
	},
	downloadAttachmentsOption,
	{
		displayName: 'Fields to Return Names or IDs',
		name: 'fields',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getFields', loadOptionsDependsOn: fieldsDependOn },
		default: [],
		description:
			'Only these fields (all when empty). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Flatten Fields',
		name: 'flatten',
		type: 'boolean',
		default: false,
		description:
			'Whether to put the fields at the top level of each record, next to the record ID and created time, instead of under "fields"',
	},
	maxFileSizeOption,
	{
		displayName: 'Overlap (Seconds)',
		name: 'overlapSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		displayOptions: { show: { '/incremental': [true] } },
		description:
			'For changed-since-last-run: how far before the last run to look again, for clock differences and edits made while it was reading. Repeats are filtered out.',
	},
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100 },
		default: 100,
		description: 'Records per request (and per item in page output), at most 100',
	},
	timeBudgetOption,
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'Europe/Berlin',
		description: 'Time zone for dates in String cell format (required there); empty uses the workflow time zone',
		displayOptions: { show: { cellFormat: ['string'] } },
	},
	{
		...useFieldIdsOption,
	},
	{
		displayName: 'User Locale',
		name: 'userLocale',
		type: 'string',
		default: '',
		placeholder: 'en-gb',
		description: 'Locale for numbers and dates in String cell format (required there), e.g. en-us or de',
		displayOptions: { show: { cellFormat: ['string'] } },
	},
]);
