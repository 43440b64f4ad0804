/**
 * The Config Flags node's editor properties: the operations (Evaluate, Get All Flags, Route), flag
 * settings, options and outputs.
 */

import type { INodeProperties } from 'n8n-workflow';

import { operationProperty, optionsCollection, timeBudgetOption } from '../shared/editor/properties';

export const flagsOperationProperty = operationProperty(
	[
		{
			name: 'Evaluate',
			value: 'evaluate',
			description: 'Add whether the flag is on for each item (by its subject key) to the item',
			action: 'Evaluate a flag for each item',
		},
		{
			name: 'Get All Flags',
			value: 'getFlags',
			description: 'Output one item with every flag in the table',
			action: 'Get all flags',
		},
		{
			name: 'Route',
			value: 'route',
			description: 'Send items for which the flag is on to the On output, the others to Off',
			action: 'Route items by a flag',
		},
	],
	'evaluate',
);

const perItem = { show: { operation: ['evaluate', 'route'] } };

export const flagProperties: INodeProperties[] = [
	{
		displayName: 'Flag Name',
		name: 'flagName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'new_checkout',
		description: 'The flag to check, as written in the flag name column',
		displayOptions: perItem,
	},
	{
		displayName: 'Subject Key',
		name: 'subjectKey',
		type: 'string',
		default: '',
		placeholder: '={{ $json.userId }}',
		description:
			'Who the flag is checked for, e.g. a user or account ID. The same key always gets the same answer for a flag (until its rollout changes); needed when the rollout is between 0 and 100 %.',
		displayOptions: perItem,
	},
	{
		displayName: 'Put Result In Field',
		name: 'outputProperty',
		type: 'string',
		default: 'flag',
		required: true,
		description: 'Name of the field added to each item with the result: name, enabled, rolloutPct, bucket, metadata',
		displayOptions: perItem,
	},
	optionsCollection([
		{
			displayName: 'Cache Time (Seconds)',
			name: 'cacheTtl',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 60,
			description:
				'How long the flags table read stays cached for every execution in this n8n process. 0 reads the table once per execution.',
		},
		{
			displayName: 'Enabled Column',
			name: 'enabledColumn',
			type: 'string',
			default: 'enabled',
			description: 'Checkbox column telling whether the flag is on',
		},
		{
			displayName: 'Flag Name Column',
			name: 'flagNameColumn',
			type: 'string',
			default: 'flag_name',
			description: 'Column holding the flag name',
		},
		{
			displayName: 'Metadata Column',
			name: 'metadataColumn',
			type: 'string',
			default: 'metadata',
			description: 'Long text column holding JSON passed along with the flag (e.g. a variant or settings)',
		},
		{
			displayName: 'Rollout Column',
			name: 'rolloutColumn',
			type: 'string',
			default: 'rollout_pct',
			description:
				'Number column with the percentage (0–100) of subjects the flag is on for; empty means 100',
		},
		timeBudgetOption,
		{
			displayName: 'Unknown Flag',
			name: 'unknownFlag',
			type: 'options',
			options: [
				{ name: 'Treat as Off', value: 'off' },
				{ name: 'Error', value: 'error' },
			],
			default: 'off',
			description: 'What to do when the flag is not in the table',
			displayOptions: { show: { '/operation': ['evaluate', 'route'] } },
		},
	]),
];

/** Route has two outputs; the other operations one. n8n evaluates this for the canvas. */
export const outputsExpression =
	'={{ $parameter["operation"] === "route" ? [{ "type": "main", "displayName": "On" }, { "type": "main", "displayName": "Off" }] : [{ "type": "main" }] }}' as const;
