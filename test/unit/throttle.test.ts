import { AirtableQuotaError, AirtableRateLimitError, type ClientLimits, type HttpResponse } from '../../index';
import type { SharedLimitStore } from '../../nodes/client/transport/sharedLimits';
import { throttleRegistryKeys, WindowLimiter } from '../../nodes/client/transport/throttle';
import { FakeClock } from '../support/fakeClock';
import { BASE, makeClient, ok, stubExecutor, TABLE, TOKEN, useNock } from './helpers';

useNock();
afterEach(() => jest.restoreAllMocks());

/** Airtable's real per-base window with the default 40 ms margin. */
const PACED: Partial<ClientLimits> = {
	perBase: { requests: 5, perMs: 1000 },
	perToken: { requests: 50, perMs: 1000 },
	windowMarginMs: 40,
	rateLimitHoldMs: 30_000,
	maxRateLimitRetries: 3,
};

const RATE_LIMITED: HttpResponse = {
	status: 429,
	headers: {},
	body: { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }] },
};

/** The fake times at which a stub executor was handed each request, sorted. */
function times(seen: Array<{ at: number }>, clock: FakeClock): number[] {
	const origin = clock.now() - clock.elapsed;
	return seen.map((r) => r.at - origin).sort((a, b) => a - b);
}

describe('pacing on fake time', () => {
	it('lets 5 start at once, then the 6th exactly when the first leaves the window (1000 ms + margin)', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => ok());
		const t = makeClient({ executor, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 11 }, () => t.get('recA'))));
		expect(times(executor.seen, clock)).toEqual([0, 0, 0, 0, 0, 1040, 1040, 1040, 1040, 1040, 2080]);
	});

	it('counts a window from the answer-independent dispatch: a 250 ms round trip does not slow the pace', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, async () => {
			await clock.sleep(250);
			return ok();
		});
		const t = makeClient({ executor, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(t.get('recA')); // one round trip known (see the next test for the first burst)
		await clock.advance(2000);
		executor.seen.length = 0;
		const start = clock.elapsed;
		await clock.run(Promise.all(Array.from({ length: 10 }, () => t.get('recA'))));
		expect(times(executor.seen, clock).map((at) => at - start)).toEqual([0, 0, 0, 0, 0, 1040, 1040, 1040, 1040, 1040]);
	});

	it('holds the slots of a first burst (no round trip known yet) one window from their answers: connections are still being set up', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, async () => {
			await clock.sleep(250);
			return ok();
		});
		const t = makeClient({ executor, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 11 }, () => t.get('recA'))));
		expect(times(executor.seen, clock)).toEqual([0, 0, 0, 0, 0, 1290, 1290, 1290, 1290, 1290, 2330]);
	});

	it('shares one base limiter between client instances with the same limits', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => ok());
		const first = makeClient({ executor, clock, token: 'patDummyFirst00000000001' }, PACED).base(BASE).table(TABLE);
		const second = makeClient({ executor, clock, token: 'patDummySecond0000000002' }, PACED).base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? first : second).get('recA'))));
		expect(times(executor.seen, clock)).toEqual([0, 0, 0, 0, 0, 1040, 1040, 1040, 1040, 1040, 2080, 2080]);
	});

	it('gives a client asking for other limits its own limiter instead of reconfiguring the shared one', async () => {
		const clock = new FakeClock();
		const strict = stubExecutor(clock, () => ok());
		const normal = stubExecutor(clock, () => ok());
		const strictTable = makeClient({ executor: strict, clock }, { ...PACED, perBase: { requests: 2, perMs: 1000 } })
			.base(BASE)
			.table(TABLE);
		const normalTable = makeClient({ executor: normal, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(
			Promise.all([
				...Array.from({ length: 3 }, () => strictTable.get('recA')),
				...Array.from({ length: 6 }, () => normalTable.get('recA')),
			]),
		);
		expect(times(strict.seen, clock)).toEqual([0, 0, 1040]);
		// The client created last did not impose 2/s on the first one's limiter, nor the reverse.
		expect(times(normal.seen, clock)).toEqual([0, 0, 0, 0, 0, 1040]);
	});

	it('limits per token across bases', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => ok());
		const client = makeClient(
			{ executor, clock },
			{ ...PACED, perBase: { requests: 100, perMs: 1000 }, perToken: { requests: 3, perMs: 1000 } },
		);
		const one = client.base('appOne').table('tblX');
		const two = client.base('appTwo').table('tblX');
		await clock.run(Promise.all(Array.from({ length: 7 }, (_, i) => (i % 2 ? one : two).get('recA'))));
		expect(times(executor.seen, clock)).toEqual([0, 0, 0, 1040, 1040, 1040, 2080]);
	});

	it('keys limiters by base id and token hash, never the raw token', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => ok());
		await clock.run(makeClient({ executor, clock, token: TOKEN }).base(BASE).table(TABLE).get('recA'));
		const keys = throttleRegistryKeys();
		expect(keys.some((key) => key.startsWith(`base:${BASE}`))).toBe(true);
		expect(keys.some((key) => /^token:[0-9a-f]{64}/.test(key))).toBe(true);
		expect(keys.join(' ')).not.toContain(TOKEN);
	});

	it('counts limiter waiting time in stats.throttledMs', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => ok());
		const client = makeClient({ executor, clock }, PACED);
		const t = client.base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 7 }, () => t.get('recA'))));
		expect(client.stats()).toMatchObject({ requests: 7, retries: 0, throttledMs: 2 * 1040 });
	});
});

