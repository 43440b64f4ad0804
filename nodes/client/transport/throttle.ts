/**
 * Pacing: per-base and per-token sliding-window limiters kept process-wide, the hold after a
 * 429, and the optional shared store for other processes. Every request takes its slots here.
 */
import { createHash } from 'node:crypto';

import { OutOfBudget, type TimeBudget } from './budget';
import { clockTag, type Clock } from '../clock';
import { AirtableInputError } from '../errors';
import type { SharedLimitStore, SharedWindow, Slot } from './sharedLimits';
import { processState } from '../state';
import type { ClientLimits, RateWindow } from './types';

export const DEFAULT_LIMITS: ClientLimits = {
	perBase: { requests: 5, perMs: 1000 },
	perToken: { requests: 50, perMs: 1000 },
	windowMarginMs: 40,
	rateLimitHoldMs: 30_000,
	maxRateLimitRetries: 3,
	maxRetries: 4,
	retryBaseDelayMs: 500,
	retryMaxDelayMs: 15_000,
	requestTimeoutMs: 60_000,
	budgetMs: 120_000,
	breakerThreshold: 5,
	breakerCooldownMs: 30_000,
};

export function resolveLimits(limits: Partial<ClientLimits> | undefined): ClientLimits {
	const resolved = { ...DEFAULT_LIMITS, ...limits };
	for (const window of [resolved.perBase, resolved.perToken]) {
		if (!(window.requests >= 1) || !(window.perMs > 0)) {
			throw new AirtableInputError('Rate windows need at least 1 request per a positive number of ms');
		}
	}
	if (!(resolved.budgetMs > 0)) throw new AirtableInputError('The time budget (budgetMs) must be a positive number of ms');
	return resolved;
}

export function hashIdentity(identity: string): string {
	return createHash('sha256').update(identity).digest('hex');
}

/** Extra margin learned after a 429: a first step, doubling on each further 429, capped. */
const FIRST_LEARNED_MARGIN_MS = 60;
const MAX_LEARNED_MARGIN_MS = 250;
/** Limiters and holds nobody used for this long are forgotten (a limiter in use never is). */
const IDLE_MS = 15 * 60_000;
const MAX_LIMITERS = 10_000;

/** A slot of this process's limiter: kept until the answer, which bounds the arrival. */
interface LocalSlot extends Slot {
	/**
	 * Its answer (or failure) came at `at` (default now). Returns the latest moment the request
	 * can have arrived, as known now, when that is later than its dispatch (undefined: it
	 * arrived by its dispatch, where every window already counts from). `heavy`: the request
	 * carried a large body (see `slot()`).
	 */
	answeredAt(at?: number, heavy?: boolean): number | undefined;
}

interface Waiter {
	grant(slot: LocalSlot): void;
	fail(error: OutOfBudget): void;
	budget?: TimeBudget;
	cancelTimer?: () => void;
}

/**
 * The fastest of the last few round trips: what a round trip costs when nothing delays it.
 * Recent ones only, so a route that became slower for good stops counting as fast.
 */
class FastestRoundTrip {
	private static readonly KEEP = 20;
	private readonly recent: number[] = [];
	/** When the first round trip was answered. */
	private firstAnsweredAt = Infinity;

	/** Adds one round trip answered at `at`; returns the fastest of the recent ones (this one included). */
	record(ms: number, at: number): number {
		this.firstAnsweredAt = Math.min(this.firstAnsweredAt, at);
		this.recent.push(Math.max(0, ms));
		if (this.recent.length > FastestRoundTrip.KEEP) this.recent.shift();
		return this.fastest();
	}

	fastest(): number {
		return Math.min(...this.recent);
	}

	/** Whether a round trip had been answered by `at`. */
	knownBy(at: number): boolean {
		return this.firstAnsweredAt <= at;
	}
}

/** A 429 lock-out on one base or token, seen by every limiter of that base or token. */
interface Hold {
	until: number;
	clock: Clock;
}

