import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { listSearch, loadOptions, resourceMapping } from '../shared/methods';
import { authenticationProperty, baseLocator, credentialsDescription, tableLocator } from '../shared/properties';
import { flagProperties, operationProperty, outputsExpression } from './description';
import { executeConfigFlags } from './execute';

export class AirtableConfigFlags implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Airtable Config Flags',
		name: 'airtableConfigFlags',
		icon: { light: 'file:airtableConfigFlags.svg', dark: 'file:airtableConfigFlags.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "getFlags" ? "Get all flags" : $parameter["operation"] + ": " + $parameter["flagName"] }}',
		description: 'Feature flags kept in an Airtable table: cached reads, stable percentage rollouts, routing by flag',
		defaults: { name: 'Airtable Config Flags' },
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsExpression,
		usableAsTool: true,
		credentials: credentialsDescription,
		properties: [
			authenticationProperty,
			{ ...baseLocator, description: 'The base holding the flags table' },
			{ ...tableLocator, description: 'The flags table: one row per flag' },
			operationProperty,
			...flagProperties,
		],
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeConfigFlags.call(this);
	}
}
