/** Airtable Base: list bases, read a base's schema, describe a table, create tables and fields, update fields. */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { toNodeError } from '../shared/execution/items';
import { listSearch } from '../shared/editor/methods';
import { actionNodeBase } from '../shared/editor/nodeDescription';
import { authenticationProperty, baseLocator, tableLocator } from '../shared/editor/properties';
import { rejectUnknownToolArguments } from '../shared/tools/toolArguments';
import { baseOperationProperty, TABLE_OPERATIONS } from './actions/operation';
import { operationProperties, route } from './actions/router';
import { baseToolDescriptions } from './toolDescriptions';

export class AirtableBase implements INodeType {
	description: INodeTypeDescription = {
		...actionNodeBase,
		displayName: 'Airtable Base',
		name: 'airtableBase',
		icon: { light: 'file:airtableBase.svg', dark: 'file:airtableBase.dark.svg' },
		group: ['transform'],
		subtitle: '={{ $parameter["operation"] }}',
		description: "List bases, read and describe a base's schema, create tables and fields, update fields",
		defaults: { name: 'Airtable Base' },
		usableAsTool: true,
		properties: [
			authenticationProperty,
			baseOperationProperty,
			{ ...baseLocator, displayOptions: { hide: { operation: ['listBases'] } } },
			{ ...tableLocator, displayOptions: { show: { operation: TABLE_OPERATIONS } } },
			...operationProperties,
			...baseToolDescriptions,
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
