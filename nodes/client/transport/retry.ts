/**
 * The retry policy in one place: which failures are sent again, after how long, and which requests
 * may be repeated.
 */

import type { TransportError } from './http';
import type { ClientLimits } from './types';

/**
 * Whether sending a request twice can do harm. Reads, updates, upserts (a repeat matches the
 * record the first attempt created), deletes and most webhook calls are 'repeatable'.
 * Creating records or a webhook is not: a repeat after a lost response makes duplicates.
 */
export type RequestSafety = 'repeatable' | 'create';

export type Failure =
	| { transport: TransportError }
	| { status: number; type?: string; retryAfter?: string };

export type RetryDecision =
	/** Wait out the base's 429 hold (the throttle does the waiting), then send again. */
	| { action: 'retry-after-hold' }
	/** Wait `delayMs`, then send again. */
	| { action: 'retry'; delayMs: number }
	/** Give up; `unknownOutcome` when a create may have been applied. */
	| { action: 'fail'; unknownOutcome: boolean };

export interface RetryCounters {
	/** RATE_LIMIT_REACHED 429s met so far by this request. */
	rateLimited: number;
	/** Backoff retries (5xx, transport) so far. */
	backoffs: number;
}

/**
 * The retry policy in one place:
 * - 429 RATE_LIMIT_REACHED: the request was refused, so any request is safe to repeat after
 *   the hold; bounded by maxRateLimitRetries.
 * - 429 PUBLIC_API_BILLING_LIMIT_EXCEEDED: never; the quota does not come back for weeks.
 * - 503: Airtable documents it (RETRIABLE_ERROR) as safe to retry, so even creates retry;
 *   Retry-After is honoured (the call's time budget refuses one that would run past it).
 * - 502/504 and 500: the request may have been applied behind the gateway. Repeatable
 *   requests retry on 502/504 (500 is usually deterministic, so it does not); a create
 *   fails as an unknown outcome.
 * - Transport errors: when the connection never came up nothing was sent, so everything
 *   retries; after that only repeatable requests do, and a create is an unknown outcome.
 */
export function decideRetry(
	failure: Failure,
	safety: RequestSafety,
	counters: RetryCounters,
	limits: ClientLimits,
	/** The clock's time, for a Retry-After given as a date. */
	now: number,
): RetryDecision {
	const canBackOff = counters.backoffs < limits.maxRetries;
	if ('transport' in failure) {
		const harmless = !failure.transport.requestSent || safety === 'repeatable';
		if (harmless && canBackOff) return { action: 'retry', delayMs: backoffDelay(counters.backoffs, limits) };
		return { action: 'fail', unknownOutcome: !harmless };
	}
	const { status, type } = failure;
	if (status === 429) {
		if (type === 'PUBLIC_API_BILLING_LIMIT_EXCEEDED') return { action: 'fail', unknownOutcome: false };
		return counters.rateLimited < limits.maxRateLimitRetries
			? { action: 'retry-after-hold' }
			: { action: 'fail', unknownOutcome: false };
	}
	if (status === 503) {
		if (!canBackOff) return { action: 'fail', unknownOutcome: false };
		const hinted = parseRetryAfter(failure.retryAfter, now);
		return { action: 'retry', delayMs: hinted ?? backoffDelay(counters.backoffs, limits) };
	}
	if (status === 502 || status === 504) {
		if (safety === 'create') return { action: 'fail', unknownOutcome: true };
		return canBackOff
			? { action: 'retry', delayMs: backoffDelay(counters.backoffs, limits) }
			: { action: 'fail', unknownOutcome: false };
	}
	if (status >= 500) return { action: 'fail', unknownOutcome: safety === 'create' };
	return { action: 'fail', unknownOutcome: false };
}

/**
 * Whether the request of a failed attempt may have been applied with its answer lost: the
 * connection broke after sending, or a gateway error (500/502/504) came back. A 503 is
 * documented as not applied (RETRIABLE_ERROR) and a 429 as refused.
 */
export function answerMayBeLost(failure: Failure): boolean {
	if ('transport' in failure) return failure.transport.requestSent;
	return failure.status >= 500 && failure.status !== 503;
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^attempt)]. */
export function backoffDelay(attempt: number, limits: ClientLimits): number {
	const ceiling = Math.min(limits.retryMaxDelayMs, limits.retryBaseDelayMs * 2 ** attempt);
	return Math.round(Math.random() * ceiling);
}

/** Retry-After is either delta-seconds or an HTTP date (relative to `now`). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	let ms: number;
	if (/^\d+(\.\d+)?$/.test(trimmed)) {
		ms = Number(trimmed) * 1000;
	} else {
		const date = Date.parse(trimmed);
		if (Number.isNaN(date)) return undefined;
		ms = date - now;
	}
	return Math.max(0, Math.round(ms));
}
