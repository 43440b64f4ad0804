/**
 * The per-node lifecycle lock that serialises webhook changes and drains, and the record of nodes
 * being deactivated.
 */

import { processState } from '../client/state';
import { type CoordinationLogger, triggerCoordination } from '../shared/queueMode/triggerCoordination';

/** Which trigger node (workflow + node id) a context belongs to, its lock, and whether it is closing. */

export interface NodeIdentity {
	getWorkflow(): { id?: string };
	getNode(): { id: string };
}

export function nodeKey(ctx: NodeIdentity): string {
	return `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
}

/**
 * The node's lifecycle lock: create, replace, delete and every drain of a node's webhooks run
 * one at a time — in this process, and across processes when Redis is configured — so a ping
 * and the keep-alive never both replace a webhook, and never drain side by side. Test mode
 * ("listen for test event") has its own webhook and its own lock.
 */
export async function withNodeLock<T>(
	ctx: NodeIdentity & { logger: CoordinationLogger },
	manual: boolean,
	work: () => Promise<T>,
): Promise<T> {
	const coordination = triggerCoordination();
	// The one "Redis unavailable" warning goes to n8n's log.
	coordination.logger = ctx.logger;
	return await coordination.withLock(`node:${nodeKey(ctx)}${manual ? ':test' : ''}`, work);
}

/**
 * Production nodes being deactivated. Deactivation wins over a keep-alive pass already
 * running: the pass may finish draining (and emit what it drained) but creates nothing.
 */
const closedNodes = processState.registry<true>('trigger.closedNodes', { maxEntries: 10_000, idleMs: 8 * 24 * 60 * 60_000 });

export function markClosed(key: string): void {
	closedNodes.set(key, true);
}

export function markOpen(key: string): void {
	closedNodes.delete(key);
}

export function isClosed(key: string): boolean {
	return closedNodes.get(key) === true;
}

/** For tests: forget which nodes are closing. */
export function forgetClosedNodes(): void {
	closedNodes.clear();
}
