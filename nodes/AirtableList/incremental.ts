/**
 * The List node's "only records changed since last run" mode: the watermark, its overlap, and
 * dropping repeated records.
 */

import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { condition, formulaDate, not } from '../client/records/formula';
import type { AirtableRecord } from '../client/types';
import { parseIsoDate, utcIso } from './dates';
import { toUtcIso } from './filter';

/**
 * "Only records changed since last run".
 *
 * Watermark: the time this run STARTED (taken before the first request), saved only after
 * every page was read. The next run asks for records modified at or after
 * `watermark - overlap`: the overlap covers clock skew between n8n and Airtable and edits
 * that were committed while the previous run was paging. Records that come back inside the
 * overlap unchanged are dropped, using fingerprints kept from the previous run:
 * - with a Last Modified Time field: the field's value (exact: a new edit changes it);
 * - with LAST_MODIFIED_TIME(): a hash of the record's returned fields (the formula's value is
 *   not in the response), so an edit that changed none of the returned fields is not re-sent.
 */

export interface IncrementalSettings {
	/** Field name for the formula; '' means LAST_MODIFIED_TIME() (any field). */
	modifiedField: string;
	/** Key of that field in returned records (its id in field-ID mode). */
	modifiedFieldKey: string;
	firstRun: 'all' | 'since';
	firstRunSince?: unknown;
	overlapSeconds: number;
	timeZone: string;
}

export interface IncrementalState {
	/** ISO time the last successful run started. */
	watermark?: string;
	/** What the fingerprints are: `field:<name>` or `content`. */
	fingerprintKind?: string;
	/** Record id → fingerprint, for records the last run returned that the next overlap may return again. */
	boundary?: Record<string, string>;
}

/** Above this many boundary records nothing is kept (static data must stay small): the next run may repeat some. */
export const MAX_BOUNDARY_RECORDS = 5000;

export function readState(staticData: IDataObject): IncrementalState {
	const state = (staticData.incremental ?? {}) as IncrementalState;
	return typeof state === 'object' && state !== null ? state : {};
}

export function writeState(staticData: IDataObject, state: IncrementalState): void {
	staticData.incremental = state as IDataObject;
}

function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.keys(value as object)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export class ChangeTracker {
	readonly since: string | undefined;
	private readonly kind: string;
	private readonly previous: Record<string, string>;
	private readonly nextBoundary: Record<string, string> = {};
	private boundaryCount = 0;
	private boundaryOverflow = false;
	private readonly nextSinceMillis: number;

	constructor(
		private readonly settings: IncrementalSettings,
		state: IncrementalState,
		/** When this run started, ms since the epoch. */
		private readonly runStart: number,
	) {
		this.kind = settings.modifiedField ? `field:${settings.modifiedField}` : 'content';
		this.previous = state.fingerprintKind === this.kind && state.boundary ? state.boundary : {};
		const overlapMs = Math.max(0, settings.overlapSeconds) * 1000;
		if (state.watermark) {
			const watermark = parseIsoDate(state.watermark, 'UTC');
			this.since = watermark === undefined ? undefined : utcIso(watermark - overlapMs);
		} else if (settings.firstRun === 'since') {
			this.since = toUtcIso(settings.firstRunSince, settings.timeZone, 'Read Changes Since');
		}
		this.nextSinceMillis = runStart - overlapMs;
	}

	/** The condition "modified at or after `since`", or '' on a first run that reads everything. */
	formula(): string {
		if (!this.since) return '';
		if (this.settings.modifiedField) return not(condition(this.settings.modifiedField, 'isBefore', this.since));
		return not(`IS_BEFORE(LAST_MODIFIED_TIME(), ${formulaDate(this.since)})`);
	}

	private fingerprint(record: AirtableRecord): string {
		if (this.settings.modifiedField) {
			const value = record.fields?.[this.settings.modifiedFieldKey];
			return value === undefined || value === null ? '' : String(value);
		}
		return createHash('sha256').update(stableJson(record.fields ?? {})).digest('hex').slice(0, 16);
	}

	/** Whether the next run's overlap could return this record again. */
	private mayReturnAgain(fingerprint: string): boolean {
		if (!this.settings.modifiedField) return true;
		const modified = parseIsoDate(fingerprint, 'UTC');
		return modified === undefined || modified >= this.nextSinceMillis;
	}

	/** False for a record the previous run already returned in the same state. */
	accept(record: AirtableRecord): boolean {
		const fingerprint = this.fingerprint(record);
		if (!this.boundaryOverflow && this.mayReturnAgain(fingerprint)) {
			if (!(record.id in this.nextBoundary)) this.boundaryCount++;
			this.nextBoundary[record.id] = fingerprint;
			if (this.boundaryCount > MAX_BOUNDARY_RECORDS) this.boundaryOverflow = true;
		}
		return this.previous[record.id] !== fingerprint;
	}

	/** The state to save once the whole read succeeded. */
	nextState(): IncrementalState {
		return {
			watermark: utcIso(this.runStart),
			fingerprintKind: this.kind,
			boundary: this.boundaryOverflow ? {} : this.nextBoundary,
		};
	}
}
