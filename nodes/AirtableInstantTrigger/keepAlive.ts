/**
 * The trigger's keep-alive cron: refreshes, re-enables, replaces and drains the node's webhook so
 * it survives quiet bases.
 */

import type { CronExpression, IDataObject, ITriggerFunctions, Logger } from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import { triggerItemsWithFiles } from '../shared/attachments/attachmentReads';
import { processState } from '../client/state';
import { getAirtableClient } from '../shared/runtime/executor';
import { triggerCoordination } from '../shared/queueMode/triggerCoordination';
import { forgetCursor } from './cursorMemory';
import { drainWebhook, MAX_PAYLOADS_PER_DRAIN } from './drain';
import { deleteQuietly, describeErrorCode, recreateWebhook, webhookLimitFor } from './lifecycle';
import { readSettings, type TriggerSettings } from './specification';
import { isClosed, markClosed, markOpen, nodeKey, withNodeLock } from './nodeLock';
import { type WebhookState, writeState } from './staticData';
import {
	adoptState,
	clearBacklog,
	currentState,
	forgetState,
	hasBacklog,
	markBacklog,
	rememberState,
} from './webhookMemory';

/*
 * Keep-alive, and why it works this way.
 *
 * Airtable disables a webhook 7 days after creation or its last refresh, turns pings off after
 * a day of failed deliveries, and stops a webhook for good when its specification breaks.
 * A ping-only trigger cannot notice any of that on a quiet base, so the node also has a
 * trigger(): n8n runs it on activation next to the webhook lifecycle, and it registers a cron
 * with `this.helpers.registerCron` (n8n removes it on deactivation; node code may not use
 * setTimeout/setInterval). The first pass runs at activation; then the cron fires every
 * minute but talks to Airtable only when something is due — a health check every
 * HEALTH_CHECK_INTERVAL_MS, a refresh once a seventh of the webhook's life has passed (daily
 * for 7-day webhooks), a drain left unfinished by a ping (capped or failed), or a retired
 * webhook still to be drained — so a quiet workflow costs one list request per check.
 *
 * A health check lists the base's webhooks and then:
 * - refreshes the webhook when due;
 * - turns notifications back on when Airtable turned them off;
 * - catch-up: drains whenever the webhook's cursorForNextPayload is past the newest delivered
 *   cursor, whatever the ping history — a ping acknowledged just before a crash is never
 *   re-sent by Airtable, and this is what delivers its changes;
 * - replaces a webhook that is gone, expired or stopped by an error payload (after draining
 *   what is still readable), unless the node is being deactivated.
 *
 * Every pass runs under the node's lifecycle lock (nodeLock.ts), like pings and activation.
 *
 * Static data changed in a timer is saved only when the timer calls emit(). So whenever the
 * cron drains changes or replaces the webhook it emits an execution, with the changes and,
 * for a replacement, a `webhook.recreated` item saying why — that execution is what persists
 * the new webhook id, MAC secret and cursor (written into the timer's static data first), and
 * it is how the user learns about it in the execution list. Until that save lands, pings
 * for the new webhook are verified from this process's memory (webhookMemory.ts).
 */

/** Also the longest a change can wait when its ping was lost (crash right after acknowledging). */
export const HEALTH_CHECK_INTERVAL_MS = 5 * 60_000;

/** A second of the minute derived from the node id, so many triggers do not all tick at :00. */
export function keepAliveCron(nodeId: string): CronExpression {
	let hash = 0;
	for (const char of nodeId) hash = (hash * 31 + char.charCodeAt(0)) % 60;
	return `${hash} * * * * *`;
}

const NODE_MEMORY = { maxEntries: 10_000, idleMs: 24 * 60 * 60_000 };
const lastHealthCheck = processState.registry<number>('trigger.lastHealthCheck', NODE_MEMORY);
/** Passes in progress: never forgotten while they run (they remove themselves). */
const running = processState.registry<true>('trigger.keepAliveRunning', { ...NODE_MEMORY, canEvict: () => false });
/** After a failed pass the next one waits: 1, 2, 4 … minutes, at most an hour. */
const retryAfter = processState.registry<{ at: number; failures: number }>('trigger.keepAliveRetry', NODE_MEMORY);
const MAX_RETRY_DELAY_MS = 60 * 60_000;

function noteFailure(key: string, now: number): void {
	const failures = (retryAfter.get(key)?.failures ?? 0) + 1;
	retryAfter.set(key, { at: now + Math.min(2 ** (failures - 1) * 60_000, MAX_RETRY_DELAY_MS), failures });
}

/** Refresh once a seventh of the webhook's lifetime has passed (a day, for Airtable's 7 days). */
export function refreshDue(state: WebhookState, now: number): boolean {
	if (!state.expirationTime) return false;
	const expiresAt = Date.parse(state.expirationTime);
	if (Number.isNaN(expiresAt)) return true;
	const lifetime = Math.max(expiresAt - state.expiryLearnedAt, 1000);
	return expiresAt - now <= (lifetime * 6) / 7;
}

