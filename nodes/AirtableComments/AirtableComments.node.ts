/** Airtable Comments: list, add (with mentions and threaded replies), edit and delete record comments. */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { toNodeError } from '../shared/execution/items';
import { listSearch } from '../shared/editor/methods';
import { actionNodeBase } from '../shared/editor/nodeDescription';
import { authenticationProperty, baseLocator, tableLocator } from '../shared/editor/properties';
import { rejectUnknownToolArguments } from '../shared/tools/toolArguments';
import { commentsOperationProperty } from './actions/operation';
import { recordIdProperty } from './actions/parameters';
import { operationProperties, route } from './actions/router';
import { commentsToolDescriptions } from './toolDescriptions';

export class AirtableComments implements INodeType {
	description: INodeTypeDescription = {
		...actionNodeBase,
		displayName: 'Airtable Comments',
		name: 'airtableComments',
		icon: { light: 'file:airtableComments.svg', dark: 'file:airtableComments.dark.svg' },
		group: ['transform'],
		subtitle: '={{ $parameter["operation"] }}',
		description: 'List, add, edit and delete comments on Airtable records, with mentions',
		defaults: { name: 'Airtable Comments' },
		usableAsTool: true,
		properties: [
			authenticationProperty,
			baseLocator,
			tableLocator,
			commentsOperationProperty,
			recordIdProperty,
			...operationProperties,
			...commentsToolDescriptions,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			rejectUnknownToolArguments(this);
			return [await route(this)];
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}