const holds = processState.registry<Hold>('client.holds', {
	maxEntries: MAX_LIMITERS,
	idleMs: IDLE_MS,
	canEvict: (hold) => hold.clock.now() >= hold.until,
});

/**
 * "At most N requests leave inside any window": N slots, each taken from the moment a
 * request is let through until one window (+ margin) after it really LEFT (its dispatch).
 * So N requests go at once, and the next one goes exactly when the oldest dispatch leaves the
 * window — a sliding window, unlike fixed spacing (too slow) or a refilled reservoir (which
 * lets 2N through around a refill).
 *
 * Counting from the dispatch and not from the hand-over matters inside n8n: its executor
 * resolves credentials before the request leaves, and that delay varies with load. Counted
 * from the hand-over, a slow first request and a fast sixth one reach Airtable within one
 * second (issue 13).
 *
 * Airtable counts arrivals, not our dispatches; the margin covers the difference. When a 429
 * shows it was too small for this host and network, the limiter learns a wider one, so one
 * lock-out is not followed by another: pace drops by a few percent, the 30 s penalty does
 * not repeat.
 */
export class WindowLimiter {
	private taken = 0;
	private readonly waiters: Waiter[] = [];
	private learnedMarginMs = 0;
	private readonly roundTrips = new FastestRoundTrip();
	private wakeAt = Infinity;
	private cancelWake?: () => void;
	/** Held while anyone waits: the process must not end with requests still queued. */
	private releaseKeepAlive?: () => void;

	constructor(
		private readonly window: RateWindow,
		private readonly marginMs: number,
		private readonly clock: Clock,
		private readonly holdKey: string,
	) {}

	/** How long a dispatch occupies its slot: the window, the configured margin and any learned one. */
	get windowMs(): number {
		return this.window.perMs + this.marginMs + this.learnedMarginMs;
	}

	get limit(): number {
		return this.window.requests;
	}

	/** Requests in flight or waiting: the limiter must not be forgotten. */
	get busy(): boolean {
		return this.taken > 0 || this.waiters.length > 0;
	}

	/** A 429 came although this limiter kept its count: widen the margin for later windows. */
	widenMargin(): void {
		this.learnedMarginMs = Math.min(
			MAX_LEARNED_MARGIN_MS,
			Math.max(FIRST_LEARNED_MARGIN_MS, this.learnedMarginMs * 2),
		);
	}

	/** Whether most slots are taken (the limit may be what a 429 was about). */
	isNearCapacity(): boolean {
		return this.taken >= Math.ceil(this.window.requests * 0.8);
	}

	heldUntil(): number {
		return holds.get(this.holdKey)?.until ?? 0;
	}

	isHeld(): boolean {
		return this.clock.now() < this.heldUntil();
	}

	/**
	 * Waits for a slot, first come first served. With a budget, gives up (OutOfBudget) as soon
	 * as it is clear the slot cannot come in time: at the deadline, or at once when a hold
	 * lasts past it.
	 */
	acquire(budget?: TimeBudget): Promise<LocalSlot> {
		return new Promise<LocalSlot>((grant, fail) => {
			const waiter: Waiter = { grant, fail, budget };
			if (budget) {
				waiter.cancelTimer = this.clock.setTimer(() => {
					this.drop(waiter, new OutOfBudget('a free slot in the rate limiter', 0));
				}, budget.remainingMs());
			}
			this.waiters.push(waiter);
			this.pump();
		});
	}

	private drop(waiter: Waiter, error: OutOfBudget): void {
		const index = this.waiters.indexOf(waiter);
		if (index < 0) return;
		this.waiters.splice(index, 1);
		waiter.cancelTimer?.();
		waiter.fail(error);
		this.keepAliveWhileWaiting();
	}

	private keepAliveWhileWaiting(): void {
		if (this.waiters.length && !this.releaseKeepAlive) this.releaseKeepAlive = this.clock.keepAlive?.();
		if (!this.waiters.length && this.releaseKeepAlive) {
			this.releaseKeepAlive();
			this.releaseKeepAlive = undefined;
		}
	}

