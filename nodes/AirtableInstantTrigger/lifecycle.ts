/**
 * Creating, checking, replacing and deleting the trigger's Airtable webhook (n8n's webhook
 * lifecycle and its limits).
 */

import { type IDataObject, type IHookFunctions, type Logger, NodeOperationError } from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import { AirtableError } from '../client/errors';
import type { WebhookInfo, WebhookSpecification } from '../client/types';
import type { WebhooksHandle } from '../client/webhooks/webhooks';
import { credentialTypeOf, getAirtableClient } from '../shared/runtime/executor';
import { toNodeError } from '../shared/execution/items';
import { PKCE_CREDENTIAL_TYPE } from '../shared/editor/properties';
import { triggerCoordination } from '../shared/queueMode/triggerCoordination';
import { rememberCursor } from './cursorMemory';
import {
	readSettings,
	resolveSettings,
	sameSpecification,
	specificationFor,
	type TriggerSettings,
} from './specification';
import { markClosed, markOpen, nodeKey, withNodeLock } from './nodeLock';
import { clearState, readState, type RetiredWebhook, type WebhookState, writeState } from './staticData';
import { currentState, forgetState, markBacklog, rememberState } from './webhookMemory';

/** Airtable's caps: 10 webhooks per base (all creators), 2 per base for one OAuth integration. */
export const WEBHOOKS_PER_BASE = 10;
export const WEBHOOKS_PER_BASE_PER_OAUTH_INTEGRATION = 2;

export class WebhookLimitError extends Error {
	constructor(baseId: string, limit: number, existing: WebhookInfo[]) {
		const listed = existing
			.slice(0, WEBHOOKS_PER_BASE)
			.map((hook) => `${hook.id} → ${hook.notificationUrl ?? 'no URL'}`)
			.join('; ');
		const oauth = limit === WEBHOOKS_PER_BASE_PER_OAUTH_INTEGRATION;
		super(
			`Airtable allows at most ${WEBHOOKS_PER_BASE} webhooks per base, and ${WEBHOOKS_PER_BASE_PER_OAUTH_INTEGRATION} per base ` +
				`for one OAuth integration; base ${baseId} already has ${existing.length}` +
				`${oauth ? ' created through this OAuth integration' : ''}${listed ? ` (${listed})` : ''}. ` +
				'Deactivate other workflows that watch this base, or delete webhooks you no longer need ' +
				'(DELETE /v0/bases/{baseId}/webhooks/{webhookId}), then activate this workflow again',
		);
		this.name = 'WebhookLimitError';
	}
}

/** Production contexts share memory with the keep-alive timer; test ("listen") mode stays apart. */
export function productionKey(ctx: IHookFunctions): string | undefined {
	return ctx.getMode() === 'manual' ? undefined : nodeKey(ctx);
}

function isNotFound(error: unknown): boolean {
	return error instanceof AirtableError && error.status === 404;
}

/** Deletes a webhook; one that is already gone is fine. */
export async function deleteQuietly(hooks: WebhooksHandle, webhookId: string): Promise<void> {
	const failure = await hooks.delete(webhookId).then(
		() => undefined,
		(error: unknown) => error,
	);
	if (failure !== undefined && !isNotFound(failure)) throw failure;
}

function looksLikeLimitError(error: unknown): boolean {
	if (!(error instanceof AirtableError) || error.status === undefined || error.status >= 500) return false;
	const text = `${error.type ?? ''} ${error.airtableMessage ?? ''}`.toLowerCase();
	return /too_many|limit|maximum|max_webhooks|exceed/.test(text);
}

export interface RegisterRequest {
	client: AirtableClient;
	baseId: string;
	specification: WebhookSpecification;
	notificationUrl: string;
	/** The webhook this one replaces, if any. */
	previous?: WebhookState;
	/** Webhooks this credential may hold in one base (10, or 2 for OAuth). */
	limit: number;
	now?: number;
}

/**
 * A new webhook numbers its payloads from 1, and every payload it ever has is about a change
 * made after it was created: starting at 1 is "from now". Reading `cursorForNextPayload`
 * after creating instead would skip changes made in between (seen in n8n, whose activation
 * runs in the background while people keep editing).
 */
const FIRST_PAYLOAD = 1;

/**
 * Creates the webhook and returns its state, starting at "now" (FIRST_PAYLOAD). On the way it
 * clears what would otherwise pile up against the per-base cap — the webhook being replaced,
 * and strays of this very node (same notification URL) left by a run that could not save its
 * state — but never deletes one that still holds undelivered payloads: those are retired, and
 * the keep-alive drains them (emitting their changes) before deleting them. A stray's
 * delivered cursor is what this process or Redis knows, else its first payload: its changes
 * may come twice then (same eventId), never not at all. The caller holds the node's lock.
 */
