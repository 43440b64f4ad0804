/**
 * What the Instant Trigger shares between n8n processes: node locks, delivered cursors and handled
 * pings, in Redis when set.
 */

import { createHash, randomBytes } from 'node:crypto';

import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';

import { systemClock } from '../../client/clock';
import { processState } from '../../client/state';
import { hostRedis } from './hostRedis';
import { DEFAULT_SHARED_KEY_PREFIX, type RedisLimitStoreOptions } from './redisStore';

/** The Redis the trigger shares state through: the same settings as the shared rate limits. */
type SharedLimitsOptions = Pick<RedisLimitStoreOptions, 'redis' | 'keyPrefix'>;

/**
 * What the Instant Trigger shares between n8n processes (queue mode: a main process and
 * `n8n webhook` processes all receive pings and run drains):
 * - one lock per trigger node, held for every create / replace / delete / drain;
 * - the newest cursor delivered per webhook, so a drain in one process starts after what
 *   another already emitted;
 * - pings already handled, so a ping sent to several processes (or replayed) drains once.
 *
 * Always in process; through Redis as well when the trigger's credential shares limits (the
 * same Redis as the shared rate limits). Redis keys are namespaced (`airtable-sync:trigger:`)
 * and expire. Redis down or slow: each process coordinates only with itself, one warning per
 * outage, and shares again once Redis answers.
 */

export interface CoordinationLogger {
	warn(message: string): void;
	info(message: string): void;
}

/** Longest a lock stays held if its process dies (a drain is capped well below this). */
const LOCK_TTL_MS = 120_000;
/** Longest anyone waits for a lock held in another process before going ahead alone. */
const LOCK_WAIT_MS = 130_000;
const LOCK_POLL_MS = 25;
/** Payloads live 7 days at Airtable; a cursor is kept a day longer. */
const CURSOR_TTL_MS = 8 * 24 * 60 * 60_000;
/** A ping is recognised as a replay this long. */
const PING_TTL_MS = 15 * 60_000;
const MAX_REMEMBERED_PINGS = 2000;
const COMMAND_TIMEOUT_MS = 500;

const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Keeps the larger cursor: two processes finishing out of order never move it back. */
const MAX_CURSOR_LUA = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local next = tonumber(ARGV[1])
if next > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return math.max(current, next)
`;

interface ScriptedRedis extends Redis {
	airtableSyncRelease(key: string, token: string): Promise<number>;
	airtableSyncMaxCursor(key: string, cursor: number, ttlMs: number): Promise<number>;
}

const sleep = async (ms: number) => await systemClock.sleep(ms);

function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

let localInstances = 0;

/**
 * The in-process half: a promise chain per lock name, cursors and seen pings, in bounded
 * process-state registries (one set per coordination: tests simulate processes with several).
 */
class LocalCoordination {
	private readonly id = ++localInstances;
	/** A chain removes itself when its last holder is done; one in use is never evicted. */
	private readonly chains = processState.registry<Promise<void>>(`trigger.locks#${this.id}`, {
		maxEntries: 10_000,
		idleMs: 24 * 60 * 60_000,
		canEvict: () => false,
	});
	private readonly cursors = processState.registry<number>(`trigger.cursors#${this.id}`, { maxEntries: 10_000, idleMs: CURSOR_TTL_MS });
	private readonly pings = processState.registry<number>(`trigger.pings#${this.id}`, { maxEntries: MAX_REMEMBERED_PINGS, idleMs: PING_TTL_MS });

	async withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
		const previous = this.chains.get(name) ?? Promise.resolve();
		let release: () => void = () => {};
		const mine = new Promise<void>((resolve) => {
			release = resolve;
		});
		const tail = previous.then(async () => await mine);
		this.chains.set(name, tail);
		await previous;
		try {
			return await work();
		} finally {
			release();
			if (this.chains.get(name) === tail) this.chains.delete(name);
		}
	}

	cursor(webhookId: string): number | undefined {
		return this.cursors.get(webhookId);
	}

	rememberCursor(webhookId: string, cursor: number): void {
		this.cursors.set(webhookId, Math.max(cursor, this.cursors.get(webhookId) ?? 0));
	}

	forgetCursor(webhookId: string): void {
		this.cursors.delete(webhookId);
	}

	/** True the first time a ping key is claimed (until it expires or is released). */
	claimPing(key: string, now: number): boolean {
		const until = this.pings.get(key);
		if (until !== undefined && until > now) return false;
		this.pings.set(key, now + PING_TTL_MS);
		return true;
	}

	releasePing(key: string): void {
		this.pings.delete(key);
	}

	reset(): void {
		this.chains.clear();
		this.cursors.clear();
		this.pings.clear();
	}
}

