/**
 * The package's process-wide metrics registry and its metrics, with bounded, secret-free labels.
 */

import { MetricsRegistry } from './metricsRegistry';
import { processState, type Registry } from '../state';

/**
 * The package's metrics, process-wide like the limiters: every client in the process counts
 * into one registry, so one scrape shows all bases. Labels carry ids and fixed words only —
 * never a token, a secret, a table or field name typed by a user, or a cell value — and each
 * label's set of values is capped, so a process talking to many bases cannot grow the scrape
 * without bound.
 */
export const airtableMetrics = new MetricsRegistry();

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Limiter waits run from a few ms (pacing) to 30 s and more (the hold after a 429). */
const WAIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export const REQUESTS_TOTAL = airtableMetrics.register({
	name: 'airtable_requests_total',
	help: 'HTTP requests sent to Airtable (every attempt), by base, operation and response status (or "network").',
	type: 'counter',
	labelNames: ['base', 'operation', 'status'],
});
export const REQUEST_DURATION = airtableMetrics.register({
	name: 'airtable_request_duration_seconds',
	help: 'Time from sending a request to Airtable to its response, by operation.',
	type: 'histogram',
	labelNames: ['operation'],
	buckets: DURATION_BUCKETS,
});
export const RATE_LIMIT_WAITS_TOTAL = airtableMetrics.register({
	name: 'airtable_rate_limit_waits_total',
	help: 'Requests that waited 50 ms or more in the rate limiter (pacing or a 429 hold) before being sent, by base.',
	type: 'counter',
	labelNames: ['base'],
});
export const RATE_LIMIT_WAIT_SECONDS = airtableMetrics.register({
	name: 'airtable_rate_limit_wait_seconds',
	help: 'How long the requests counted in airtable_rate_limit_waits_total waited, by base.',
	type: 'histogram',
	labelNames: ['base'],
	buckets: WAIT_BUCKETS,
});
export const RATE_LIMIT_HOLDS_TOTAL = airtableMetrics.register({
	name: 'airtable_rate_limit_holds_total',
	help: 'RATE_LIMIT_REACHED 429 answers that put a base on its 30-second hold, by base.',
	type: 'counter',
	labelNames: ['base'],
});
export const RETRIES_TOTAL = airtableMetrics.register({
	name: 'airtable_retries_total',
	help: 'Requests sent again, by base and reason (rate_limit, http_502, http_503, http_504, http_other, network).',
	type: 'counter',
	labelNames: ['base', 'reason'],
});
const WEBHOOK_EVENTS_TOTAL = airtableMetrics.register({
	name: 'airtable_webhook_events_total',
	help: 'Airtable webhook events handled by the Instant Trigger, by base, table id and type.',
	type: 'counter',
	labelNames: ['base', 'table', 'type'],
});
const CIRCUIT_BREAKER_STATE = airtableMetrics.register({
	name: 'airtable_circuit_breaker_state',
	help: 'Circuit breaker per base: 0 closed, 1 open (failing fast), 2 half-open (probing).',
	type: 'gauge',
	labelNames: ['base'],
});

/** Label value for calls not tied to a base (whoami, the base list). */
const NO_BASE = 'none';
/** Label value for ids past the cap or not shaped like an id. */
const OTHER = 'other';

const MAX_BASES = 100;
const MAX_TABLES = 500;
const MAX_OPERATIONS = 60;

/**
 * Keeps the first `cap` distinct values that look right; everything else becomes `other`.
 * The values seen live in the process state, kept for the process's life like the series.
 */
class BoundedLabel {
	private readonly seen: Registry<true>;

	constructor(
		name: string,
		private readonly pattern: RegExp,
		private readonly cap: number,
	) {
		this.seen = processState.registry<true>(`metrics.labels.${name}`, {
			maxEntries: cap,
			idleMs: Number.POSITIVE_INFINITY,
			canEvict: () => false,
		});
	}

	value(raw: string | undefined, absent: string): string {
		if (raw === undefined || raw === '') return absent;
		if (!this.pattern.test(raw)) return OTHER;
		if (this.seen.get(raw)) return raw;
		if (this.seen.size >= this.cap) return OTHER;
		this.seen.set(raw, true);
		return raw;
	}

	reset(): void {
		this.seen.clear();
	}
}

const bases = new BoundedLabel('base', /^app[A-Za-z0-9]{3,30}$/, MAX_BASES);
const tables = new BoundedLabel('table', /^tbl[A-Za-z0-9]{3,30}$/, MAX_TABLES);
const operations = new BoundedLabel('operation', /^[a-z][A-Za-z.]{0,40}$/, MAX_OPERATIONS);

export function baseLabel(baseId: string | undefined): string {
	return bases.value(baseId, NO_BASE);
}

export function tableLabel(tableId: string | undefined): string {
	return tables.value(tableId, NO_BASE);
}

export function operationLabel(operation: string): string {
	return operations.value(operation, OTHER);
}

/**
 * What the Instant Trigger counts: a ping received or refused (bad signature), each record
 * change it emits, and each table or field change (`schema`).
 */
/** `ignored`: a record change the trigger dropped before any execution (Ignore Changes Made By). */
export type WebhookEventType = 'ping' | 'ping_rejected' | 'created' | 'updated' | 'deleted' | 'schema' | 'ignored';
const WEBHOOK_EVENT_TYPES: ReadonlySet<string> = new Set<WebhookEventType>([
	'ping',
	'ping_rejected',
	'created',
	'updated',
	'deleted',
	'schema',
	'ignored',
]);

export interface WebhookEvent {
	baseId: string;
	/** Table id (tbl…); leave out for events about the whole webhook, like a ping. */
	tableId?: string;
	type: WebhookEventType;
}

/** Counts webhook events into `airtable_webhook_events_total`; `count` events at once. */
export function recordWebhookEvent(event: WebhookEvent, count = 1): void {
	if (count <= 0) return;
	const type = WEBHOOK_EVENT_TYPES.has(event.type) ? event.type : OTHER;
	airtableMetrics.inc(
		WEBHOOK_EVENTS_TOTAL,
		{ base: baseLabel(event.baseId), table: tableLabel(event.tableId), type },
		count,
	);
}

export type CircuitBreakerState = 'closed' | 'open' | 'half-open';
const BREAKER_STATE_VALUES: Record<CircuitBreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

/** The hook the circuit breaker calls on every state change of a base. */
export function recordCircuitBreakerState(baseId: string, state: CircuitBreakerState): void {
	airtableMetrics.set(CIRCUIT_BREAKER_STATE, { base: baseLabel(baseId) }, BREAKER_STATE_VALUES[state]);
}

/** The process's Airtable metrics in Prometheus text format. */
export function metricsText(): string {
	return airtableMetrics.text();
}

/** For tests: forget every value and every label seen. */
export function resetMetrics(): void {
	airtableMetrics.reset();
	bases.reset();
	tables.reset();
	operations.reset();
}
