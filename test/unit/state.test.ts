import * as publicEntry from '../../index';
import { processState, resetProcessStateForTests } from '../../nodes/client/state';
import { FakeClock } from '../support/fakeClock';

afterEach(() => resetProcessStateForTests());

let registryNumber = 0;
const uniqueName = () => `test.registry.${++registryNumber}`;

describe('process state registries', () => {
	it('keeps at most maxEntries, dropping the least recently used first', () => {
		const registry = processState.registry<number>(uniqueName(), { maxEntries: 3, idleMs: 60_000, clock: new FakeClock() });
		registry.set('a', 1);
		registry.set('b', 2);
		registry.set('c', 3);
		expect(registry.get('a')).toBe(1); // 'a' is now the most recent
		registry.set('d', 4);
		expect(registry.keys()).toEqual(['c', 'a', 'd']);
		expect(registry.get('b')).toBeUndefined();
	});

	it('forgets entries idle for idleMs, measured from the last read or write', async () => {
		const clock = new FakeClock();
		const registry = processState.registry<string>(uniqueName(), { maxEntries: 100, idleMs: 1000, clock });
		registry.set('read', 'x');
		registry.set('untouched', 'y');
		await clock.advance(600);
		expect(registry.get('read')).toBe('x');
		await clock.advance(400);
		expect(registry.keys()).toEqual(['read']);
		await clock.advance(600);
		expect(registry.size).toBe(1);
		expect(registry.get('read')).toBeUndefined();
	});

	it('never evicts an entry its canEvict says is in use, however idle or over the bound', async () => {
		const clock = new FakeClock();
		const busy = new Set(['busy']);
		const registry = processState.registry<string>(uniqueName(), {
			maxEntries: 1,
			idleMs: 1000,
			clock,
			canEvict: (value) => !busy.has(value),
		});
		registry.set('k1', 'busy');
		registry.set('k2', 'idle');
		// Over the bound: the evictable entry goes, although the busy one is older.
		expect(registry.keys()).toEqual(['k1']);
		await clock.advance(5000);
		expect(registry.keys()).toEqual(['k1']);
		busy.clear();
		await clock.advance(5000);
		expect(registry.keys()).toEqual([]);
	});

	it('returns the same registry for the same name and creates a value once per key', () => {
		const name = uniqueName();
		const first = processState.registry<object>(name, { maxEntries: 10, idleMs: 1000 });
		const second = processState.registry<object>(name, { maxEntries: 99, idleMs: 9 });
		expect(second).toBe(first);
		const created = first.getOrCreate('k', () => ({}));
		expect(second.getOrCreate('k', () => ({ other: true }))).toBe(created);
	});

	it('is emptied by the test-only reset, which the public entry does not export', () => {
		const registry = processState.registry<number>(uniqueName(), { maxEntries: 10, idleMs: 1000 });
		registry.set('k', 1);
		resetProcessStateForTests();
		expect(registry.size).toBe(0);
		expect(Object.keys(publicEntry)).not.toContain('resetProcessStateForTests');
		for (const name of ['resetThrottleRegistry', 'resetSchemaCache', 'closeSharedLimits', 'sharedLimitsFromEnv', 'n8nQueueRedisOptions']) {
			expect(Object.keys(publicEntry)).not.toContain(name);
		}
	});
});