describe('when the request really leaves (issue 13: inside n8n the executor resolves credentials first)', () => {
	/** The first five requests leave 200 ms after hand-over (a cold credential read), later ones at once. */
	function slowFirstFive(clock: FakeClock, signals: boolean) {
		const arrivals: number[] = [];
		const executor = stubExecutor(clock, async (request, index) => {
			if (index < 5) await clock.sleep(200);
			request.onDispatch?.();
			arrivals.push(clock.elapsed);
			return ok();
		});
		return { executor: signals ? Object.assign(executor, { signalsDispatch: true }) : executor, arrivals };
	}

	it('counts the window from onDispatch: never 6 arrivals within one second', async () => {
		const clock = new FakeClock();
		const { executor, arrivals } = slowFirstFive(clock, true);
		const t = makeClient({ executor, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 10 }, () => t.get('recA'))));
		expect(arrivals).toEqual([200, 200, 200, 200, 200, 1240, 1240, 1240, 1240, 1240]);
	});

	it('without the signal a first burst is held from its answers, so the same sends still keep 6 arrivals a second apart', async () => {
		// Counted from the hand-over (the behaviour before issue 13) the sixth would arrive at
		// 1040, 840 ms after the first five; no round trip is known before them, so their slots
		// count from their answers (200) instead.
		const clock = new FakeClock();
		const { executor, arrivals } = slowFirstFive(clock, false);
		const withoutSignal = { send: (request: Parameters<typeof executor.send>[0]) => executor.send({ ...request, onDispatch: undefined }) };
		const t = makeClient({ executor: withoutSignal, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 6 }, () => t.get('recA'))));
		expect(arrivals).toEqual([200, 200, 200, 200, 200, 1240]);
		expect(arrivals[5] - arrivals[0]).toBeGreaterThanOrEqual(1000);
	});

	it('holds a slot until one window after the latest possible arrival when a request is delayed on its way out', async () => {
		// The executor reports its dispatch at once (as n8n's does), but a busy event loop holds
		// five requests back before they reach the server; the round trips before were 20 ms.
		const clock = new FakeClock();
		const arrivals: number[] = [];
		const executor = Object.assign(
			stubExecutor(clock, async (request, index) => {
				request.onDispatch?.();
				if (index >= 5 && index < 10) await clock.sleep(300);
				arrivals.push(clock.elapsed);
				await clock.sleep(20);
				return ok();
			}),
			{ signalsDispatch: true },
		);
		const t = makeClient({ executor, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 5 }, () => t.get('recA'))));
		await clock.run(Promise.all(Array.from({ length: 6 }, () => t.get('recA'))));
		// The first five (no round trip known before them) free one window after their answers (20).
		expect(arrivals).toEqual([0, 0, 0, 0, 0, 1360, 1360, 1360, 1360, 1360, 2400]);
		// Counted from the dispatch alone, the eleventh would have left at 2100: 740 ms after the five arrived.
		expect(arrivals[10] - arrivals[9]).toBeGreaterThanOrEqual(1000);
	});

	it('re-bounds a slot when a faster round trip is answered after it: a slow request (a new connection) does not free its slot early', async () => {
		// A first request makes one 150 ms round trip known. Then request 1 spends 100 ms on its
		// way out (connecting), arrives at 100 and is answered at 150 (round trip 150). Four more
		// are handed over at 120 and answered 50 ms later. By what was known at its answer,
		// request 1 arrived at its hand-over (150 − 150 = 0): its slot would free at 1040, and a
		// 6th request would arrive 940 ms after it did.
		const clock = new FakeClock();
		const arrivals: number[] = [];
		const executor = stubExecutor(clock, async (_request, index) => {
			if (index === 1) await clock.sleep(100);
			arrivals.push(clock.elapsed);
			await clock.sleep(index <= 1 ? (index === 0 ? 150 : 50) : 50);
			return ok();
		});
		const t = makeClient({ executor, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(t.get('recA'));
		await clock.advance(3000);
		arrivals.length = 0;
		const start = clock.elapsed;
		const first = t.get('recA');
		const later = (async () => {
			await clock.sleep(120);
			await Promise.all(Array.from({ length: 5 }, () => t.get('recA')));
		})();
		await clock.run(Promise.all([first, later]));
		const relative = arrivals.map((at) => at - start);
		expect(relative.slice(0, 5)).toEqual([100, 120, 120, 120, 120]);
		// The faster round trips (50 ms) bound request 1's arrival by 150 − 50 = 100: free at 1140.
		expect(relative[5]).toBe(1140);
		expect(relative[5] - relative[0]).toBeGreaterThanOrEqual(1000);
	});

	it('holds an upload’s slot one window from its answer: large bodies sent together take their time on the way out', async () => {
		// Five uploads handed over at 0 share the way out and reach the server at 80; each is
		// answered 250 ms later. A sixth, sent alone, arrives as soon as it leaves. Bounded by the
		// fastest round trip (330, all alike), the five arrivals would be placed at 0: freed at
		// 1040, the sixth would arrive 960 ms after them (seen on the emulator as a 429).
		const clock = new FakeClock();
		const arrivals: number[] = [];
		const executor = stubExecutor(clock, async (_request, index) => {
			if (index < 5) await clock.sleep(80);
			arrivals.push(clock.elapsed);
			await clock.sleep(250);
			return ok({ id: 'recA', createdTime: '2024-01-01T00:00:00.000Z', fields: { fldFiles: [{ id: 'att1', url: 'https://x/f', filename: 'f.bin', size: 1 }] } });
		});
		const t = makeClient({ executor, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(
			Promise.all(Array.from({ length: 6 }, () => t.uploadAttachment('recA', 'Files', { data: Buffer.from('x'), filename: 'f.bin', contentType: 'text/plain' }))),
		);
		expect(arrivals.slice(0, 5)).toEqual([80, 80, 80, 80, 80]);
		expect(arrivals[5]).toBe(330 + 1040);
		expect(arrivals[5] - arrivals[0]).toBeGreaterThanOrEqual(1000);
	});

	it('counts from the answer when an executor that promised the signal never gave it', async () => {
		const clock = new FakeClock();
		const executor = Object.assign(
			stubExecutor(clock, async () => {
				await clock.sleep(300);
				return ok();
			}),
			{ signalsDispatch: true },
		);
		const t = makeClient({ executor, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 6 }, () => t.get('recA'))));
		expect(times(executor.seen, clock)).toEqual([0, 0, 0, 0, 0, 1340]);
	});
});

