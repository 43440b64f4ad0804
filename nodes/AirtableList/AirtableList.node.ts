import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { listSearch, resourceMapping } from '../shared/methods';
import {
	authenticationProperty,
	baseLocator,
	credentialsDescription,
	tableLocator,
	viewLocator,
} from '../shared/properties';
import { rejectUnknownToolArguments } from '../shared/toolArguments';
import { filterProperties, optionsProperty, readProperties, sortProperty } from './description';
import { executeList } from './execute';
import { loadOptions } from './methods';
import { listToolDescription } from './toolDescription';

export class AirtableList implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Airtable List',
		name: 'airtableList',
		icon: { light: 'file:airtableList.svg', dark: 'file:airtableList.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{ $parameter["incremental"] ? "Changed since last run" : "List records" }}',
		description: 'Read Airtable records with safe filters, sorting, paging and changed-since-last-run',
		defaults: { name: 'Airtable List' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: credentialsDescription,
		properties: [
			authenticationProperty,
			baseLocator,
			tableLocator,
			{ ...viewLocator, description: 'Only records visible in this view, in its order unless Sort is set (optional)' },
			...filterProperties,
			sortProperty,
			...readProperties,
			optionsProperty,
			listToolDescription,
		],
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		rejectUnknownToolArguments(this);
		return await executeList.call(this);
	}
}