/** The Redis half; every method gives up quietly (returns undefined/false) when Redis cannot answer. */
class RedisCoordination {
	private readonly redis: ScriptedRedis;
	private readonly prefix: string;
	private degraded = false;
	private closed = false;
	logger: CoordinationLogger | undefined;

	constructor(options: SharedLimitsOptions) {
		this.prefix = `${options.keyPrefix ?? DEFAULT_SHARED_KEY_PREFIX}trigger:`;
		const safety: RedisOptions = {
			commandTimeout: COMMAND_TIMEOUT_MS,
			enableOfflineQueue: false,
			maxRetriesPerRequest: 0,
			autoResendUnfulfilledCommands: false,
			connectTimeout: 2000,
			disconnectTimeout: 200,
			retryStrategy: (times: number) => Math.min(100 * times, 1000),
		};
		const RedisClass = hostRedis();
		const redis = typeof options.redis === 'string' ? new RedisClass(options.redis, safety) : new RedisClass({ ...options.redis, ...safety });
		redis.defineCommand('airtableSyncRelease', { lua: RELEASE_LUA, numberOfKeys: 1 });
		redis.defineCommand('airtableSyncMaxCursor', { lua: MAX_CURSOR_LUA, numberOfKeys: 1 });
		redis.on('error', (error: unknown) => this.failed(error));
		this.redis = redis as ScriptedRedis;
	}

	private async ready(): Promise<boolean> {
		if (this.closed) return false;
		if (this.redis.status === 'ready') return true;
		// The first use of a fresh connection waits for it briefly rather than going local at once.
		const deadline = Date.now() + 1000;
		while (Date.now() < deadline && (this.redis.status === 'connecting' || this.redis.status === 'connect' || this.redis.status === 'wait')) {
			await sleep(LOCK_POLL_MS);
		}
		if ((this.redis.status as string) === 'ready') return true;
		this.failed(new Error(`connection ${this.redis.status}`));
		return false;
	}

	private failed(error: unknown): void {
		if (this.degraded || this.closed) return;
		this.degraded = true;
		this.logger?.warn(
			`Airtable Instant Trigger: Redis is unavailable (${reasonOf(error)}); each n8n process now coordinates its webhook drains on its own until Redis is back`,
		);
	}

	private succeeded(): void {
		if (!this.degraded) return;
		this.degraded = false;
		this.logger?.info('Airtable Instant Trigger: Redis is back; webhook drains are coordinated across processes again');
	}

	private async attempt<T>(command: () => Promise<T>): Promise<T | undefined> {
		if (!(await this.ready())) return undefined;
		try {
			const result = await command();
			this.succeeded();
			return result;
		} catch (error) {
			this.failed(error);
			return undefined;
		}
	}

	/** Takes the lock (waiting for another process), or returns undefined when Redis cannot tell. */
	async acquire(name: string): Promise<(() => Promise<void>) | undefined> {
		const key = `${this.prefix}lock:${name}`;
		const token = randomBytes(12).toString('hex');
		const deadline = Date.now() + LOCK_WAIT_MS;
		while (Date.now() < deadline) {
			const taken = await this.attempt(async () => await this.redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX'));
			if (taken === undefined) return undefined;
			if (taken === 'OK') {
				return async () => {
					await this.attempt(async () => await this.redis.airtableSyncRelease(key, token));
				};
			}
			await sleep(LOCK_POLL_MS);
		}
		this.logger?.warn(`Airtable Instant Trigger: lock ${name} stayed taken for ${LOCK_WAIT_MS / 1000} s; going ahead`);
		return undefined;
	}

	async cursor(webhookId: string): Promise<number | undefined> {
		const value = await this.attempt(async () => await this.redis.get(`${this.prefix}cursor:${webhookId}`));
		const cursor = Number(value);
		return value && Number.isInteger(cursor) && cursor >= 1 ? cursor : undefined;
	}

	async rememberCursor(webhookId: string, cursor: number): Promise<void> {
		await this.attempt(async () => await this.redis.airtableSyncMaxCursor(`${this.prefix}cursor:${webhookId}`, cursor, CURSOR_TTL_MS));
	}

	async forgetCursor(webhookId: string): Promise<void> {
		await this.attempt(async () => await this.redis.del(`${this.prefix}cursor:${webhookId}`));
	}

	/** Whether another process already drained for this ping. */
	async pingHandled(key: string): Promise<boolean> {
		return (await this.attempt(async () => await this.redis.exists(`${this.prefix}ping:${key}`))) === 1;
	}

	async markPingHandled(key: string): Promise<void> {
		await this.attempt(async () => await this.redis.set(`${this.prefix}ping:${key}`, '1', 'PX', PING_TTL_MS));
	}

	close(): void {
		this.closed = true;
		this.redis.disconnect();
	}
}

export class TriggerCoordination {
	private readonly local = new LocalCoordination();

