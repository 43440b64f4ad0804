/**
 * What Update (PATCH) and Replace (PUT) share: writing the mapped fields into the record each item
 * names.
 */

import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AirtableRecord, RecordUpdate } from '../../client/types';
import { mappedFieldsOf, mappedValueOf } from '../../shared/execution/mapper';
import { recordIdOf } from './recordId';
import { recordJson } from './recordJson';
import { writeRecords } from './writeRecords';

/** Update (PATCH) or Replace (PUT) the record each item names; shared by both operations. */
export async function updateRecords(ctx: IExecuteFunctions, replace: boolean): Promise<INodeExecutionData[]> {
	return await writeRecords<RecordUpdate, AirtableRecord>(ctx, {
		operation: replace ? 'replace' : 'update',
		verb: replace ? 'replaced' : 'updated',
		payloadOf: (context, itemIndex, ignoreFields) => {
			const id = recordIdOf(context, itemIndex, () => mappedValueOf(context, itemIndex, 'id'));
			// The record id travels outside the fields; an "id" key from auto-map is not a column.
			const { fields } = mappedFieldsOf(context, itemIndex, { ignoreFields, exclude: ['id'] });
			return { id, fields };
		},
		fieldsOf: (update) => update.fields,
		send: async (table, updates, flags) => await table.updateSettled(updates, { ...flags, replace }),
		toJson: recordJson,
		idOf: (record) => record.id,
	});
}
