import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { attachmentsToUploadProperty } from '../shared/attachmentProperties';
import { toNodeError } from '../shared/items';
import { listSearch, loadOptions, resourceMapping } from '../shared/methods';
import { authenticationProperty, baseLocator, credentialsDescription, tableLocator } from '../shared/properties';
import { rejectUnknownToolArguments } from '../shared/toolArguments';
import {
	columnsProperty,
	deleteMissingProperty,
	maxDeletionsProperty,
	optionsProperty,
	skipUnchangedProperty,
} from './description';
import { executeUpsert } from './sync';
import { upsertToolDescription } from './toolDescription';

export class AirtableBatchUpsert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Airtable Batch Upsert',
		name: 'airtableBatchUpsert',
		icon: { light: 'file:airtableBatchUpsert.svg', dark: 'file:airtableBatchUpsert.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ "Upsert into " + ($parameter["table"].cachedResultName || $parameter["table"].value || "table") }}',
		description: 'Sync many items into an Airtable table by merge key: create or update in requests of 10',
		defaults: { name: 'Airtable Batch Upsert' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: credentialsDescription,
		properties: [
			authenticationProperty,
			baseLocator,
			tableLocator,
			columnsProperty,
			attachmentsToUploadProperty,
			skipUnchangedProperty,
			deleteMissingProperty,
			maxDeletionsProperty,
			optionsProperty,
			upsertToolDescription,
		],
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			rejectUnknownToolArguments(this);
			return [await executeUpsert(this)];
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}
