/**
 * Collapsing pings for one webhook that arrive during a drain into at most one more drain, started
 * by the first of them.
 */

import { processState } from '../client/state';

/**
 * Pings for one webhook that arrive while a drain runs collapse into at most one more drain:
 * the running drain may have fetched its pages before their payloads existed, so one more is
 * needed — but one covers them all. The first ping to ask gets that drain's items (and starts
 * the execution); later ones get `leader: false` and start nothing.
 */
export interface CoalescedRun<T> {
	result: Promise<T>;
	/** This caller owns the result (its execution carries the items). */
	leader: boolean;
}

interface Slot {
	running?: Promise<unknown>;
	queued?: Promise<unknown>;
}

/** Slots remove themselves once idle; one in use is never evicted. */
const slots = processState.registry<Slot>('trigger.pingCoalescing', {
	maxEntries: 10_000,
	idleMs: 60 * 60_000,
	canEvict: (slot) => !slot.running && !slot.queued,
});

export function coalesce<T>(key: string, work: () => Promise<T>): CoalescedRun<T> {
	const slot = slots.get(key) ?? {};
	slots.set(key, slot);
	if (slot.queued) return { result: slot.queued as Promise<T>, leader: false };
	const start = (): Promise<T> => {
		const run = work();
		slot.running = run;
		const settle = () => {
			if (slot.running === run) slot.running = undefined;
			if (!slot.running && !slot.queued && slots.get(key) === slot) slots.delete(key);
		};
		run.then(settle, settle);
		return run;
	};
	if (!slot.running) return { result: start(), leader: true };
	const queued = slot.running
		.catch(() => undefined)
		.then(() => {
			slot.queued = undefined;
			return start();
		});
	slot.queued = queued;
	return { result: queued, leader: true };
}

/** For tests: forget every slot. */
export function resetCoalescing(): void {
	slots.clear();
}
