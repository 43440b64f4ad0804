/**
 * The Records node's Create operation: its properties and its execute, which hands the items to
 * the shared write loop.
 */

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { AirtableRecord, Fields } from '../../client/types';
import { mappedFieldsOf } from '../../shared/execution/mapper';
import { fieldsMapperProperty } from '../../shared/editor/properties';
import { recordJson } from './recordJson';
import { writeRecords } from './writeRecords';

export const properties: INodeProperties[] = [
	fieldsMapperProperty(
		{ resourceMapperMethod: 'getColumnsForCreate', mode: 'add' },
		{ displayOptions: { show: { operation: ['create'] } } },
	),
];

/** Create: every input item becomes one record. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await writeRecords<Fields, AirtableRecord>(ctx, {
		operation: 'create',
		verb: 'created',
		payloadOf: (context, itemIndex, ignoreFields) => mappedFieldsOf(context, itemIndex, { ignoreFields }).fields,
		fieldsOf: (fields) => fields,
		send: async (table, fieldsList, flags) => await table.createSettled(fieldsList, flags),
		toJson: recordJson,
		idOf: (record) => record.id,
	});
}