	constructor(
		private readonly shared: RedisCoordination | undefined,
		private readonly now: () => number = Date.now,
	) {}

	/** Whether a Redis is configured (it may still be down). */
	get crossProcess(): boolean {
		return this.shared !== undefined;
	}

	set logger(logger: CoordinationLogger | undefined) {
		if (this.shared && logger) this.shared.logger = logger;
	}

	/** Runs `work` holding lock `name`: in this process always, across processes when Redis answers. */
	async withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
		return await this.local.withLock(name, async () => {
			const release = await this.shared?.acquire(name);
			try {
				return await work();
			} finally {
				await release?.();
			}
		});
	}

	/** The newest cursor any process delivered for this webhook (at least `floor`). */
	async deliveredCursor(webhookId: string, floor = 1): Promise<number> {
		const shared = await this.shared?.cursor(webhookId);
		return Math.max(floor, this.local.cursor(webhookId) ?? 0, shared ?? 0);
	}

	/** In-process only (no Redis round trip): for decisions that must not wait. */
	localCursor(webhookId: string): number | undefined {
		return this.local.cursor(webhookId);
	}

	async rememberDelivered(webhookId: string, cursor: number): Promise<void> {
		this.local.rememberCursor(webhookId, cursor);
		await this.shared?.rememberCursor(webhookId, cursor);
	}

	async forgetWebhook(webhookId: string): Promise<void> {
		this.local.forgetCursor(webhookId);
		await this.shared?.forgetCursor(webhookId);
	}

	/**
	 * Claims a ping (by webhook and MAC) for this process's coalesced drains. False for a
	 * replay: seen here before, or a drain for it already finished in another process.
	 */
	async claimPing(webhookId: string, mac: string): Promise<boolean> {
		const key = pingKey(webhookId, mac);
		if (!this.local.claimPing(key, this.now())) return false;
		if (await this.shared?.pingHandled(key)) return false;
		return true;
	}

	/** The drain that followed the ping finished: replays of it anywhere are now free. */
	async pingHandled(webhookId: string, mac: string): Promise<void> {
		await this.shared?.markPingHandled(pingKey(webhookId, mac));
	}

	/** The drain failed: a replay of the ping should try again. */
	releasePing(webhookId: string, mac: string): void {
		this.local.releasePing(pingKey(webhookId, mac));
	}

	/** For tests: forget locks, cursors and pings of this process. */
	reset(): void {
		this.local.reset();
	}

	close(): void {
		this.shared?.close();
	}
}

function pingKey(webhookId: string, mac: string): string {
	return `${webhookId}:${createHash('sha256').update(mac).digest('hex').slice(0, 32)}`;
}

/** A coordination of its own (tests; processes are simulated by several of them). */
export function createTriggerCoordination(options: SharedLimitsOptions | undefined, now: () => number = Date.now): TriggerCoordination {
	return new TriggerCoordination(options ? new RedisCoordination(options) : undefined, now);
}

const coordinations = new Map<string, TriggerCoordination>();
let sharedState: SharedLimitsOptions | undefined;

/**
 * The Redis this process's trigger coordination goes through, from a trigger's credential
 * (read by shared/runtime/settings.ts at each trigger entry point). One n8n has one queue: the
 * first credential that turns sharing on configures the process, and one without sharing does
 * not turn it off for the others.
 */
export function useSharedTriggerState(redis: string | undefined): void {
	if (redis) sharedState = { redis };
}

/**
 * The process's coordination: through Redis once a trigger's credential turned sharing on
 * (useSharedTriggerState), otherwise in process only.
 */
export function triggerCoordination(options: SharedLimitsOptions | undefined = sharedState): TriggerCoordination {
	const id = options ? JSON.stringify([options.redis, options.keyPrefix ?? '']) : 'local';
	let coordination = coordinations.get(id);
	if (!coordination) {
		coordination = createTriggerCoordination(options);
		coordinations.set(id, coordination);
	}
	return coordination;
}

/** For tests and shutdown: close Redis connections and forget all in-process state. */
export function resetTriggerCoordination(): void {
	for (const coordination of coordinations.values()) {
		coordination.reset();
		coordination.close();
	}
	coordinations.clear();
	sharedState = undefined;
}