export async function registerWebhook(request: RegisterRequest): Promise<WebhookState> {
	const { client, baseId, specification, notificationUrl, previous, limit } = request;
	const hooks = client.base(baseId).webhooks;
	const existing = await hooks.list();
	const retired: RetiredWebhook[] = previous?.baseId === baseId ? previous.retired.map((entry) => ({ ...entry })) : [];
	if (previous && previous.baseId !== baseId) {
		// The node was pointed at another base: its old webhook has nothing this node still wants.
		await deleteQuietly(client.base(previous.baseId).webhooks, previous.webhookId).catch(() => undefined);
	}
	const removed = new Set<string>();
	for (const hook of existing) {
		if (retired.some((entry) => entry.webhookId === hook.id)) continue;
		const isPrevious = previous?.webhookId === hook.id && previous.baseId === baseId;
		if (!isPrevious && hook.notificationUrl !== notificationUrl) continue;
		const cursor = await triggerCoordination().deliveredCursor(hook.id, isPrevious ? previous.cursor : FIRST_PAYLOAD);
		if (hook.cursorForNextPayload > cursor) {
			retired.push({ webhookId: hook.id, cursor });
			continue;
		}
		await deleteQuietly(hooks, hook.id);
		removed.add(hook.id);
	}
	const remaining = existing.filter((hook) => !removed.has(hook.id));
	// Whether expired webhooks count against the cap is not documented: only live ones are
	// counted here, and Airtable's own refusal is translated below.
	if (remaining.filter((hook) => hook.isHookEnabled).length >= limit) {
		throw new WebhookLimitError(baseId, limit, remaining);
	}

	const created = await hooks.create({ notificationUrl, specification }).catch((error: unknown) => {
		throw looksLikeLimitError(error) ? new WebhookLimitError(baseId, limit, remaining) : error;
	});
	const now = request.now ?? Date.now();
	await rememberCursor(created.id, FIRST_PAYLOAD);
	return {
		webhookId: created.id,
		baseId,
		macSecretBase64: created.macSecretBase64,
		expirationTime: created.expirationTime ?? null,
		cursor: FIRST_PAYLOAD,
		notificationUrl,
		createdAt: now,
		expiryLearnedAt: now,
		retired,
	};
}

export function webhookLimitFor(ctx: Parameters<typeof credentialTypeOf>[0]): number {
	return credentialTypeOf(ctx) === PKCE_CREDENTIAL_TYPE ? WEBHOOKS_PER_BASE_PER_OAUTH_INTEGRATION : WEBHOOKS_PER_BASE;
}

function notificationUrlOf(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n did not provide a webhook URL for this node');
	return url;
}

async function desiredSpecification(ctx: IHookFunctions, client: AirtableClient) {
	const settings = await resolveSettings(client, readSettings(ctx));
	return { settings, specification: specificationFor(settings) };
}

function wrap(ctx: IHookFunctions, error: unknown): Error {
	if (error instanceof WebhookLimitError) {
		return new NodeOperationError(ctx.getNode(), error.message, {
			description: 'Airtable counts every webhook on the base, including those of other tools and workflows',
		});
	}
	return toNodeError(ctx.getNode(), error);
}

/**
 * Whether the stored webhook can be kept: it exists, is enabled, pings this URL and watches
 * exactly what the parameters ask. Notifications Airtable turned off after failed deliveries
 * are turned back on here (the webhook and its undelivered payloads are kept; keep-alive
 * drains them).
 */
export async function checkWebhookExists(ctx: IHookFunctions): Promise<boolean> {
	const key = productionKey(ctx);
	if (key) markOpen(key);
	return await withNodeLock(ctx, !key, async () => await checkStoredWebhook(ctx, key));
}

async function checkStoredWebhook(ctx: IHookFunctions, key: string | undefined): Promise<boolean> {
	const state = currentState(ctx.getWorkflowStaticData('node'), key);
	if (!state) return false;
	try {
		const client = await getAirtableClient(ctx);
		const { settings, specification } = await desiredSpecification(ctx, client);
		if (state.baseId !== settings.baseId) return false;
		const hooks = client.base(state.baseId).webhooks;
		const info = (await hooks.list()).find((hook) => hook.id === state.webhookId);
		if (!info || !info.isHookEnabled) return false;
		if (info.notificationUrl !== notificationUrlOf(ctx)) return false;
		if (!sameSpecification(info.specification, specification)) return false;
		if (!info.areNotificationsEnabled) {
			await hooks.enableNotifications(state.webhookId, true);
			markBacklog(state.webhookId);
			ctx.logger.warn(
				`Airtable Instant Trigger: Airtable had turned off pings for webhook ${state.webhookId} after failed deliveries; turned them back on`,
			);
		}
		rememberState({ ...state, expirationTime: info.expirationTime ?? state.expirationTime }, nodeKey(ctx), key);
		return true;
	} catch (error) {
		throw wrap(ctx, error);
	}
}

export async function createWebhook(ctx: IHookFunctions): Promise<boolean> {
	const key = productionKey(ctx);
	if (key) markOpen(key);
	return await withNodeLock(ctx, !key, async () => await createAndStore(ctx, key));
}

