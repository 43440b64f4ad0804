import {
	AirtableQuotaError,
	AirtableRateLimitError,
	throttleRegistryKeys,
	type ClientLimits,
} from '../../index';
import { api, BASE, makeClient, record, TABLE, TABLE_PATH, TOKEN, useNock, sleep } from './helpers';

useNock();

const WINDOW = { requests: 3, perMs: 200 };
const PACED: Partial<ClientLimits> = {
	perBase: WINDOW,
	perToken: { requests: 100, perMs: 200 },
	windowMarginMs: 20,
};

/** Records when each request reached the (mock) server. */
function timedRecordEndpoint(times: number, path = `${TABLE_PATH}/recA`) {
	const starts: number[] = [];
	api()
		.get(path)
		.times(times)
		.reply(200, () => {
			starts.push(Date.now());
			return record('recA');
		});
	return starts;
}

/** The largest number of starts found inside any window of `perMs`. */
function maxStartsInAnyWindow(starts: number[], perMs: number): number {
	const sorted = [...starts].sort((a, b) => a - b);
	let most = 0;
	for (let i = 0; i < sorted.length; i++) {
		let count = 0;
		while (i + count < sorted.length && sorted[i + count] - sorted[i] < perMs) count++;
		most = Math.max(most, count);
	}
	return most;
}

describe('pacing', () => {
	it('lets a burst of N go at once, then never more than N starts in any window', async () => {
		const starts = timedRecordEndpoint(10);
		const t = makeClient({}, PACED).base(BASE).table(TABLE);
		await Promise.all(Array.from({ length: 10 }, () => t.get('recA')));
		expect(starts).toHaveLength(10);
		const sorted = [...starts].sort((a, b) => a - b);
		// The first three did not wait for each other (no fixed spacing)...
		expect(sorted[2] - sorted[0]).toBeLessThan(WINDOW.perMs / 2);
		// ...the fourth waited for the window to pass.
		expect(sorted[3] - sorted[0]).toBeGreaterThanOrEqual(WINDOW.perMs);
		expect(maxStartsInAnyWindow(starts, WINDOW.perMs)).toBe(WINDOW.requests);
	});

	it('shares one base limiter between client instances (process-wide registry)', async () => {
		const starts = timedRecordEndpoint(12);
		const first = makeClient({ token: 'patDummyFirst00000000001' }, PACED).base(BASE).table(TABLE);
		const second = makeClient({ token: 'patDummySecond0000000002' }, PACED).base(BASE).table(TABLE);
		await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? first : second).get('recA')));
		expect(maxStartsInAnyWindow(starts, WINDOW.perMs)).toBe(WINDOW.requests);
	});

	it('limits per token across bases', async () => {
		const starts: number[] = [];
		api()
			.get(/\/v0\/app(One|Two)\/tblX\/recA/)
			.times(8)
			.reply(200, () => {
				starts.push(Date.now());
				return record('recA');
			});
		const client = makeClient({}, { perBase: { requests: 100, perMs: 200 }, perToken: WINDOW, windowMarginMs: 20 });
		const one = client.base('appOne').table('tblX');
		const two = client.base('appTwo').table('tblX');
		await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? one : two).get('recA')));
		expect(maxStartsInAnyWindow(starts, WINDOW.perMs)).toBe(WINDOW.requests);
	});

	it('keys limiters by base id and token hash, never the raw token', async () => {
		timedRecordEndpoint(1);
		await makeClient().base(BASE).table(TABLE).get('recA');
		const keys = throttleRegistryKeys();
		expect(keys).toContain(`base:${BASE}`);
		expect(keys.some((key) => /^token:[0-9a-f]{64}$/.test(key))).toBe(true);
		expect(keys.join(' ')).not.toContain(TOKEN);
	});

	it('counts limiter waiting time in stats.throttledMs', async () => {
		timedRecordEndpoint(4);
		const client = makeClient({}, PACED);
		const t = client.base(BASE).table(TABLE);
		await Promise.all(Array.from({ length: 4 }, () => t.get('recA')));
		const stats = client.stats();
		expect(stats.requests).toBe(4);
		expect(stats.retries).toBe(0);
		expect(stats.throttledMs).toBeGreaterThanOrEqual(WINDOW.perMs - 20);
	});
});

