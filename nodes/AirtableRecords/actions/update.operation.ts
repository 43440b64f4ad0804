/**
 * The Records node's Update operation: its properties and its execute, which hands the items to
 * the shared write loop.
 */

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fieldsMapperProperty } from '../../shared/editor/properties';
import { updateRecords } from './updateRecords';

export const properties: INodeProperties[] = [
	// Replace maps its fields the same way (the record ID is the match key), so it shares this one.
	fieldsMapperProperty(
		{ resourceMapperMethod: 'getColumnsForUpdate', mode: 'update' },
		{ displayOptions: { show: { operation: ['update', 'replace'] } } },
	),
];

/** Update: change the mapped fields (PATCH); other fields stay as they are. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await updateRecords(ctx, false);
}
