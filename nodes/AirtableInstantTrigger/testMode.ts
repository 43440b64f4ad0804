/**
 * The "Listen for test event" hand-off: webhook() parks its items so the manual trigger() run can
 * emit them.
 */

import type { INodeExecutionData } from 'n8n-workflow';

import { processState } from '../client/state';
import { type NodeIdentity, nodeKey } from './nodeLock';

/**
 * "Listen for test event" hand-off. A node with both webhook() and trigger() is run by n8n's
 * engine through trigger() even when a webhook started the execution: in manual mode the
 * engine calls trigger() again and uses what it emits, ignoring the items webhook() returned.
 * So in test mode webhook() parks its items here and the manual trigger() emits them. Both
 * run in the same process, one right after the other; entries are taken once and expire.
 */
const HANDOFF_TTL_MS = 5 * 60_000;

const parked = processState.registry<{ items: INodeExecutionData[]; at: number }>('trigger.testItems', {
	maxEntries: 1000,
	idleMs: HANDOFF_TTL_MS,
});

export function parkTestItems(ctx: NodeIdentity, items: INodeExecutionData[], now = Date.now()): void {
	const key = nodeKey(ctx);
	const earlier = parked.get(key)?.items ?? [];
	parked.set(key, { items: [...earlier, ...items], at: now });
}

export function takeTestItems(ctx: NodeIdentity, now = Date.now()): INodeExecutionData[] | undefined {
	const key = nodeKey(ctx);
	const entry = parked.get(key);
	parked.delete(key);
	if (!entry || now - entry.at > HANDOFF_TTL_MS) return undefined;
	return entry.items;
}
