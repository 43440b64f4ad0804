import {
	AirtableClient,
	metricsText,
	recordCircuitBreakerState,
	recordWebhookEvent,
	type AirtableRequestEvent,
	type ClientLimits,
	type ClientLogger,
	type HttpRequest,
} from '../../index';
import { resetMetrics } from '../../nodes/client/observability/metrics';
import { resetProcessStateForTests } from '../../nodes/client/state';
import { sample, scriptedExecutor, type ScriptedAnswer } from './metricsSupport';

const BASE = 'appMETRICS0000001';
const TABLE = 'tblMETRICS0000001';

/** Airtable's real pace (5 per second per base) and hold, on fake time. */
const LIMITS: Partial<ClientLimits> = {
	perBase: { requests: 5, perMs: 1000 },
	perToken: { requests: 50, perMs: 1000 },
	windowMarginMs: 0,
	rateLimitHoldMs: 30_000,
	maxRateLimitRetries: 2,
	maxRetries: 3,
	retryBaseDelayMs: 200,
	retryMaxDelayMs: 200,
};

function clientFor(answer: (request: HttpRequest, index: number) => ScriptedAnswer, logger?: ClientLogger) {
	const executor = scriptedExecutor(answer);
	const client = new AirtableClient({
		executor,
		identity: 'patMetricsUnit.identity-0123456789',
		limits: LIMITS,
		logger,
	});
	return { client, executor };
}

const ok = (body: unknown = { id: 'rec00000000000001', createdTime: '2024-01-01T00:00:00.000Z', fields: {} }): ScriptedAnswer => ({
	status: 200,
	body,
});
const rateLimited: ScriptedAnswer = {
	status: 429,
	body: { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }] },
};

/** Runs `work` to completion on fake time. */
async function onFakeTime<T>(work: Promise<T>, maxMs = 120_000): Promise<T> {
	let outcome: { value: T } | { error: unknown } | undefined;
	void work.then(
		(value) => (outcome = { value }),
		(error: unknown) => (outcome = { error }),
	);
	for (let elapsed = 0; !outcome && elapsed < maxMs; elapsed += 1) await jest.advanceTimersByTimeAsync(1);
	if (!outcome) throw new Error(`Still running after ${maxMs} ms of fake time`);
	if ('error' in outcome) throw outcome.error;
	return outcome.value;
}

beforeEach(() => {
	jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'queueMicrotask'] });
	resetProcessStateForTests();
	resetMetrics();
});
afterEach(() => {
	jest.useRealTimers();
	jest.restoreAllMocks();
});

