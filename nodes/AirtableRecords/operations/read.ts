import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { AirtableError } from '../../client/errors';
import { formulaValue, or } from '../../client/formula';
import type { AirtableRecord } from '../../client/types';
import { forItem } from '../../shared/outcomes';
import { recordIdOf, recordJson, type RecordsRun } from './context';

/**
 * Ids per list request of Get Many by IDs: one page of at most 100 records, and a formula of
 * ~3 KB (the client switches to POST by itself if a URL would still grow too long).
 */
export const IDS_PER_LIST_REQUEST = 100;

/** Get: one GET per item (the throttle paces them); a missing record fails its item alone. */
export async function getRecords(ctx: IExecuteFunctions, run: RecordsRun): Promise<INodeExecutionData[]> {
	const requests: Array<Promise<void>> = [];
	for (let itemIndex = 0; itemIndex < run.itemCount; itemIndex++) {
		let id: string;
		try {
			id = recordIdOf(ctx, itemIndex);
		} catch (error) {
			run.outcomes.fail(itemIndex, error);
			continue;
		}
		requests.push(
			run.table
				.get(id, { returnFieldsByFieldId: run.useFieldIds })
				.then((record) => run.outcomes.succeed(itemIndex, recordJson(record)))
				.catch((error: unknown) => run.outcomes.fail(itemIndex, forItem(error, itemIndex))),
		);
	}
	await Promise.all(requests);
	return run.outcomes.toOutput();
}

/** RECORD_ID() = 'recA' OR … for one chunk of ids, built with the client's escaping helpers. */
export function recordIdFormula(ids: string[]): string {
	return or(...ids.map((id) => `RECORD_ID() = ${formulaValue(id)}`));
}

function notFound(id: string, itemIndex: number): AirtableError {
	return new AirtableError(
		'configuration-invalid',
		`Item ${itemIndex}: record ${id} was not found in the table (it does not exist, was deleted, or belongs to another table)`,
		{ itemIndexes: [itemIndex] },
	);
}

/**
 * Get Many by IDs: the items' ids are fetched 100 at a time through a RECORD_ID() formula
 * instead of one GET per item; every item still gets its own record (or its own error).
 */
export async function getRecordsByIds(ctx: IExecuteFunctions, run: RecordsRun): Promise<INodeExecutionData[]> {
	const idByItem = new Map<number, string>();
	for (let itemIndex = 0; itemIndex < run.itemCount; itemIndex++) {
		try {
			idByItem.set(itemIndex, recordIdOf(ctx, itemIndex));
		} catch (error) {
			run.outcomes.fail(itemIndex, error);
		}
	}
	run.outcomes.throwIfFailedBeforeSending();

	const uniqueIds = [...new Set(idByItem.values())];
	const found = new Map<string, AirtableRecord>();
	const failedIds = new Map<string, unknown>();
	const chunks: string[][] = [];
	for (let start = 0; start < uniqueIds.length; start += IDS_PER_LIST_REQUEST) {
		chunks.push(uniqueIds.slice(start, start + IDS_PER_LIST_REQUEST));
	}
	await Promise.all(
		chunks.map(async (ids) => {
			try {
				const records = await run.table
					.list({ filterByFormula: recordIdFormula(ids), returnFieldsByFieldId: run.useFieldIds })
					.all();
				for (const record of records) found.set(record.id, record);
			} catch (error) {
				for (const id of ids) failedIds.set(id, error);
			}
		}),
	);

	for (const [itemIndex, id] of idByItem) {
		const record = found.get(id);
		if (record) run.outcomes.succeed(itemIndex, recordJson(record));
		else if (failedIds.has(id)) run.outcomes.fail(itemIndex, forItem(failedIds.get(id), itemIndex));
		else run.outcomes.fail(itemIndex, notFound(id, itemIndex));
	}
	return run.outcomes.toOutput();
}
