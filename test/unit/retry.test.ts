import {
	AirtableNetworkError,
	AirtableServerError,
	AirtableUnknownOutcomeError,
	DEFAULT_LIMITS,
} from '../../index';
import {
	answerMayBeLost,
	backoffDelay,
	decideRetry,
	parseRetryAfter,
} from '../../nodes/client/transport/retry';
import { TransportError } from '../../nodes/client/transport/http';
import { FakeClock } from '../support/fakeClock';
import {
	api,
	BASE,
	echoCreated,
	makeClient,
	ok,
	record,
	stubExecutor,
	TABLE,
	TABLE_PATH,
	useNock,
	type RecordsBody,
} from './helpers';

useNock();

const table = () => makeClient().base(BASE).table(TABLE);
const codedError = (code: string) => Object.assign(new Error(`socket problem ${code}`), { code });

describe('repeatable requests', () => {
	it('retries 502 and 503 on a read until it succeeds', async () => {
		api().get(`${TABLE_PATH}/recA`).reply(502, '<html>Bad Gateway</html>');
		api().get(`${TABLE_PATH}/recA`).reply(503, { error: { type: 'RETRIABLE_ERROR' } });
		api().get(`${TABLE_PATH}/recA`).reply(200, record('recA'));
		const client = makeClient();
		await expect(client.base(BASE).table(TABLE).get('recA')).resolves.toMatchObject({ id: 'recA' });
		expect(client.stats()).toMatchObject({ requests: 3, retries: 2 });
	});

	it('gives up after maxRetries with AirtableServerError carrying the retry count', async () => {
		let requests = 0;
		api()
			.get(`${TABLE_PATH}/recA`)
			.times(10)
			.reply(() => {
				requests++;
				return [504, ''];
			});
		const error = await table()
			.get('recA')
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableServerError);
		expect((error as AirtableServerError).retries).toBe(3);
		expect((error as AirtableServerError).kind).toBe('temporarily-unavailable');
		expect(requests).toBe(4);
	});

	it('does not retry a 500 (usually deterministic)', async () => {
		let requests = 0;
		api()
			.get(`${TABLE_PATH}/recA`)
			.times(3)
			.reply(() => {
				requests++;
				return [500, { error: { type: 'SERVER_ERROR', message: 'boom' } }];
			});
		await expect(table().get('recA')).rejects.toBeInstanceOf(AirtableServerError);
		expect(requests).toBe(1);
	});

	it('retries an update after a connection reset', async () => {
		api().patch(TABLE_PATH).replyWithError(codedError('ECONNRESET'));
		api()
			.patch(TABLE_PATH)
			.reply(200, (_uri, body) => ({ records: (body as RecordsBody).records.map((r) => record(r.id!, r.fields)) }));
		await expect(table().update([{ id: 'recA', fields: { a: 1 } }])).resolves.toHaveLength(1);
	});

	it('reports AirtableNetworkError with the code when resets persist', async () => {
		api().get(`${TABLE_PATH}/recA`).times(4).replyWithError(codedError('ECONNRESET'));
		const error = await table()
			.get('recA')
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableNetworkError);
		expect((error as AirtableNetworkError).code).toBe('ECONNRESET');
		expect((error as AirtableNetworkError).retries).toBe(3);
	});

	it('retries a read that timed out', async () => {
		api().get(`${TABLE_PATH}/recA`).delay(400).reply(200, record('recSLOW'));
		api().get(`${TABLE_PATH}/recA`).reply(200, record('recA'));
		const client = makeClient({}, { requestTimeoutMs: 100 });
		await expect(client.base(BASE).table(TABLE).get('recA')).resolves.toMatchObject({ id: 'recA' });
		expect(client.stats().retries).toBe(1);
	});
});

