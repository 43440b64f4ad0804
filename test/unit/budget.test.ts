import { AirtableTimeBudgetError, type ClientLimits, type HttpResponse } from '../../index';
import { FakeClock } from '../support/fakeClock';
import { BASE, makeClient, ok, stubExecutor, TABLE, useNock } from './helpers';

useNock();
afterEach(() => jest.restoreAllMocks());

const LIMITS: Partial<ClientLimits> = {
	perBase: { requests: 5, perMs: 1000 },
	perToken: { requests: 50, perMs: 1000 },
	windowMarginMs: 40,
	rateLimitHoldMs: 30_000,
	maxRateLimitRetries: 5,
	maxRetries: 6,
	retryBaseDelayMs: 500,
	retryMaxDelayMs: 15_000,
	breakerThreshold: 100,
};

const unavailable = (retryAfter?: string): HttpResponse => ({
	status: 503,
	headers: retryAfter ? { 'retry-after': retryAfter } : {},
	body: { error: { type: 'RETRIABLE_ERROR' } },
});
const RATE_LIMITED: HttpResponse = {
	status: 429,
	headers: {},
	body: { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }] },
};

async function failure(clock: FakeClock, call: Promise<unknown>): Promise<AirtableTimeBudgetError> {
	const error = await clock.run(call.then(() => undefined, (e: unknown) => e));
	expect(error).toBeInstanceOf(AirtableTimeBudgetError);
	return error as AirtableTimeBudgetError;
}

describe('time budget per call', () => {
	it('backs off with exponential, jittered delays on fake time', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0.5);
		const clock = new FakeClock();
		const executor = stubExecutor(clock, (_request, index) => (index < 3 ? unavailable() : ok()));
		await clock.run(makeClient({ executor, clock }, LIMITS).base(BASE).table(TABLE).get('recA'));
		// Half of 500, 1000, 2000 ms after each failure.
		expect(executor.seen.map((r) => r.at - executor.seen[0].at)).toEqual([0, 250, 750, 1750]);
	});

	it('refuses a Retry-After that would pass the budget at once, saying what happened and what to do', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => unavailable('200'));
		const error = await failure(clock, makeClient({ executor, clock }, LIMITS).base(BASE).table(TABLE).get('recA'));
		expect(executor.seen).toHaveLength(1);
		expect(clock.elapsed).toBe(0);
		expect(error.kind).toBe('temporarily-unavailable');
		expect(error.message).toMatch(/ran out of its 120 s time budget after 0 s: it would have had to wait 200 s more/);
		expect(error.message).toMatch(/Raise the time budget .*Time Budget \(Seconds\).*limits\.budgetMs/);
		expect(error.baseId).toBe(BASE);
	});

	it('waits out a Retry-After that fits', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, (_request, index) => (index === 0 ? unavailable('100') : ok()));
		await clock.run(makeClient({ executor, clock }, LIMITS).base(BASE).table(TABLE).get('recA'));
		expect(executor.seen.map((r) => r.at - executor.seen[0].at)).toEqual([0, 100_000]);
	});

	it('counts 429 holds against the budget: the second hold would pass 45 s, so the call fails at 30 s', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0);
		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => RATE_LIMITED);
		const client = makeClient({ executor, clock }, { ...LIMITS, budgetMs: 45_000 });
		const error = await failure(clock, client.base(BASE).table(TABLE).get('recA'));
		expect(executor.seen.map((r) => r.at - executor.seen[0].at)).toEqual([0, 30_000]);
		expect(clock.elapsed).toBe(30_000);
		expect(error.message).toMatch(/45 s time budget after 30 s.*30 s more for the pause Airtable demands after a 429/);
		expect(error.retries).toBe(1);
	});

	it('gives up waiting for a limiter slot at the deadline', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => ok());
		const t = makeClient({ executor, clock }, { ...LIMITS, budgetMs: 1000 }).base(BASE).table(TABLE);
		const calls = Array.from({ length: 6 }, () => t.get('recA').then(() => 'ok', (e: unknown) => e));
		const outcomes = await clock.run(Promise.all(calls));
		expect(outcomes.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
		expect(outcomes[5]).toBeInstanceOf(AirtableTimeBudgetError);
		expect((outcomes[5] as Error).message).toMatch(/1 s time budget after 1 s.*a free slot in the rate limiter/);
		expect(executor.seen).toHaveLength(5);
		expect(clock.elapsed).toBe(1000);
	});

	it('never lets one attempt run past the budget: the timeout handed to the executor is what is left', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0.5);
		const clock = new FakeClock();
		const executor = stubExecutor(clock, (_request, index) => (index === 0 ? unavailable() : ok()));
		await clock.run(
			makeClient({ executor, clock }, { ...LIMITS, budgetMs: 10_000, requestTimeoutMs: 60_000 })
				.base(BASE)
				.table(TABLE)
				.get('recA'),
		);
		expect(executor.seen.map((r) => r.timeoutMs)).toEqual([10_000, 9750]);
	});

	it('takes a per-call budget from withTimeBudget, sharing limiters and stats with the client', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => unavailable('5'));
		const client = makeClient({ executor, clock }, LIMITS);
		const error = await failure(clock, client.withTimeBudget(3000).base(BASE).table(TABLE).get('recA'));
		expect(error.message).toMatch(/3 s time budget/);
		expect(client.stats().requests).toBe(1);
		expect(() => client.withTimeBudget(0)).toThrow(/positive/);
	});
});