describe('request metrics after scripted runs', () => {
	it('counts every request by base, operation and status, and times them', async () => {
		const { client } = clientFor(() => ok());
		const table = client.base(BASE).table(TABLE);
		await onFakeTime(Promise.all([1, 2, 3].map((n) => table.get(`rec0000000000000${n}`))));

		const text = client.metrics();
		expect(sample(text, 'airtable_requests_total', { base: BASE, operation: 'get', status: '200' })).toBe(3);
		expect(sample(text, 'airtable_request_duration_seconds_count', { operation: 'get' })).toBe(3);
		// Each scripted answer takes 100 ms of fake time.
		expect(sample(text, 'airtable_request_duration_seconds_sum', { operation: 'get' })).toBeCloseTo(0.3, 6);
		expect(sample(text, 'airtable_request_duration_seconds_bucket', { operation: 'get', le: '0.05' })).toBe(0);
		expect(sample(text, 'airtable_request_duration_seconds_bucket', { operation: 'get', le: '0.1' })).toBe(3);
		expect(sample(text, 'airtable_request_duration_seconds_bucket', { operation: 'get', le: '+Inf' })).toBe(3);
		// Three requests fit in the base's window of five: none waited.
		expect(sample(text, 'airtable_rate_limit_waits_total', { base: BASE })).toBeUndefined();
	});

	it('counts the requests that waited for the base window, and for how long', async () => {
		const { client } = clientFor(() => ok());
		const table = client.base(BASE).table(TABLE);
		await onFakeTime(Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => table.get(`rec0000000000000${n}`))));

		const text = client.metrics();
		expect(sample(text, 'airtable_requests_total', { base: BASE, operation: 'get', status: '200' })).toBe(7);
		// Five start at once; the sixth and seventh wait until the first five leave the 1 s window
		// (no margin here), counted from their answers (100 ms): no round trip was known before them.
		expect(sample(text, 'airtable_rate_limit_waits_total', { base: BASE })).toBe(2);
		expect(sample(text, 'airtable_rate_limit_wait_seconds_count', { base: BASE })).toBe(2);
		expect(sample(text, 'airtable_rate_limit_wait_seconds_sum', { base: BASE })).toBeCloseTo(2 * 1.1, 6);
		expect(sample(text, 'airtable_rate_limit_wait_seconds_bucket', { base: BASE, le: '0.5' })).toBe(0);
		expect(sample(text, 'airtable_rate_limit_wait_seconds_bucket', { base: BASE, le: '2.5' })).toBe(2);
	});

	it('shows a 429: the refused request, the hold, the 30-second wait and the retry', async () => {
		const { client } = clientFor((_request, index) => (index === 0 ? rateLimited : ok()));
		await onFakeTime(client.base(BASE).table(TABLE).get('rec00000000000001'));

		const text = client.metrics();
		expect(sample(text, 'airtable_requests_total', { base: BASE, operation: 'get', status: '429' })).toBe(1);
		expect(sample(text, 'airtable_requests_total', { base: BASE, operation: 'get', status: '200' })).toBe(1);
		expect(sample(text, 'airtable_rate_limit_holds_total', { base: BASE })).toBe(1);
		expect(sample(text, 'airtable_retries_total', { base: BASE, reason: 'rate_limit' })).toBe(1);
		expect(sample(text, 'airtable_rate_limit_waits_total', { base: BASE })).toBe(1);
		const waited = sample(text, 'airtable_rate_limit_wait_seconds_sum', { base: BASE }) as number;
		// The hold is 30 s plus up to 10 % jitter.
		expect(waited).toBeGreaterThanOrEqual(30);
		expect(waited).toBeLessThanOrEqual(33);
		expect(sample(text, 'airtable_rate_limit_wait_seconds_bucket', { base: BASE, le: '10' })).toBe(0);
		expect(sample(text, 'airtable_rate_limit_wait_seconds_bucket', { base: BASE, le: '60' })).toBe(1);
	});

	it('names the reason of every retry: 503, 502 and a dropped connection', async () => {
		const script: ScriptedAnswer[] = [
			{ status: 503, body: { error: { type: 'SERVICE_UNAVAILABLE', message: 'down' } } },
			{ status: 502, body: 'Bad Gateway' },
			{ networkError: 'ECONNRESET' },
		];
		const { client } = clientFor((_request, index) => script[index] ?? ok());
		await onFakeTime(client.base(BASE).table(TABLE).get('rec00000000000001'));

		const text = client.metrics();
		for (const reason of ['http_503', 'http_502', 'network']) {
			expect(sample(text, 'airtable_retries_total', { base: BASE, reason })).toBe(1);
		}
		expect(sample(text, 'airtable_retries_total', { base: BASE, reason: 'rate_limit' })).toBeUndefined();
		expect(sample(text, 'airtable_requests_total', { base: BASE, operation: 'get', status: 'network' })).toBe(1);
		expect(sample(text, 'airtable_requests_total', { base: BASE, operation: 'get', status: '200' })).toBe(1);
		expect(client.stats().retries).toBe(3);
	});

	it('labels calls without a base as base="none" and is shared by every client in the process', async () => {
		const first = clientFor(() => ok({ id: 'usr00000000000001', scopes: [] }));
		const second = clientFor(() => ok({ id: 'usr00000000000001', scopes: [] }));
		await onFakeTime(Promise.all([first.client.whoami(), second.client.whoami()]));

		expect(sample(first.client.metrics(), 'airtable_requests_total', { base: 'none', operation: 'meta.whoami', status: '200' })).toBe(2);
		expect(second.client.metrics()).toBe(first.client.metrics());
		expect(metricsText()).toBe(first.client.metrics());
	});
});