describe('429 RATE_LIMIT_REACHED', () => {
	const RATE_LIMITED = { error: { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' } };
	const HOLD = 300;

	it('holds the base for every caller, then retries', async () => {
		const events: Array<[string, number]> = [];
		let first = true;
		api()
			.get(`${TABLE_PATH}/recA`)
			.times(3)
			.reply((uri) => {
				if (first) {
					first = false;
					events.push(['429', Date.now()]);
					return [429, RATE_LIMITED];
				}
				events.push([uri, Date.now()]);
				return [200, record('recA')];
			});
		const limits = { rateLimitHoldMs: HOLD, maxRateLimitRetries: 2 };
		const clientA = makeClient({ token: 'patDummyClientA000000001' }, limits);
		const clientB = makeClient({ token: 'patDummyClientB000000002' }, limits);
		const a = clientA.base(BASE).table(TABLE).get('recA');
		await sleep(60);
		const b = clientB.base(BASE).table(TABLE).get('recA');
		await Promise.all([a, b]);
		const rateLimitedAt = events[0][1];
		expect(events[0][0]).toBe('429');
		expect(events).toHaveLength(3);
		for (const [, at] of events.slice(1)) expect(at - rateLimitedAt).toBeGreaterThanOrEqual(HOLD);
		expect(clientA.stats()).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
		expect(clientB.stats()).toMatchObject({ requests: 1, retries: 0, rateLimited: 0 });
		expect(clientB.stats().throttledMs).toBeGreaterThanOrEqual(HOLD - 100);
	});

	it('gives up after maxRateLimitRetries with AirtableRateLimitError', async () => {
		let requests = 0;
		api()
			.get(`${TABLE_PATH}/recA`)
			.times(10)
			.reply(() => {
				requests++;
				return [429, RATE_LIMITED];
			});
		const client = makeClient({}, { rateLimitHoldMs: 10, maxRateLimitRetries: 2 });
		const error = await client
			.base(BASE)
			.table(TABLE)
			.get('recA')
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableRateLimitError);
		expect((error as AirtableRateLimitError).retries).toBe(2);
		expect((error as AirtableRateLimitError).kind).toBe('rate-limited');
		expect(requests).toBe(3);
		expect(client.stats()).toMatchObject({ requests: 3, retries: 2, rateLimited: 3 });
	});
});

describe('429 PUBLIC_API_BILLING_LIMIT_EXCEEDED', () => {
	it('fails at once with one request and puts no hold on the base', async () => {
		let requests = 0;
		api()
			.get(`${TABLE_PATH}/recA`)
			.times(5)
			.reply(() => {
				requests++;
				return requests === 1
					? [429, { error: { type: 'PUBLIC_API_BILLING_LIMIT_EXCEEDED', message: 'API billing plan limit exceeded' } }]
					: [200, record('recA')];
			});
		// A hold would make the follow-up request wait far beyond the test timeout.
		const client = makeClient({}, { rateLimitHoldMs: 60_000 });
		const t = client.base(BASE).table(TABLE);
		const error = await t.get('recA').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableQuotaError);
		expect((error as AirtableQuotaError).kind).toBe('quota-exhausted');
		expect((error as Error).message).toMatch(/monthly API call quota is used up/);
		expect((error as Error).message).toMatch(/next month or after a plan upgrade/);
		expect(requests).toBe(1);
		expect(client.stats()).toMatchObject({ requests: 1, retries: 0, rateLimited: 0 });
		await expect(t.get('recA')).resolves.toMatchObject({ id: 'recA' });
	});
});
