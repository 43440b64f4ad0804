/**
 * The decision for one update once the record's current state is known: write it, or not,
 * and whether (and how) it conflicts. Pure: no requests, no clock.
 */
import { sameCell } from '../sync/syncCompare';
import type { AirtableRecord, Fields } from '../records/types';
import type { CurrentState } from './currentState';
import { comparedFields } from './currentState';
import type { ConflictCheckOptions, GuardedUpdate, WriteConflict } from './types';

export type Decision = { write: true; conflict?: WriteConflict } | { write: false; conflict: WriteConflict };

function picked(fields: Fields, names: string[]): Fields {
	const result: Fields = {};
	for (const name of names) if (fields[name] !== undefined) result[name] = fields[name];
	return result;
}

function timeOf(value: unknown): number {
	return value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/**
 * Fields the write would set to something other than what the record holds now; with the
 * values compare, only those that also changed since the read (an edit that reached the same
 * value, or a field nobody touched, is no conflict).
 */
function fieldsAtRisk(update: GuardedUpdate, current: Fields, compared: string[], options: ConflictCheckOptions): string[] {
	return compared.filter((field) => {
		if (field === options.modifiedTimeField) return false;
		if (sameCell(update.fields[field], current[field])) return false;
		return options.compare === 'values' ? !sameCell(update.basis.readValues?.[field], current[field]) : true;
	});
}

function modifiedSince(record: AirtableRecord, update: GuardedUpdate, options: ConflictCheckOptions): boolean {
	// Without a field, the read's filter (LAST_MODIFIED_TIME() after `since`) already said so.
	if (!options.modifiedTimeField) return true;
	return timeOf(record.fields[options.modifiedTimeField]) > timeOf(update.basis.since);
}

export function decide(
	update: GuardedUpdate,
	state: CurrentState,
	options: ConflictCheckOptions,
	replace: boolean,
): Decision {
	const record = state.records.get(update.id);
	const intended = update.fields;
	if (!record) {
		if (!state.missingMeansDeleted) return { write: true };
		return {
			write: false,
			conflict: { id: update.id, reason: 'deleted', current: null, intended, changedFields: [], resolution: 'skipped' },
		};
	}
	if (options.compare === 'modifiedTime' && !modifiedSince(record, update, options)) return { write: true };
	const compared = comparedFields(update, options, replace, record.fields);
	const changedFields = fieldsAtRisk(update, record.fields, compared, options);
	if (!changedFields.length) return { write: true };
	const modifiedTime = options.modifiedTimeField ? record.fields[options.modifiedTimeField] : undefined;
	const conflict: WriteConflict = {
		id: update.id,
		reason: 'modified',
		current: picked(record.fields, compared),
		intended,
		changedFields,
		...(typeof modifiedTime === 'string' ? { modifiedTime } : {}),
		resolution: 'skipped',
	};
	const strategy = options.strategy ?? 'skip';
	if (strategy === 'overwrite') return { write: true, conflict: { ...conflict, resolution: 'overwritten' } };
	if (strategy === 'newestWins') {
		const itemChangedAt = timeOf(update.basis.changedAt ?? update.basis.since);
		if (timeOf(modifiedTime) > itemChangedAt) return { write: false, conflict: { ...conflict, resolution: 'keptAirtable' } };
		return { write: true, conflict: { ...conflict, resolution: 'overwritten' } };
	}
	return { write: false, conflict };
}
