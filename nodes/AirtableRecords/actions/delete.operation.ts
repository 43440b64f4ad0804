/**
 * The Records node's Delete operation: its (empty) properties and its execute, deleting the record
 * each item names.
 */

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { DeletedRecord } from '../../client/types';
import { recordIdOf } from './recordId';
import { writeRecords } from './writeRecords';

export const properties: INodeProperties[] = [];

/** Delete the record each item names, 10 ids per request. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await writeRecords<string, DeletedRecord>(ctx, {
		operation: 'delete',
		verb: 'deleted',
		payloadOf: (context, itemIndex) => recordIdOf(context, itemIndex),
		send: async (table, ids) => await table.deleteSettled(ids),
		toJson: (deleted) => ({ id: deleted.id, deleted: deleted.deleted }),
		idOf: (deleted) => deleted.id,
	});
}