describe('with limits shared between processes', () => {
	/** A store that always has room and writes down, per request, what its slot was told (fake ms). */
	function recordingStore(clock: FakeClock) {
		const told: Array<{ dispatchedAt?: number; answeredAt?: number; arrivedMsAgo?: number }> = [];
		const store: SharedLimitStore = {
			acquire: async () => {
				const entry: (typeof told)[number] = {};
				told.push(entry);
				return {
					kind: 'go',
					slot: {
						dispatched: (at = clock.now()) => (entry.dispatchedAt = at - (clock.now() - clock.elapsed)),
						answered: (arrivedMsAgo) => {
							entry.answeredAt = clock.elapsed;
							entry.arrivedMsAgo = arrivedMsAgo;
						},
						release: () => undefined,
					},
				};
			},
			hold: () => undefined,
			openBreaker: () => undefined,
		};
		return { store, told };
	}

	it('moves the shared entries of a first burst to their answers, as this process counts them; a request on known round trips keeps its dispatch', async () => {
		// Another process must not send one window after this burst's dispatches: the burst's
		// requests may have reached Airtable as late as their answers (connections being set up).
		const clock = new FakeClock();
		const { store, told } = recordingStore(clock);
		const executor = stubExecutor(clock, async () => {
			await clock.sleep(250);
			return ok();
		});
		const t = makeClient({ executor, clock, sharedLimits: store }, PACED).base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 5 }, () => t.get('recA'))));
		expect(told).toEqual(Array.from({ length: 5 }, () => ({ dispatchedAt: 0, answeredAt: 250, arrivedMsAgo: 0 })));
		await clock.advance(2000);
		await clock.run(t.get('recA'));
		// Round trips of 250 ms are known now: this one arrived by its dispatch, nothing to move.
		expect(told[5]).toEqual({ dispatchedAt: 2250 });
	});

	it('tells the shared store how late a request delayed on its way out may have arrived', async () => {
		const clock = new FakeClock();
		const { store, told } = recordingStore(clock);
		const executor = stubExecutor(clock, async (_request, index) => {
			if (index === 1) await clock.sleep(300); // a busy event loop holds it back
			await clock.sleep(20);
			return ok();
		});
		const t = makeClient({ executor, clock, sharedLimits: store }, PACED).base(BASE).table(TABLE);
		await clock.run(t.get('recA'));
		const start = clock.elapsed;
		await clock.run(t.get('recA'));
		// Answered at +320 after a fastest round trip of 20: it may have arrived at +300, 20 ms before its answer.
		expect(told[1]).toEqual({ dispatchedAt: start, answeredAt: start + 320, arrivedMsAgo: 20 });
	});

	it('moves the shared entry of an upload to its answer', async () => {
		const clock = new FakeClock();
		const { store, told } = recordingStore(clock);
		const executor = stubExecutor(clock, async () => {
			await clock.sleep(100);
			return ok({ id: 'recA', createdTime: '2024-01-01T00:00:00.000Z', fields: { fldFiles: [{ id: 'att1', url: 'https://x/f', filename: 'f.bin', size: 1 }] } });
		});
		const t = makeClient({ executor, clock, sharedLimits: store }, PACED).base(BASE).table(TABLE);
		await clock.run(t.get('recA')); // round trips known: the upload is not a first burst
		const start = clock.elapsed;
		await clock.run(t.uploadAttachment('recA', 'Files', { data: Buffer.from('x'), filename: 'f.bin', contentType: 'text/plain' }));
		expect(told[1]).toEqual({ dispatchedAt: start, answeredAt: start + 100, arrivedMsAgo: 0 });
	});
});