describe('creates whose fate is unknown', () => {
	it('does not re-send a create after a reset once the request was sent', async () => {
		api().post(TABLE_PATH).replyWithError(codedError('ECONNRESET'));
		const second = api()
			.post(TABLE_PATH)
			.reply(200, (_uri, body) => echoCreated(body as RecordsBody));
		const error = await table()
			.create([{ n: 1 }, { n: 2 }])
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableUnknownOutcomeError);
		const unknown = error as AirtableUnknownOutcomeError;
		expect(unknown.kind).toBe('unknown-outcome');
		expect(unknown.message).toMatch(/may or may not have been created/);
		expect(unknown.message).toMatch(/\[items 0, 1\]/);
		expect(unknown.itemIndexes).toEqual([0, 1]);
		expect(unknown.code).toBe('ECONNRESET');
		expect(second.isDone()).toBe(false);
	});

	it.each([502, 504, 500])('does not re-send a create after HTTP %i', async (status) => {
		api().post(TABLE_PATH).reply(status, '');
		const second = api()
			.post(TABLE_PATH)
			.reply(200, (_uri, body) => echoCreated(body as RecordsBody));
		await expect(table().create([{ n: 1 }])).rejects.toBeInstanceOf(AirtableUnknownOutcomeError);
		expect(second.isDone()).toBe(false);
	});

	it('does not re-send a create that timed out', async () => {
		api().post(TABLE_PATH).delay(400).reply(200, { records: [] });
		const second = api()
			.post(TABLE_PATH)
			.reply(200, (_uri, body) => echoCreated(body as RecordsBody));
		const client = makeClient({}, { requestTimeoutMs: 100 });
		const error = await client
			.base(BASE)
			.table(TABLE)
			.create([{ n: 1 }])
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableUnknownOutcomeError);
		expect((error as AirtableUnknownOutcomeError).code).toBe('ETIMEDOUT');
		expect(second.isDone()).toBe(false);
	});

	it('re-sends a create when the connection was never established', async () => {
		api().post(TABLE_PATH).replyWithError(codedError('ECONNREFUSED'));
		api()
			.post(TABLE_PATH)
			.reply(200, (_uri, body) => echoCreated(body as RecordsBody));
		await expect(table().create([{ n: 1 }])).resolves.toMatchObject([{ id: 'rec1' }]);
	});

	it('re-sends a create after 503 (documented safe) and honours Retry-After', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, (request, index) =>
			index === 0
				? { status: 503, headers: { 'retry-after': '7' }, body: { error: { type: 'RETRIABLE_ERROR' } } }
				: ok(echoCreated(request.body as RecordsBody)),
		);
		const created = makeClient({ executor, clock }).base(BASE).table(TABLE).create([{ n: 1 }]);
		await expect(clock.run(created)).resolves.toHaveLength(1);
		expect(executor.seen.map((r) => r.at - executor.seen[0].at)).toEqual([0, 7000]);
	});

	it('does not re-send a webhook create after a reset, but retries a refresh', async () => {
		const webhooks = makeClient().base(BASE).webhooks;
		api().post(`/v0/bases/${BASE}/webhooks`).replyWithError(codedError('ECONNRESET'));
		const secondCreate = api().post(`/v0/bases/${BASE}/webhooks`).reply(200, { id: 'achX', macSecretBase64: 'eA==' });
		const error = await webhooks
			.create({ specification: { options: { filters: { dataTypes: ['tableData'] } } } })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableUnknownOutcomeError);
		expect((error as Error).message).toMatch(/the webhook may or may not have been created/);
		expect(secondCreate.isDone()).toBe(false);

		api().post(`/v0/bases/${BASE}/webhooks/achX/refresh`).replyWithError(codedError('ECONNRESET'));
		api().post(`/v0/bases/${BASE}/webhooks/achX/refresh`).reply(200, { expirationTime: '2030-01-01T00:00:00.000Z' });
		await expect(webhooks.refresh('achX')).resolves.toEqual({ expirationTime: '2030-01-01T00:00:00.000Z' });
	});
});

