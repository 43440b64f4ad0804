import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AirtableError } from '../client/errors';
import type { SyncResult } from '../client/sync';
import type { ItemOutcomes } from '../shared/outcomes';

/** Failed items listed in the summary; the count is always complete. */
const MAX_LISTED_ERRORS = 100;

export interface SummaryInput {
	result: SyncResult;
	outcomes: ItemOutcomes;
	requests: number;
	durationMs: number;
}

/** The one item of "Output: Summary", paired with every input item. */
export function summaryItem(itemCount: number, input: SummaryInput): INodeExecutionData {
	const { result } = input;
	const failures = input.outcomes.failedItems();
	const json: IDataObject = {
		created: result.counts.created,
		updated: result.counts.updated,
		unchanged: result.counts.unchanged,
		duplicates: result.counts.duplicates,
		failed: failures.length,
		deleted: result.deleted.length,
		deletedIds: result.deleted.map((record) => record.id),
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
	if (result.deleteSkipped) json.deleteSkipped = result.deleteSkipped;
	if (result.deleteErrors.length) {
		json.deleteErrors = result.deleteErrors.map(({ id, error }) => ({ id, message: error.message }));
	}
	return { json, pairedItem: Array.from({ length: itemCount }, (_, item) => ({ item })) };
}
