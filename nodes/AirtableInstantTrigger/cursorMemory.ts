/**
 * The newest delivered payload cursor per webhook, so a drain never starts from a cursor older
 * than what was already emitted.
 */

import { triggerCoordination } from '../shared/queueMode/triggerCoordination';

/**
 * Where drains start. Pings are at-least-once and may reach several processes, and n8n saves
 * static data after webhook() returns, so the cursor in a context's static data can be older
 * than what this (or another) process already delivered. The newest delivered cursor per
 * webhook is kept in the trigger coordination (in process, and in Redis when shared); drains
 * run under the node's lifecycle lock, so two never start from the same cursor.
 */
export function newestCursor(webhookId: string, stored: number | undefined): number {
	const known = triggerCoordination().localCursor(webhookId);
	const candidates = [stored, known].filter((value): value is number => typeof value === 'number' && value >= 1);
	return candidates.length ? Math.max(...candidates) : 1;
}

export async function rememberCursor(webhookId: string, cursor: number): Promise<void> {
	await triggerCoordination().rememberDelivered(webhookId, cursor);
}

export async function forgetCursor(webhookId: string): Promise<void> {
	await triggerCoordination().forgetWebhook(webhookId);
}
