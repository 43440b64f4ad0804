import { AirtableClient } from '../../nodes/client/AirtableClient';
import { AirtableInputError } from '../../nodes/client/errors';
import { resetProcessStateForTests } from '../../nodes/client/state';

afterEach(() => resetProcessStateForTests());

const TOKEN = 'patOptionsCheck.0123456789abcdef';

/** Builds a client from options a JavaScript caller might write (no compile-time types). */
const build = (options: unknown) => () => new AirtableClient(options as never);

describe('client options are checked at construction', () => {
	it.each([
		['sharedLimits', false, /"sharedLimits" takes a SharedLimitStore: an object with acquire, hold and openBreaker.*not a boolean/],
		['clock', { now: () => 0 }, /"clock" takes a Clock: an object with now, sleep and setTimer functions, not an object of another shape/],
		['executor', 'fetch', /"executor" takes an HttpExecutor: an object with a send\(request\) function.*not a string/],
		['schemaTtlMs', '60000', /"schemaTtlMs" takes a number of ms \(≥ 0\), not a string/],
		['logger', () => undefined, /"logger" takes an object with a warn\(message, event\) function/],
		['simulation', { mode: 'play' }, /"simulation" takes an object \{ mode: 'record' \| 'replay'/],
		['baseUrl', 'api.airtable.com', /"baseUrl" takes an http\(s\) URL string/],
		['limits', [], /"limits" takes an object with any of perBase, perToken, windowMarginMs/],
	])('a wrong %s is an error naming the option and what it takes', (key, value, message) => {
		expect(build({ token: TOKEN, [key]: value })).toThrow(AirtableInputError);
		expect(build({ token: TOKEN, [key]: value })).toThrow(message);
	});

	it('checks inside limits too', () => {
		expect(build({ token: TOKEN, limits: { budgetMs: '120000' } })).toThrow(/"limits.budgetMs" takes a positive number of ms, not a string/);
		expect(build({ token: TOKEN, limits: { perBase: { requests: 5 } } })).toThrow(/"limits.perBase" takes \{ requests, perMs \}/);
		expect(build({ token: TOKEN, limits: { perBase: { requests: 5, perMs: 1000, burst: 2 } } })).toThrow(/"limits.perBase"/);
		expect(build({ token: TOKEN, limits: { maxRetries: 1.5 } })).toThrow(/"limits.maxRetries" takes a whole number/);
	});

	it('an unknown key is an error that lists the known ones', () => {
		expect(build({ token: TOKEN, sharedLimit: {} })).toThrow(
			/Unknown AirtableClient option "sharedLimit"; the known ones are token, baseUrl, executor, identity, limits, schemaTtlMs, sharedLimits, logger, simulation, clock/,
		);
		expect(build({ token: TOKEN, limits: { perBas: { requests: 5, perMs: 1000 } } })).toThrow(/Unknown AirtableClient option "limits.perBas"/);
	});

	it('options that are not an object are refused', () => {
		expect(build(undefined)).toThrow(/takes an object of options, not undefined/);
		expect(build('patX')).toThrow(/takes an object of options, not a string/);
	});

	it('never puts a value in the error (a token in the wrong place stays out of it)', () => {
		const error = (() => {
			try {
				build({ token: TOKEN, identity: 42, baseUrl: TOKEN })();
			} catch (caught) {
				return caught as Error;
			}
			return undefined;
		})();
		expect(error?.message).toMatch(/"identity" takes a string/);
		expect(JSON.stringify(error)).not.toContain(TOKEN);
		expect(error?.message).not.toContain(TOKEN);
	});

	it('accepts a callable that has the methods (a mocked or function-shaped logger), still refuses one without them', () => {
		const logger = Object.assign(() => undefined, { warn: () => undefined });
		expect(() => new AirtableClient({ token: TOKEN, logger })).not.toThrow();
		expect(() => new AirtableClient({ token: TOKEN, logger: (() => undefined) as never })).toThrow(/"logger" takes an object/);
	});

	it('accepts every option of the right type, and undefined as not given', () => {
		const store = { acquire: async () => ({ kind: 'unavailable' as const }), hold: () => undefined, openBreaker: () => undefined };
		const client = new AirtableClient({
			token: TOKEN,
			baseUrl: 'http://127.0.0.1:1',
			identity: 'someone',
			limits: { perBase: { requests: 5, perMs: 1000 }, windowMarginMs: 0, budgetMs: 5000, breakerThreshold: 3 },
			schemaTtlMs: 0,
			sharedLimits: store,
			logger: { warn: () => undefined },
			clock: { now: () => 0, sleep: async () => undefined, setTimer: () => () => undefined },
			executor: undefined,
			simulation: undefined,
		});
		expect(client.stats().requests).toBe(0);
	});
});
