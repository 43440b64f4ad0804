/**
 * The one read the conflict check sends before a write batch: the records of up to 100
 * updates, found by RECORD_ID() and limited to the fields the decision needs. With a Last
 * modified time field (or the values compare) every record still there comes back, so a
 * missing one was deleted. With LAST_MODIFIED_TIME() instead (no such field), the filter
 * itself keeps only records modified after their item's `since`: Airtable cannot return a
 * formula's value, only filter by it, so a deletion then shows at the write.
 */
import { and, formulaDate, formulaValue, or } from '../records/formula';
import type { TableHandle } from '../records/records';
import type { AirtableRecord, Fields, ListOptions } from '../records/types';
import type { ConflictCheckOptions, GuardedUpdate } from './types';

/** Records one check read covers: one page of a listing. */
export const RECORDS_PER_CHECK = 100;

export interface CurrentState {
	/** Records found, by id. */
	records: Map<string, AirtableRecord>;
	/** Whether a record missing from `records` was deleted (else: unchanged, LAST_MODIFIED_TIME() filter). */
	missingMeansDeleted: boolean;
}

function recordIdIs(id: string): string {
	return `RECORD_ID() = ${formulaValue(id)}`;
}

/** Replace clears every field it does not write, so with the values compare every field counts. */
function comparesWholeRecord(options: ConflictCheckOptions, replace: boolean): boolean {
	return replace && options.compare === 'values';
}

/**
 * The fields a decision compares: what is written; for Replace with the values compare also
 * what was read and what the record holds now (`current`; an empty field read and filled since
 * would be cleared). Never the ignored ones.
 */
export function comparedFields(update: GuardedUpdate, options: ConflictCheckOptions, replace: boolean, current: Fields = {}): string[] {
	const fields = new Set(Object.keys(update.fields));
	if (comparesWholeRecord(options, replace)) {
		for (const field of Object.keys(update.basis.readValues ?? {})) fields.add(field);
		for (const field of Object.keys(current)) fields.add(field);
	}
	for (const field of options.ignoreFields ?? []) fields.delete(field);
	return [...fields];
}

/** The filter: these ids; with LAST_MODIFIED_TIME(), only those modified after their own `since`. */
function filterFor(updates: GuardedUpdate[], byFormula: boolean): string {
	if (!byFormula) return or(...updates.map((update) => recordIdIs(update.id)));
	const bySince = new Map<string, string[]>();
	for (const update of updates) {
		const since = new Date(update.basis.since as string | Date).toISOString();
		bySince.set(since, [...(bySince.get(since) ?? []), update.id]);
	}
	return or(
		...[...bySince].map(([since, ids]) => and(or(...ids.map(recordIdIs)), `IS_AFTER(LAST_MODIFIED_TIME(), ${formulaDate(since)})`)),
	);
}

/** Reads what the records hold now: one request for up to RECORDS_PER_CHECK updates. */
export async function readCurrentState(
	table: TableHandle,
	updates: GuardedUpdate[],
	options: ConflictCheckOptions,
	flags: { replace: boolean; returnFieldsByFieldId: boolean },
): Promise<CurrentState> {
	const byFormula = options.compare === 'modifiedTime' && !options.modifiedTimeField;
	const fields = new Set<string>();
	// A Replace compared on values needs every field: no `fields` limit then.
	if (!comparesWholeRecord(options, flags.replace)) {
		for (const update of updates) for (const field of comparedFields(update, options, flags.replace)) fields.add(field);
		if (options.modifiedTimeField) fields.add(options.modifiedTimeField);
	}
	const listOptions: ListOptions = {
		filterByFormula: filterFor(updates, byFormula),
		pageSize: RECORDS_PER_CHECK,
		...(fields.size ? { fields: [...fields] } : {}),
		...(flags.returnFieldsByFieldId ? { returnFieldsByFieldId: true } : {}),
	};
	const records = new Map<string, AirtableRecord>();
	for (const record of await table.list(listOptions).all()) records.set(record.id, record);
	return { records, missingMeansDeleted: !byFormula };
}
