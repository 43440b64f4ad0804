/**
 * Types of the conflict check for writes: "write this record only if nobody changed it since
 * the values I carry were read". Airtable has no conditional write, so the check is a read
 * right before each write batch (see guardedUpdate.ts); these are its inputs and outcomes.
 */
import type { AirtableRecord, Fields, RecordUpdate, SettledResult } from '../records/types';

/**
 * How "changed since it was read" is decided:
 * - `modifiedTime`: the record's modified time is after the item's `since` — from a Last
 *   modified time field (`modifiedTimeField`), or from LAST_MODIFIED_TIME() in the read's filter;
 * - `values`: a field the write touches holds something else now than the item's `readValues`.
 */
export type ConflictCompare = 'modifiedTime' | 'values';

/**
 * What happens to a record that changed:
 * - `skip`: not written, reported for review;
 * - `overwrite`: written anyway, reported;
 * - `newestWins`: written when the item's change (`changedAt`) is newer than the record's
 *   modified time, else not written; reported either way. Needs `modifiedTimeField`.
 */
export type ConflictStrategy = 'skip' | 'overwrite' | 'newestWins';

export interface ConflictCheckOptions {
	compare: ConflictCompare;
	/** A Last modified time field (name, or id with returnFieldsByFieldId). */
	modifiedTimeField?: string;
	/** Default `skip`. */
	strategy?: ConflictStrategy;
	/**
	 * Fields never compared: computed ones (formulas, lookups, created/modified times) change
	 * without anyone editing them, and Replace does not clear them.
	 */
	ignoreFields?: string[];
}

/** What one write says about the record state it was based on. */
export interface WriteBasis {
	/** `modifiedTime`: the moment the item's view of the record was read (ISO 8601 or Date). */
	since?: string | Date;
	/** `values`: the record's values as they were read (fields missing here were empty). */
	readValues?: Fields;
	/** `newestWins`: when the item's own values changed (ISO 8601 or Date); default `since`. */
	changedAt?: string | Date;
}

export interface GuardedUpdate extends RecordUpdate {
	basis: WriteBasis;
}

export type ConflictReason = 'modified' | 'deleted';

/** `skipped` and `keptAirtable` were not written; `overwritten` was. */
export type ConflictResolution = 'skipped' | 'overwritten' | 'keptAirtable';

/** One record that changed (or went) between the item's read and this write. */
export interface WriteConflict {
	id: string;
	reason: ConflictReason;
	/** The compared fields as Airtable holds them now; null when the record was deleted. */
	current: Fields | null;
	/** The fields the item meant to write. */
	intended: Fields;
	/** Written fields whose current value is neither what was read nor what is written. */
	changedFields: string[];
	/** The record's modified time, when the check could read it (a Last modified time field). */
	modifiedTime?: string;
	resolution: ConflictResolution;
}

/** One result per input update, in input order: written (maybe with a conflict overwritten) or not. */
export type GuardedResult = SettledResult<AirtableRecord> & { conflict?: WriteConflict };

export interface GuardedWriteStats {
	/** Reads the check sent (one per window of up to 100 records). */
	checkReads: number;
	conflicts: number;
}
