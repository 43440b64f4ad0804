/**
 * One drain of a webhook: fetch its payloads from the newest delivered cursor, turn them into
 * items, record the new cursor.
 */

import type { IDataObject, Logger } from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import type { BaseSchema } from '../client/schema/schema';
import type { NumberedPayload } from '../client/types';
import { triggerCoordination } from '../shared/queueMode/triggerCoordination';
import { newestCursor, rememberCursor } from './cursorMemory';
import { type MappingSettings, needsFreshSchema, type PayloadError, payloadToItems } from './payloadToItems';

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
 * Drains the webhook's payloads from the newest delivered cursor, turns them into items and
 * records the new cursor. The caller holds the node's lifecycle lock. A failure leaves the
 * cursor where it was, so nothing is skipped: the next ping or keep-alive pass fetches the
 * same payloads.
 */
export async function drainWebhook(request: DrainRequest): Promise<DrainResult> {
	const { client, baseId, webhookId, settings } = request;
	const maxPayloads = request.maxPayloads ?? MAX_PAYLOADS_PER_DRAIN;
	const fromCursor = await triggerCoordination().deliveredCursor(webhookId, newestCursor(webhookId, request.storedCursor));
	const drained: NumberedPayload[] = [];
	for await (const numbered of client.base(baseId).webhooks.drainPayloads(webhookId, fromCursor, { maxPayloads })) {
		drained.push(numbered);
	}
	const schema =
		drained.length && settings.output === 'records' ? await schemaFor(client, baseId, drained, request.logger) : undefined;
	const items: IDataObject[] = [];
	let error: PayloadError | undefined;
	for (const numbered of drained) {
		const mapped = payloadToItems(numbered, { baseId, webhookId, schema, settings });
		items.push(...mapped.items);
		error ??= mapped.error;
	}
	const cursor = drained.length ? drained[drained.length - 1].nextCursor : fromCursor;
	if (cursor > fromCursor) await rememberCursor(webhookId, cursor);
	return { items, fromCursor, cursor, payloadCount: drained.length, capped: drained.length >= maxPayloads, error };
}
