/**
 * The single item of Batch Upsert's "Output: Summary" mode: counts, deletions and failed items of
 * the whole run.
 */

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AirtableError } from '../client/errors';
import type { SyncResult } from '../client/sync/sync';
import type { ItemOutcomes } from '../shared/execution/outcomes';

/** Failed items listed in the summary; the count is always complete. */
const MAX_LISTED_ERRORS = 100;

export interface SummaryInput {
	/** One sync per group of items (base, table, options). */
	results: SyncResult[];
	outcomes: ItemOutcomes;
	requests: number;
	durationMs: number;
}

/** The one item of "Output: Summary", paired with every input item. */
export function summaryItem(itemCount: number, input: SummaryInput): INodeExecutionData {
	const { results } = input;
	const total = (count: (result: SyncResult) => number) => results.reduce((sum, result) => sum + count(result), 0);
	const failures = input.outcomes.failedItems();
	const deleted = results.flatMap((result) => result.deleted);
	const json: IDataObject = {
		created: total((result) => result.counts.created),
		updated: total((result) => result.counts.updated),
		unchanged: total((result) => result.counts.unchanged),
		duplicates: total((result) => result.counts.duplicates),
		failed: failures.length,
		deleted: deleted.length,
		deletedIds: deleted.map((record) => record.id),
		requests: input.requests,
		durationMs: input.durationMs,
	};
	if (failures.length) {
		json.errors = failures.slice(0, MAX_LISTED_ERRORS).map(([itemIndex, error]) => ({
			itemIndex,
			message: error instanceof Error ? error.message : String(error),
			field: error instanceof AirtableError ? (error.field ?? null) : null,
		}));
	}
	const skipped = results.map((result) => result.deleteSkipped).filter(Boolean);
	if (skipped.length) json.deleteSkipped = skipped.join('; ');
	const deleteErrors = results.flatMap((result) => result.deleteErrors);
	if (deleteErrors.length) json.deleteErrors = deleteErrors.map(({ id, error }) => ({ id, message: error.message }));
	return { json, pairedItem: Array.from({ length: itemCount }, (_, item) => ({ item })) };
}
