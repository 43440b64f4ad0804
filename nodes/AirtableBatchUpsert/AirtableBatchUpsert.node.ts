/**
 * The Batch Upsert node's type: its description (editor properties) and an execute that hands the
 * items to the sync in sync.ts.
 */

import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { attachmentsToUploadProperty } from '../shared/attachments/attachmentProperties';
import { toNodeError } from '../shared/execution/items';
import { listSearch, loadOptions, resourceMapping } from '../shared/editor/methods';
import {
	authenticationProperty,
	baseLocator,
	credentialsDescription,
	tableLocator,
} from '../shared/editor/properties';
import { rejectUnknownToolArguments } from '../shared/tools/toolArguments';
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