	private pump(): void {
		const heldUntil = this.heldUntil();
		const now = this.clock.now();
		if (now < heldUntil) {
			for (const waiter of [...this.waiters]) {
				if (waiter.budget && waiter.budget.deadline < heldUntil) {
					this.drop(waiter, new OutOfBudget('the pause Airtable demands after a 429 (rate limit)', heldUntil - now));
				}
			}
			if (this.waiters.length) this.wakeUpAt(heldUntil);
		} else {
			while (this.taken < this.window.requests && this.waiters.length) {
				const waiter = this.waiters.shift() as Waiter;
				waiter.cancelTimer?.();
				this.taken++;
				waiter.grant(this.slot());
			}
		}
		this.keepAliveWhileWaiting();
	}

	/** One timer at a time, for the earliest moment something may change. */
	private wakeUpAt(at: number): void {
		if (at >= this.wakeAt) return;
		this.cancelWake?.();
		this.wakeAt = at;
		this.cancelWake = this.clock.setTimer(() => {
			this.wakeAt = Infinity;
			this.cancelWake = undefined;
			this.pump();
		}, at - this.clock.now());
	}

	/**
	 * A slot is freed one window after the latest moment its request can have ARRIVED, not
	 * after it left: Airtable counts arrivals. The arrival lies between the dispatch and the
	 * answer; the answer minus the fastest round trip seen lately bounds it from above (the
	 * part of a round trip that comes after the arrival is never shorter than that minimum
	 * minus the outbound part, and the next request's own outbound part makes up for that).
	 * On a quiet host a round trip is close to its minimum and this is the dispatch time;
	 * when a busy event loop or a congested link delays a request on its way out (seen inside
	 * n8n under load: five requests left, arrived late and bunched with the sixth), the answer
	 * comes late too and the slot stays taken accordingly. No answer yet: still taken.
	 *
	 * Two kinds of request are bounded by their answer alone: one sent before any round trip
	 * was known (a first burst, whose round trips all include setting up connections), and one
	 * with a large body (an upload, whose transmission varies with what else is being sent).
	 */
	private slot(): LocalSlot {
		let settled = false;
		let dispatchedAt: number | undefined;
		let answeredAt: number | undefined;
		let heavyBody = false;
		// Sent before any round trip was known: its own (and its burst's) round trips include
		// setting up connections, so none of them bounds how long it took to arrive.
		let cold = false;
		let cancelTimer: (() => void) | undefined;
		const free = () => {
			cancelTimer?.();
			this.taken--;
			this.pump();
		};
		/** One window after the latest possible arrival, as the round trips known by now bound it. */
		const freeTime = () =>
			(heavyBody || cold
				? (answeredAt as number)
				: Math.max(dispatchedAt as number, (answeredAt as number) - this.roundTrips.fastest())) + this.windowMs;
		// A round trip answered later may be faster than any known now (this one may have paid for
		// a new connection): then the arrival bound moves later, and the slot waits for it.
		const freeWhenDue = () => {
			const due = freeTime();
			if (due > this.clock.now()) cancelTimer = this.clock.setTimer(freeWhenDue, due - this.clock.now());
			else free();
		};
		return {
			dispatched: (at = this.clock.now()) => {
				if (settled || dispatchedAt !== undefined) return;
				dispatchedAt = at;
				cold = !this.roundTrips.knownBy(at);
				// Freed once the answer is in (every attempt reports one, failures included).
			},
			answeredAt: (at = this.clock.now(), heavy = false) => {
				if (settled || dispatchedAt === undefined || answeredAt !== undefined) return undefined;
				answeredAt = at;
				heavyBody = heavy;
				settled = true;
				// A large body's round trip says nothing about how fast a light request travels.
				if (!heavy) this.roundTrips.record(at - dispatchedAt, at);
				freeWhenDue();
				const arrivedBy = freeTime() - this.windowMs;
				return arrivedBy > dispatchedAt ? arrivedBy : undefined;
			},
			release: () => {
				if (settled || dispatchedAt !== undefined) return;
				settled = true;
				free();
			},
		};
	}

