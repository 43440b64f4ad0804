import net from 'node:net';

import { closeRedisLimitStores, redisLimitStore } from '../../nodes/shared/queueMode/redisStore';
import { n8nQueueRedisOptions, readSettings } from '../../nodes/shared/runtime/settings';
import { FakeClock } from '../support/fakeClock';
import { BASE, makeClient, ok, stubExecutor, TABLE, useNock } from './helpers';

useNock();
afterEach(() => closeRedisLimitStores());

describe('shared limits settings (read from the environment by nodes/shared, never by the client)', () => {
	it('is off without configuration, and AIRTABLE_SYNC_SHARED_LIMITS=false wins over everything', () => {
		expect(readSettings({})).toEqual({});
		expect(
			readSettings({ AIRTABLE_SYNC_SHARED_LIMITS: 'false', AIRTABLE_SYNC_REDIS_URL: 'redis://r:6379', EXECUTIONS_MODE: 'queue' }),
		).toEqual({});
		expect(readSettings({ EXECUTIONS_MODE: 'regular', QUEUE_BULL_REDIS_HOST: 'redis' })).toEqual({});
	});

	it('uses AIRTABLE_SYNC_REDIS_URL first', () => {
		expect(readSettings({ AIRTABLE_SYNC_REDIS_URL: ' rediss://u:p@cache:6380/2 ', EXECUTIONS_MODE: 'queue' })).toEqual({
			sharedLimitsRedis: 'rediss://u:p@cache:6380/2',
		});
	});

	it("reuses n8n's queue Redis in queue mode or when asked to", () => {
		const env = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: 'redis.internal',
			QUEUE_BULL_REDIS_PORT: '6390',
			QUEUE_BULL_REDIS_DB: '3',
			QUEUE_BULL_REDIS_USERNAME: 'n8n',
			QUEUE_BULL_REDIS_PASSWORD: 'secret',
			QUEUE_BULL_REDIS_TLS: 'true',
		};
		expect(readSettings(env)).toEqual({
			sharedLimitsRedis: { host: 'redis.internal', port: 6390, db: 3, username: 'n8n', password: 'secret', tls: {} },
		});
		expect(readSettings({ AIRTABLE_SYNC_SHARED_LIMITS: 'true' })).toEqual({
			sharedLimitsRedis: { host: 'localhost', port: 6379, db: 0 },
		});
		expect(n8nQueueRedisOptions({ QUEUE_BULL_REDIS_DUALSTACK: 'true' })).toMatchObject({ family: 0 });
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
