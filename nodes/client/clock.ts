/**
 * Time, injected. Everything in the client that waits or reads the time (limiter windows,
 * 429 holds, retry backoff, Retry-After, the circuit breaker, the time budget, the schema
 * cache) goes through a Clock, so tests drive exact schedules on fake time and nothing in
 * the client calls Date.now or setTimeout directly.
 */
export interface Clock {
	/** Milliseconds since the epoch. */
	now(): number;
	/** Resolves after `ms` (0 or less: on the next turn). */
	sleep(ms: number): Promise<void>;
	/** Runs `callback` after `ms`; the returned function cancels it. The timer never keeps a process alive. */
	setTimer(callback: () => void, ms: number): () => void;
	/**
	 * Keeps the process alive until the returned function is called: while requests wait for a
	 * rate-limit slot, only the limiter's timers (which never keep a process alive) would wake
	 * them, and a script awaiting them would end half-way. Optional: fake clocks need none.
	 */
	keepAlive?(): () => void;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
	setTimer(callback, ms) {
		const timer = setTimeout(callback, Math.max(0, ms));
		timer.unref();
		return () => clearTimeout(timer);
	},
	keepAlive() {
		// A timer that never fires, only there to hold a reference on the event loop.
		const handle = setInterval(() => undefined, 2 ** 31 - 1);
		return () => clearInterval(handle);
	},
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
