/**
 * `table.sync(rows, options)`: upsert many rows by merge key, optionally skipping rows the
 * table already holds and deleting records no row names ("mirror"). One result per input row.
 */
import { AirtableInputError, type ErrorContext } from '../errors';
import { exactKeyOf, missingMergeFields, looseKeyOf, type KeyTypes } from './keyMatch';
import type { SyncTable } from './syncTable';
import { changedFields, isEmptyCell } from './syncCompare';
import {
	keyTargets,
	readByKeys,
	readWholeTable,
	type ExistingRecords,
	type ReadPlan,
	type ReadSpec,
} from './syncRead';
import { validateMergeFields } from '../records/upsert';
import type { AirtableRecord, Fields } from '../records/types';

export type DuplicateKeyPolicy = 'lastWins' | 'firstWins' | 'error';

export interface SyncOptions {
	/** 1 to 3 field names or ids forming the key. */
	fieldsToMergeOn: string[];
	/** Read the records of the input's keys first and write only rows whose values differ. */
	skipUnchanged?: boolean;
	/** PUT: fields a row does not carry are cleared on its record. */
	replace?: boolean;
	typecast?: boolean;
	returnFieldsByFieldId?: boolean;
	/** Rows sharing a key: write the last (default) or the first, or fail them all. */
	onDuplicateKeys?: DuplicateKeyPolicy;
	/** After the upsert, delete every record whose key is in no row (the table mirrors the input). */
	deleteMissing?: boolean;
	/** Mirror guard: more records to delete than this deletes none and fails. Default 100; 0 = no limit. */
	maxDeletions?: number;
	/** How merge fields compare: 'number' (42 = "42"), 'date' (one instant, any notation), 'text' (default). */
	keyTypes?: KeyTypes;
	/**
	 * With `replace` and `skipUnchanged`: the table's writable fields (names, or ids with
	 * returnFieldsByFieldId). A value in one of them that the row does not write makes the row
	 * changed (PUT would clear it). Without it, any such value counts.
	 */
	writableFields?: Iterable<string>;
	/**
	 * With `skipUnchanged`: further fields to read with the existing records, though no row
	 * writes them (e.g. attachment cells the caller reconciles itself). They are not compared;
	 * they come back in the `fields` of unchanged rows.
	 */
	readFields?: string[];
	/** Rows the caller already failed (index → error): never sent; they stop the mirror like any failure. */
	failedRows?: Map<number, Error>;
	/** Fail the whole call before any request when a row is invalid (no key, key conflict). Default true. */
	abortOnInvalidRows?: boolean;
	/** The caller's number for each row (e.g. n8n item indexes), used in messages and errors. Default: the row's index. */
	itemIndexes?: number[];
}

export type SyncRowStatus = 'created' | 'updated' | 'unchanged' | 'duplicate' | 'failed';

export interface SyncRowResult {
	index: number;
	status: SyncRowStatus;
	/** The record written or found; for a duplicate, the record of the row that superseded it. */
	id: string | null;
	/** The record's fields as Airtable returned them; the row's own fields for duplicates and failures. */
	fields: Fields;
	/** Duplicates: the index of the row written in their place. */
	supersededBy?: number;
	error?: Error;
}

export interface SyncResult {
	rows: SyncRowResult[];
	counts: { created: number; updated: number; unchanged: number; duplicates: number; failed: number };
	/** Records deleted by the mirror (id and merge fields). */
	deleted: AirtableRecord[];
	/** Why the mirror deleted nothing, when it was asked to and refused. */
	deleteSkipped?: string;
	deleteErrors: Array<{ id: string; error: Error }>;
	/** Requests this call made: reads (key reads and pages), upsert and delete requests (retries included). */
	requests: { reads: number; writes: number; deletes: number; total: number };
	/** How the existing records were read: none, by key, probe then by key, or the whole table. */
	readPlan: ReadPlan;
}

/** Thrown when the mirror would delete more than maxDeletions; the upsert was done, see `result`. */
export class SyncDeletionLimitError extends AirtableInputError {
	constructor(
		message: string,
		context: ErrorContext,
		readonly result: SyncResult,
	) {
		super(message, context);
	}
}

interface KeyedRow {
	index: number;
	fields: Fields;
	exact: string;
	loose: string | undefined;
}

/** Counts the requests one phase sends (the client's counter includes retries). */
export type RequestCounter = () => number;

function describeKey(fields: Fields, mergeFields: string[]): string {
	return mergeFields.map((field) => `${field} = ${JSON.stringify(fields[field])}`).join(', ');
}

