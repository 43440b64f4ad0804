/**
 * The Records node's type: its description (operation, record id, per-operation properties) and an
 * execute that routes to the operation.
 */

import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { toNodeError } from '../shared/execution/items';
import { listSearch, loadOptions, resourceMapping } from '../shared/editor/methods';
import { actionNodeBase } from '../shared/editor/nodeDescription';
import { authenticationProperty, baseLocator, tableLocator } from '../shared/editor/properties';
import { rejectUnknownToolArguments } from '../shared/tools/toolArguments';
import { recordsAttachmentsProperty } from './actions/attachments';
import { recordsOperationProperty } from './actions/operation';
import { recordsOptionsProperty } from './actions/options';
import { recordIdProperty } from './actions/recordId';
import { operationProperties, route } from './actions/router';
import { recordsToolDescriptions } from './toolDescriptions';

export class AirtableRecords implements INodeType {
	description: INodeTypeDescription = {
		...actionNodeBase,
		displayName: 'Airtable Records',
		name: 'airtableRecords',
		icon: { light: 'file:airtableRecords.svg', dark: 'file:airtableRecords.dark.svg' },
		group: ['transform'],
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Create, get, update, replace and delete Airtable records, batched across input items',
		defaults: { name: 'Airtable Records' },
		usableAsTool: true,
		properties: [
			authenticationProperty,
			baseLocator,
			tableLocator,
			recordsOperationProperty,
			recordIdProperty,
			...operationProperties,
			recordsAttachmentsProperty,
			recordsOptionsProperty,
			...recordsToolDescriptions,
		],
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			rejectUnknownToolArguments(this);
			return [await route(this)];
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}
