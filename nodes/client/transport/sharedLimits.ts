/**
 * Rate limits shared between processes (n8n queue mode: a main process, workers, webhook
 * processes). The client only knows this interface; the caller injects a store (the n8n
 * nodes build a Redis one from n8n's settings, see nodes/shared/queueMode/redisStore.ts). Without a
 * store every process limits itself in memory.
 *
 * A store must be safe to call from many requests at once, never throw, and answer quickly:
 * when it cannot (its backend is down or slow) it says `unavailable` and the client falls
 * back to its in-memory limiters for that request.
 */
export interface SharedLimitStore {
	/**
	 * Take one start in every window at once, or say why not. The start counts from the
	 * moment `slot.dispatched()` is called (the request really left), and until then it
	 * occupies its place in every window; `slot.answered(ms)` moves it later when the request
	 * may have arrived after it left. `breakerKey` names a circuit breaker to check first.
	 */
	acquire(windows: SharedWindow[], breakerKey?: string): Promise<SharedDecision>;
	/** Every process waits `ms` before its next request counted in `key` (a 429 lock-out). */
	hold(key: string, ms: number): void;
	/** Every process fails calls on `breakerKey` fast for `ms` (the breaker opened somewhere). */
	openBreaker(breakerKey: string, ms: number): void;
}

/** One limit shared between processes: `key` is `base:<id>` or `token:<sha256>`. */
export interface SharedWindow {
	key: string;
	limit: number;
	windowMs: number;
}

export type SharedDecision =
	/**
	 * A place is taken in every window; `slot.dispatched()` when the request leaves,
	 * `slot.answered(ms)` when its answer came, `slot.release()` if it never leaves.
	 */
	| { kind: 'go'; slot: Slot }
	/** A window is full: ask again after `ms`. */
	| { kind: 'wait'; ms: number }
	/** `windows[index]` is held after a 429 somewhere: wait `ms`. */
	| { kind: 'held'; ms: number; index: number }
	/** The breaker named in `acquire` is open in some process for `ms` more. */
	| { kind: 'breaker-open'; ms: number }
	/** The store cannot answer now: use the in-memory limiters. */
	| { kind: 'unavailable' };

/** A taken slot: `dispatched()` when the request leaves, or `release()` when it never will. */
export interface Slot {
	/** The request left at `at` (default now). */
	dispatched(at?: number): void;
	/**
	 * Its answer (or failure) came; by what the local limiters know, it may have reached
	 * Airtable as late as `arrivedMsAgo` ms ago. A shared store's slot counts from the dispatch
	 * and moves its window entry to that later moment (a first burst on new connections, an
	 * upload, a request delayed on its way out).
	 */
	answered?(arrivedMsAgo: number): void;
	/** Give the slot back unused. */
	release(): void;
}
