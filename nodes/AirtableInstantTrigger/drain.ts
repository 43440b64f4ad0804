/**
 * One drain of a webhook: fetch its payloads from the newest delivered cursor, drop those the
 * node ignores (Ignore Changes Made By), turn the rest into items, record the new cursor.
 */

import type { IDataObject, Logger } from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import type { BaseSchema } from '../client/schema/schema';
import type { NumberedPayload } from '../client/types';
import { ignoredAs, ignoresNothing, type IgnoreRule, recordChangeCount } from '../client/webhooks/changeAuthors';
import { recordWebhookEvent } from '../client/observability/metrics';
import { triggerCoordination } from '../shared/queueMode/triggerCoordination';
import { newestCursor, rememberCursor } from './cursorMemory';
import { type MappingSettings, needsFreshSchema, type PayloadError, payloadToItems } from './payloadToItems';
import type { IgnoreSettings } from './specification';

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
	/** Changes to drop before mapping; none when absent. */
	ignore?: IgnoreSettings;
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
	/** Payloads dropped by the ignore settings (the cursor moved past them). */
	ignored: number;
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
 * The payloads that stay once the ignore settings are applied; each dropped record change is
 * counted (`airtable_webhook_events_total{type="ignored"}`). "This credential" needs the user
 * behind it: whoami, cached per credential (client identity()). Error payloads always stay:
 * they say the webhook broke. If whoami fails the drain fails and the cursor stays, rather
 * than letting the workflow's own writes through (a loop) or dropping changes blindly.
 */
async function withoutIgnored(
	client: AirtableClient,
	baseId: string,
	drained: NumberedPayload[],
	ignore: IgnoreSettings | undefined,
): Promise<NumberedPayload[]> {
	if (!ignore || !drained.length) return drained;
	const rule: IgnoreRule = { users: ignore.users, sources: ignore.sources };
	if (ignore.own) rule.ownUserId = (await client.identity()).id;
	if (ignoresNothing(rule)) return drained;
	return drained.filter(({ payload }) => {
		if (payload.error === true || !ignoredAs(payload, rule)) return true;
		for (const [tableId, count] of recordChangeCount(payload)) recordWebhookEvent({ baseId, tableId, type: 'ignored' }, count);
		return false;
	});
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
	const kept = await withoutIgnored(client, baseId, drained, request.ignore);
	const schema =
		kept.length && settings.output === 'records' ? await schemaFor(client, baseId, kept, request.logger) : undefined;
	const items: IDataObject[] = [];
	let error: PayloadError | undefined;
	for (const numbered of kept) {
		const mapped = payloadToItems(numbered, { baseId, webhookId, schema, settings });
		items.push(...mapped.items);
		error ??= mapped.error;
	}
	const cursor = drained.length ? drained[drained.length - 1].nextCursor : fromCursor;
	if (cursor > fromCursor) await rememberCursor(webhookId, cursor);
	return {
		items,
		fromCursor,
		cursor,
		payloadCount: drained.length,
		capped: drained.length >= maxPayloads,
		ignored: drained.length - kept.length,
		error,
	};
}
