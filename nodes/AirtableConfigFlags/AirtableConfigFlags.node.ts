/**
 * The Config Flags node's type: its description (flags table, operation, outputs) and an execute
 * that hands off to execute.ts.
 */

import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { listSearch, loadOptions, resourceMapping } from '../shared/editor/methods';
import { actionNodeBase } from '../shared/editor/nodeDescription';
import { authenticationProperty, baseLocator, tableLocator } from '../shared/editor/properties';
import { flagProperties, flagsOperationProperty, outputsExpression } from './description';
import { executeConfigFlags } from './execute';

export class AirtableConfigFlags implements INodeType {
	description: INodeTypeDescription = {
		...actionNodeBase,
		displayName: 'Airtable Config Flags',
		name: 'airtableConfigFlags',
		icon: { light: 'file:airtableConfigFlags.svg', dark: 'file:airtableConfigFlags.dark.svg' },
		group: ['transform'],
		subtitle: '={{ $parameter["operation"] === "getFlags" ? "Get all flags" : $parameter["operation"] + ": " + $parameter["flagName"] }}',
		description: 'Feature flags kept in an Airtable table: cached reads, stable percentage rollouts, routing by flag',
		defaults: { name: 'Airtable Config Flags' },
		outputs: outputsExpression,
		usableAsTool: true,
		properties: [
			authenticationProperty,
			{ ...baseLocator, description: 'The base holding the flags table' },
			{ ...tableLocator, description: 'The flags table: one row per flag' },
			flagsOperationProperty,
			...flagProperties,
		],
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeConfigFlags.call(this);
	}
}
