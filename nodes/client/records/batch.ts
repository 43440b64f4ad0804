/**
 * Splitting a write into chunks of at most 10 records, sending them concurrently, and stopping
 * once one fails.
 */

import { AirtableError, AirtableValidationError, type LandedResult } from '../errors';
import { CallCancelled } from '../transport/request';
import type { Fields, SettledResult } from './types';

/** Airtable accepts at most 10 records per create / update / upsert / delete request. */
export const MAX_RECORDS_PER_REQUEST = 10;

/** A slice of the caller's input together with each item's index in that input. */
export interface Chunk<T> {
	items: T[];
	indexes: number[];
}

export function toChunks<T>(items: T[], indexes: number[], size = MAX_RECORDS_PER_REQUEST): Array<Chunk<T>> {
	const chunks: Array<Chunk<T>> = [];
	for (let start = 0; start < items.length; start += size) {
		chunks.push({ items: items.slice(start, start + size), indexes: indexes.slice(start, start + size) });
	}
	return chunks;
}

/** Sends one chunk; resolves with one result per item of the chunk, in the chunk's order. */
export type ChunkWorker<T, R> = (chunk: Chunk<T>, isCancelled: () => boolean) => Promise<R[]>;

/**
 * All chunks go out concurrently (the throttle decides how fast). Once one fails, chunks not
 * yet sent are called off so a failing batch stops writing; after everything in flight has
 * settled, the failure of the earliest chunk is thrown, carrying the results of the chunks that
 * did land (`error.landed`) so a caller never writes them twice. Results come back in input order.
 */
export async function runChunks<T, R>(items: T[], worker: ChunkWorker<T, R>): Promise<R[]> {
	const chunks = toChunks(items, items.map((_, index) => index));
	let failed = false;
	const isCancelled = () => failed;
	const outcomes = await Promise.all(
		chunks.map(async (chunk) =>
			worker(chunk, isCancelled).then(
				(values) => ({ values }),
				(error: unknown) => {
					failed = true;
					return { error };
				},
			),
		),
	);
	const results: R[] = [];
	const landed: LandedResult[] = [];
	let firstError: unknown;
	outcomes.forEach((outcome, position) => {
		if ('values' in outcome) {
			results.push(...outcome.values);
			outcome.values.forEach((value, offset) => landed.push({ index: chunks[position].indexes[offset], value }));
		} else if (firstError === undefined && !(outcome.error instanceof CallCancelled)) {
			firstError = outcome.error;
		}
	});
	if (firstError !== undefined) throw withLanded(firstError, landed);
	return results;
}

function withLanded(error: unknown, landed: LandedResult[]): unknown {
	if (error instanceof AirtableError) return error.withLanded(landed);
	if (landed.length && error && typeof error === 'object') Object.assign(error, { landed });
	return error;
}

/**
 * An unknown field name fails every record that uses it, so splitting would only repeat the
 * error down to single records (about 2 requests per record). Positions of the records
 * that carry the named field are failed at once; the others are sent again.
 */
function itemsUsingUnknownField<T>(
	chunk: Chunk<T>,
	error: unknown,
	fieldsOf: (item: T) => Fields | undefined,
): number[] {
	if (!(error instanceof AirtableValidationError) || error.type !== 'UNKNOWN_FIELD_NAME' || !error.field) return [];
	const field = error.field;
	const positions: number[] = [];
	chunk.items.forEach((item, position) => {
		const fields = fieldsOf(item);
		if (fields && Object.prototype.hasOwnProperty.call(fields, field)) positions.push(position);
	});
	return positions;
}

/** Validation failures that splitting can narrow down: Airtable judged the data, not the setup. */
function isItemLevelRejection(error: unknown): boolean {
	return error instanceof AirtableValidationError && error.status !== undefined;
}

/**
 * Per-item outcomes. A chunk that Airtable rejects as invalid (422, 413, 400) is split in
 * halves recursively, so the good items still land and each bad item gets its own error with
 * its index (and the field, when Airtable names it). Other failures (auth, quota, rate limit
 * after retries, unknown outcome) apply to the whole chunk: splitting would only repeat them.
 * `preset` holds items that already failed client-side checks; they are never sent.
 */
export async function settleChunks<T, R>(
	items: T[],
	worker: ChunkWorker<T, R>,
	preset: Map<number, Error> = new Map(),
	fieldsOf?: (item: T) => Fields | undefined,
): Promise<Array<SettledResult<R>>> {
	const results = new Array<SettledResult<R>>(items.length);
	for (const [index, error] of preset) results[index] = { ok: false, index, error };

	const sendable = items.map((_, index) => index).filter((index) => !preset.has(index));
	const neverCancelled = () => false;

	const settle = async (chunk: Chunk<T>): Promise<void> => {
		const outcome = await worker(chunk, neverCancelled).then(
			(values) => ({ values }),
			(error: unknown) => ({ error }),
		);
		if ('values' in outcome) {
			chunk.indexes.forEach((index, position) => {
				results[index] = { ok: true, index, value: outcome.values[position] };
			});
			return;
		}
		const guilty = fieldsOf ? itemsUsingUnknownField(chunk, outcome.error, fieldsOf) : [];
		if (guilty.length) {
			const error = outcome.error as AirtableValidationError;
			const rest: Chunk<T> = { items: [], indexes: [] };
			chunk.items.forEach((item, position) => {
				const index = chunk.indexes[position];
				if (guilty.includes(position)) {
					results[index] = { ok: false, index, error: error.withItemIndexes([index]) };
				} else {
					rest.items.push(item);
					rest.indexes.push(index);
				}
			});
			if (rest.items.length) await settle(rest);
			return;
		}
		if (chunk.items.length > 1 && isItemLevelRejection(outcome.error)) {
			const middle = Math.ceil(chunk.items.length / 2);
			await Promise.all([
				settle({ items: chunk.items.slice(0, middle), indexes: chunk.indexes.slice(0, middle) }),
				settle({ items: chunk.items.slice(middle), indexes: chunk.indexes.slice(middle) }),
			]);
			return;
		}
		// The error already names this chunk's items (the worker passes them to the call).
		for (const index of chunk.indexes) results[index] = { ok: false, index, error: outcome.error as Error };
	};

	await Promise.all(
		toChunks(
			sendable.map((index) => items[index]),
			sendable,
		).map(settle),
	);
	return results;
}
