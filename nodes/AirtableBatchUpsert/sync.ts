/**
 * The Batch Upsert node's run: reads its settings, groups the items by target, upserts each group
 * by merge key (optionally skipping unchanged and deleting missing records) and builds the output.
 */

import {
	type FieldType,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	NodeOperationError,
	type ResourceMapperField,
} from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import type { TableHandle } from '../client/records/records';
import { AirtableError } from '../client/errors';
import type { KeyType, KeyTypes } from '../client/sync/keyMatch';
import { isWritableField } from '../client/schema/schema';
import type { DuplicateKeyPolicy, SyncResult, SyncRowResult } from '../client/sync/sync';
import type { AirtableRecord, Fields } from '../client/types';
import { AttachmentFiles } from '../shared/attachments/attachmentWrites';
import { getAirtableClient } from '../shared/runtime/executor';
import { toNodeError } from '../shared/execution/items';
import { mappedFieldsOf, parseFieldList } from '../shared/execution/mapper';
import { forItem, ItemOutcomes } from '../shared/execution/outcomes';
import {
	groupItems,
	itemRange,
	optionsOf,
	targetOf,
	useFieldIdsIn,
	type ItemGroup,
} from '../shared/execution/parameters';
import { PreWriteCheck } from '../shared/execution/preWriteCheck';
import { summaryItem } from './summary';

const MAX_MERGE_FIELDS = 3;

/** What the whole run shares: merge fields and column types (static), and the run's mode. */
export interface UpsertSettings {
	mergeFields: string[];
	columnTypes: Map<string, FieldType | undefined>;
	skipUnchanged: boolean;
	deleteMissing: boolean;
	maxDeletions: number;
	summary: boolean;
}

