/**
 * The Instant Trigger's editor properties: setup notice, scope, events, watched fields, included
 * field values and options.
 */

import type { INodeProperties } from 'n8n-workflow';

import { downloadAttachmentsOption, maxFileSizeOption } from '../shared/attachments/attachmentProperties';
import { useFieldIdsOption, viewLocator } from '../shared/editor/properties';

export const setupNotice: INodeProperties = {
	displayName:
		'Airtable must be able to reach this n8n instance: set N8N_WEBHOOK_URL (WEBHOOK_URL before n8n 2.x) to its public https address. The token needs the scopes webhook:manage, data.records:read and schema.bases:read.',
	name: 'setupNotice',
	type: 'notice',
	default: '',
};

export const viewScopeProperty: INodeProperties = {
	...viewLocator,
	displayName: 'Only Records in View',
	description:
		'Optional. Only changes to records in this view count: a record entering the view arrives as created, leaving it as deleted. Form and list views cannot be used.',
};

export const eventsProperty: INodeProperties = {
	displayName: 'Trigger On',
	name: 'events',
	type: 'multiOptions',
	options: [
		{ name: 'Record Created', value: 'created', description: 'A record was added (or entered the view)' },
		{ name: 'Record Updated', value: 'updated', description: 'A cell of a record changed' },
		{ name: 'Record Deleted', value: 'deleted', description: 'A record was deleted (or left the view)' },
	],
	default: ['created', 'updated', 'deleted'],
	required: true,
	description: 'Which record changes start the workflow',
};

export const watchFieldsProperty: INodeProperties = {
	displayName: 'Watched Field Names or IDs',
	name: 'watchFields',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getFieldIds', loadOptionsDependsOn: ['base.value', 'table.value'] },
	default: [],
	description:
		'Optional. Only changes to these fields start the workflow; empty means any field. Careful: if one of these fields is deleted in Airtable, Airtable stops the webhook and the node re-creates it. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

export const fieldValuesProperty: INodeProperties = {
	displayName: 'Field Values in Output',
	name: 'fieldValues',
	type: 'options',
	options: [
		{
			name: 'All Fields',
			value: 'all',
			description: 'Every field of the changed record, changed or not',
		},
		{
			name: 'Changed Fields Only',
			value: 'changed',
			description: 'Only the fields that changed (smaller payloads)',
		},
	],
	default: 'all',
	description: 'Which field values each item carries in "fields"',
};

export const SOURCE_OPTIONS = [
	{ name: 'Automation', value: 'automation', description: 'An Airtable automation action' },
	{ name: 'Anonymous User', value: 'anonymousUser', description: 'Someone not signed in, e.g. via a shared view' },
	{ name: 'API', value: 'publicApi', description: 'The REST API (integrations, scripts, n8n itself)' },
	{ name: 'Form', value: 'formSubmission', description: 'A form view submission' },
	{ name: 'Interface Form', value: 'formPageSubmission', description: 'An interface form or record-creation page' },
	{ name: 'Sync', value: 'sync', description: 'Airtable Sync from another base or service' },
	{ name: 'System', value: 'system', description: 'Airtable itself, e.g. a time-dependent formula' },
	{ name: 'User Interface', value: 'client', description: 'A person in the web or mobile app' },
	{ name: 'Unknown', value: 'unknown', description: 'Changes whose source Airtable cannot tell' },
];

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		downloadAttachmentsOption,
		{
			displayName: 'Ignore Changes From Sources',
			name: 'ignoreSources',
			type: 'multiOptions',
			options: SOURCE_OPTIONS,
			default: [],
			description:
				'Changes made this way start nothing (dropped in n8n, counted in the metrics). Unlike Only From Sources, combines with the user options below.',
		},
		{
			displayName: 'Ignore Changes Made by This Credential',
			name: 'ignoreOwnChanges',
			type: 'boolean',
			default: false,
			description:
				"Whether changes this credential's user made through the API start nothing: the workflow's own writes to this table (no loop in a two-way sync). The same user's edits in the app and other integrations' API changes still count.",
		},
		{
			displayName: 'Ignore Changes Made by Users',
			name: 'ignoreUsers',
			type: 'string',
			default: '',
			placeholder: 'e.g. usrXXXXXXXXXXXXXX, bot@example.com',
			description: 'Comma-separated user IDs (usr…) or emails whose changes, from any source, start nothing',
		},
		{
			displayName: 'Include Previous Values',
			name: 'includePreviousValues',
			type: 'boolean',
			default: false,
			description: 'Whether updated records also carry the values their changed fields had before, in "previousFields"',
		},
		{
			displayName: 'Include Schema Changes',
			name: 'includeSchemaChanges',
			type: 'boolean',
			default: false,
			description:
				'Whether fields created, renamed, retyped or deleted (and table renames) also start the workflow, as items with event field.created / field.changed / field.deleted / table.changed',
		},
		maxFileSizeOption,
		{
			displayName: 'Only From Sources',
			name: 'sources',
			type: 'multiOptions',
			options: SOURCE_OPTIONS,
			default: [],
			description: 'Only changes made this way count; empty means every source',
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			options: [
				{
					name: 'One Item per Record Change',
					value: 'records',
					description: 'Created, updated and deleted records as separate items, values in the REST API shape',
				},
				{
					name: 'One Item per Webhook Payload (Raw)',
					value: 'payloads',
					description: 'What Airtable sent, unchanged, for advanced processing',
				},
			],
			default: 'records',
		},
		useFieldIdsOption,
	],
};
