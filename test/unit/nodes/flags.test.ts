import { rolloutBucket } from '../../../nodes/AirtableConfigFlags/bucket';
import { evaluateFlag } from '../../../nodes/AirtableConfigFlags/evaluate';
import { FlagCache } from '../../../nodes/AirtableConfigFlags/flagCache';
import { resetProcessStateForTests } from '../../../nodes/client/state';
import {
	buildFlagTable,
	DEFAULT_COLUMNS,
	type FlagTable,
	parseEnabled,
	parseRolloutPct,
} from '../../../nodes/AirtableConfigFlags/flagTable';

function table(rows: Array<Record<string, unknown>>): FlagTable {
	return buildFlagTable(
		rows.map((fields, index) => ({ id: `rec${index}`, createdTime: `2024-01-0${index + 1}T00:00:00.000Z`, fields })),
		DEFAULT_COLUMNS,
	);
}

describe('rolloutBucket', () => {
	it('is SHA-256 of "flag:key" (UTF-8), first 4 bytes big-endian, modulo 100: fixed values', () => {
		// Pinned: changing the hash would move users between buckets in every deployed workflow.
		expect(rolloutBucket('new_checkout', 'user-1')).toBe(94);
		expect(rolloutBucket('new_checkout', 'user-2')).toBe(7);
		expect(rolloutBucket('dark_mode', 'user-1')).toBe(5);
		expect(rolloutBucket('new_checkout', 'Ünïcode-ключ')).toBe(72);
	});

	it('gives the same buckets from a freshly loaded module', () => {
		const keys = Array.from({ length: 200 }, (_, index) => `account-${index}`);
		const before = keys.map((key) => rolloutBucket('flag', key));
		let fresh: typeof rolloutBucket | undefined;
		jest.isolateModules(() => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			fresh = (require('../../../nodes/AirtableConfigFlags/bucket') as { rolloutBucket: typeof rolloutBucket }).rolloutBucket;
		});
		expect(fresh).not.toBe(rolloutBucket);
		expect(keys.map((key) => fresh!('flag', key))).toEqual(before);
	});

	it.each([10, 25, 50, 90])('puts about %i %% of 10,000 keys inside that rollout', (pct) => {
		const flags = table([{ flag_name: 'f', enabled: true, rollout_pct: pct }]);
		let on = 0;
		for (let index = 0; index < 10_000; index++) {
			if (evaluateFlag(flags, 'f', `user-${index}`, 'off').enabled) on++;
		}
		// Binomial standard deviation at 10,000 keys is at most 50 (0.5 %); allow 1.5 points.
		expect(Math.abs(on / 100 - pct)).toBeLessThan(1.5);
	});

	it('spreads buckets evenly over 0..99', () => {
		const counts = new Array<number>(100).fill(0);
		for (let index = 0; index < 20_000; index++) counts[rolloutBucket('even', String(index))]++;
		expect(Math.min(...counts)).toBeGreaterThan(140);
		expect(Math.max(...counts)).toBeLessThan(260);
	});

	it('splits subjects independently per flag', () => {
		let same = 0;
		for (let index = 0; index < 1000; index++) {
			if (rolloutBucket('a', String(index)) < 50 === rolloutBucket('b', String(index)) < 50) same++;
		}
		expect(same).toBeGreaterThan(420);
		expect(same).toBeLessThan(580);
	});
});

describe('flag table parsing', () => {
	it('reads enabled from checkboxes, numbers and common words', () => {
		expect([true, false, undefined, 1, 0, 'Yes', 'on', 'TRUE', 'off', 'no', null].map(parseEnabled)).toEqual([
			true, false, false, true, false, true, true, true, false, false, false,
		]);
	});

	it('reads the rollout: empty → 100, clamped to 0..100, "25%" accepted, garbage → 0', () => {
		expect([undefined, null, '', 25, 150, -5, '25%', ' 12.5 ', 'abc'].map(parseRolloutPct)).toEqual([
			100, 100, 100, 25, 100, 0, 25, 12.5, 0,
		]);
	});

	it('keeps the oldest record when a flag name is duplicated and skips rows without a name', () => {
		const flags = buildFlagTable(
			[
				{ id: 'recNew', createdTime: '2024-02-01T00:00:00.000Z', fields: { flag_name: 'dup', enabled: false } },
				{ id: 'recOld', createdTime: '2024-01-01T00:00:00.000Z', fields: { flag_name: ' dup ', enabled: true } },
				{ id: 'recEmpty', createdTime: '2024-01-01T00:00:00.000Z', fields: { enabled: true } },
			],
			DEFAULT_COLUMNS,
		);
		expect([...flags.keys()]).toEqual(['dup']);
		expect(flags.get('dup')).toMatchObject({ recordId: 'recOld', enabled: true });
	});

	it('parses metadata JSON and remembers which flag has invalid metadata', () => {
		const flags = table([
			{ flag_name: 'ok', metadata: '{"a":1}' },
			{ flag_name: 'blank', metadata: '  ' },
			{ flag_name: 'bad', metadata: "{'a':1}" },
		]);
		expect(flags.get('ok')?.metadata).toEqual({ a: 1 });
		expect(flags.get('blank')?.metadata).toBeNull();
		expect(flags.get('bad')?.metadataError).toMatch(/^The metadata of flag "bad" is not valid JSON/);
	});
});