describe('circuit breaker gauge through the client', () => {
	it('goes to 1 when five failures in a row open the base, 2 for the probe, 0 when it succeeds', async () => {
		let failing = true;
		const { client } = clientFor(() => (failing ? { status: 500, body: { error: { type: 'SERVER_ERROR', message: 'boom' } } } : ok()));
		const table = client.base(BASE).table(TABLE);
		for (let n = 0; n < 5; n++) await expect(onFakeTime(table.get('rec00000000000001'))).rejects.toThrow();
		expect(sample(client.metrics(), 'airtable_circuit_breaker_state', { base: BASE })).toBe(1);

		failing = false;
		await jest.advanceTimersByTimeAsync(30_000);
		const probe = table.get('rec00000000000001');
		// The probe is admitted, and its answer takes 100 ms.
		await jest.advanceTimersByTimeAsync(20);
		expect(sample(client.metrics(), 'airtable_circuit_breaker_state', { base: BASE })).toBe(2);
		await onFakeTime(probe);
		expect(sample(client.metrics(), 'airtable_circuit_breaker_state', { base: BASE })).toBe(0);
	});
});

describe('structured log events', () => {
	it('logs one airtable.request event per call and one airtable.rate_limit_hold per 429', async () => {
		const debug = jest.fn();
		const info = jest.fn();
		const { client } = clientFor((_request, index) => (index === 0 ? rateLimited : ok()), { warn: jest.fn(), info, debug });
		await onFakeTime(client.base(BASE).table(TABLE).get('rec00000000000001'));

		expect(info).toHaveBeenCalledTimes(1);
		expect(info.mock.calls[0][0]).toMatch(/429.*base appMETRICS0000001 waits 30 s/);
		expect(info.mock.calls[0][1]).toEqual({ event: 'airtable.rate_limit_hold', operation: 'get', base: BASE, holdMs: 30_000 });

		expect(debug).toHaveBeenCalledTimes(1);
		const event = debug.mock.calls[0][1] as AirtableRequestEvent;
		expect(event).toMatchObject({
			event: 'airtable.request',
			operation: 'get',
			base: BASE,
			table: TABLE,
			outcome: 'ok',
			status: 200,
			attempts: 2,
			retries: 1,
			rateLimitHolds: 1,
		});
		expect(event.waitedMs).toBeGreaterThanOrEqual(30_000);
		// 100 ms for the 429, the 30 s hold (+ up to 10 % jitter), 100 ms for the answer.
		expect(event.durationMs).toBeGreaterThanOrEqual(30_200);
		expect(event.durationMs).toBeLessThanOrEqual(33_220);
		expect(JSON.parse(JSON.stringify(event))).toEqual(event);
	});

	it('logs a failed call with its status and Airtable error type', async () => {
		const debug = jest.fn();
		const { client } = clientFor(
			() => ({ status: 404, body: { error: { type: 'MODEL_ID_NOT_FOUND', message: 'Could not find record' } } }),
			{ warn: jest.fn(), debug },
		);
		await expect(onFakeTime(client.base(BASE).table(TABLE).get('rec00000000000001'))).rejects.toThrow();
		expect(debug.mock.calls[0][1]).toMatchObject({ outcome: 'error', status: 404, errorType: 'MODEL_ID_NOT_FOUND', attempts: 1 });
	});
});

describe('no secret or cell value in metrics or logs', () => {
	it('keeps the token, MAC secret, cell values and error texts out of every scrape and log line', async () => {
		const token = 'patSECRETTOKEN0001.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
		const macSecret = 'c2VjcmV0LW1hYy1rZXktZG8tbm90LWxvZw==';
		const cellValue = 'Ada Lovelace private note 4471';
		const lines: string[] = [];
		const capture = (message: string, event?: object) => lines.push(message, JSON.stringify(event ?? {}));
		const executor = scriptedExecutor((request) => {
			if (request.path.endsWith('/webhooks')) {
				return { status: 200, body: { id: 'achMETRICS0000001', macSecretBase64: macSecret, expirationTime: null } };
			}
			if (request.method === 'PATCH') {
				return {
					status: 422,
					body: { error: { type: 'INVALID_VALUE_FOR_COLUMN', message: `Field "Notes" cannot accept the value "${cellValue}"` } },
				};
			}
			return { status: 200, body: { records: [{ id: 'rec00000000000001', createdTime: '2024-01-01T00:00:00.000Z', fields: { Notes: cellValue } }] } };
		});
		const client = new AirtableClient({
			executor,
			identity: token,
			limits: LIMITS,
			logger: { warn: capture, info: capture, debug: capture },
		});
		const base = client.base(BASE);
		await onFakeTime(
			(async () => {
				await base.table(TABLE).create([{ Notes: cellValue }]);
				await base.webhooks.create({ notificationUrl: 'https://example.invalid/hook', specification: { options: { filters: { dataTypes: ['tableData'] } } } });
				await base.table(TABLE).update([{ id: 'rec00000000000001', fields: { Notes: cellValue } }]).catch(() => undefined);
			})(),
		);
		recordWebhookEvent({ baseId: BASE, tableId: TABLE, type: 'updated' });

		const everything = `${client.metrics()}\n${lines.join('\n')}`;
		expect(lines.length).toBeGreaterThan(0);
		expect(everything).toContain('airtable_requests_total');
		for (const secret of [token, macSecret, cellValue, 'Notes', 'cannot accept']) {
			expect(everything).not.toContain(secret);
		}
	});
});

