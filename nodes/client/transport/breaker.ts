/**
 * The circuit breaker per base: after repeated 5xx or network failures calls fail at once until a
 * probe succeeds.
 */

import { clockTag, type Clock } from '../clock';
import { recordCircuitBreakerState, type CircuitBreakerState } from '../observability/metrics';
import { processState } from '../state';
import { hashIdentity } from './throttle';

export type BreakerState = CircuitBreakerState;

/** Why a call may not go out now, and from when it may. */
export class BreakerRefusal extends Error {
	constructor(
		readonly reason: string,
		readonly retryAt: number,
	) {
		super(reason);
		this.name = 'BreakerRefusal';
	}
}

/** A call let through by the breaker: report how it went exactly once. */
export interface BreakerTicket {
	/** Airtable answered (any status below 500): the base is reachable. */
	succeeded(): void;
	/** A 5xx or a network failure; true when this failure opened the breaker. */
	failed(reason: string): boolean;
	/** The request was not sent after all; it proves nothing either way. */
	abandoned(): void;
}

/**
 * Circuit breaker for one base: closed -> open after `threshold` consecutive 5xx or network
 * failures -> after `cooldownMs`, half-open lets exactly one probe through; its success
 * closes the breaker, its failure opens it again for another cooldown. While open (and while
 * the probe is out), calls fail at once instead of adding load to a failing Airtable and
 * holding n8n executions for minutes of backoff.
 */
export class CircuitBreaker {
	private failures = 0;
	private openUntil = 0;
	private opened = false;
	private probeOut = false;
	private lastReason = '';

	constructor(
		private readonly baseId: string,
		private readonly threshold: number,
		private readonly cooldownMs: number,
		private readonly clock: Clock,
	) {}

	get state(): BreakerState {
		if (!this.opened) return 'closed';
		return this.clock.now() < this.openUntil ? 'open' : 'half-open';
	}

	/** Lets a call through (closed, or as the half-open probe) or throws BreakerRefusal. */
	admit(): BreakerTicket {
		const state = this.state;
		if (state === 'open') {
			throw new BreakerRefusal(this.describe(), this.openUntil);
		}
		if (state === 'half-open') {
			if (this.probeOut) {
				throw new BreakerRefusal(
					`Airtable failed repeatedly (last: ${this.lastReason}) and one test request is checking whether it is back`,
					this.clock.now() + 1000,
				);
			}
			this.probeOut = true;
			recordCircuitBreakerState(this.baseId, 'half-open');
			return this.ticket(true);
		}
		return this.ticket(false);
	}

	/** Another process opened the breaker (shared store): stay open here as well. */
	openFor(ms: number, reason: string): void {
		this.lastReason = reason;
		this.open(this.clock.now() + ms);
	}

	private ticket(probe: boolean): BreakerTicket {
		let reported = false;
		const once = (report: () => void) => () => {
			if (reported) return;
			reported = true;
			if (probe) this.probeOut = false;
			report();
		};
		return {
			succeeded: once(() => {
				this.failures = 0;
				if (!this.opened) return;
				this.opened = false;
				recordCircuitBreakerState(this.baseId, 'closed');
			}),
			failed: (reason: string) => {
				let openedNow = false;
				once(() => {
					this.lastReason = reason;
					this.failures++;
					if (!probe && this.failures < this.threshold) return;
					openedNow = this.state !== 'open';
					this.open(this.clock.now() + this.cooldownMs);
				})();
				return openedNow;
			},
			abandoned: once(() => undefined),
		};
	}

	private open(until: number): void {
		this.opened = true;
		this.openUntil = Math.max(this.openUntil, until);
		recordCircuitBreakerState(this.baseId, 'open');
	}

	private describe(): string {
		return this.failures >= this.threshold
			? `Airtable failed ${this.failures} times in a row (last: ${this.lastReason})`
			: `Airtable is failing (last: ${this.lastReason})`;
	}
}

const breakers = processState.registry<CircuitBreaker>('client.breakers', {
	maxEntries: 10_000,
	idleMs: 60 * 60_000,
	canEvict: (breaker) => breaker.state === 'closed',
});

/**
 * The process-wide breaker of one base reached through one route (per threshold/cooldown
 * setting and clock). The route is hashed: a URL may carry credentials.
 */
export function breakerFor(route: string | undefined, baseId: string, threshold: number, cooldownMs: number, clock: Clock): CircuitBreaker {
	const via = route === undefined ? '' : `${hashIdentity(route).slice(0, 16)}|`;
	const key = `${via}base:${baseId}|${threshold}/${cooldownMs}${clockTag(clock)}`;
	return breakers.getOrCreate(key, () => new CircuitBreaker(baseId, threshold, cooldownMs, clock));
}
