import type { IDataObject, Logger } from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import type { BaseSchema } from '../client/schema';
import type { NumberedPayload } from '../client/types';
import { type MappingSettings, needsFreshSchema, type PayloadError, payloadToItems } from './payloadToItems';

/**
 * Pings are at-least-once and may arrive together, and n8n saves a webhook execution's static
 * data only after the execution, so two pings for one webhook must never drain side by side
 * from the same stored cursor. Within one n8n process:
 * - every drain of a webhook runs under that webhook's lock (a promise chain per webhook id);
 * - the newest cursor is kept here, set before the lock is released, so the next drain starts
 *   after the last payload already turned into items even when the static data it was handed
 *   is older.
 */
const locks = new Map<string, Promise<void>>();
const newestCursors = new Map<string, number>();

export async function withWebhookLock<T>(webhookId: string, work: () => Promise<T>): Promise<T> {
	const previous = locks.get(webhookId) ?? Promise.resolve();
	let release: () => void = () => {};
	const mine = new Promise<void>((resolve) => {
		release = resolve;
	});
	const tail = previous.then(async () => await mine);
	locks.set(webhookId, tail);
	await previous;
	try {
		return await work();
	} finally {
		release();
		if (locks.get(webhookId) === tail) locks.delete(webhookId);
	}
}

/** The cursor to drain from: the stored one, or a newer one this process already reached. */
export function newestCursor(webhookId: string, stored: number | undefined): number {
	const known = newestCursors.get(webhookId);
	const candidates = [stored, known].filter((value): value is number => typeof value === 'number' && value >= 1);
	return candidates.length ? Math.max(...candidates) : 1;
}

export function rememberCursor(webhookId: string, cursor: number): void {
	newestCursors.set(webhookId, Math.max(cursor, newestCursors.get(webhookId) ?? 0));
}

export function forgetCursor(webhookId: string): void {
	newestCursors.delete(webhookId);
}

/** Payloads one ping drains at most: a few requests, well inside Airtable's 25 s for the ping. */
export const MAX_PAYLOADS_PER_DRAIN = 250;

export interface DrainRequest {
	client: AirtableClient;
	baseId: string;
	webhookId: string;
	/** The cursor in the caller's static data (may be older than this process's). */
	storedCursor: number | undefined;
	settings: MappingSettings;
	maxPayloads?: number;
	logger?: Logger;
}

export interface DrainResult {
	items: IDataObject[];
	/** Where this drain started. */
	fromCursor: number;
	/** Where the next drain starts (unchanged when nothing new arrived). */
	cursor: number;
	payloadCount: number;
	/** The cap was reached: more payloads may be waiting. */
	capped: boolean;
	/** The first error payload met, if any. */
	error?: PayloadError;
}

async function schemaFor(
	client: AirtableClient,
	baseId: string,
	payloads: NumberedPayload[],
	logger: Logger | undefined,
): Promise<BaseSchema | undefined> {
	const base = client.base(baseId);
	try {
		let schema = await base.schema();
		if (needsFreshSchema(payloads.map((entry) => entry.payload), schema)) schema = await base.schema({ refresh: true });
		return schema;
	} catch (error) {
		// Without schema.bases:read (or on a hiccup) fields stay keyed by id rather than losing changes.
		logger?.warn(
			`Airtable Instant Trigger: could not read the schema of base ${baseId} (${(error as Error).message}); fields keep their ids`,
		);
		return undefined;
	}
}

/**
 * Drains the webhook's payloads from the newest known cursor, turns them into items and
 * records the new cursor, all under the webhook's lock. A failure leaves the cursor where it
 * was, so nothing is skipped: the next ping (or keep-alive tick) fetches the same payloads.
 */
export async function drainWebhook(request: DrainRequest): Promise<DrainResult> {
	const { client, baseId, webhookId, settings } = request;
	const maxPayloads = request.maxPayloads ?? MAX_PAYLOADS_PER_DRAIN;
	return await withWebhookLock(webhookId, async () => {
		const fromCursor = newestCursor(webhookId, request.storedCursor);
		const drained: NumberedPayload[] = [];
		for await (const numbered of client.base(baseId).webhooks.drainPayloads(webhookId, fromCursor, { maxPayloads })) {
			drained.push(numbered);
		}
		const schema =
			drained.length && settings.output === 'records'
				? await schemaFor(client, baseId, drained, request.logger)
				: undefined;
		const items: IDataObject[] = [];
		let error: PayloadError | undefined;
		for (const numbered of drained) {
			const mapped = payloadToItems(numbered, { baseId, schema, settings });
			items.push(...mapped.items);
			error ??= mapped.error;
		}
		const cursor = drained.length ? drained[drained.length - 1].nextCursor : fromCursor;
		rememberCursor(webhookId, cursor);
		return { items, fromCursor, cursor, payloadCount: drained.length, capped: drained.length >= maxPayloads, error };
	});
}

/** For tests: forget every remembered cursor. */
export function forgetAllCursors(): void {
	newestCursors.clear();
}
