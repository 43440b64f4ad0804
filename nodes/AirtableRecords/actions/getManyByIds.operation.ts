/**
 * The Records node's Get Many by IDs operation: fetches the items' record ids 100 at a time
 * through a RECORD_ID() formula.
 */

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { AirtableClient } from '../../client/AirtableClient';
import { AirtableError } from '../../client/errors';
import { formulaValue, or } from '../../client/records/formula';
import type { AirtableRecord } from '../../client/types';
import { withDownloadedAttachments } from '../../shared/attachments/attachmentReads';
import { getAirtableClient } from '../../shared/runtime/executor';
import { forItem, ItemOutcomes } from '../../shared/execution/outcomes';
import {
	groupItems,
	itemRange,
	optionsOf,
	targetOf,
	useFieldIdsIn,
	type ItemTarget,
} from '../../shared/execution/parameters';
import { recordIdOf } from './recordId';
import { recordJson } from './recordJson';

export const properties: INodeProperties[] = [];

/**
 * Ids per list request: one page of at most 100 records, and a formula of ~3 KB (the client
 * switches to POST by itself if a URL would still grow too long).
 */
export const IDS_PER_LIST_REQUEST = 100;

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

interface ReadGroupKey extends ItemTarget {
	useFieldIds: boolean;
}

/** The records of one group's ids, 100 per list request; ids of a failed request map to its error. */
async function fetchByIds(
	client: AirtableClient,
	key: ReadGroupKey,
	ids: string[],
): Promise<{ found: Map<string, AirtableRecord>; failed: Map<string, unknown> }> {
	const table = client.base(key.baseId).table(key.table);
	const found = new Map<string, AirtableRecord>();
	const failed = new Map<string, unknown>();
	const chunks: string[][] = [];
	for (let start = 0; start < ids.length; start += IDS_PER_LIST_REQUEST) chunks.push(ids.slice(start, start + IDS_PER_LIST_REQUEST));
	await Promise.all(
		chunks.map(async (chunk) => {
			try {
				const records = await table
					.list({ filterByFormula: recordIdFormula(chunk), returnFieldsByFieldId: key.useFieldIds })
					.all();
				for (const record of records) found.set(record.id, record);
			} catch (error) {
				for (const id of chunk) failed.set(id, error);
			}
		}),
	);
	return { found, failed };
}

/**
 * Get Many by IDs: each group's ids (same base, table and field-ID setting) are fetched 100
 * at a time through a RECORD_ID() formula instead of one GET per item; every item still gets
 * its own record (or its own error).
 */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const itemCount = ctx.getInputData().length;
	const outcomes = new ItemOutcomes(ctx, itemCount);
	const idByItem = new Map<number, string>();
	const groups = groupItems<ReadGroupKey>(
		itemRange(itemCount),
		(itemIndex) => {
			const target = targetOf(ctx, itemIndex);
			idByItem.set(itemIndex, recordIdOf(ctx, itemIndex));
			return { ...target, useFieldIds: useFieldIdsIn({ options: optionsOf(ctx, itemIndex) }) };
		},
		(itemIndex, error) => outcomes.fail(itemIndex, error),
	);
	outcomes.throwIfFailedBeforeSending();

	const client = await getAirtableClient(ctx);
	await Promise.all(
		groups.map(async ({ key, itemIndexes }) => {
			const ids = [...new Set(itemIndexes.map((itemIndex) => idByItem.get(itemIndex) as string))];
			const { found, failed } = await fetchByIds(client, key, ids);
			for (const itemIndex of itemIndexes) {
				const id = idByItem.get(itemIndex) as string;
				const record = found.get(id);
				if (record) outcomes.succeed(itemIndex, recordJson(record));
				else if (failed.has(id)) outcomes.fail(itemIndex, forItem(failed.get(id), itemIndex));
				else outcomes.fail(itemIndex, notFound(id, itemIndex));
			}
		}),
	);
	return await withDownloadedAttachments(ctx, client, outcomes.toOutput());
}