export function keepAliveDue(state: WebhookState, key: string, now: number): boolean {
	if (now < (retryAfter.get(key)?.at ?? 0)) return false;
	return (
		hasBacklog(state.webhookId) ||
		state.retired.length > 0 ||
		refreshDue(state, now) ||
		now - (lastHealthCheck.get(key) ?? 0) >= HEALTH_CHECK_INTERVAL_MS
	);
}

export interface KeepAliveRequest {
	client: AirtableClient;
	settings: TriggerSettings;
	state: WebhookState;
	limit: number;
	logger: Logger;
	now: number;
	/** True once the node is being deactivated: nothing may be created any more. */
	closed?: () => boolean;
}

export interface KeepAliveResult {
	state: WebhookState;
	/** Changes drained and notices; emitting them also saves `state`. */
	items: IDataObject[];
	/** A broken webhook could not be replaced (a `webhook.failed` notice is among the items). */
	failed: boolean;
	/**
	 * Airtable failed part-way. Changes drained before that are still in `items`: their cursor
	 * is already taken, so they must be emitted, not dropped.
	 */
	error?: Error;
}

async function drainInto(
	items: IDataObject[],
	request: KeepAliveRequest,
	webhookId: string,
	storedCursor: number,
): Promise<{ cursor: number; count: number; errorCode?: string }> {
	const result = await drainWebhook({
		client: request.client,
		baseId: request.state.baseId,
		webhookId,
		storedCursor,
		settings: request.settings,
		maxPayloads: MAX_PAYLOADS_PER_DRAIN,
		logger: request.logger,
		ignore: request.settings.ignore,
	});
	items.push(...result.items);
	if (result.capped) markBacklog(webhookId);
	else clearBacklog(webhookId);
	return { cursor: result.cursor, count: result.payloadCount, errorCode: result.error?.code };
}

/** Drains and deletes webhooks replaced while they still held payloads (see registerWebhook). */
async function drainRetired(request: KeepAliveRequest, items: IDataObject[]): Promise<WebhookState['retired']> {
	const { client, state, logger } = request;
	const left: WebhookState['retired'] = [];
	for (const retired of state.retired) {
		let cursor = retired.cursor;
		try {
			const drained = await drainInto(items, request, retired.webhookId, retired.cursor);
			cursor = drained.cursor;
			if (drained.count) {
				logger.info(
					`Airtable Instant Trigger: drained ${drained.count} payload(s) of the replaced webhook ${retired.webhookId} before deleting it`,
				);
			}
			if (hasBacklog(retired.webhookId)) {
				left.push({ ...retired, cursor });
				continue;
			}
			await deleteQuietly(client.base(state.baseId).webhooks, retired.webhookId);
			await forgetCursor(retired.webhookId);
		} catch (error) {
			logger.warn(
				`Airtable Instant Trigger: could not drain or delete the replaced webhook ${retired.webhookId}: ${(error as Error).message}`,
			);
			left.push({ ...retired, cursor });
		}
	}
	return left;
}

/**
 * One keep-alive pass for the node's webhook (see the comment at the top of this file). An
 * Airtable failure ends the pass early and is returned with what was gathered until then.
 */
export async function runKeepAlive(request: KeepAliveRequest): Promise<KeepAliveResult> {
	const progress: KeepAliveResult = {
		state: { ...request.state, retired: request.state.retired.map((entry) => ({ ...entry })) },
		items: [],
		failed: false,
	};
	try {
		await keepAliveSteps(request, progress);
	} catch (error) {
		progress.error = error as Error;
	}
	return progress;
}

async function keepAliveSteps(request: KeepAliveRequest, progress: KeepAliveResult): Promise<void> {
	const { client, logger, now } = request;
	const { items } = progress;
	let state = progress.state;
	const update = (next: WebhookState) => {
		state = next;
		progress.state = next;
	};

	if (state.retired.length) update({ ...state, retired: await drainRetired({ ...request, state }, items) });

	const hooks = client.base(state.baseId).webhooks;
	const info = (await hooks.list()).find((hook) => hook.id === state.webhookId);

	const replace = async (reason: string) => {
		if (request.closed?.()) {
			logger.info(`Airtable Instant Trigger: webhook ${state.webhookId} ${reason}; not replaced, the workflow is being deactivated`);
			return;
		}
		const result = await recreateWebhook({
			client,
			settings: request.settings,
			previous: state,
			reason,
			limit: request.limit,
			logger,
		});
		items.push(result.notice);
		if (result.state) update(result.state);
		else progress.failed = true;
	};

	if (!info) {
		await replace('was deleted or is no longer visible to this credential');
		return;
	}
	if (!info.isHookEnabled) {
		// Expired or stopped: its payloads stay readable for a while, deliver them first.
		let errorCode: string | undefined;
		try {
			const drained = await drainInto(items, request, state.webhookId, state.cursor);
			update({ ...state, cursor: drained.cursor });
			errorCode = drained.errorCode;
		} catch (error) {
			logger.warn(
				`Airtable Instant Trigger: payloads of the stopped webhook ${state.webhookId} are not readable: ${(error as Error).message}`,
			);
		}
		await replace(errorCode ? describeErrorCode(errorCode) : 'expired or was disabled by Airtable');
		return;
	}

	let drainNeeded = hasBacklog(state.webhookId);
	if (!info.areNotificationsEnabled) {
		await hooks.enableNotifications(state.webhookId, true);
		logger.warn(
			`Airtable Instant Trigger: Airtable had turned off pings for webhook ${state.webhookId} after failed deliveries; notifications re-enabled`,
		);
		drainNeeded = true;
	}
	update({ ...state, expirationTime: info.expirationTime ?? state.expirationTime });
	if (refreshDue(state, now)) {
		const refreshed = await hooks.refresh(state.webhookId);
		update({ ...state, expirationTime: refreshed.expirationTime ?? state.expirationTime, expiryLearnedAt: now });
	}
	const cursor = await triggerCoordination().deliveredCursor(state.webhookId, state.cursor);
	const behind = info.cursorForNextPayload > cursor;
	if (drainNeeded || behind) {
		const drained = await drainInto(items, request, state.webhookId, cursor);
		update({ ...state, cursor: drained.cursor });
		if (behind && drained.count) {
			logger.info(
				`Airtable Instant Trigger: catch-up drain of webhook ${state.webhookId}: ${drained.count} payload(s) from cursor ${cursor} that no ping delivered`,
			);
		}
		if (drained.errorCode) await replace(describeErrorCode(drained.errorCode));
	}
}

