/**
 * Time, injected. Everything in the client that waits or reads the time (limiter windows,
 * 429 holds, retry backoff, Retry-After, the circuit breaker, the time budget, the schema
 * cache) goes through a Clock, so tests drive exact schedules on fake time and nothing in
 * the client calls Date.now or a timer directly.
 *
 * The real clock waits with n8n-workflow's `sleep`, the one timer n8n Cloud lets community
 * nodes use (its lint bans setTimeout and friends). n8n-workflow is the package's peer
 * dependency, so it is there for a standalone user of the client too; this file is the only
 * one in the client that imports it (test/unit/architecture.test.ts keeps it so).
 */

import * as n8nWorkflow from 'n8n-workflow';

export interface Clock {
	/** Milliseconds since the epoch. */
	now(): number;
	/** Resolves after `ms` (0 or less: on the next turn). */
	sleep(ms: number): Promise<void>;
	/** Runs `callback` after `ms`; the returned function cancels it (a cancelled timer holds nothing). */
	setTimer(callback: () => void, ms: number): () => void;
	/**
	 * Keeps the process alive until the returned function is called: while requests wait for a
	 * rate-limit slot another request will free, no timer of theirs may be pending, and a script
	 * awaiting them would end half-way. Optional: fake clocks need none.
	 */
	keepAlive?(): () => void;
}

type AbortableSleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * A sleep that an AbortSignal cuts short (rejecting): n8n-workflow 2.x takes the signal in
 * `sleep`, 1.x has `sleepWithAbort` for it (and a `sleep` without one). Shared code waits with
 * it too, so there is one way to wait in the package.
 */
export const abortableSleep: AbortableSleep =
	(n8nWorkflow as unknown as { sleepWithAbort?: AbortableSleep }).sleepWithAbort ?? n8nWorkflow.sleep;

/** Calls `onDue` after `ms` unless the returned function is called first. */
function cancellableWait(ms: number, onDue: () => void): () => void {
	const controller = new AbortController();
	abortableSleep(Math.max(0, ms), controller.signal).then(
		() => {
			if (!controller.signal.aborted) onDue();
		},
		// Aborted: the caller cancelled it, nothing is due.
		() => undefined,
	);
	return () => controller.abort();
}

/** Longest single wait a timer takes (about 24.8 days); the keep-alive handle waits that long. */
const LONGEST_WAIT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms) => await n8nWorkflow.sleep(Math.max(0, ms)),
	setTimer: (callback, ms) => cancellableWait(ms, callback),
	// A wait that never comes due, only there to hold a reference on the event loop.
	keepAlive: () => cancellableWait(LONGEST_WAIT_MS, () => undefined),
};

const clockTags = new WeakMap<Clock, string>();
let nextClockNumber = 1;

/**
 * A short tag naming the clock: process-wide state (limiters, holds, breakers) is kept per
 * clock, since two clocks are two separate timelines that cannot share one schedule. The
 * system clock's tag is empty, so every real client shares the same state.
 */
export function clockTag(clock: Clock): string {
	if (clock === systemClock) return '';
	let tag = clockTags.get(clock);
	if (!tag) {
		tag = `~clock${nextClockNumber++}`;
		clockTags.set(clock, tag);
	}
	return tag;
}
