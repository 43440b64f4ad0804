/**
 * Handling one notification ping from Airtable: check its signature, acknowledge it, drain the
 * payloads and emit the items.
 */

import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import { verifyWebhookMac } from '../client/webhooks/webhooks';
import { triggerItemsWithFiles } from '../shared/attachments/attachmentReads';
import { getAirtableClient } from '../shared/runtime/executor';
import { triggerCoordination } from '../shared/queueMode/triggerCoordination';
import { countEmittedChanges, countWebhookPing } from './webhookMetrics';
import { coalesce } from './coalesce';
import { type DrainResult, drainWebhook } from './drain';
import { describeErrorCode, recreateWebhook, webhookLimitFor } from './lifecycle';
import { readSettings, type TriggerSettings } from './specification';
import { isClosed, nodeKey, withNodeLock } from './nodeLock';
import { type WebhookState, writeState } from './staticData';
import {
	adoptState,
	clearBacklog,
	currentState,
	forgetState,
	markBacklog,
	rememberState,
	stateForPing,
} from './webhookMemory';
import { parkTestItems } from './testMode';

export const MAC_HEADER = 'x-airtable-content-mac';

interface PingBody {
	base?: { id?: unknown };
	webhook?: { id?: unknown };
}

/** Answers the request ourselves and starts no execution. */
function refuse(ctx: IWebhookFunctions, status: 401 | 403, message: string): IWebhookResponseData {
	ctx.getResponseObject().status(status).json({ error: message });
	return { noWebhookResponse: true };
}

/** Airtable wants an empty 200/204 within 25 s; it gets it before any payload is fetched. */
function acknowledge(ctx: IWebhookFunctions): void {
	const response = ctx.getResponseObject();
	if (!response.headersSent) response.status(200).end();
}

async function rawBodyOf(ctx: IWebhookFunctions): Promise<Buffer | undefined> {
	const request = ctx.getRequestObject();
	if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function') await request.readRawBody();
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
}

function headerValue(ctx: IWebhookFunctions): string | undefined {
	const value = ctx.getHeaderData()[MAC_HEADER];
	const single = Array.isArray(value) ? value[0] : value;
	return typeof single === 'string' && single.trim() ? single : undefined;
}

/**
 * The webhook stopped with an error payload: replace it (production) and say so in an item.
 * Runs under the node's lock; when the keep-alive (or another ping) already replaced it, or
 * the workflow is being deactivated, nothing is created.
 */
async function handleBrokenWebhook(
	ctx: IWebhookFunctions,
	client: AirtableClient,
	settings: TriggerSettings,
	state: WebhookState,
	code: string,
	key: string | undefined,
): Promise<IDataObject | undefined> {
	const reason = describeErrorCode(code);
	if (!key) {
		return {
			event: 'webhook.failed',
			baseId: state.baseId,
			tableId: settings.tableId,
			previousWebhookId: state.webhookId,
			webhookId: null,
			reason,
			message: `The test webhook ${reason}. Check the node's settings, then listen for a test event again.`,
			timestamp: new Date().toISOString(),
		};
	}
	const staticData = ctx.getWorkflowStaticData('node');
	const current = currentState(staticData, key);
	if (isClosed(key) || current?.webhookId !== state.webhookId) return undefined;
	const { state: next, notice } = await recreateWebhook({
		client,
		settings,
		previous: current,
		reason,
		limit: webhookLimitFor(ctx),
		logger: ctx.logger,
	});
	if (next) {
		forgetState(state.webhookId, key);
		writeState(staticData, next);
		rememberState(next, key, key);
	}
	return notice;
}

/** Keeps the cursor in this execution's static data (saved by n8n once webhook() returns). */
function storeCursor(ctx: IWebhookFunctions, key: string | undefined, webhookId: string, result: DrainResult): void {
	const staticData = ctx.getWorkflowStaticData('node');
	const current = currentState(staticData, key);
	if (current?.webhookId === webhookId) writeState(staticData, { ...current, cursor: result.cursor });
}

/** One drain for a ping, under the node's lifecycle lock. */
async function drainForPing(
	ctx: IWebhookFunctions,
	state: WebhookState,
	key: string | undefined,
): Promise<IDataObject[]> {
	return await withNodeLock(ctx, !key, async () => {
		const settings = readSettings(ctx);
		const client = await getAirtableClient(ctx);
		const result = await drainWebhook({
			client,
			baseId: state.baseId,
			webhookId: state.webhookId,
			storedCursor: state.cursor,
			settings,
			logger: ctx.logger,
			ignore: settings.ignore,
		});
		storeCursor(ctx, key, state.webhookId, result);
		if (result.capped) markBacklog(state.webhookId);
		else clearBacklog(state.webhookId);
		const items = [...result.items];
		if (result.error) {
			const notice = await handleBrokenWebhook(ctx, client, settings, state, result.error.code, key);
			if (notice) items.push(notice);
		}
		return items;
	});
}

/**
 * One notification ping: verify its MAC over the raw body (401 without a signature, 403 with
 * a wrong one, no execution either way), answer 200 at once, then drain. A replay of a ping
 * already handled (here, or by another process when Redis is shared) costs nothing; pings
 * arriving during a drain share at most one more (coalesce.ts). One execution carries every
 * new change — none when nothing new arrived. Draining is capped (MAX_PAYLOADS_PER_DRAIN);
 * what is left is fetched by the next ping or the keep-alive within a minute.
 */
export async function handlePing(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const owner = nodeKey(ctx);
	const key = ctx.getMode() === 'manual' ? undefined : owner;
	const header = headerValue(ctx);
	if (!header) return refuse(ctx, 401, 'Missing X-Airtable-Content-MAC header');
	const body = (ctx.getBodyData() ?? {}) as PingBody;
	const pingedId = typeof body.webhook?.id === 'string' ? body.webhook.id : undefined;
	const state = pingedId ? stateForPing(ctx.getWorkflowStaticData('node'), pingedId, owner) : undefined;
	const rawBody = await rawBodyOf(ctx);
	if (!state || !rawBody || !verifyWebhookMac(rawBody, header, state.macSecretBase64)) {
		countWebhookPing(body.base?.id, false);
		return refuse(ctx, 403, 'Invalid X-Airtable-Content-MAC signature');
	}
	countWebhookPing(body.base?.id, true);
	adoptState(state, owner, key);
	acknowledge(ctx);

	const coordination = triggerCoordination();
	coordination.logger = ctx.logger;
	if (!(await coordination.claimPing(state.webhookId, header))) return { noWebhookResponse: true };
	let items: IDataObject[] = [];
	try {
		const run = coalesce(`${state.webhookId}${key ? '' : ':test'}`, async () => await drainForPing(ctx, state, key));
		const drained = await run.result;
		await coordination.pingHandled(state.webhookId, header);
		if (run.leader) items = drained;
	} catch (error) {
		coordination.releasePing(state.webhookId, header);
		markBacklog(state.webhookId);
		ctx.logger.error(
			`Airtable Instant Trigger: could not fetch the payloads of webhook ${state.webhookId} (${(error as Error).message}); the next ping or the keep-alive tries again from the same cursor`,
		);
	}
	if (!items.length) return { noWebhookResponse: true };
	countEmittedChanges(items);
	const data: INodeExecutionData[] = await triggerItemsWithFiles(
		ctx,
		await getAirtableClient(ctx),
		state.baseId,
		items,
		(ctx.getNodeParameter('options', {}) ?? {}) as IDataObject,
	);
	if (!key) parkTestItems(ctx, data);
	return { noWebhookResponse: true, workflowData: [data] };
}
