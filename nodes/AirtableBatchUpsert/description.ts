/**
 * The Batch Upsert node's own editor properties: merge-field mapper, skip unchanged, delete
 * missing and its cap, options.
 */

import type { INodeProperties } from 'n8n-workflow';

import {
	fieldsMapperProperty,
	ignoreFieldsOption,
	timeBudgetOption,
	typecastOption,
	useFieldIdsOption,
} from '../shared/editor/properties';

export const columnsProperty: INodeProperties = fieldsMapperProperty({
	resourceMapperMethod: 'getColumnsForUpsert',
	mode: 'upsert',
	multiKeyMatch: true,
	matchingFieldsLabels: {
		title: 'Merge Fields',
		description:
			'The 1 to 3 fields whose values identify a record: an item updates the record with the same values, or creates one',
	},
});

export const skipUnchangedProperty: INodeProperties = {
	displayName: 'Skip Unchanged',
	name: 'skipUnchanged',
	type: 'boolean',
	default: false,
	description:
		'Whether to read the records of the input\'s merge keys first (about one request per 100 input items, sent in parallel, whatever the size of the table) and write only items whose mapped fields differ; unchanged items cost no write request',
};

export const deleteMissingProperty: INodeProperties = {
	displayName: 'Delete Records Missing From Input',
	name: 'deleteMissing',
	type: 'boolean',
	default: false,
	description:
		'Whether to delete, after the upsert, every record of the table whose merge key is in none of the input items, so the table mirrors the input. Reads the merge fields of the whole table (one request per 100 records). Refused when the input has no valid items.',
	// An AI tool call carries one item: every other record would count as missing.
	displayOptions: { hide: { '@tool': [true] } },
};

export const maxDeletionsProperty: INodeProperties = {
	displayName: 'Max Deletions',
	name: 'maxDeletions',
	type: 'number',
	default: 100,
	typeOptions: { minValue: 0 },
	description:
		'Safety cap: when more records than this would be deleted, nothing is deleted and the node fails. 0 means no limit.',
	displayOptions: { show: { deleteMissing: [true] } },
};

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		ignoreFieldsOption,
		{
			displayName: 'On Duplicate Keys',
			name: 'onDuplicateKeys',
			type: 'options',
			default: 'lastWins',
			description: 'What to do when several input items have the same merge key',
			options: [
				{
					name: 'Last Wins',
					value: 'lastWins',
					description: 'Write the last item with the key; the earlier ones are output as duplicates',
				},
				{
					name: 'First Wins',
					value: 'firstWins',
					description: 'Write the first item with the key; the later ones are output as duplicates',
				},
				{
					name: 'Error',
					value: 'error',
					description: 'Fail every item that shares its key with another item',
				},
			],
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'records',
			options: [
				{
					name: 'Record per Item',
					value: 'records',
					description: 'One item per input item: record ID, status (created, updated, unchanged, duplicate) and fields',
				},
				{
					name: 'Summary',
					value: 'summary',
					description: 'One item with the counts, deleted record IDs, request count and duration',
				},
			],
		},
		{
			displayName: 'Replace Unmapped Fields (PUT)',
			name: 'replace',
			type: 'boolean',
			default: false,
			description:
				'Whether matched records are replaced instead of updated: every field not mapped here is CLEARED on each matched record. Only use it when the mapping covers every field you want to keep.',
		},
		timeBudgetOption,
		typecastOption,
		useFieldIdsOption,
	],
};