describe('evaluateFlag', () => {
	const flags = table([
		{ flag_name: 'half', enabled: true, rollout_pct: 50, metadata: '{"v":[1]}' },
		{ flag_name: 'off', rollout_pct: 100 },
		{ flag_name: 'bad', enabled: true, metadata: 'nope' },
	]);

	it('is on when enabled and the bucket is below the rollout', () => {
		const result = evaluateFlag(flags, 'half', 'user-1', 'off');
		expect(result).toEqual({
			name: 'half',
			enabled: rolloutBucket('half', 'user-1') < 50,
			rolloutPct: 50,
			bucket: rolloutBucket('half', 'user-1'),
			metadata: { v: [1] },
			found: true,
		});
	});

	it('hands out a copy of the metadata, never the cached object', () => {
		const result = evaluateFlag(flags, 'half', 'user-1', 'off');
		(result.metadata as { v: number[] }).v.push(2);
		expect(evaluateFlag(flags, 'half', 'user-1', 'off').metadata).toEqual({ v: [1] });
	});

	it('is off for a disabled flag whatever the bucket', () => {
		expect(evaluateFlag(flags, 'off', 'anyone', 'off').enabled).toBe(false);
	});

	it('follows the unknown-flag policy', () => {
		expect(evaluateFlag(flags, 'ghost', 'k', 'off')).toMatchObject({ enabled: false, found: false });
		expect(() => evaluateFlag(flags, 'ghost', 'k', 'error')).toThrow('The flag "ghost" is not in the flags table');
	});

	it('names the flag with invalid metadata', () => {
		expect(() => evaluateFlag(flags, 'bad', 'k', 'off')).toThrow(/metadata of flag "bad"/);
	});

	it('treats numbers and text keys alike and needs a key only for partial rollouts', () => {
		expect(evaluateFlag(flags, 'half', 42, 'off').bucket).toBe(evaluateFlag(flags, 'half', '42', 'off').bucket);
		expect(() => evaluateFlag(flags, 'half', '', 'off')).toThrow('Subject Key is empty');
		expect(evaluateFlag(flags, 'off', undefined, 'off').enabled).toBe(false);
	});
});

describe('FlagCache', () => {
	beforeEach(() => resetProcessStateForTests());

	function deferred<T>() {
		let resolve!: (value: T) => void;
		let reject!: (error: unknown) => void;
		const promise = new Promise<T>((res, rej) => {
			resolve = res;
			reject = rej;
		});
		return { promise, resolve, reject };
	}

	it('shares one in-flight read between concurrent callers', async () => {
		const cache = new FlagCache();
		const pending = deferred<FlagTable>();
		const load = jest.fn(async () => await pending.promise);
		const first = cache.get('k', 1000, load);
		const second = cache.get('k', 1000, load);
		pending.resolve(new Map());
		const [a, b] = await Promise.all([first, second]);
		expect(load).toHaveBeenCalledTimes(1);
		expect([a.fromCache, b.fromCache]).toEqual([false, true]);
		expect(a.snapshot).toBe(b.snapshot);
	});

	it('expires by the caller’s TTL on the injected clock', async () => {
		const cache = new FlagCache();
		let now = 0;
		cache.clock = () => now;
		const load = jest.fn(async () => new Map() as FlagTable);
		await cache.get('k', 1000, load);
		now = 999;
		expect((await cache.get('k', 1000, load)).fromCache).toBe(true);
		expect((await cache.get('k', 500, load)).fromCache).toBe(false);
		expect(load).toHaveBeenCalledTimes(2);
		now = 5000;
		await cache.get('other', 1000, load);
		expect(cache.size).toBe(1);
	});

	it('forgets a failed read and never caches with TTL 0', async () => {
		const cache = new FlagCache();
		const load = jest.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue(new Map());
		await expect(cache.get('k', 1000, load)).rejects.toThrow('boom');
		expect(cache.size).toBe(0);
		await cache.get('k', 1000, load);
		await cache.get('k', 0, load);
		await cache.get('k', 0, load);
		expect(load).toHaveBeenCalledTimes(4);
	});
});