async function createAndStore(ctx: IHookFunctions, key: string | undefined): Promise<boolean> {
	const staticData = ctx.getWorkflowStaticData('node');
	try {
		const client = await getAirtableClient(ctx);
		const { settings, specification } = await desiredSpecification(ctx, client);
		const state = await registerWebhook({
			client,
			baseId: settings.baseId,
			specification,
			notificationUrl: notificationUrlOf(ctx),
			previous: currentState(staticData, key),
			limit: webhookLimitFor(ctx),
		});
		writeState(staticData, state);
		rememberState(state, nodeKey(ctx), key);
		return true;
	} catch (error) {
		throw wrap(ctx, error);
	}
}

/**
 * Removes the webhook (and any retired one) from Airtable. Only webhooks that ping this
 * context's URL are touched: a test-mode clean-up must never delete the production webhook.
 * Besides the one in static data, that is the newer one keep-alive may have created in this
 * process whose state is not saved yet.
 */
export async function deleteWebhook(ctx: IHookFunctions): Promise<boolean> {
	const key = productionKey(ctx);
	// Said before waiting for the lock: a keep-alive pass holding it must not create anything now.
	if (key) markClosed(key);
	return await withNodeLock(ctx, !key, async () => await deleteUnderLock(ctx, key ?? nodeKey(ctx)));
}

async function deleteUnderLock(ctx: IHookFunctions, key: string): Promise<boolean> {
	const staticData = ctx.getWorkflowStaticData('node');
	const stored = readState(staticData);
	const live = currentState(staticData, key);
	const targets = stored ? [stored] : [];
	if (live && live.webhookId !== stored?.webhookId && live.notificationUrl === ctx.getNodeWebhookUrl('default')) {
		targets.push(live);
	}
	if (!targets.length) return true;
	const client = await getAirtableClient(ctx);
	for (const state of targets) {
		const hooks = client.base(state.baseId).webhooks;
		for (const webhookId of [state.webhookId, ...state.retired.map((entry) => entry.webhookId)]) {
			try {
				await deleteQuietly(hooks, webhookId);
			} catch (error) {
				// A webhook left behind is removed by the next activation (same notification URL).
				ctx.logger.warn(`Airtable Instant Trigger: could not delete webhook ${webhookId}: ${(error as Error).message}`);
			}
			forgetState(webhookId, key);
		}
	}
	clearState(staticData);
	return true;
}

export interface RecreateRequest {
	client: AirtableClient;
	settings: TriggerSettings;
	previous: WebhookState;
	/** Why, in words for the user: goes into the notice item and the log. */
	reason: string;
	limit: number;
	logger: Logger;
}

export interface RecreateResult {
	/** The new webhook, or undefined when it could not be created. */
	state?: WebhookState;
	/** An item for the execution, telling the user what happened and why. */
	notice: IDataObject;
}

/**
 * Replaces a webhook Airtable stopped (error payload, expiry, deletion) with a new one pinging
 * the same URL. The caller stores the new state and makes sure it is saved (an execution).
 */
export async function recreateWebhook(request: RecreateRequest): Promise<RecreateResult> {
	const { client, previous, reason, logger } = request;
	const base = { baseId: previous.baseId, tableId: request.settings.tableId, previousWebhookId: previous.webhookId };
	try {
		const settings = await resolveSettings(client, request.settings);
		const state = await registerWebhook({
			client,
			baseId: settings.baseId,
			specification: specificationFor(settings),
			notificationUrl: previous.notificationUrl,
			previous,
			limit: request.limit,
		});
		const message = `Airtable webhook ${previous.webhookId} ${reason}; created webhook ${state.webhookId} in its place. Changes made while no webhook was active are not included.`;
		logger.warn(`Airtable Instant Trigger: ${message}`);
		return {
			state,
			notice: { event: 'webhook.recreated', ...base, webhookId: state.webhookId, reason, message, timestamp: new Date().toISOString() },
		};
	} catch (error) {
		const message = `Airtable webhook ${previous.webhookId} ${reason}, and a new one could not be created: ${(error as Error).message}. Check the node's settings (a watched field, the table or the view may have been deleted), then deactivate and activate the workflow.`;
		logger.error(`Airtable Instant Trigger: ${message}`);
		return {
			notice: { event: 'webhook.failed', ...base, webhookId: null, reason, message, timestamp: new Date().toISOString() },
		};
	}
}

/** Words for an error payload's code, for notices. */
export function describeErrorCode(code: string): string {
	if (code === 'INVALID_FILTERS') {
		return 'was stopped by Airtable (INVALID_FILTERS: the table, view or a watched field it depends on was deleted or changed)';
	}
	if (code === 'INVALID_HOOK') return 'was stopped by Airtable (INVALID_HOOK: the webhook became invalid)';
	return `was stopped by Airtable (${code})`;
}