describe('429 RATE_LIMIT_REACHED', () => {
	it('holds the base 30 s for every caller, whichever client, then retries', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0);
		const clock = new FakeClock();
		const executor = stubExecutor(clock, (_request, index) => (index === 0 ? RATE_LIMITED : ok()));
		const clientA = makeClient({ executor, clock, token: 'patDummyClientA000000001' }, PACED);
		const clientB = makeClient({ executor, clock, token: 'patDummyClientB000000002' }, PACED);
		const a = clientA.base(BASE).table(TABLE).get('recA');
		await clock.advance(100);
		const b = clientB.base(BASE).table(TABLE).get('recA');
		await clock.run(Promise.all([a, b]));
		expect(times(executor.seen, clock)).toEqual([0, 30_000, 30_000]);
		expect(clientA.stats()).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
		expect(clientB.stats()).toMatchObject({ requests: 1, retries: 0, rateLimited: 0, throttledMs: 29_900 });
	});

	it('adds up to 10 % jitter to the hold', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0.5);
		const clock = new FakeClock();
		const executor = stubExecutor(clock, (_request, index) => (index === 0 ? RATE_LIMITED : ok()));
		await clock.run(makeClient({ executor, clock }, PACED).base(BASE).table(TABLE).get('recA'));
		expect(times(executor.seen, clock)).toEqual([0, 31_500]);
	});

	it('widens the window margin of a base that met a 429, so the lock-out does not repeat', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0);
		const clock = new FakeClock();
		const executor = stubExecutor(clock, (_request, index) => (index === 0 ? RATE_LIMITED : ok()));
		const t = makeClient({ executor, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(t.get('recA'));
		await clock.run(Promise.all(Array.from({ length: 6 }, () => t.get('recA'))));
		// Held until 30 s; the retry and 4 more fill the window, the rest wait 1000 + 40 + the learned 60 ms.
		expect(times(executor.seen, clock)).toEqual([0, 30_000, 30_000, 30_000, 30_000, 30_000, 31_100, 31_100]);
	});

	it('holds only the base when the token window had room, the token too when it was nearly full', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0);
		const clock = new FakeClock();
		const limits = { ...PACED, perBase: { requests: 10, perMs: 1000 }, perToken: { requests: 5, perMs: 1000 } };
		// Token window nearly full (4 of 5 taken) when the 429 arrives: every base of the token waits.
		const busy = stubExecutor(clock, (request) => (request.path.includes('appA') ? RATE_LIMITED : ok()));
		const client = makeClient({ executor: busy, clock, token: 'patDummyBusyToken0000001' }, { ...limits, maxRateLimitRetries: 0 });
		const bases = ['appB', 'appC', 'appD', 'appA'];
		await clock.run(Promise.all(bases.map((b) => client.base(b).table('tblX').get('recA').catch(() => undefined))));
		await clock.run(client.base('appOther').table('tblX').get('recA'));
		expect(times(busy.seen, clock)).toEqual([0, 0, 0, 0, 30_000]);

		// Token window with room: only the 429's base waits.
		const calm = stubExecutor(clock, (request) => (request.path.includes('appA') ? RATE_LIMITED : ok()));
		const other = makeClient({ executor: calm, clock, token: 'patDummyCalmToken0000002' }, { ...limits, maxRateLimitRetries: 0 });
		const startedAt = clock.elapsed;
		await clock.run(other.base('appA').table('tblX').get('recA').catch(() => undefined));
		await clock.run(other.base('appOther2').table('tblX').get('recA'));
		expect(times(calm.seen, clock).map((at) => at - startedAt)).toEqual([0, 0]);
	});

	it('gives up after maxRateLimitRetries with AirtableRateLimitError', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0);
		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => RATE_LIMITED);
		const client = makeClient({ executor, clock }, { ...PACED, maxRateLimitRetries: 2 });
		const error = await clock.run(client.base(BASE).table(TABLE).get('recA').catch((e: unknown) => e));
		expect(error).toBeInstanceOf(AirtableRateLimitError);
		expect((error as AirtableRateLimitError).retries).toBe(2);
		expect((error as AirtableRateLimitError).kind).toBe('rate-limited');
		expect(times(executor.seen, clock)).toEqual([0, 30_000, 60_000]);
		expect(client.stats()).toMatchObject({ requests: 3, retries: 2, rateLimited: 3 });
	});
});

