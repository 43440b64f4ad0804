import {
	type FieldType,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	NodeOperationError,
	type ResourceMapperField,
} from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import type { TableHandle } from '../client/records';
import { isWritableField } from '../client/schema';
import type { AirtableRecord, Fields } from '../client/types';
import { AttachmentFiles } from '../shared/attachmentWrites';
import { getAirtableClient } from '../shared/executor';
import { toNodeError } from '../shared/items';
import { mappedFieldsOf, parseFieldList } from '../shared/mapper';
import { useFieldIdsIn } from '../shared/parameters';
import { forItem, ItemOutcomes } from '../shared/outcomes';
import { changedFields, isEmptyCell } from './compare';
import {
	type DuplicatePolicy,
	type KeyedItem,
	MAX_MERGE_FIELDS,
	mergeKeyOf,
	missingKeyError,
	missingMergeFields,
	resolveDuplicates,
} from './keys';
import { deleteMissingRecords, type MirrorResult } from './mirror';
import { summaryItem } from './summary';

export interface UpsertSettings {
	baseId: string;
	table: string;
	mergeFields: string[];
	columnTypes: Map<string, FieldType | undefined>;
	onDuplicateKeys: DuplicatePolicy;
	skipUnchanged: boolean;
	deleteMissing: boolean;
	maxDeletions: number;
	summary: boolean;
	replace: boolean;
	typecast: boolean;
	useFieldIds: boolean;
	ignoreFields: string[];
}

