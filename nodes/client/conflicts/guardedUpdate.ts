/**
 * Update or replace records only where nobody changed them since the items' values were read.
 * Updates go in windows of up to 100: one read of the window's records (currentState.ts),
 * a decision per record (decide.ts), then the window's writes, 10 per request, before the
 * next window is read. The check thus adds one request per 100 records (10 write requests),
 * and the time between a record's check and its write is that of one window's writes.
 * Airtable cannot make a write conditional, so an edit landing inside that window is still
 * overwritten: the check narrows the race, it cannot close it.
 */
import { AirtableError, AirtableInputError, type ErrorContext } from '../errors';
import type { TableHandle } from '../records/records';
import type { UpdateOptions } from '../records/types';
import { AirtableConflictError } from './conflictError';
import { RECORDS_PER_CHECK, readCurrentState, type CurrentState } from './currentState';
import { decide } from './decide';
import type { ConflictCheckOptions, GuardedResult, GuardedUpdate, GuardedWriteStats, WriteConflict } from './types';

export interface GuardedUpdateOptions extends UpdateOptions {
	conflicts: ConflictCheckOptions;
}

export interface GuardedUpdateOutcome {
	results: GuardedResult[];
	stats: GuardedWriteStats;
}

function isTime(value: unknown): boolean {
	if (value instanceof Date) return !Number.isNaN(value.getTime());
	return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Date.parse(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The whole call cannot run: a setting, not an item, is wrong. */
function checkOptions(options: ConflictCheckOptions, context: ErrorContext): void {
	if (options.compare !== 'modifiedTime' && options.compare !== 'values') {
		throw new AirtableInputError('The conflict check compares "modifiedTime" or "values"', context);
	}
	if (options.strategy === 'newestWins' && !options.modifiedTimeField) {
		throw new AirtableInputError(
			'Newest Wins compares the record\'s modified time with the item\'s: name a "Last modified time" field of the table',
			context,
		);
	}
}

/** What is wrong with one update's basis, or undefined. */
function basisProblem(update: GuardedUpdate, options: ConflictCheckOptions): string | undefined {
	if (!isPlainObject(update) || typeof update.id !== 'string' || !update.id.startsWith('rec')) {
		return 'Each update needs the record id (rec…) of the record to change';
	}
	if (!isPlainObject(update.fields)) return `Update of ${update.id} needs a fields object`;
	const basis = update.basis ?? {};
	if (options.compare === 'modifiedTime' && !isTime(basis.since)) {
		return `Update of ${update.id}: "unchanged since" must be a date and time (ISO 8601), e.g. when the record was read`;
	}
	if (options.compare === 'values' && !isPlainObject(basis.readValues)) {
		return `Update of ${update.id}: the values read must be an object of field names to values, e.g. the record's "fields" as read`;
	}
	if (options.strategy === 'newestWins' && !isTime(basis.changedAt ?? basis.since)) {
		return `Update of ${update.id}: Newest Wins needs the time the item's values changed (ISO 8601)`;
	}
	return undefined;
}

/** The answer to a write of a record that no longer exists (shapes in test/contract). */
function isRecordGone(error: Error): boolean {
	return error instanceof AirtableError && (error.type === 'ROW_DOES_NOT_EXIST' || error.status === 404);
}

export async function updateUnlessChanged(
	table: TableHandle,
	updates: GuardedUpdate[],
	options: GuardedUpdateOptions,
): Promise<GuardedUpdateOutcome> {
	const replace = options.replace === true;
	const context: ErrorContext = { operation: replace ? 'replace' : 'update', baseId: table.baseId, table: table.table };
	if (!Array.isArray(updates)) throw new AirtableInputError('Expected a list of updates', context);
	checkOptions(options.conflicts, context);
	const results: GuardedResult[] = [];
	const stats: GuardedWriteStats = { checkReads: 0, conflicts: 0 };
	const ready: number[] = [];
	updates.forEach((update, index) => {
		const problem = basisProblem(update, options.conflicts);
		if (problem) results.push({ ok: false, index, error: new AirtableInputError(problem, { ...context, itemIndexes: [index] }) });
		else ready.push(index);
	});
	const conflictResult = (index: number, conflict: WriteConflict): GuardedResult => {
		stats.conflicts++;
		return { ok: false, index, conflict, error: new AirtableConflictError(conflict, { ...context, itemIndexes: [index] }) };
	};

	for (let start = 0; start < ready.length; start += RECORDS_PER_CHECK) {
		const window = ready.slice(start, start + RECORDS_PER_CHECK);
		let state: CurrentState;
		try {
			stats.checkReads++;
			state = await readCurrentState(table, window.map((index) => updates[index]), options.conflicts, {
				replace,
				returnFieldsByFieldId: options.returnFieldsByFieldId === true,
			});
		} catch (error) {
			// Without the check nothing is written blind: every record of the window fails with its cause.
			for (const index of window) {
				const failure = error instanceof AirtableError ? error.withItemIndexes([index]) : (error as Error);
				results.push({ ok: false, index, error: failure });
			}
			continue;
		}
		const toWrite: Array<{ index: number; conflict?: WriteConflict }> = [];
		for (const index of window) {
			const decision = decide(updates[index], state, options.conflicts, replace);
			if (decision.write) toWrite.push({ index, conflict: decision.conflict });
			else results.push(conflictResult(index, decision.conflict));
		}
		if (!toWrite.length) continue;
		const settled = await table.updateSettled(
			toWrite.map(({ index }) => ({ id: updates[index].id, fields: updates[index].fields })),
			{ typecast: options.typecast, returnFieldsByFieldId: options.returnFieldsByFieldId, replace },
		);
		for (const result of settled) {
			const { index, conflict } = toWrite[result.index];
			if (result.ok) {
				if (conflict) stats.conflicts++;
				results.push(conflict ? { ok: true, index, value: result.value, conflict } : { ok: true, index, value: result.value });
			} else if (isRecordGone(result.error) && !state.missingMeansDeleted) {
				const update = updates[index];
				results.push(
					conflictResult(index, { id: update.id, reason: 'deleted', current: null, intended: update.fields, changedFields: [], resolution: 'skipped' }),
				);
			} else {
				const error = result.error instanceof AirtableError ? result.error.withItemIndexes([index]) : result.error;
				results.push({ ok: false, index, error });
			}
		}
	}
	return { results: results.sort((a, b) => a.index - b.index), stats };
}
