import net from 'node:net';

import { closeSharedLimits, n8nQueueRedisOptions, resolveSharedLimits, sharedLimitsFromEnv } from '../../index';
import { api, BASE, makeClient, record, TABLE, TABLE_PATH, TOKEN, useNock } from './helpers';

useNock();
afterEach(() => closeSharedLimits());

describe('shared limits configuration', () => {
	it('is off without configuration, and AIRTABLE_SYNC_SHARED_LIMITS=false wins over everything', () => {
		expect(sharedLimitsFromEnv({})).toBeUndefined();
		expect(
			sharedLimitsFromEnv({ AIRTABLE_SYNC_SHARED_LIMITS: 'false', AIRTABLE_SYNC_REDIS_URL: 'redis://r:6379', EXECUTIONS_MODE: 'queue' }),
		).toBeUndefined();
		expect(sharedLimitsFromEnv({ EXECUTIONS_MODE: 'regular', QUEUE_BULL_REDIS_HOST: 'redis' })).toBeUndefined();
	});

	it('uses AIRTABLE_SYNC_REDIS_URL first', () => {
		expect(sharedLimitsFromEnv({ AIRTABLE_SYNC_REDIS_URL: ' rediss://u:p@cache:6380/2 ', EXECUTIONS_MODE: 'queue' })).toEqual({
			redis: 'rediss://u:p@cache:6380/2',
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
		expect(sharedLimitsFromEnv(env)).toEqual({
			redis: { host: 'redis.internal', port: 6390, db: 3, username: 'n8n', password: 'secret', tls: {} },
		});
		expect(sharedLimitsFromEnv({ AIRTABLE_SYNC_SHARED_LIMITS: 'true' })).toEqual({
			redis: { host: 'localhost', port: 6379, db: 0 },
		});
		expect(n8nQueueRedisOptions({ QUEUE_BULL_REDIS_DUALSTACK: 'true' })).toMatchObject({ family: 0 });
	});

	it('lets the client option override the environment', () => {
		const env = { AIRTABLE_SYNC_REDIS_URL: 'redis://env:6379' };
		expect(resolveSharedLimits(false, env)).toBeUndefined();
		expect(resolveSharedLimits({ redis: 'redis://option:6379' }, env)).toEqual({ redis: 'redis://option:6379' });
		expect(resolveSharedLimits(undefined, env)).toEqual({ redis: 'redis://env:6379' });
	});
});

describe('shared limits with Redis unreachable', () => {
	/** A port nothing listens on. */
	async function closedPort(): Promise<number> {
		return await new Promise((resolve) => {
			const server = net.createServer().listen(0, '127.0.0.1', () => {
				const address = server.address() as net.AddressInfo;
				server.close(() => resolve(address.port));
			});
		});
	}

	it('falls back to the in-memory limiter at once, with a single warning and no token in it', async () => {
		const port = await closedPort();
		api()
			.get(`${TABLE_PATH}/recA`)
			.times(6)
			.reply(200, () => record('recA'));
		const warnings: string[] = [];
		const client = makeClient(
			{ sharedLimits: { redis: `redis://127.0.0.1:${port}` }, logger: { warn: (m) => warnings.push(m) } },
			{ perBase: { requests: 3, perMs: 200 }, windowMarginMs: 0 },
		);
		const table = client.base(BASE).table(TABLE);
		const started = Date.now();
		await Promise.all(Array.from({ length: 6 }, () => table.get('recA')));
		const elapsed = Date.now() - started;
		expect(client.stats().requests).toBe(6);
		// The in-memory window still paces (6 = two windows of 3)...
		expect(elapsed).toBeGreaterThanOrEqual(200);
		// ...and the refused connection cost no wait (no first-connect wait, no timeout per request).
		expect(elapsed).toBeLessThan(800);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/Redis is unavailable.*in memory/);
		expect(warnings[0]).not.toContain(TOKEN);
	});
});
