import {
	createTriggerCoordination,
	type TriggerCoordination,
} from '../../../nodes/shared/queueMode/triggerCoordination';
import { loadHostRedis } from '../../../nodes/shared/queueMode/hostRedis';
import { startRedis, type RedisServer } from '../../redis/redisServer';

/*
 * The trigger coordination across processes, against a real redis-server: two coordinations
 * with their own connections stand for two n8n processes (main and a webhook process).
 */

let redis: RedisServer;
let prefix = 0;
const open: TriggerCoordination[] = [];

function process2(warnings: string[] = []): TriggerCoordination {
	const coordination = createTriggerCoordination({ redis: redis.url, keyPrefix: `test-${prefix}:` });
	coordination.logger = { warn: (message) => warnings.push(message), info: () => undefined };
	open.push(coordination);
	return coordination;
}

function gate() {
	let release: () => void = () => {};
	const promise = new Promise<void>((resolve) => {
		release = resolve;
	});
	return { promise, release };
}

/** Redis round trips are real here: wait for them (robustly under load), never for a fixed time. */
async function until(condition: () => boolean): Promise<void> {
	const deadline = Date.now() + 20_000;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not reached');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

beforeAll(async () => {
	await loadHostRedis();
	redis = await startRedis();
});

afterAll(async () => {
	await redis?.stop();
});

beforeEach(() => {
	prefix++;
});

afterEach(() => {
	for (const coordination of open.splice(0)) coordination.close();
});

describe('trigger coordination through Redis', () => {
	it('one process holds a node lock at a time; the other waits and then runs', async () => {
		const [main, webhook] = [process2(), process2()];
		const events: string[] = [];
		const held = gate();
		const first = main.withLock('node:wf1:n1', async () => {
			events.push('main start');
			await held.promise;
			events.push('main end');
		});
		await until(() => events.length > 0);
		const second = webhook.withLock('node:wf1:n1', async () => {
			events.push('webhook start');
		});
		const other = webhook.withLock('node:wf2:n1', async () => {
			events.push('other node');
		});
		await other;
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(events).toEqual(['main start', 'other node']);
		held.release();
		await Promise.all([first, second]);
		expect(events).toEqual(['main start', 'other node', 'main end', 'webhook start']);
	});

	it('shares the newest delivered cursor; an older one from a slower process never moves it back', async () => {
		const [main, webhook] = [process2(), process2()];
		await main.rememberDelivered('achShared', 10);
		expect(await webhook.deliveredCursor('achShared', 1)).toBe(10);
		await webhook.rememberDelivered('achShared', 6);
		expect(await main.deliveredCursor('achShared', 1)).toBe(10);
		expect(await process2().deliveredCursor('achShared', 3)).toBe(10);
	});

	it('a ping another process already drained for is a replay here', async () => {
		const [first, second] = [process2(), process2()];
		expect(await first.claimPing('achP', 'hmac-sha256=ab')).toBe(true);
		expect(await second.claimPing('achP', 'hmac-sha256=ab')).toBe(true);
		await first.pingHandled('achP', 'hmac-sha256=ab');
		expect(await process2().claimPing('achP', 'hmac-sha256=ab')).toBe(false);
		expect(await process2().claimPing('achP', 'hmac-sha256=cd')).toBe(true);
	});

	it('Redis down: locks, cursors and pings work in process, with one warning', async () => {
		const warnings: string[] = [];
		const coordination = process2(warnings);
		await coordination.rememberDelivered('achDown', 4);
		await redis.kill();
		try {
			const events: string[] = [];
			await Promise.all([
				coordination.withLock('node:down', async () => {
					events.push('a');
				}),
				coordination.withLock('node:down', async () => {
					events.push('b');
				}),
			]);
			expect(events).toEqual(['a', 'b']);
			await coordination.rememberDelivered('achDown', 9);
			expect(await coordination.deliveredCursor('achDown', 1)).toBe(9);
			expect(await coordination.claimPing('achDown', 'hmac-sha256=ee')).toBe(true);
			expect(await coordination.claimPing('achDown', 'hmac-sha256=ee')).toBe(false);
			expect(warnings).toHaveLength(1);
			expect(warnings[0]).toMatch(/Redis is unavailable/);
		} finally {
			await redis.restart();
		}
	});
});
