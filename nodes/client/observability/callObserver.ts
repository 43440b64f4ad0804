/**
 * Watching each API call (attempts, waits, retries) to emit structured log events and metrics,
 * without bodies or secrets.
 */

import { errorKind, isAirtableError } from '../errors';
import {
	airtableMetrics,
	baseLabel,
	operationLabel,
	RATE_LIMIT_HOLDS_TOTAL,
	RATE_LIMIT_WAIT_SECONDS,
	RATE_LIMIT_WAITS_TOTAL,
	REQUEST_DURATION,
	REQUESTS_TOTAL,
	RETRIES_TOTAL,
} from './metrics';
import type { ClientLogger } from '../options';

/** What the observer may know about a call: no body, no query, no credential. */
export interface ObservedCall {
	operation: string;
	baseId?: string;
	/** Table id or name as the caller gave it; logged, never a metric label. */
	table?: string;
}

/** Why a request was sent again; bounded, so it can be a label. */
export type RetryReason = 'rate_limit' | 'http_502' | 'http_503' | 'http_504' | 'http_other' | 'network';

/**
 * A limiter wait shorter than this is the limiter's own scheduling (a few event-loop turns,
 * 5–20 ms on a busy host), not pacing: counting it would make every request look throttled.
 */
const WAIT_NOTICE_MS = 50;

/**
 * Structured log entry for one finished call (all attempts). JSON-friendly; carries ids,
 * names and numbers only — never the token, a MAC secret, a query, a body or a cell value.
 */
export interface AirtableRequestEvent {
	event: 'airtable.request';
	operation: string;
	base?: string;
	table?: string;
	outcome: 'ok' | 'error' | 'cancelled';
	/** Last HTTP status, or the transport code (ECONNRESET, ETIMEDOUT…) when none came. */
	status?: number | string;
	/** Airtable error type (e.g. INVALID_VALUE_FOR_COLUMN) or the client's error kind. */
	errorType?: string;
	durationMs: number;
	attempts: number;
	retries: number;
	/** Time spent waiting for limiter slots, holds included. */
	waitedMs: number;
	rateLimitHolds: number;
}

export interface AirtableRateLimitHoldEvent {
	event: 'airtable.rate_limit_hold';
	operation: string;
	base?: string;
	holdMs: number;
}

/** Follows one logical call through its attempts; counts metrics as they happen, logs at the end. */
export class CallTracker {
	private readonly startedAt: number;
	private attempts = 0;
	private retries = 0;
	private waitedMs = 0;
	private holds = 0;
	private lastStatus?: number | string;
	private readonly base: string;

	constructor(
		private readonly call: ObservedCall,
		private readonly now: () => number,
		private readonly logger: ClientLogger | undefined,
	) {
		this.startedAt = now();
		this.base = baseLabel(call.baseId);
	}

	waited(ms: number): void {
		this.waitedMs += ms;
		if (ms < WAIT_NOTICE_MS) return;
		airtableMetrics.inc(RATE_LIMIT_WAITS_TOTAL, { base: this.base });
		airtableMetrics.observe(RATE_LIMIT_WAIT_SECONDS, { base: this.base }, ms / 1000);
	}

	/** One attempt ended, with an HTTP status or (no response) a transport code. */
	attempted(result: { status: number } | { code: string }, durationMs: number): void {
		this.attempts++;
		this.lastStatus = 'status' in result ? result.status : result.code;
		const status = 'status' in result ? String(result.status) : 'network';
		airtableMetrics.inc(REQUESTS_TOTAL, { base: this.base, operation: operationLabel(this.call.operation), status });
		airtableMetrics.observe(REQUEST_DURATION, { operation: operationLabel(this.call.operation) }, durationMs / 1000);
	}

	retrying(reason: RetryReason): void {
		this.retries++;
		airtableMetrics.inc(RETRIES_TOTAL, { base: this.base, reason });
	}

	rateLimitHold(holdMs: number): void {
		this.holds++;
		airtableMetrics.inc(RATE_LIMIT_HOLDS_TOTAL, { base: this.base });
		const event: AirtableRateLimitHoldEvent = {
			event: 'airtable.rate_limit_hold',
			operation: this.call.operation,
			base: this.call.baseId,
			holdMs,
		};
		this.logger?.info?.(
			`Airtable answered 429 (rate limit): ${this.call.baseId ? `base ${this.call.baseId}` : 'this token'} waits ${Math.round(holdMs / 1000)} s before the next request`,
			event,
		);
	}

	succeeded(): void {
		this.finish('ok');
	}

	failed(error: unknown, cancelled: boolean): void {
		const type = isAirtableError(error) ? (error.type ?? errorKind(error)) : undefined;
		this.finish(cancelled ? 'cancelled' : 'error', type);
	}

	private finish(outcome: AirtableRequestEvent['outcome'], errorType?: string): void {
		if (!this.logger?.debug) return;
		const event: AirtableRequestEvent = {
			event: 'airtable.request',
			operation: this.call.operation,
			...(this.call.baseId ? { base: this.call.baseId } : {}),
			...(this.call.table ? { table: this.call.table } : {}),
			outcome,
			...(this.lastStatus !== undefined ? { status: this.lastStatus } : {}),
			...(errorType ? { errorType } : {}),
			durationMs: this.now() - this.startedAt,
			attempts: this.attempts,
			retries: this.retries,
			waitedMs: this.waitedMs,
			rateLimitHolds: this.holds,
		};
		this.logger.debug(
			`Airtable ${event.operation} ${outcome}${event.status !== undefined ? ` (${event.status})` : ''} in ${event.durationMs} ms`,
			event,
		);
	}
}

/** The retry reason for a response that is about to be sent again. */
export function retryReason(status: number): RetryReason {
	if (status === 429) return 'rate_limit';
	if (status === 502) return 'http_502';
	if (status === 503) return 'http_503';
	if (status === 504) return 'http_504';
	return 'http_other';
}
