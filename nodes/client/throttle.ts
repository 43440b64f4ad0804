import Bottleneck from 'bottleneck';
import { createHash } from 'node:crypto';

import { AirtableInputError } from './errors';
import type { SharedLimitStore, SharedWindow } from './sharedLimits';
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
};

export function resolveLimits(limits: Partial<ClientLimits> | undefined): ClientLimits {
	const resolved = { ...DEFAULT_LIMITS, ...limits };
	for (const window of [resolved.perBase, resolved.perToken]) {
		if (!(window.requests >= 1) || !(window.perMs > 0)) {
			throw new AirtableInputError('Rate windows need at least 1 request per a positive number of ms');
		}
	}
	return resolved;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A slot in one limiter: `use()` when the request starts, `release()` to give it back unused. */
interface Permit {
	use(): void;
	release(): void;
}

/** Extra margin learned after a 429: a first step, doubling on each further 429, capped. */
const FIRST_LEARNED_MARGIN_MS = 60;
const MAX_LEARNED_MARGIN_MS = 250;

/**
 * "At most N request starts inside any window": a bottleneck limiter with N concurrent
 * slots, where each slot stays taken for the window (+ margin) after its request STARTED.
 * So N requests go at once and the next one starts exactly when the oldest start leaves the
 * window — a sliding window, unlike fixed spacing (too slow) or a refilled reservoir (which
 * lets 2N through around a refill).
 *
 * Airtable counts arrivals, not our starts; the margin covers the difference. When a 429
 * shows the margin was too small for this host and network (a loaded machine delays some
 * sends more than others), the limiter learns a wider one, so one lock-out is not followed
 * by another: pace drops by a few percent, the 30-second penalty does not repeat.
 */
export class WindowLimiter {
	private readonly bottleneck: Bottleneck;
	private requests: number;
	private perMs: number;
	private marginMs: number;
	private learnedMarginMs = 0;
	private heldUntil = 0;

	constructor(window: RateWindow, marginMs: number) {
		this.bottleneck = new Bottleneck({ maxConcurrent: window.requests });
		this.requests = window.requests;
		this.perMs = window.perMs;
		this.marginMs = marginMs;
	}

	configure(window: RateWindow, marginMs: number): void {
		this.perMs = window.perMs;
		this.marginMs = marginMs;
		if (window.requests !== this.requests) {
			this.requests = window.requests;
			this.bottleneck.updateSettings({ maxConcurrent: window.requests });
		}
	}

	/** How long a start occupies its slot: the window, the configured margin and any learned one. */
	get windowMs(): number {
		return this.perMs + this.marginMs + this.learnedMarginMs;
	}

	get limit(): number {
		return this.requests;
	}

	/** A 429 came although this limiter kept its count: widen the margin for later windows. */
	widenMargin(): void {
		this.learnedMarginMs = Math.min(
			MAX_LEARNED_MARGIN_MS,
			Math.max(FIRST_LEARNED_MARGIN_MS, this.learnedMarginMs * 2),
		);
	}

	/** Whether most slots were started within the current window (the limit may be what was hit). */
	isNearCapacity(): boolean {
		return this.bottleneck.counts().EXECUTING >= Math.ceil(this.requests * 0.8);
	}

	/** Blocks every caller of this limiter until the hold ends (a 429 lock-out). */
	hold(ms: number): void {
		this.heldUntil = Math.max(this.heldUntil, Date.now() + ms);
	}

	isHeld(): boolean {
		return Date.now() < this.heldUntil;
	}

	acquire(): Promise<Permit> {
		return new Promise<Permit>((resolveAcquired, rejectAcquired) => {
			this.bottleneck
				.schedule(async () => {
					while (this.isHeld()) await sleep(this.heldUntil - Date.now());
					let settle!: (used: boolean) => void;
					const outcome = new Promise<boolean>((resolve) => (settle = resolve));
					resolveAcquired({ use: () => settle(true), release: () => settle(false) });
					if (await outcome) await sleep(this.windowMs);
				})
				.catch(rejectAcquired);
		});
	}
}

/* Process-wide, so every client instance (every node, execution and workflow) shares them. */
const registry = new Map<string, WindowLimiter>();

function limiterFor(key: string, window: RateWindow, marginMs: number): WindowLimiter {
	let limiter = registry.get(key);
	if (limiter) {
		// The most recently constructed client's limits apply to the shared limiter.
		limiter.configure(window, marginMs);
	} else {
		limiter = new WindowLimiter(window, marginMs);
		registry.set(key, limiter);
	}
	return limiter;
}

/** For tests: forget every limiter (and every hold). */
export function resetThrottleRegistry(): void {
	registry.clear();
}

/** For tests and diagnostics: which limiters exist (keys hold hashes, never tokens). */
export function throttleRegistryKeys(): string[] {
	return [...registry.keys()];
}

export function hashIdentity(identity: string): string {
	return createHash('sha256').update(identity).digest('hex');
}

export interface Passage {
	/** Milliseconds spent waiting for the slots (including any 429 hold). */
	waitedMs: number;
	/** Mark the slots as used: call right before sending. */
	start(): void;
	/** Give the slots back unused (the request was called off). */
	cancel(): void;
}

/**
 * Gate for one client: a request needs a slot in its base's limiter (when it targets a base)
 * and in its token's limiter. Slots are always taken base first, token second, so waiting
 * requests can never deadlock. With a shared store (Redis), the request then also needs a
 * start in the cross-process windows; while Redis cannot answer, the in-memory slots alone
 * decide (each process on its own, as without Redis).
 */
export class Throttle {
	private readonly tokenLimiter: WindowLimiter;
	private readonly tokenKey: string;

	constructor(
		identityHash: string,
		private readonly limits: ClientLimits,
		private readonly shared?: SharedLimitStore,
	) {
		this.tokenKey = `token:${identityHash}`;
		this.tokenLimiter = limiterFor(this.tokenKey, limits.perToken, limits.windowMarginMs);
	}

	private baseLimiter(baseId: string): WindowLimiter {
		return limiterFor(`base:${baseId}`, this.limits.perBase, this.limits.windowMarginMs);
	}

	async pass(baseId: string | undefined): Promise<Passage> {
		const startedWaiting = Date.now();
		const base = baseId ? this.baseLimiter(baseId) : undefined;
		for (;;) {
			const basePermit = base ? await base.acquire() : undefined;
			const tokenPermit = await this.tokenLimiter.acquire();
			// A 429 may have put a hold on the base while this request waited for the token slot.
			let held = base?.isHeld() === true;
			let releaseShared: (() => void) | undefined;
			if (!held && this.shared) {
				const outcome = await this.passShared(baseId, base);
				if (outcome === 'held') held = true;
				else releaseShared = outcome;
			}
			if (held) {
				tokenPermit.release();
				basePermit?.release();
				continue;
			}
			return {
				waitedMs: Date.now() - startedWaiting,
				start: () => {
					basePermit?.use();
					tokenPermit.use();
				},
				cancel: () => {
					basePermit?.release();
					tokenPermit.release();
					releaseShared?.();
				},
			};
		}
	}

	/**
	 * Waits (holding this process's slots, so local order is kept) until every process's
	 * window has room. 'held' when another process met a 429: the hold is copied onto the local
	 * limiter so this process's other callers wait without asking Redis.
	 */
	private async passShared(
		baseId: string | undefined,
		base: WindowLimiter | undefined,
	): Promise<(() => void) | 'held' | undefined> {
		const shared = this.shared as SharedLimitStore;
		const windows: SharedWindow[] = [];
		if (baseId && base) windows.push({ key: `base:${baseId}`, limit: base.limit, windowMs: base.windowMs });
		windows.push({ key: this.tokenKey, limit: this.tokenLimiter.limit, windowMs: this.tokenLimiter.windowMs });
		for (;;) {
			const decision = await shared.acquire(windows);
			switch (decision.kind) {
				case 'go':
					return decision.release;
				case 'unavailable':
					return undefined;
				case 'held':
					(base && decision.index === 0 ? base : this.tokenLimiter).hold(decision.ms);
					return 'held';
				default:
					await sleep(decision.ms);
			}
		}
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
			base.hold(hold);
			base.widenMargin();
			this.shared?.hold(`base:${baseId}`, hold);
		}
		if (tokenToo) {
			this.tokenLimiter.hold(hold);
			this.tokenLimiter.widenMargin();
			this.shared?.hold(this.tokenKey, hold);
		}
	}
}
