/**
 * The List node's type: its description (base, table, view, filter, sort, options) and an execute
 * that hands off to execute.ts.
 */

import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { listSearch, resourceMapping } from '../shared/editor/methods';
import { actionNodeBase } from '../shared/editor/nodeDescription';
import { authenticationProperty, baseLocator, tableLocator, viewLocator } from '../shared/editor/properties';
import { rejectUnknownToolArguments } from '../shared/tools/toolArguments';
import { filterProperties, optionsProperty, readProperties, sortProperty } from './description';
import { executeList } from './execute';
import { loadOptions } from './methods';
import { listToolDescription } from './toolDescription';

export class AirtableList implements INodeType {
	description: INodeTypeDescription = {
		...actionNodeBase,
		displayName: 'Airtable List',
		name: 'airtableList',
		icon: { light: 'file:airtableList.svg', dark: 'file:airtableList.dark.svg' },
		group: ['input'],
		subtitle: '={{ $parameter["incremental"] ? "Changed since last run" : "List records" }}',
		description: 'Read Airtable records with safe filters, sorting, paging and changed-since-last-run',
		defaults: { name: 'Airtable List' },
		usableAsTool: true,
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
