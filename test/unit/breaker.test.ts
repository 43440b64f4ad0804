import {
	AirtableServerError,
	AirtableUnavailableError,
	metricsText,
	type ClientLimits,
	type HttpResponse,
} from '../../index';
import { resetMetrics } from '../../nodes/client/observability/metrics';
import { FakeClock } from '../support/fakeClock';
import { BASE, makeClient, ok, stubExecutor, TABLE, useNock } from './helpers';
import { sample } from './metricsSupport';

useNock();
beforeEach(() => resetMetrics());

const breakerGauge = () => sample(metricsText(), 'airtable_circuit_breaker_state', { base: BASE });

/** One attempt per call, so each failing call is one failure for the breaker. */
const LIMITS: Partial<ClientLimits> = {
	perBase: { requests: 50, perMs: 1000 },
	perToken: { requests: 50, perMs: 1000 },
	maxRetries: 0,
	breakerThreshold: 5,
	breakerCooldownMs: 30_000,
};

const SERVER_ERROR: HttpResponse = { status: 503, headers: {}, body: { error: { type: 'SERVICE_UNAVAILABLE' } } };

/** A transport whose answers the test switches: 'down' answers 503, 'up' answers 200. */
function switchable(clock: FakeClock) {
	const state = { mode: 'down' as 'down' | 'up' | 'notFound' };
	const executor = stubExecutor(clock, () => {
		if (state.mode === 'up') return ok();
		if (state.mode === 'notFound') return { status: 404, headers: {}, body: { error: 'NOT_FOUND' } };
		return SERVER_ERROR;
	});
	return { executor, state };
}

async function outcome(clock: FakeClock, call: Promise<unknown>): Promise<unknown> {
	return await clock.run(call.then(() => 'ok', (e: unknown) => e));
}

