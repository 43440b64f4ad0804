import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AirtableError } from '../client/errors';
import type { ItemOutcomes } from '../shared/outcomes';
import type { MirrorResult } from './mirror';
import type { SyncCounts } from './sync';

/** Failed items listed in the summary; the count is always complete. */
const MAX_LISTED_ERRORS = 100;

export interface SummaryInput {
	counts: SyncCounts;
	outcomes: ItemOutcomes;
	mirror?: MirrorResult;
	requests: number;
	durationMs: number;
}

/** The one item of "Output: Summary", paired with every input item. */
export function summaryItem(itemCount: number, input: SummaryInput): INodeExecutionData {
	const failures = input.outcomes.failedItems();
	const json: IDataObject = {
		...input.counts,
		failed: failures.length,
		deleted: input.mirror?.deleted.length ?? 0,
		deletedIds: (input.mirror?.deleted ?? []).map((record) => record.id),
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
	if (input.mirror?.skipped) json.deleteSkipped = input.mirror.skipped;
	if (input.mirror?.errors.length) json.deleteErrors = input.mirror.errors;
	return { json, pairedItem: Array.from({ length: itemCount }, (_, item) => ({ item })) };
}
