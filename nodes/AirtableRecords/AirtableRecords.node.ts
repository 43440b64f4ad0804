import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { toNodeError } from '../shared/items';
import { listSearch, loadOptions, resourceMapping } from '../shared/methods';
import { authenticationProperty, baseLocator, credentialsDescription, tableLocator } from '../shared/properties';
import {
	createColumnsProperty,
	operationProperty,
	optionsProperty,
	recordIdProperty,
	replaceNotice,
	updateColumnsProperty,
} from './description';
import { executeRecords } from './operations';

export class AirtableRecords implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Airtable Records',
		name: 'airtableRecords',
		icon: { light: 'file:airtableRecords.svg', dark: 'file:airtableRecords.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Create, get, update, replace and delete Airtable records, batched across input items',
		defaults: { name: 'Airtable Records' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: credentialsDescription,
		properties: [
			authenticationProperty,
			baseLocator,
			tableLocator,
			operationProperty,
			recordIdProperty,
			replaceNotice,
			createColumnsProperty,
			updateColumnsProperty,
			optionsProperty,
		],
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			return [await executeRecords(this)];
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}