	/** Blocks every caller of this base or token (all limiters of it) until the hold ends. */
	static hold(holdKey: string, clock: Clock, ms: number): void {
		const hold = holds.getOrCreate(holdKey, () => ({ until: 0, clock }));
		hold.until = Math.max(hold.until, clock.now() + ms);
	}

	/** Wakes waiters of a limiter after a hold was set elsewhere, so they can re-check their budget. */
	recheck(): void {
		this.pump();
	}
}

/* Process-wide, so every client instance (every node, execution and workflow) shares them. */
const limiters = processState.registry<WindowLimiter>('client.limiters', {
	maxEntries: MAX_LIMITERS,
	idleMs: IDLE_MS,
	canEvict: (limiter) => !limiter.busy,
});

/**
 * One limiter per base (or token), per set of limits and per clock: a client asking for
 * other limits gets a limiter of its own instead of silently reconfiguring everyone's.
 */
function limiterFor(holdKey: string, window: RateWindow, marginMs: number, clock: Clock): WindowLimiter {
	const key = `${holdKey}|${window.requests}/${window.perMs}+${marginMs}`;
	return limiters.getOrCreate(key, () => new WindowLimiter(window, marginMs, clock, holdKey));
}

/** For tests and diagnostics: which limiters exist (keys hold hashes, never tokens). */
export function throttleRegistryKeys(): string[] {
	return limiters.keys();
}

export interface Passage {
	/** Milliseconds spent waiting for the slots (including any 429 hold). */
	waitedMs: number;
	/** The request left (at `at`, default now): its windows count from here. */
	dispatched(at?: number): void;
	/**
	 * Its answer or failure came (at `at`, default now): bounds when it arrived. `heavy`: it
	 * carried a large body (an upload), whose transmission is a part of the round trip that
	 * varies with whatever else is being sent; its arrival is then bounded by the answer alone.
	 */
	answered(at?: number, heavy?: boolean): void;
	/** Give the slots back unused (the request was called off). */
	cancel(): void;
}

/** Thrown by `Throttle.pass` when another process has opened this base's circuit breaker. */
export class SharedBreakerOpen extends Error {
	constructor(readonly ms: number) {
		super('circuit breaker open in another process');
	}
}

/**
 * Gate for one client: a request needs a slot in its base's limiter (when it targets a base)
 * and in its token's limiter. Slots are always taken base first, token second, so waiting
 * requests can never deadlock. With a shared store (e.g. Redis), the request then also needs
 * a start in the cross-process windows; while the store cannot answer, the in-memory slots
 * alone decide (each process on its own, as without a store).
 */
export class Throttle {
	private readonly tokenLimiter: WindowLimiter;
	private readonly tokenKey: string;
	private readonly tag: string;

	constructor(
		identityHash: string,
		private readonly limits: ClientLimits,
		private readonly clock: Clock,
		private readonly shared?: SharedLimitStore,
	) {
		this.tag = clockTag(clock);
		this.tokenKey = `token:${identityHash}`;
		this.tokenLimiter = limiterFor(this.tokenKey + this.tag, limits.perToken, limits.windowMarginMs, clock);
	}

	private baseLimiter(baseId: string): WindowLimiter {
		return limiterFor(`base:${baseId}${this.tag}`, this.limits.perBase, this.limits.windowMarginMs, this.clock);
	}