/**
 * The cron callback: decide cheaply whether anything is due, run the keep-alive pass, keep the
 * newest state in memory and in the timer's static data, and emit drained changes and notices
 * (which saves that static data). Never throws: a failed pass is logged and retried next tick.
 */
export async function keepAliveTick(ctx: ITriggerFunctions, now = Date.now()): Promise<void> {
	const pass = keepAlivePass(ctx, now);
	inFlight.add(pass);
	try {
		await pass;
	} finally {
		inFlight.delete(pass);
	}
}

const inFlight = new Set<Promise<void>>();

/** Resolves once every keep-alive pass in progress has finished (tests; orderly shutdown). */
export async function settleKeepAlive(): Promise<void> {
	await Promise.all([...inFlight]);
}

async function keepAlivePass(ctx: ITriggerFunctions, now: number): Promise<void> {
	const key = nodeKey(ctx);
	if (running.get(key) || isClosed(key)) return;
	running.set(key, true);
	try {
		await withNodeLock(ctx, false, async () => await keepAliveUnderLock(ctx, key, now));
	} catch (error) {
		noteFailure(key, now);
		ctx.logger.warn(
			`Airtable Instant Trigger: keep-alive could not reach Airtable (${(error as Error).message}); it tries again later`,
		);
	} finally {
		running.delete(key);
	}
}

async function keepAliveUnderLock(ctx: ITriggerFunctions, key: string, now: number): Promise<void> {
	if (isClosed(key)) return;
	const staticData = ctx.getWorkflowStaticData('node');
	const state = currentState(staticData, key);
	if (!state) return;
	adoptState(state, key, key);
	if (!keepAliveDue(state, key, now)) return;
	const client = await getAirtableClient(ctx);
	const result = await runKeepAlive({
		client,
		settings: readSettings(ctx),
		state,
		limit: webhookLimitFor(ctx),
		logger: ctx.logger,
		now,
		closed: () => isClosed(key),
	});
	lastHealthCheck.set(key, now);
	if (result.error) {
		ctx.logger.warn(`Airtable Instant Trigger: keep-alive could not finish (${result.error.message}); it tries again later`);
	}
	if (result.failed || result.error) noteFailure(key, now);
	else retryAfter.delete(key);
	if (result.state.webhookId !== state.webhookId) forgetState(state.webhookId, key);
	rememberState(result.state, key, key);
	writeState(staticData, result.state);
	// Emitting saves the static data just written: a new webhook's id, secret and cursor are
	// stored with (never after) the first execution that carries anything from it.
	if (result.items.length) {
		const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
		ctx.emit([await triggerItemsWithFiles(ctx, client, result.state.baseId, result.items, options)]);
	}
}

/**
 * Starts the keep-alive for an activated node: a health check on the first tick (the webhook
 * may have been disabled or broken while the workflow was inactive or n8n was down), then on
 * the schedule above.
 */
export function startKeepAlive(ctx: ITriggerFunctions): () => Promise<void> {
	const key = nodeKey(ctx);
	markOpen(key);
	lastHealthCheck.delete(key);
	retryAfter.delete(key);
	ctx.helpers.registerCron({ expression: keepAliveCron(ctx.getNode().id) }, () => {
		void keepAliveTick(ctx);
	});
	// The first pass at once: after a crash, changes whose ping was acknowledged but never
	// drained arrive now rather than at the next tick (or the next change).
	void keepAliveTick(ctx);
	return async () => {
		markClosed(key);
		await settleKeepAlive();
	};
}

/** For tests: forget when health checks ran. */
export function resetKeepAliveMemory(): void {
	lastHealthCheck.clear();
	running.clear();
	retryAfter.clear();
}