describe('bounded labels', () => {
	it('caps the number of bases and folds ids of the wrong shape into "other"', async () => {
		const { client } = clientFor(() => ok());
		const ids = Array.from({ length: 130 }, (_, n) => `appBOUND${String(n).padStart(9, '0')}`);
		ids.push('app"}\nairtable_requests_total 999', 'Customers');
		for (const id of ids) await onFakeTime(client.base(id).table(TABLE).get('rec00000000000001'));

		const text = client.metrics();
		const series = text.split('\n').filter((line) => line.startsWith('airtable_requests_total{'));
		expect(series).toHaveLength(101);
		// The first 100 bases keep their ids; the 30 past the cap and the 2 malformed ones share "other".
		expect(sample(text, 'airtable_requests_total', { base: ids[99], operation: 'get', status: '200' })).toBe(1);
		expect(sample(text, 'airtable_requests_total', { base: ids[100] })).toBeUndefined();
		expect(sample(text, 'airtable_requests_total', { base: 'other', operation: 'get', status: '200' })).toBe(32);
		expect(text).not.toContain('999');
		expect(text).not.toContain('Customers');
	});
});

describe('webhook events and breaker state', () => {
	it('counts webhook events by base, table id and type', () => {
		recordWebhookEvent({ baseId: BASE, type: 'ping' });
		recordWebhookEvent({ baseId: BASE, tableId: TABLE, type: 'created' }, 3);
		recordWebhookEvent({ baseId: BASE, tableId: TABLE, type: 'created' });
		recordWebhookEvent({ baseId: BASE, tableId: 'Contacts', type: 'deleted' });
		recordWebhookEvent({ baseId: BASE, tableId: TABLE, type: 'updated' }, 0);

		const text = metricsText();
		expect(sample(text, 'airtable_webhook_events_total', { base: BASE, table: 'none', type: 'ping' })).toBe(1);
		expect(sample(text, 'airtable_webhook_events_total', { base: BASE, table: TABLE, type: 'created' })).toBe(4);
		expect(sample(text, 'airtable_webhook_events_total', { base: BASE, table: 'other', type: 'deleted' })).toBe(1);
		expect(sample(text, 'airtable_webhook_events_total', { type: 'updated' })).toBeUndefined();
	});

	it('shows the breaker state of each base as 0 closed, 1 open, 2 half-open', () => {
		recordCircuitBreakerState(BASE, 'open');
		recordCircuitBreakerState('appOTHER000000001', 'closed');
		expect(sample(metricsText(), 'airtable_circuit_breaker_state', { base: BASE })).toBe(1);
		recordCircuitBreakerState(BASE, 'half-open');
		expect(sample(metricsText(), 'airtable_circuit_breaker_state', { base: BASE })).toBe(2);
		expect(sample(metricsText(), 'airtable_circuit_breaker_state', { base: 'appOTHER000000001' })).toBe(0);
	});

	it('renders valid exposition text: HELP and TYPE once per family, cumulative buckets', async () => {
		const { client } = clientFor(() => ok());
		await onFakeTime(client.base(BASE).table(TABLE).get('rec00000000000001'));
		const text = client.metrics();
		expect(text.match(/^# TYPE airtable_request_duration_seconds histogram$/gm)).toHaveLength(1);
		expect(text.match(/^# TYPE airtable_requests_total counter$/gm)).toHaveLength(1);
		expect(text.match(/^# TYPE airtable_circuit_breaker_state gauge$/gm)).toHaveLength(1);
		const buckets = text
			.split('\n')
			.filter((line) => line.startsWith('airtable_request_duration_seconds_bucket'))
			.map((line) => Number(line.split(' ').pop()));
		expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
		expect(text.endsWith('\n')).toBe(true);
	});
});