describe('429 PUBLIC_API_BILLING_LIMIT_EXCEEDED', () => {
	it('fails at once with one request and puts no hold on the base', async () => {
		const clock = new FakeClock();
		const executor = stubExecutor(clock, (_request, index) =>
			index === 0
				? {
						status: 429,
						headers: {},
						body: { error: { type: 'PUBLIC_API_BILLING_LIMIT_EXCEEDED', message: 'API billing plan limit exceeded' } },
					}
				: ok(),
		);
		const client = makeClient({ executor, clock }, PACED);
		const t = client.base(BASE).table(TABLE);
		const error = await clock.run(t.get('recA').catch((e: unknown) => e));
		expect(error).toBeInstanceOf(AirtableQuotaError);
		expect((error as AirtableQuotaError).kind).toBe('quota-exhausted');
		expect(client.stats()).toMatchObject({ requests: 1, retries: 0, rateLimited: 0 });
		await clock.run(t.get('recA'));
		expect(times(executor.seen, clock)).toEqual([0, 0]);
	});
});

describe('learned margin', () => {
	it('widens a limiter step by step up to a cap', () => {
		const limiter = new WindowLimiter({ requests: 5, perMs: 1000 }, 40, new FakeClock(), 'base:appLearning');
		const seen = [limiter.windowMs];
		for (let i = 0; i < 5; i++) {
			limiter.widenMargin();
			seen.push(limiter.windowMs);
		}
		expect(seen).toEqual([1040, 1100, 1160, 1280, 1290, 1290]);
	});
});

describe('the process stays alive while requests wait', () => {
	/** A fake clock that counts the keep-alive handles held at each moment. */
	class CountingClock extends FakeClock {
		held = 0;
		heldWhen: Array<[number, number]> = [];
		keepAlive(): () => void {
			this.held++;
			this.heldWhen.push([this.elapsed, this.held]);
			let released = false;
			return () => {
				if (released) return;
				released = true;
				this.held--;
				this.heldWhen.push([this.elapsed, this.held]);
			};
		}
	}

	it('holds the process while a request waits for a slot (the slot timers alone never do), and lets go when none waits', async () => {
		const clock = new CountingClock();
		const executor = stubExecutor(clock, () => ok());
		const t = makeClient({ executor, clock }, PACED).base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 5 }, () => t.get('recA'))));
		expect(clock.heldWhen).toEqual([]); // five fit at once: nobody waited
		await clock.advance(2000);
		const start = clock.elapsed;
		await clock.run(Promise.all(Array.from({ length: 11 }, () => t.get('recA'))));
		// Held from the moment the 6th had to wait until the 11th got its slot (two windows later).
		expect(clock.heldWhen.map(([at, held]) => [at - start, held])).toEqual([
			[0, 1],
			[2080, 0],
		]);
		expect(clock.held).toBe(0);
	});
});