function isPlainObject(value: unknown): value is Fields {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function syncTable(
	table: SyncTable,
	rows: Fields[],
	options: SyncOptions,
	requestCount: RequestCounter,
): Promise<SyncResult> {
	const context: ErrorContext = { operation: 'sync', baseId: table.baseId, table: table.table };
	if (!Array.isArray(rows)) throw new AirtableInputError('sync expects a list of rows (field objects)', context);
	const mergeFields = validateMergeFields(options?.fieldsToMergeOn, context);
	const types = options.keyTypes ?? {};
	const results = new Array<SyncRowResult>(rows.length);
	const label = (index: number) => options.itemIndexes?.[index] ?? index;
	const fail = (index: number, error: Error) => {
		results[index] = { index, status: 'failed', id: null, fields: isPlainObject(rows[index]) ? rows[index] : {}, error };
	};

	const keyed: KeyedRow[] = [];
	rows.forEach((fields, index) => {
		const preset = options.failedRows?.get(index);
		if (preset) return fail(index, preset);
		const itemContext = { ...context, itemIndexes: [label(index)] };
		if (!isPlainObject(fields)) return fail(index, new AirtableInputError(`Item ${label(index)} is not an object of field values`, itemContext));
		const missing = missingMergeFields(fields, mergeFields);
		if (missing.length) {
			return fail(
				index,
				new AirtableInputError(
					`Item ${label(index)} has no value for merge field${missing.length > 1 ? 's' : ''} ` +
						`${missing.map((field) => `"${field}"`).join(', ')}: every item needs all merge fields (${mergeFields.join(', ')})`,
					{ ...itemContext, field: missing[0] },
				),
			);
		}
		keyed.push({ index, fields, exact: exactKeyOf(fields, mergeFields, types), loose: looseKeyOf(fields, mergeFields, types) });
	});

	const { winners, superseded } = resolveDuplicates(keyed, options.onDuplicateKeys ?? 'lastWins', mergeFields, context, fail, label);
	const invalid = results.find((result) => result?.status === 'failed' && !options.failedRows?.has(result.index));
	if (invalid && options.abortOnInvalidRows !== false) throw invalid.error as Error;
	if (options.deleteMissing && winners.length === 0) {
		throw new AirtableInputError(
			'Refusing to delete records missing from the input: the input has no items with a valid merge key, ' +
				'so every record of the table would be deleted. Nothing was written or deleted.',
			context,
		);
	}

	const before = requestCount();
	const existing = await readExisting(table, keyed, winners, mergeFields, types, options);
	const afterReads = requestCount();

	const counts = { created: 0, updated: 0, unchanged: 0, duplicates: superseded.size, failed: 0 };
	const writable = options.replace && options.writableFields ? new Set(options.writableFields) : undefined;
	const toSend: KeyedRow[] = [];
	for (const row of winners) {
		const current = options.skipUnchanged ? soleExactMatch(row, existing, mergeFields, types) : undefined;
		if (current && isUnchanged(row.fields, current, options.replace === true, writable)) {
			counts.unchanged++;
			results[row.index] = { index: row.index, status: 'unchanged', id: current.id, fields: current.fields };
		} else {
			toSend.push(row);
		}
	}

	if (toSend.length) {
		const settled = await table.upsertSettled(
			toSend.map((row) => row.fields),
			{
				fieldsToMergeOn: mergeFields,
				typecast: options.typecast,
				returnFieldsByFieldId: options.returnFieldsByFieldId,
				replace: options.replace,
			},
		);
		for (const outcome of settled) {
			const row = toSend[outcome.index];
			if (!outcome.ok) {
				fail(row.index, outcome.error);
				continue;
			}
			const { record, created } = outcome.value;
			if (created) counts.created++;
			else counts.updated++;
			results[row.index] = { index: row.index, status: created ? 'created' : 'updated', id: record.id, fields: record.fields };
		}
	}
	const afterWrites = requestCount();

	const byIndex = new Map(keyed.map((row) => [row.index, row]));
	for (const [index, winner] of superseded) {
		results[index] = {
			index,
			status: 'duplicate',
			id: results[winner]?.id ?? null,
			fields: byIndex.get(index)?.fields ?? {},
			supersededBy: winner,
		};
	}
	counts.failed = results.filter((result) => result.status === 'failed').length;

	const result: SyncResult = {
		rows: results,
		counts,
		deleted: [],
		deleteErrors: [],
		requests: { reads: afterReads - before, writes: afterWrites - afterReads, deletes: 0, total: afterWrites - before },
		readPlan: existing?.plan ?? 'none',
	};
	if (options.deleteMissing && existing) {
		await deleteMissing(table, existing, results, options, context, result);
		result.requests.deletes = requestCount() - afterWrites;
		result.requests.total = requestCount() - before;
	}
	return result;
}

async function readExisting(
	table: SyncTable,
	keyed: KeyedRow[],
	winners: KeyedRow[],
	mergeFields: string[],
	types: KeyTypes,
	options: SyncOptions,
): Promise<ExistingRecords | undefined> {
	if (!options.skipUnchanged && !options.deleteMissing) return undefined;
	const fieldNames = new Set(mergeFields);
	if (options.skipUnchanged) {
		for (const row of winners) for (const field of Object.keys(row.fields)) fieldNames.add(field);
		for (const field of options.readFields ?? []) fieldNames.add(field);
	}
	const spec: ReadSpec = {
		table,
		mergeFields,
		types,
		// With Replace any other field holding a value makes the record differ (PUT would clear it).
		fields: options.skipUnchanged && options.replace ? undefined : [...fieldNames],
		returnFieldsByFieldId: options.returnFieldsByFieldId,
	};
	const targets = options.skipUnchanged ? keyTargets(winners.map((row) => row.fields), mergeFields, types) : [];
	if (options.deleteMissing) return await readWholeTable(spec, targets, new Set(keyed.map((row) => row.exact)));
	return await readByKeys(spec, targets);
}

/** The record a row's upsert will surely update: the only candidate, with the exact key. */
function soleExactMatch(
	row: KeyedRow,
	existing: ExistingRecords | undefined,
	mergeFields: string[],
	types: KeyTypes,
): AirtableRecord | undefined {
	if (!existing || row.loose === undefined || existing.unread.has(row.loose)) return undefined;
	const candidates = [...(existing.candidates.get(row.loose)?.values() ?? [])];
	if (candidates.length !== 1) return undefined;
	return exactKeyOf(candidates[0].fields, mergeFields, types) === row.exact ? candidates[0] : undefined;
}

function isUnchanged(fields: Fields, existing: AirtableRecord, replace: boolean, writable: Set<string> | undefined): boolean {
	if (changedFields(fields, existing.fields).length) return false;
	if (!replace) return true;
	// Replace clears the fields the row does not write: a value there is a change.
	return Object.entries(existing.fields).every(
		([field, value]) => field in fields || (writable !== undefined && !writable.has(field)) || isEmptyCell(value),
	);
}

function resolveDuplicates(
	rows: KeyedRow[],
	policy: DuplicateKeyPolicy,
	mergeFields: string[],
	context: ErrorContext,
	fail: (index: number, error: Error) => void,
	label: (index: number) => number,
): { winners: KeyedRow[]; superseded: Map<number, number> } {
	const groups = new Map<string, KeyedRow[]>();
	for (const row of rows) groups.set(row.exact, [...(groups.get(row.exact) ?? []), row]);
	const winners: KeyedRow[] = [];
	const superseded = new Map<number, number>();
	for (const group of groups.values()) {
		if (group.length === 1) {
			winners.push(group[0]);
			continue;
		}
		if (policy === 'error') {
			const indexes = group.map((row) => label(row.index));
			for (const row of group) {
				fail(
					row.index,
					new AirtableInputError(
						`Items ${indexes.join(', ')} have the same merge key (${describeKey(row.fields, mergeFields)}); ` +
							'remove the duplicates or let the first or the last one win ("On Duplicate Keys", onDuplicateKeys)',
						{ ...context, itemIndexes: [label(row.index)], field: mergeFields[0] },
					),
				);
			}
			continue;
		}
		const winner = policy === 'firstWins' ? group[0] : group[group.length - 1];
		winners.push(winner);
		for (const row of group) if (row !== winner) superseded.set(row.index, winner.index);
	}
	winners.sort((a, b) => a.index - b.index);
	return { winners, superseded };
}

/**
 * Deletes the records whose key no row has. Only after a clean upsert (a failed row might be
 * the one that keeps a record), and nothing when more would go than maxDeletions.
 */
async function deleteMissing(
	table: SyncTable,
	existing: ExistingRecords,
	results: SyncRowResult[],
	options: SyncOptions,
	context: ErrorContext,
	result: SyncResult,
): Promise<void> {
	if (result.counts.failed > 0) {
		result.deleteSkipped =
			`${result.counts.failed} item(s) failed, so no record was deleted: a failed item may be the one that should keep a record`;
		return;
	}
	const keep = new Set(results.map((row) => row.id).filter((id): id is string => !!id));
	const doomed = existing.others.filter((record) => !keep.has(record.id));
	const maxDeletions = options.maxDeletions ?? 100;
	if (maxDeletions > 0 && doomed.length > maxDeletions) {
		throw new SyncDeletionLimitError(
			`${doomed.length} records are missing from the input and would be deleted, more than Max Deletions ` +
				`(${maxDeletions}). Nothing was deleted (the upsert itself was done). Check the input, or raise ` +
				'Max Deletions (0 = no limit) if that many deletions are intended.',
			context,
			result,
		);
	}
	if (!doomed.length) return;
	const settled = await table.deleteSettled(doomed.map((record) => record.id));
	for (const outcome of settled) {
		const record = doomed[outcome.index];
		if (outcome.ok) result.deleted.push(record);
		else result.deleteErrors.push({ id: record.id, error: outcome.error });
	}
}
