import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Fields, RecordUpdate } from '../../client/types';
import { mappedFieldsOf, mappedValueOf } from '../../shared/mapper';
import { recordIdOf, recordJson, type RecordsRun } from './context';

/** Create: every input item becomes one record; all items go out in requests of 10. */
export async function createRecords(ctx: IExecuteFunctions, run: RecordsRun): Promise<INodeExecutionData[]> {
	const payloads: Fields[] = [];
	const owners: number[] = [];
	for (let itemIndex = 0; itemIndex < run.itemCount; itemIndex++) {
		try {
			payloads.push(mappedFieldsOf(ctx, itemIndex, { ignoreFields: run.ignoreFields }).fields);
			owners.push(itemIndex);
		} catch (error) {
			run.outcomes.fail(itemIndex, error);
		}
	}
	run.outcomes.throwIfFailedBeforeSending();
	if (payloads.length) {
		const results = await run.table.createSettled(payloads, {
			typecast: run.typecast,
			returnFieldsByFieldId: run.useFieldIds,
		});
		run.outcomes.settle(results, owners, recordJson);
	}
	return run.outcomes.toOutput();
}

/** Update (PATCH) or Replace (PUT) the record each item names, 10 records per request. */
export async function updateRecords(
	ctx: IExecuteFunctions,
	run: RecordsRun,
	replace: boolean,
): Promise<INodeExecutionData[]> {
	const updates: RecordUpdate[] = [];
	const owners: number[] = [];
	for (let itemIndex = 0; itemIndex < run.itemCount; itemIndex++) {
		try {
			const id = recordIdOf(ctx, itemIndex, () => mappedValueOf(ctx, itemIndex, 'id'));
			// The record id travels outside the fields; an "id" key from auto-map is not a column.
			const { fields } = mappedFieldsOf(ctx, itemIndex, { ignoreFields: run.ignoreFields, exclude: ['id'] });
			updates.push({ id, fields });
			owners.push(itemIndex);
		} catch (error) {
			run.outcomes.fail(itemIndex, error);
		}
	}
	run.outcomes.throwIfFailedBeforeSending();
	if (updates.length) {
		const results = await run.table.updateSettled(updates, {
			typecast: run.typecast,
			returnFieldsByFieldId: run.useFieldIds,
			replace,
		});
		run.outcomes.settle(results, owners, recordJson);
	}
	return run.outcomes.toOutput();
}

/** Delete the record each item names, 10 ids per request. */
export async function deleteRecords(ctx: IExecuteFunctions, run: RecordsRun): Promise<INodeExecutionData[]> {
	const ids: string[] = [];
	const owners: number[] = [];
	for (let itemIndex = 0; itemIndex < run.itemCount; itemIndex++) {
		try {
			ids.push(recordIdOf(ctx, itemIndex));
			owners.push(itemIndex);
		} catch (error) {
			run.outcomes.fail(itemIndex, error);
		}
	}
	run.outcomes.throwIfFailedBeforeSending();
	if (ids.length) {
		const results = await run.table.deleteSettled(ids);
		run.outcomes.settle(results, owners, (deleted) => ({ id: deleted.id, deleted: deleted.deleted }));
	}
	return run.outcomes.toOutput();
}