/** What each item may set by expression: where it goes and how it is written. */
interface GroupKey {
	baseId: string;
	table: string;
	onDuplicateKeys: DuplicateKeyPolicy;
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
	const mergeFields = (columns.matchingColumns ?? []).filter(Boolean);
	if (mergeFields.length < 1 || mergeFields.length > MAX_MERGE_FIELDS) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Choose 1 to ${MAX_MERGE_FIELDS} merge fields (the fields that identify a record); ${mergeFields.length} chosen`,
		);
	}
	const deleteMissing = ctx.getNodeParameter('deleteMissing', 0, false) as boolean;
	return {
		mergeFields,
		columnTypes: new Map((columns.schema ?? []).map((column) => [column.id, column.type])),
		skipUnchanged: ctx.getNodeParameter('skipUnchanged', 0, false) as boolean,
		deleteMissing,
		maxDeletions: deleteMissing ? Number(ctx.getNodeParameter('maxDeletions', 0, 100)) : 0,
		summary: optionsOf(ctx, 0).output === 'summary',
	};
}

function groupKeyOf(ctx: IExecuteFunctions, itemIndex: number): GroupKey {
	const options = optionsOf(ctx, itemIndex);
	return {
		...targetOf(ctx, itemIndex),
		onDuplicateKeys: (options.onDuplicateKeys as DuplicateKeyPolicy) ?? 'lastWins',
		replace: Boolean(options.replace),
		typecast: Boolean(options.typecast),
		useFieldIds: useFieldIdsIn({ options }),
		ignoreFields: parseFieldList(options.ignoreFields),
	};
}

/** n8n column types → how the client compares merge values. */
function keyTypesOf(settings: UpsertSettings): KeyTypes {
	const types: KeyTypes = {};
	for (const field of settings.mergeFields) {
		const type = settings.columnTypes.get(field);
		const keyType: KeyType | undefined = type === 'number' ? 'number' : type === 'dateTime' ? 'date' : undefined;
		if (keyType) types[field] = keyType;
	}
	return types;
}

/** Writable fields of the table as the records are keyed (names, or ids with "Use Field IDs"). */
async function writableFieldKeys(client: AirtableClient, target: GroupKey): Promise<string[]> {
	const schema = await client.base(target.baseId).schema();
	const table = schema.table(target.table);
	return (table?.fields ?? []).filter(isWritableField).map((field) => (target.useFieldIds ? field.id : field.name));
}

function rowOutput(row: SyncRowResult, itemIndexes: number[]): IDataObject {
	const json: IDataObject = { id: row.id, status: row.status, fields: row.fields as IDataObject };
	if (row.supersededBy !== undefined) json.supersededBy = itemIndexes[row.supersededBy];
	return json;
}

function deletedOutput(record: AirtableRecord): IDataObject {
	return { id: record.id, status: 'deleted', fields: record.fields as IDataObject };
}

/** A client error about one item (no key, key conflict), re-attributed to that n8n item. */
function itemError(ctx: IExecuteFunctions, error: unknown): Error {
	const itemIndex = error instanceof AirtableError ? error.itemIndexes?.[0] : undefined;
	return itemIndex === undefined ? toNodeError(ctx.getNode(), error) : toNodeError(ctx.getNode(), forItem(error, itemIndex), itemIndex);
}

/** A group's rows, read before any request; items whose fields cannot be read fail there. */
interface PreparedGroup {
	key: GroupKey;
	/** The n8n item of each row. */
	itemIndexes: number[];
	rows: Fields[];
	failedRows: Map<number, Error>;
	/** The items' Attachments, uploaded once the sync has written or found their records. */
	files: AttachmentFiles;
}

function prepareGroup(
	ctx: IExecuteFunctions,
	settings: UpsertSettings,
	group: ItemGroup<GroupKey>,
	outcomes: ItemOutcomes,
	failedElsewhere: Map<number, Error>,
): PreparedGroup {
	// PUT clears a cell it is not sent, so with Replace the files always go with the write;
	// otherwise Skip Unchanged compares them with what each record holds.
	const files = new AttachmentFiles(ctx, group.key.replace ? 'replace' : 'upsert', {
		reconcile: settings.skipUnchanged && !group.key.replace,
	});
	const prepared: PreparedGroup = { key: group.key, itemIndexes: [], rows: [], failedRows: new Map(), files };
	const addFailed = (itemIndex: number, error: Error) => {
		prepared.failedRows.set(prepared.rows.length, error);
		prepared.itemIndexes.push(itemIndex);
		prepared.rows.push({});
	};
	for (const itemIndex of group.itemIndexes) {
		try {
			const { fields } = mappedFieldsOf(ctx, itemIndex, { ignoreFields: group.key.ignoreFields });
			Object.assign(fields, files.plan(itemIndex));
			prepared.itemIndexes.push(itemIndex);
			prepared.rows.push(fields);
		} catch (error) {
			const failure = error instanceof Error ? error : new Error(String(error));
			outcomes.fail(itemIndex, failure);
			addFailed(itemIndex, failure);
		}
	}
	// Items that failed before grouping (Base, Table) count too: the mirror deletes nothing then.
	for (const [itemIndex, error] of failedElsewhere) addFailed(itemIndex, error);
	return prepared;
}

/**
 * The group's values checked against its table's schema before any write: a bad row fails
 * its item with no request spent and joins the failed rows, so the mirror deletes nothing.
 */
async function checkGroup(check: PreWriteCheck, group: PreparedGroup, outcomes: ItemOutcomes): Promise<void> {
	const positions = group.rows.map((_, position) => position).filter((position) => !group.failedRows.has(position));
	const failures = await check.failures(
		group.key,
		positions.map((position) => group.rows[position]),
		{ typecast: group.key.typecast, operation: 'upsert' },
	);
	for (const [checked, error] of failures) {
		const position = positions[checked];
		const itemIndex = group.itemIndexes[position];
		const failure = forItem(error, itemIndex) as Error;
		outcomes.fail(itemIndex, failure);
		group.failedRows.set(position, failure);
	}
}

/** One table.sync per group of items that share base, table and write options. */
async function syncGroup(
	ctx: IExecuteFunctions,
	client: AirtableClient,
	settings: UpsertSettings,
	group: PreparedGroup,
	outcomes: ItemOutcomes,
): Promise<SyncResult> {
	const { key, itemIndexes, rows, failedRows, files } = group;
	const table = client.base(key.baseId).table(key.table);
	let result: SyncResult;
	try {
		result = await table.sync(rows, {
			fieldsToMergeOn: settings.mergeFields,
			skipUnchanged: settings.skipUnchanged,
			replace: key.replace,
			typecast: key.typecast,
			returnFieldsByFieldId: key.useFieldIds,
			onDuplicateKeys: key.onDuplicateKeys,
			deleteMissing: settings.deleteMissing,
			maxDeletions: settings.maxDeletions,
			keyTypes: keyTypesOf(settings),
			writableFields: settings.skipUnchanged && key.replace ? await writableFieldKeys(client, key) : undefined,
			readFields: files.fields(),
			failedRows,
			abortOnInvalidRows: !ctx.continueOnFail(),
			itemIndexes,
		});
	} catch (error) {
		throw itemError(ctx, error);
	}
	const fileErrors = await attachFiles(table, files, result, itemIndexes, failedRows);
	for (const row of result.rows) {
		const itemIndex = itemIndexes[row.index];
		if (failedRows.has(row.index)) continue;
		const fileError = fileErrors.get(itemIndex);
		if (fileError) {
			outcomes.fail(itemIndex, forItem(fileError, itemIndex));
			continue;
		}
		if (row.status === 'failed') outcomes.fail(itemIndex, forItem(row.error, itemIndex));
		else outcomes.succeed(itemIndex, rowOutput(row, itemIndexes));
	}
	if (result.deleteErrors.length && !ctx.continueOnFail()) {
		throw toNodeError(ctx.getNode(), result.deleteErrors[0].error);
	}
	return result;
}

/**
 * Uploads the files of the rows the sync wrote or found (duplicates and failures get none).
 * A row found unchanged that still needed files becomes `updated`. Returns file errors by item.
 */
async function attachFiles(
	table: TableHandle,
	files: AttachmentFiles,
	result: SyncResult,
	itemIndexes: number[],
	failedRows: Map<number, Error>,
): Promise<Map<number, Error>> {
	const landed = result.rows.filter(
		(row) => !failedRows.has(row.index) && row.id && (row.status === 'created' || row.status === 'updated' || row.status === 'unchanged'),
	);
	const records = landed.map((row) => ({ itemIndex: itemIndexes[row.index], record: { id: row.id as string, fields: row.fields } }));
	const { attached, errors } = await files.afterSync(table, records);
	records.forEach(({ itemIndex, record }, position) => {
		const row = landed[position];
		row.fields = record.fields;
		if (row.status === 'unchanged' && attached.has(itemIndex)) {
			row.status = 'updated';
			result.counts.unchanged--;
			result.counts.updated++;
		}
	});
	return errors;
}

export async function executeUpsert(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const startedAt = Date.now();
	const settings = readSettings(ctx);
	const itemCount = ctx.getInputData().length;
	const outcomes = new ItemOutcomes(ctx, itemCount);
	const unplaced = new Map<number, Error>();
	const groups = groupItems(itemRange(itemCount), (itemIndex) => groupKeyOf(ctx, itemIndex), (itemIndex, error) => {
		outcomes.fail(itemIndex, error);
		unplaced.set(itemIndex, error instanceof Error ? error : new Error(String(error)));
	});
	const prepared = groups.map((group) => prepareGroup(ctx, settings, group, outcomes, settings.deleteMissing ? unplaced : new Map()));
	const client = await getAirtableClient(ctx);
	const check = new PreWriteCheck(ctx, client);
	for (const group of prepared) await checkGroup(check, group, outcomes);
	outcomes.throwIfFailedBeforeSending();

	const results: SyncResult[] = [];
	for (const group of prepared) results.push(await syncGroup(ctx, client, settings, group, outcomes));

	if (settings.summary) {
		return [
			summaryItem(itemCount, {
				results,
				outcomes,
				requests: client.stats().requests,
				durationMs: Date.now() - startedAt,
			}),
		];
	}
	const output = outcomes.toOutput().map(withFailedStatus);
	const allItems = Array.from({ length: itemCount }, (_, item) => ({ item }));
	for (const result of results) {
		for (const record of result.deleted) output.push({ json: deletedOutput(record), pairedItem: allItems });
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
