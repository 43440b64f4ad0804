/**
 * The emulator's rate limiting: Airtable's sliding windows per base and per token, with lockouts
 * answered 429.
 */

import { BILLING_LIMIT_MESSAGE, pluralError, RATE_LIMIT_MESSAGE, type ApiError } from './errors';
import type { LimitsConfig } from './options';

/**
 * Airtable's throttling: a sliding window per base and per token; going over locks that base
 * (or token) out for lockoutMs, and every request to it meanwhile gets the same 429. Requests
 * answered 429 do not count toward the window. Times come from the virtual clock.
 */
export class RateLimiter {
	private readonly windows = new Map<string, number[]>();
	private readonly lockedUntil = new Map<string, number>();
	private readonly monthly = new Map<string, number>();

	constructor(public config: LimitsConfig) {}

	/**
	 * Throws the 429 to send, or counts the request. `metered` = false for metadata calls: a
	 * public report of an exhausted quota saw `/v0/meta/*` keep answering while data calls got 429.
	 */
	admit(now: number, tokenKey: string, baseId: string | undefined, metered = true): void {
		const quotaBase = metered ? baseId : undefined;
		if (!this.config.enabled) return this.countMonthly(now, quotaBase);
		const keys: Array<[string, LimitsConfig['perBase']]> = [[`token:${tokenKey}`, this.config.perToken]];
		if (baseId) keys.push([`base:${baseId}`, this.config.perBase]);
		for (const [key] of keys) {
			if ((this.lockedUntil.get(key) ?? 0) > now) throw rateLimited();
		}
		for (const [key, window] of keys) {
			const recent = (this.windows.get(key) ?? []).filter((t) => t > now - window.perMs);
			this.windows.set(key, recent);
			if (recent.length >= window.requests) {
				this.lockedUntil.set(key, now + this.config.lockoutMs);
				throw rateLimited();
			}
		}
		for (const [key] of keys) this.windows.get(key)!.push(now);
		this.countMonthly(now, quotaBase);
	}

	private countMonthly(now: number, baseId: string | undefined): void {
		if (this.config.monthlyQuota === null || this.config.monthlyQuota === undefined || !baseId) return;
		const month = new Date(now).toISOString().slice(0, 7);
		const key = `${baseId}:${month}`;
		const used = this.monthly.get(key) ?? 0;
		if (used >= this.config.monthlyQuota) {
			throw pluralError(429, 'PUBLIC_API_BILLING_LIMIT_EXCEEDED', BILLING_LIMIT_MESSAGE);
		}
		this.monthly.set(key, used + 1);
	}

	/** Lock-outs still in force, for the admin API. */
	lockouts(now: number): Record<string, string> {
		const out: Record<string, string> = {};
		for (const [key, until] of this.lockedUntil) if (until > now) out[key] = new Date(until).toISOString();
		return out;
	}

	clear(): void {
		this.windows.clear();
		this.lockedUntil.clear();
		this.monthly.clear();
	}
}

function rateLimited(): ApiError {
	return pluralError(429, 'RATE_LIMIT_REACHED', RATE_LIMIT_MESSAGE);
}