describe('policy details', () => {
	afterEach(() => jest.restoreAllMocks());

	it('backs off with full jitter, doubling and capped', () => {
		const limits = { ...DEFAULT_LIMITS, retryBaseDelayMs: 100, retryMaxDelayMs: 1000 };
		jest.spyOn(Math, 'random').mockReturnValue(0.999999);
		expect(backoffDelay(0, limits)).toBe(100);
		expect(backoffDelay(2, limits)).toBe(400);
		expect(backoffDelay(6, limits)).toBe(1000);
		jest.spyOn(Math, 'random').mockReturnValue(0);
		expect(backoffDelay(3, limits)).toBe(0);
	});

	it('reads Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2026-01-05T10:00:00.000Z');
		expect(parseRetryAfter('2', now)).toBe(2000);
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter('Mon, 05 Jan 2026 10:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfter('Mon, 05 Jan 2026 09:59:00 GMT', now)).toBe(0);
	});

	it('treats a connection that never came up as safe even for creates', () => {
		const counters = { rateLimited: 0, backoffs: 0 };
		const refused = new TransportError('ECONNREFUSED', false, 'refused');
		const reset = new TransportError('ECONNRESET', true, 'reset');
		expect(decideRetry({ transport: refused }, 'create', counters, DEFAULT_LIMITS, 0).action).toBe('retry');
		expect(decideRetry({ transport: reset }, 'create', counters, DEFAULT_LIMITS, 0)).toEqual({
			action: 'fail',
			unknownOutcome: true,
		});
		expect(decideRetry({ transport: reset }, 'repeatable', counters, DEFAULT_LIMITS, 0).action).toBe('retry');
	});
});

describe('which failed attempts may have been applied', () => {
	it('a sent request without an answer, or a gateway error; never a 503, a 429 or a refused connection', () => {
		expect(answerMayBeLost({ transport: new TransportError('ECONNRESET', true, 'reset') })).toBe(true);
		expect(answerMayBeLost({ transport: new TransportError('ECONNREFUSED', false, 'refused') })).toBe(false);
		expect(answerMayBeLost({ status: 502 })).toBe(true);
		expect(answerMayBeLost({ status: 504 })).toBe(true);
		expect(answerMayBeLost({ status: 500 })).toBe(true);
		expect(answerMayBeLost({ status: 503, type: 'RETRIABLE_ERROR' })).toBe(false);
		expect(answerMayBeLost({ status: 429, type: 'RATE_LIMIT_REACHED' })).toBe(false);
	});

	it('the quota 429 (real plural envelope) fails at once: one request, no hold, no retry', async () => {
		let requests = 0;
		api()
			.get(`${TABLE_PATH}/recA`)
			.times(5)
			.reply(() => {
				requests++;
				return [429, { errors: [{ error: 'PUBLIC_API_BILLING_LIMIT_EXCEEDED', message: 'API billing plan limit exceeded.' }] }];
			});
		const client = makeClient({}, { rateLimitHoldMs: 60_000 });
		const error = await client.base(BASE).table(TABLE).get('recA').catch((e: unknown) => e);
		expect(error).toMatchObject({ kind: 'quota-exhausted', type: 'PUBLIC_API_BILLING_LIMIT_EXCEEDED', retries: 0 });
		expect(requests).toBe(1);
		expect(client.stats()).toMatchObject({ requests: 1, rateLimited: 0 });
	});

	it('a plain 429 (real plural envelope) is held, retried and keeps its type', async () => {
		let requests = 0;
		api()
			.get(`${TABLE_PATH}/recA`)
			.times(5)
			.reply(() => {
				requests++;
				return [429, { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }] }];
			});
		const client = makeClient({}, { rateLimitHoldMs: 5, maxRateLimitRetries: 2 });
		const error = await client.base(BASE).table(TABLE).get('recA').catch((e: unknown) => e);
		expect(error).toMatchObject({ kind: 'rate-limited', type: 'RATE_LIMIT_REACHED', retries: 2 });
		expect(requests).toBe(3);
		expect(client.stats().rateLimited).toBe(3);
	});
});