	async pass(baseId: string | undefined, budget: TimeBudget): Promise<Passage> {
		const startedWaiting = this.clock.now();
		const base = baseId ? this.baseLimiter(baseId) : undefined;
		for (;;) {
			const baseSlot = base ? await base.acquire(budget) : undefined;
			let tokenSlot: LocalSlot | undefined;
			let handedOut = false;
			try {
				tokenSlot = await this.tokenLimiter.acquire(budget);
				// A 429 may have put a hold on the base while this request waited for the token slot.
				let held = base?.isHeld() === true;
				let sharedSlot: Slot | undefined;
				if (!held && this.shared) {
					const outcome = await this.passShared(baseId, base, budget);
					if (outcome === 'held') held = true;
					else sharedSlot = outcome;
				}
				if (held) continue;
				handedOut = true;
				const local = [baseSlot, tokenSlot].filter((slot): slot is LocalSlot => slot !== undefined);
				const slots: Slot[] = sharedSlot ? [...local, sharedSlot] : local;
				return {
					waitedMs: this.clock.now() - startedWaiting,
					dispatched: (at) => slots.forEach((slot) => slot.dispatched(at)),
					answered: (at, heavy) => {
						// Every slot must hear of the answer; the shared windows count from the dispatch,
						// so only a later arrival bound needs telling.
						const later = local.map((slot) => slot.answeredAt(at, heavy)).filter((bound) => bound !== undefined);
						if (later.length) sharedSlot?.answered?.(Math.max(0, this.clock.now() - Math.max(...later)));
					},
					cancel: () => slots.forEach((slot) => slot.release()),
				};
			} finally {
				// Given back when the wait failed (budget, breaker) or must start over (a hold).
				if (!handedOut) {
					tokenSlot?.release();
					baseSlot?.release();
				}
			}
		}
	}

	/**
	 * Waits (holding this process's slots, so local order is kept) until every process's
	 * window has room. 'held' when another process met a 429: the hold is copied onto the local
	 * limiters so this process's other callers wait without asking the store.
	 */
	private async passShared(
		baseId: string | undefined,
		base: WindowLimiter | undefined,
		budget: TimeBudget,
	): Promise<Slot | 'held' | undefined> {
		const shared = this.shared as SharedLimitStore;
		const windows: SharedWindow[] = [];
		if (baseId && base) windows.push({ key: `base:${baseId}`, limit: base.limit, windowMs: base.windowMs });
		windows.push({ key: this.tokenKey, limit: this.tokenLimiter.limit, windowMs: this.tokenLimiter.windowMs });
		for (;;) {
			const decision = await shared.acquire(windows, baseId ? `base:${baseId}` : undefined);
			switch (decision.kind) {
				case 'go':
					return decision.slot;
				case 'unavailable':
					return undefined;
				case 'held': {
					const heldBase = base && baseId && decision.index === 0;
					const key = heldBase ? `base:${baseId}` : this.tokenKey;
					WindowLimiter.hold(key + this.tag, this.clock, decision.ms);
					return 'held';
				}
				case 'breaker-open':
					throw new SharedBreakerOpen(decision.ms);
				default:
					await budget.sleep(decision.ms, 'room in the rate window shared with other processes');
			}
		}
	}

	/** With a shared store, every process fails calls to this base fast while the breaker cools down. */
	shareBreakerOpen(baseId: string, ms: number): void {
		this.shared?.openBreaker(`base:${baseId}`, ms);
	}

	/**
	 * Airtable locks the caller out for 30 s after a RATE_LIMIT_REACHED 429; every request to
	 * that base waits, whichever client sent it — and, with shared limits, whichever process.
	 * Jitter keeps held callers from restarting in lock-step with other processes.
	 */
	holdAfterRateLimit(baseId: string | undefined): void {
		const hold = this.limits.rateLimitHoldMs * (1 + Math.random() * 0.1);
		// Airtable's 429 does not say which limit was hit. The token's is the likely one when
		// its window was nearly full (many bases at once): then every base waits, or each
		// other base would send one request into the token's lock-out.
		const tokenToo = !baseId || this.tokenLimiter.isNearCapacity();
		if (baseId) {
			const base = this.baseLimiter(baseId);
			WindowLimiter.hold(`base:${baseId}${this.tag}`, this.clock, hold);
			base.widenMargin();
			base.recheck();
			this.shared?.hold(`base:${baseId}`, hold);
		}
		if (tokenToo) {
			WindowLimiter.hold(this.tokenKey + this.tag, this.clock, hold);
			this.tokenLimiter.widenMargin();
			this.tokenLimiter.recheck();
			this.shared?.hold(this.tokenKey, hold);
		}
	}
}
