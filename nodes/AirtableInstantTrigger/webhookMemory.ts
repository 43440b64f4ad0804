/**
 * Process-wide memory of the newest webhook state per webhook and per node, which wins over stale
 * copies of static data.
 */

import type { IDataObject } from 'n8n-workflow';

import { processState } from '../client/state';
import { resetTriggerCoordination } from '../shared/queueMode/triggerCoordination';
import { forgetCursor, newestCursor } from './cursorMemory';
import { forgetClosedNodes } from './nodeLock';
import { readState, type WebhookState } from './staticData';

/*
 * Process-wide memory. n8n hands each context its own copy of static data: webhook() reads
 * it fresh from the database per request and it is saved after the execution; trigger() (the
 * keep-alive timer) keeps the copy loaded at activation and it is saved only when the timer
 * emits. So a webhook replaced by a ping is not visible to the timer's copy, and one replaced
 * by the timer is not in the database until its emit is saved. Within a process the newest
 * state of each webhook (by id) and of each active node (by workflow + node id, production
 * only — test mode is separate) is kept here, and wins over an older copy of static data.
 */
/** A webhook lives 7 days without a refresh: memory of one nobody touched for 8 is stale. */
const WEBHOOK_MEMORY = { maxEntries: 10_000, idleMs: 8 * 24 * 60 * 60_000 };
const statesById = processState.registry<WebhookState>('trigger.webhookStates', WEBHOOK_MEMORY);
/** Which node (workflow + node id) each remembered webhook belongs to. */
const ownerById = processState.registry<string>('trigger.webhookOwners', WEBHOOK_MEMORY);
const currentByNode = processState.registry<string>('trigger.currentWebhooks', WEBHOOK_MEMORY);
const backlog = processState.registry<true>('trigger.backlog', WEBHOOK_MEMORY);

function copy(state: WebhookState): WebhookState {
	return { ...state, retired: state.retired.map((entry) => ({ ...entry })) };
}

/**
 * Remembers the newest state of a webhook of node `owner`; for production contexts (`key`,
 * equal to the owner) also that it is the node's current webhook.
 */
export function rememberState(state: WebhookState, owner: string, key?: string): void {
	statesById.set(state.webhookId, copy(state));
	ownerById.set(state.webhookId, owner);
	if (key) currentByNode.set(key, state.webhookId);
}

export function forgetState(webhookId: string, key?: string): void {
	statesById.delete(webhookId);
	ownerById.delete(webhookId);
	backlog.delete(webhookId);
	void forgetCursor(webhookId);
	if (key && currentByNode.get(key) === webhookId) currentByNode.delete(key);
}

function withNewestCursor(state: WebhookState, stored?: WebhookState): WebhookState {
	const result = copy(state);
	const storedCursor = stored?.webhookId === state.webhookId ? stored.cursor : undefined;
	result.cursor = newestCursor(state.webhookId, Math.max(state.cursor, storedCursor ?? 0));
	return result;
}

/**
 * The node's webhook as best known: static data or this process's memory, whichever was
 * created later, with the newest cursor. `key` only for production contexts.
 */
export function currentState(staticData: IDataObject, key?: string): WebhookState | undefined {
	const stored = readState(staticData);
	const knownId = key ? currentByNode.get(key) : undefined;
	const known = knownId ? statesById.get(knownId) : undefined;
	if (!known) return stored && withNewestCursor(stored);
	if (!stored || known.createdAt >= stored.createdAt) return withNewestCursor(known, stored);
	return withNewestCursor(stored);
}

/**
 * The state that can verify a ping from webhook `webhookId`, if node `owner` knows that
 * webhook: a genuine ping of another workflow's webhook sent to this URL is not this node's.
 */
export function stateForPing(staticData: IDataObject, webhookId: string, owner: string): WebhookState | undefined {
	const stored = readState(staticData);
	const known = ownerById.get(webhookId) === owner ? statesById.get(webhookId) : undefined;
	if (known) return withNewestCursor(known, stored);
	return stored?.webhookId === webhookId ? withNewestCursor(stored) : undefined;
}

/** A drain stopped at its cap or failed: the keep-alive timer continues it. */
export function markBacklog(webhookId: string): void {
	backlog.set(webhookId, true);
}

export function clearBacklog(webhookId: string): void {
	backlog.delete(webhookId);
}

export function hasBacklog(webhookId: string): boolean {
	return backlog.get(webhookId) === true;
}

/**
 * Takes a state read from static data into this process's memory unless something newer is
 * already known (e.g. after a restart, the first ping of a webhook).
 */
export function adoptState(state: WebhookState, owner: string, key?: string): void {
	const known = statesById.get(state.webhookId);
	if (!known || known.createdAt < state.createdAt) {
		statesById.set(state.webhookId, copy(state));
		ownerById.set(state.webhookId, owner);
	}
	if (key && currentByNode.get(key) === undefined) currentByNode.set(key, state.webhookId);
}

/** For tests: forget every webhook, node and cursor this process remembers. */
export function forgetAllWebhooks(): void {
	statesById.clear();
	ownerById.clear();
	currentByNode.clear();
	backlog.clear();
	forgetClosedNodes();
	resetTriggerCoordination();
}
