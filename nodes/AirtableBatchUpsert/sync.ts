import {
	type FieldType,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	NodeOperationError,
	type ResourceMapperField,
} from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import { AirtableError } from '../client/errors';
import type { KeyType, KeyTypes } from '../client/keyMatch';
import { isWritableField } from '../client/schema';
import type { DuplicateKeyPolicy, SyncResult, SyncRowResult } from '../client/sync';
import type { AirtableRecord, Fields } from '../client/types';
import { getAirtableClient } from '../shared/executor';
import { toNodeError } from '../shared/items';
import { mappedFieldsOf, parseFieldList } from '../shared/mapper';
import { forItem, ItemOutcomes } from '../shared/outcomes';
import { useFieldIdsIn } from '../shared/parameters';
import { summaryItem } from './summary';

const MAX_MERGE_FIELDS = 3;

export interface UpsertSettings {
	baseId: string;
	table: string;
	mergeFields: string[];
	columnTypes: Map<string, FieldType | undefined>;
	onDuplicateKeys: DuplicateKeyPolicy;
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
		onDuplicateKeys: (options.onDuplicateKeys as DuplicateKeyPolicy) ?? 'lastWins',
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
async function writableFieldKeys(client: AirtableClient, settings: UpsertSettings): Promise<string[]> {
	const schema = await client.base(settings.baseId).schema();
	const table = schema.table(settings.table);
	return (table?.fields ?? []).filter(isWritableField).map((field) => (settings.useFieldIds ? field.id : field.name));
}

function rowOutput(row: SyncRowResult): IDataObject {
	const json: IDataObject = { id: row.id, status: row.status, fields: row.fields as IDataObject };
	if (row.supersededBy !== undefined) json.supersededBy = row.supersededBy;
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

export async function executeUpsert(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const startedAt = Date.now();
	const settings = readSettings(ctx);
	const itemCount = ctx.getInputData().length;
	const outcomes = new ItemOutcomes(ctx, itemCount);

	const rows: Fields[] = [];
	const failedRows = new Map<number, Error>();
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			rows.push(mappedFieldsOf(ctx, itemIndex, { ignoreFields: settings.ignoreFields }).fields);
		} catch (error) {
			rows.push({});
			failedRows.set(itemIndex, error instanceof Error ? error : new Error(String(error)));
			outcomes.fail(itemIndex, error);
		}
	}
	outcomes.throwIfFailedBeforeSending();

	const client = await getAirtableClient(ctx);
	const table = client.base(settings.baseId).table(settings.table);
	let result: SyncResult;
	try {
		result = await table.sync(rows, {
			fieldsToMergeOn: settings.mergeFields,
			skipUnchanged: settings.skipUnchanged,
			replace: settings.replace,
			typecast: settings.typecast,
			returnFieldsByFieldId: settings.useFieldIds,
			onDuplicateKeys: settings.onDuplicateKeys,
			deleteMissing: settings.deleteMissing,
			maxDeletions: settings.maxDeletions,
			keyTypes: keyTypesOf(settings),
			writableFields:
				settings.skipUnchanged && settings.replace ? await writableFieldKeys(client, settings) : undefined,
			failedRows,
			abortOnInvalidRows: !ctx.continueOnFail(),
		});
	} catch (error) {
		throw itemError(ctx, error);
	}

	for (const row of result.rows) {
		if (failedRows.has(row.index)) continue;
		if (row.status === 'failed') outcomes.fail(row.index, forItem(row.error, row.index));
		else outcomes.succeed(row.index, rowOutput(row));
	}
	if (result.deleteErrors.length && !ctx.continueOnFail()) {
		throw toNodeError(ctx.getNode(), result.deleteErrors[0].error);
	}

	if (settings.summary) {
		return [
			summaryItem(itemCount, {
				result,
				outcomes,
				requests: client.stats().requests,
				durationMs: Date.now() - startedAt,
			}),
		];
	}
	const output = outcomes.toOutput().map(withFailedStatus);
	const allItems = Array.from({ length: itemCount }, (_, item) => ({ item }));
	for (const record of result.deleted) output.push({ json: deletedOutput(record), pairedItem: allItems });
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