export function readSettings(ctx: IExecuteFunctions): UpsertSettings {
	const columns = ctx.getNodeParameter('columns', 0, {}) as {
		matchingColumns?: string[];
		schema?: ResourceMapperField[];
	};
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const mergeFields = (columns.matchingColumns ?? []).filter(Boolean);
	if (mergeFields.length < 1 || mergeFields.length > MAX_MERGE_FIELDS) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Choose 1 to ${MAX_MERGE_FIELDS} merge fields (the fields that identify a record); ${mergeFields.length} chosen`,
		);
	}
	const deleteMissing = ctx.getNodeParameter('deleteMissing', 0, false) as boolean;
	return {
		baseId: ctx.getNodeParameter('base', 0, '', { extractValue: true }) as string,
		table: ctx.getNodeParameter('table', 0, '', { extractValue: true }) as string,
		mergeFields,
		columnTypes: new Map((columns.schema ?? []).map((column) => [column.id, column.type])),
		onDuplicateKeys: (options.onDuplicateKeys as DuplicatePolicy) ?? 'lastWins',
		skipUnchanged: ctx.getNodeParameter('skipUnchanged', 0, false) as boolean,
		deleteMissing,
		maxDeletions: deleteMissing ? Number(ctx.getNodeParameter('maxDeletions', 0, 100)) : 0,
		summary: options.output === 'summary',
		replace: Boolean(options.replace),
		typecast: Boolean(options.typecast),
		useFieldIds: useFieldIdsIn({ options }),
		ignoreFields: parseFieldList(options.ignoreFields),
	};
}

export type UpsertStatus = 'created' | 'updated' | 'unchanged' | 'duplicate';

export interface SyncCounts {
	created: number;
	updated: number;
	unchanged: number;
	duplicates: number;
}

/** Reads every item's fields and merge key; items without a full key fail before any request. */
function keyItems(ctx: IExecuteFunctions, settings: UpsertSettings, outcomes: ItemOutcomes, files: AttachmentFiles): KeyedItem[] {
	const keyed: KeyedItem[] = [];
	for (let itemIndex = 0; itemIndex < outcomes.itemCount; itemIndex++) {
		try {
			const { fields } = mappedFieldsOf(ctx, itemIndex, { ignoreFields: settings.ignoreFields });
			const missing = missingMergeFields(fields, settings.mergeFields);
			if (missing.length) throw missingKeyError(itemIndex, missing, settings.mergeFields);
			Object.assign(fields, files.plan(itemIndex));
			keyed.push({ itemIndex, fields, key: mergeKeyOf(fields, settings.mergeFields, settings.columnTypes) });
		} catch (error) {
			outcomes.fail(itemIndex, error);
		}
	}
	return keyed;
}

/**
 * The table's records keyed by merge key, read once for "Skip Unchanged" and the mirror. Only
 * the fields the comparison needs are requested, except with Replace, where any other field
 * holding a value makes the record differ (PUT would clear it).
 */
async function readExisting(
	table: TableHandle,
	settings: UpsertSettings,
	items: KeyedItem[],
	attachmentFields: string[],
): Promise<{ records: AirtableRecord[]; byKey: Map<string, AirtableRecord> }> {
	const fieldNames = new Set([...settings.mergeFields, ...(settings.skipUnchanged ? attachmentFields : [])]);
	if (settings.skipUnchanged) for (const item of items) for (const field of Object.keys(item.fields)) fieldNames.add(field);
	const wholeRecords = settings.skipUnchanged && settings.replace;
	const records = await table
		.list({
			fields: wholeRecords ? undefined : [...fieldNames],
			returnFieldsByFieldId: settings.useFieldIds,
		})
		.all();
	const byKey = new Map<string, AirtableRecord>();
	for (const record of records) {
		if (settings.mergeFields.some((field) => isEmptyCell(record.fields[field]))) continue;
		const key = mergeKeyOf(record.fields, settings.mergeFields, settings.columnTypes);
		if (!byKey.has(key)) byKey.set(key, record);
	}
	return { records, byKey };
}

/** Writable fields of the table as the records are keyed (names, or ids with "Use Field IDs"). */
async function writableFieldKeys(client: AirtableClient, settings: UpsertSettings): Promise<Set<string>> {
	const schema = await client.base(settings.baseId).schema();
	const table = schema.table(settings.table);
	return new Set(
		(table?.fields ?? [])
			.filter(isWritableField)
			.map((field) => (settings.useFieldIds ? field.id : field.name)),
	);
}

function isUnchanged(fields: Fields, existing: AirtableRecord, otherWritable: Set<string> | undefined): boolean {
	if (changedFields(fields, existing.fields).length) return false;
	if (!otherWritable) return true;
	// Replace clears fields the item does not map: a value there would be a change.
	return Object.entries(existing.fields).every(
		([field, value]) => field in fields || !otherWritable.has(field) || isEmptyCell(value),
	);
}

function recordOutput(id: string | null, status: UpsertStatus, fields: Fields, extra: IDataObject = {}): IDataObject {
	return { id, status, fields: fields as IDataObject, ...extra };
}

export async function executeUpsert(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const startedAt = Date.now();
	const settings = readSettings(ctx);
	const itemCount = ctx.getInputData().length;
	const outcomes = new ItemOutcomes(ctx, itemCount);

	const files = new AttachmentFiles(ctx, 'upsert');
	const keyed = keyItems(ctx, settings, outcomes, files);
	const { winners, superseded, conflicts } = resolveDuplicates(keyed, settings.onDuplicateKeys, settings.mergeFields);
	for (const [itemIndex, error] of conflicts) outcomes.fail(itemIndex, error);
	outcomes.throwIfFailedBeforeSending();

	if (settings.deleteMissing && winners.length === 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Refusing to delete records missing from the input: the input has no items with a valid merge key, ' +
				'so every record of the table would be deleted. Nothing was written or deleted.',
		);
	}

	const client = await getAirtableClient(ctx);
	const table = client.base(settings.baseId).table(settings.table);
	const needsListing = settings.skipUnchanged || settings.deleteMissing;
	const existing = needsListing ? await readExisting(table, settings, winners, files.fields()) : undefined;
	const otherWritable =
		settings.skipUnchanged && settings.replace ? await writableFieldKeys(client, settings) : undefined;

	const counts: SyncCounts = { created: 0, updated: 0, unchanged: 0, duplicates: superseded.size };
	const recordIdByItem = new Map<number, string>();
	const toSend: KeyedItem[] = [];
	for (const item of winners) {
		const current = settings.skipUnchanged ? existing?.byKey.get(item.key) : undefined;
		// With PUT a file cell left out would be cleared, so files are compared only for PATCH.
		const filesThere = current && !settings.replace ? files.dropIfAlreadyThere(item.itemIndex, item.fields, current.fields) : true;
		if (current && filesThere && isUnchanged(item.fields, current, otherWritable)) {
			counts.unchanged++;
			recordIdByItem.set(item.itemIndex, current.id);
			outcomes.succeed(item.itemIndex, recordOutput(current.id, 'unchanged', current.fields));
		} else {
			toSend.push(item);
		}
	}

	if (toSend.length) {
		const results = await table.upsertSettled(
			toSend.map((item) => item.fields),
			{
				fieldsToMergeOn: settings.mergeFields,
				typecast: settings.typecast,
				returnFieldsByFieldId: settings.useFieldIds,
				replace: settings.replace,
			},
		);
		// Files go in once their records exist, before the output is built from the records.
		const fileErrors = await files.afterWrite(table, results, toSend.map((item) => item.itemIndex));
		outcomes.settle(
			results,
			toSend.map((item) => item.itemIndex),
			({ record, created }, itemIndex) => {
				if (created) counts.created++;
				else counts.updated++;
				recordIdByItem.set(itemIndex, record.id);
				return recordOutput(record.id, created ? 'created' : 'updated', record.fields);
			},
		);
		for (const [itemIndex, error] of fileErrors) outcomes.fail(itemIndex, forItem(error, itemIndex));
	}

	const keyedByIndex = new Map(keyed.map((item) => [item.itemIndex, item]));
	for (const [itemIndex, winnerIndex] of superseded) {
		const dropped = keyedByIndex.get(itemIndex);
		outcomes.succeed(
			itemIndex,
			recordOutput(recordIdByItem.get(winnerIndex) ?? null, 'duplicate', dropped?.fields ?? {}, {
				supersededBy: winnerIndex,
			}),
		);
	}

	let mirror: MirrorResult | undefined;
	if (settings.deleteMissing && existing) {
		if (outcomes.failedCount && !ctx.continueOnFail()) {
			const [itemIndex, error] = outcomes.failedItems()[0];
			throw toNodeError(ctx.getNode(), error, itemIndex);
		}
		mirror = await deleteMissingRecords(ctx, table, {
			existing: existing.records,
			inputKeys: new Set(keyed.map((item) => item.key)),
			keepIds: new Set(recordIdByItem.values()),
			settings,
			failedItems: outcomes.failedCount,
		});
	}

	if (settings.summary) {
		return [
			summaryItem(itemCount, {
				counts,
				outcomes,
				mirror,
				requests: client.stats().requests,
				durationMs: Date.now() - startedAt,
			}),
		];
	}
	const output = outcomes.toOutput().map(withFailedStatus);
	const allItems = Array.from({ length: itemCount }, (_, item) => ({ item }));
	for (const record of mirror?.deleted ?? []) {
		output.push({ json: recordOutputDeleted(record), pairedItem: allItems });
	}
	return output;
}

/**
 * Error items carry the HTTP status in `status`; here `status` says what happened to the
 * record, so failed items read `failed` and keep the HTTP status as `httpStatus`.
 */
function withFailedStatus(item: INodeExecutionData): INodeExecutionData {
	if (!('error' in item.json)) return item;
	const { status, ...rest } = item.json;
	return { ...item, json: { ...rest, status: 'failed', httpStatus: status ?? null } };
}

function recordOutputDeleted(record: AirtableRecord): IDataObject {
	return { id: record.id, status: 'deleted', fields: record.fields as IDataObject };
}
