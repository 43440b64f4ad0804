import net from 'node:net';

import { loadHostRedis } from '../../nodes/shared/queueMode/hostRedis';
import { closeRedisLimitStores, redisLimitStore } from '../../nodes/shared/queueMode/redisStore';
import { prepareSettings, readSettings, SettingsError } from '../../nodes/shared/runtime/settings';
import { FakeClock } from '../support/fakeClock';
import { BASE, makeClient, ok, stubExecutor, TABLE, useNock } from './helpers';

useNock();
beforeAll(async () => await loadHostRedis());
afterEach(() => closeRedisLimitStores());

describe('shared limits settings (from the credential by nodes/shared, never from the environment)', () => {
	it('is off unless the credential turns it on, whatever its Redis URL says', () => {
		expect(readSettings({})).toEqual({});
		expect(readSettings({ accessToken: 'patX', redisUrl: 'redis://r:6379' })).toEqual({});
		expect(readSettings({ sharedLimits: false, redisUrl: 'redis://r:6379' })).toEqual({});
	});

	it("uses the credential's Redis URL when it is on", () => {
		expect(readSettings({ sharedLimits: true, redisUrl: ' rediss://u:p@cache:6380/2 ' })).toEqual({
			sharedLimitsRedis: 'rediss://u:p@cache:6380/2',
		});
	});

	it('says what to fix when it is on without a usable Redis URL (and never echoes the URL)', () => {
		expect(() => readSettings({ sharedLimits: true })).toThrow(SettingsError);
		expect(() => readSettings({ sharedLimits: true, redisUrl: '  ' })).toThrow(/"Redis URL" is empty.*redis:\/\/redis:6379\/0/);
		expect(() => readSettings({ sharedLimits: true, redisUrl: 'cache:6379' })).toThrow(/must start with redis:\/\/ \(or rediss:\/\/ for TLS\)/);
		let message = '';
		try {
			readSettings({ sharedLimits: true, redisUrl: 'http://user:s3cret@cache' });
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).not.toContain('s3cret');
	});

	it('loads ioredis from the host only when sharing is on', async () => {
		await expect(prepareSettings({ sharedLimits: false })).resolves.toEqual({});
		await expect(prepareSettings({ sharedLimits: true, redisUrl: 'redis://127.0.0.1:6379' })).resolves.toEqual({
			sharedLimitsRedis: 'redis://127.0.0.1:6379',
		});
	});

	it('rejects with the way out when the host has no ioredis', async () => {
		await jest.isolateModulesAsync(async () => {
			jest.doMock('ioredis', () => {
				throw new Error("Cannot find module 'ioredis'");
			});
			const isolated = await import('../../nodes/shared/queueMode/hostRedis');
			const failure = isolated.loadHostRedis();
			await expect(failure).rejects.toThrow(/could not be loaded from this n8n installation \(Cannot find module 'ioredis'\)/);
			await expect(failure).rejects.toThrow(/npm install ioredis.*"Share Limits Across n8n Processes" off/);
			expect(() => isolated.hostRedis()).toThrow(/await loadHostRedis\(\)/);
		});
	});
});

describe('Redis store with Redis unreachable', () => {
	/** A port nothing listens on. */
	async function closedPort(): Promise<number> {
		return await new Promise((resolve) => {
			const server = net.createServer().listen(0, '127.0.0.1', () => {
				const address = server.address() as net.AddressInfo;
				server.close(() => resolve(address.port));
			});
		});
	}

	it('answers unavailable, and the client paces in memory, with a single warning', async () => {
		const port = await closedPort();
		const warnings: string[] = [];
		const store = redisLimitStore({ redis: `redis://127.0.0.1:${port}`, logger: { warn: (m) => warnings.push(m) } });
		await expect(store.acquire([{ key: 'base:appX', limit: 5, windowMs: 1000 }])).resolves.toEqual({ kind: 'unavailable' });

		const clock = new FakeClock();
		const executor = stubExecutor(clock, () => ok());
		const client = makeClient(
			{ executor, clock, sharedLimits: store },
			{ perBase: { requests: 3, perMs: 200 }, windowMarginMs: 0 },
		);
		const table = client.base(BASE).table(TABLE);
		await clock.run(Promise.all(Array.from({ length: 6 }, () => table.get('recA'))));
		// The in-memory window still paces (6 = two windows of 3), and the store cost no fake time.
		expect(executor.seen.map((r) => r.at - executor.seen[0].at)).toEqual([0, 0, 0, 200, 200, 200]);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/Redis is unavailable.*in memory/);
	});
});
