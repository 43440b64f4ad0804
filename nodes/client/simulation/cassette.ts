/** The cassette format: the recorded HTTP exchanges of one session, as readable JSON. */

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

import type { HttpMethod } from '../transport/types';

/**
 * A cassette: the HTTP exchanges of one recorded session, as JSON a person can read and diff.
 * Secrets and e-mail addresses are already redacted when an interaction is added (redact.ts).
 */
export interface Cassette {
	version: 1;
	recordedAt: string;
	interactions: Interaction[];
}

export interface RecordedRequest {
	method: HttpMethod;
	/** Path without the query, e.g. `/v0/appX/tblY`. */
	path: string;
	/** Query parameters in their order; repeated keys (sort[0][field]…) keep every value. */
	query: Array<[string, string]>;
	body?: unknown;
}

export type RecordedOutcome =
	| { status: number; headers: Record<string, string>; body?: unknown }
	/** No response arrived: the transport error's code and whether the request may have gone out. */
	| { error: { code: string; requestSent: boolean } };

export interface Interaction {
	request: RecordedRequest;
	response: RecordedOutcome;
	/** When the request was sent, in ms after the session's first request. */
	startedAtMs: number;
	durationMs: number;
}

export function emptyCassette(now: Date = new Date()): Cassette {
	return { version: 1, recordedAt: now.toISOString(), interactions: [] };
}

export function splitPath(pathWithQuery: string): { path: string; query: Array<[string, string]> } {
	const at = pathWithQuery.indexOf('?');
	if (at < 0) return { path: pathWithQuery, query: [] };
	return { path: pathWithQuery.slice(0, at), query: [...new URLSearchParams(pathWithQuery.slice(at + 1)).entries()] };
}

export function isCassette(value: unknown): value is Cassette {
	const cassette = value as Partial<Cassette> | undefined;
	return cassette?.version === 1 && Array.isArray(cassette.interactions);
}

export function readCassetteFile(file: string): Cassette {
	if (!existsSync(file)) throw new Error(`Cassette ${file} does not exist: record it first (simulation mode "record")`);
	const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
	if (!isCassette(parsed)) throw new Error(`${file} is not a cassette (expected {"version":1,"interactions":[…]})`);
	return parsed;
}

/** Written whole through a temporary file, so a crash mid-write never leaves half a cassette. */
export function writeCassetteFile(file: string, cassette: Cassette): void {
	const temporary = `${file}.${process.pid}.tmp`;
	writeFileSync(temporary, `${JSON.stringify(cassette, null, 2)}\n`);
	renameSync(temporary, file);
}