describe('circuit breaker per base', () => {
	it('opens after 5 consecutive 5xx: the 6th call fails at once, saying when to retry', async () => {
		const clock = new FakeClock();
		const { executor } = switchable(clock);
		const client = makeClient({ executor, clock }, LIMITS);
		const t = client.base(BASE).table(TABLE);
		for (let i = 0; i < 5; i++) expect(await outcome(clock, t.get('recA'))).toBeInstanceOf(AirtableServerError);
		expect(client.stats().breakers).toEqual({ [BASE]: 'open' });

		const error = await outcome(clock, t.get('recA'));
		expect(executor.seen).toHaveLength(5);
		expect(error).toBeInstanceOf(AirtableUnavailableError);
		const unavailable = error as AirtableUnavailableError;
		expect(unavailable.kind).toBe('temporarily-unavailable');
		expect(unavailable.retryAt).toBe(clock.now() + 30_000);
		expect(unavailable.message).toMatch(/paused because Airtable failed 5 times in a row \(last: HTTP 503\)/);
		expect(unavailable.message).toContain(`Retry after ${new Date(clock.now() + 30_000).toISOString()} (in 30 s)`);
		expect(unavailable.baseId).toBe(BASE);
	});

	it('is shared by every client in the process, and per base', async () => {
		const clock = new FakeClock();
		const { executor } = switchable(clock);
		const first = makeClient({ executor, clock, token: 'patDummyBreakerFirst0001' }, LIMITS);
		for (let i = 0; i < 5; i++) await outcome(clock, first.base(BASE).table(TABLE).get('recA'));
		const second = makeClient({ executor, clock, token: 'patDummyBreakerSecond002' }, LIMITS);
		expect(await outcome(clock, second.base(BASE).table(TABLE).get('recA'))).toBeInstanceOf(AirtableUnavailableError);
		expect(await outcome(clock, second.base('appOtherBase0001').table(TABLE).get('recA'))).toBeInstanceOf(
			AirtableServerError,
		);
		expect(second.stats().breakers).toEqual({ [BASE]: 'open', appOtherBase0001: 'closed' });
	});

	it('is kept per route: a base failing through one API URL (a proxy, an emulator) is not failed fast through another', async () => {
		const clock = new FakeClock();
		const { executor } = switchable(clock);
		const viaProxy = makeClient({ executor: Object.assign(executor, { route: 'https://proxy.example/v0' }), clock }, LIMITS);
		for (let i = 0; i < 5; i++) await outcome(clock, viaProxy.base(BASE).table(TABLE).get('recA'));
		expect(viaProxy.stats().breakers).toEqual({ [BASE]: 'open' });

		const direct = { ...executor, route: 'https://api.airtable.com/v0', send: executor.send };
		const viaDirect = makeClient({ executor: direct, clock }, LIMITS);
		expect(await outcome(clock, viaDirect.base(BASE).table(TABLE).get('recA'))).toBeInstanceOf(AirtableServerError);
		expect(viaDirect.stats().breakers).toEqual({ [BASE]: 'closed' });
		// The same route again is still refused at once.
		const sameProxy = makeClient({ executor: { ...direct, route: 'https://proxy.example/v0' }, clock }, LIMITS);
		expect(await outcome(clock, sameProxy.base(BASE).table(TABLE).get('recA'))).toBeInstanceOf(AirtableUnavailableError);
	});

	it('counts only consecutive failures: an answer below 500 in between resets the count', async () => {
		const clock = new FakeClock();
		const { executor, state } = switchable(clock);
		const client = makeClient({ executor, clock }, LIMITS);
		const t = client.base(BASE).table(TABLE);
		for (let i = 0; i < 4; i++) await outcome(clock, t.get('recA'));
		state.mode = 'notFound';
		await outcome(clock, t.get('recA'));
		state.mode = 'down';
		for (let i = 0; i < 4; i++) await outcome(clock, t.get('recA'));
		expect(client.stats().breakers[BASE]).toBe('closed');
		await outcome(clock, t.get('recA'));
		expect(client.stats().breakers[BASE]).toBe('open');
	});

	it('after the cooldown lets exactly one probe through; its success closes the breaker', async () => {
		const clock = new FakeClock();
		const { executor, state } = switchable(clock);
		const client = makeClient({ executor, clock }, LIMITS);
		const t = client.base(BASE).table(TABLE);
		for (let i = 0; i < 5; i++) await outcome(clock, t.get('recA'));
		expect(breakerGauge()).toBe(1);
		await clock.advance(29_999);
		expect(client.stats().breakers[BASE]).toBe('open');
		await clock.advance(1);
		expect(client.stats().breakers[BASE]).toBe('half-open');

		state.mode = 'up';
		let answerProbe!: () => void;
		const probeAnswered = new Promise<void>((resolve) => (answerProbe = resolve));
		const slowProbe = stubExecutor(clock, async () => {
			await probeAnswered;
			return ok();
		});
		const probing = makeClient({ executor: slowProbe, clock }, LIMITS).base(BASE).table(TABLE).get('recA');
		await clock.advance(0);
		expect(breakerGauge()).toBe(2);
		// While the probe is out, everyone else still fails fast.
		const during = await outcome(clock, t.get('recA'));
		expect(during).toBeInstanceOf(AirtableUnavailableError);
		expect((during as Error).message).toMatch(/one test request is checking whether it is back/);
		answerProbe();
		await clock.run(probing);
		expect(client.stats().breakers[BASE]).toBe('closed');
		expect(breakerGauge()).toBe(0);
		expect(await outcome(clock, t.get('recA'))).toBe('ok');
		expect(slowProbe.seen).toHaveLength(1);
	});

	it('re-opens for another cooldown when the probe fails', async () => {
		const clock = new FakeClock();
		const { executor } = switchable(clock);
		const client = makeClient({ executor, clock }, LIMITS);
		const t = client.base(BASE).table(TABLE);
		for (let i = 0; i < 5; i++) await outcome(clock, t.get('recA'));
		await clock.advance(30_000);
		expect(await outcome(clock, t.get('recA'))).toBeInstanceOf(AirtableServerError);
		expect(executor.seen).toHaveLength(6);
		expect(client.stats().breakers[BASE]).toBe('open');
		const error = (await outcome(clock, t.get('recA'))) as AirtableUnavailableError;
		expect(error.retryAt).toBe(clock.now() + 30_000);
		expect(executor.seen).toHaveLength(6);
	});

	it('counts network failures too, and stops a call retrying into an open breaker', async () => {
		const clock = new FakeClock();
		const { TransportError } = await import('../../nodes/client/transport/http');
		const executor = stubExecutor(clock, () => Promise.reject(new TransportError('ECONNRESET', true, 'reset')));
		const client = makeClient({ executor, clock }, { ...LIMITS, maxRetries: 10, retryBaseDelayMs: 100 });
		const error = await outcome(clock, client.base(BASE).table(TABLE).get('recA'));
		// Five attempts failed; the sixth found the breaker open and was not sent.
		expect(executor.seen).toHaveLength(5);
		expect(error).toBeInstanceOf(AirtableUnavailableError);
		expect((error as Error).message).toMatch(/last: network error ECONNRESET/);
	});
});
