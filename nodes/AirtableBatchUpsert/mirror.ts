import { type IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import type { TableHandle } from '../client/records';
import type { AirtableRecord } from '../client/types';
import { toNodeError } from '../shared/items';
import { mergeKeyOf } from './keys';
import type { UpsertSettings } from './sync';

export interface MirrorResult {
	deleted: AirtableRecord[];
	/** Why nothing was deleted, when the mirror step was skipped. */
	skipped?: string;
	errors: Array<{ id: string; message: string }>;
}

export interface MirrorInput {
	/** The table's records as read before the upsert. */
	existing: AirtableRecord[];
	/** Merge keys of every input item with a valid key (winners, duplicates and conflicts). */
	inputKeys: Set<string>;
	/** Records the run wrote or found unchanged: never deleted, whatever their key looks like. */
	keepIds: Set<string>;
	settings: UpsertSettings;
	failedItems: number;
}

/**
 * "Delete Records Missing From Input": deletes the records whose merge key no input item has.
 * Runs only after a clean upsert (a failed item might be the one that keeps a record), and
 * stops before deleting anything when more records would go than "Max Deletions" allows.
 */
export async function deleteMissingRecords(
	ctx: IExecuteFunctions,
	table: TableHandle,
	input: MirrorInput,
): Promise<MirrorResult> {
	const { settings } = input;
	if (input.failedItems > 0) {
		return {
			deleted: [],
			errors: [],
			skipped: `${input.failedItems} item(s) failed, so no record was deleted: a failed item may be the one that should keep a record`,
		};
	}
	const doomed = input.existing.filter(
		(record) =>
			!input.keepIds.has(record.id) &&
			!input.inputKeys.has(mergeKeyOf(record.fields, settings.mergeFields, settings.columnTypes)),
	);
	if (settings.maxDeletions > 0 && doomed.length > settings.maxDeletions) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${doomed.length} records are missing from the input and would be deleted, more than Max Deletions ` +
				`(${settings.maxDeletions}). Nothing was deleted (the upsert itself was done). Check the input, or raise ` +
				'Max Deletions (0 = no limit) if that many deletions are intended.',
		);
	}
	if (!doomed.length) return { deleted: [], errors: [] };

	const results = await table.deleteSettled(doomed.map((record) => record.id));
	const deleted: AirtableRecord[] = [];
	const errors: MirrorResult['errors'] = [];
	for (const result of results) {
		const record = doomed[result.index];
		if (result.ok) deleted.push(record);
		else errors.push({ id: record.id, message: result.error.message });
	}
	if (errors.length && !ctx.continueOnFail()) {
		const failure = results.find((result) => !result.ok);
		throw toNodeError(ctx.getNode(), failure && !failure.ok ? failure.error : new Error(errors[0].message));
	}
	return { deleted, errors };
}
