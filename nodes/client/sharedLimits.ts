import { createHash, randomBytes } from 'node:crypto';

import Redis, { type RedisOptions } from 'ioredis';

import type { ClientLogger, SharedLimitsOptions } from './types';

/**
 * Rate limits shared by every process through Redis (n8n queue mode: a main process and
 * several workers). One atomic Lua script per request start checks the 429 holds and the
 * sliding windows (a sorted set of start times per base and per token hash) and records the
 * start in all of them, or says how long to wait. Times come from Redis (TIME), so the
 * processes' clocks do not matter. bottleneck stays in charge of the in-process queueing.
 *
 * Redis down or slow: every call answers `unavailable` within commandTimeoutMs (no offline
 * queue), the throttle falls back to its in-memory limiters, one warning is logged per
 * outage, and ioredis keeps reconnecting in the background; the next successful command
 * makes the limits shared again.
 */

export const DEFAULT_SHARED_KEY_PREFIX = 'airtable-sync:';
const DEFAULT_COMMAND_TIMEOUT_MS = 250;
/** How long the very first requests of a process wait for the first connection. */
const FIRST_CONNECT_WAIT_MS = 1000;
/** After a failed command, Redis is left alone this long (requests go in-memory at once). */
const RETRY_AFTER_FAILURE_MS = 1000;
const RECONNECT_MAX_DELAY_MS = 1000;

/* ------------------------------------------------------------------ configuration */

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * The environment's choice, in this order:
 * 1. `AIRTABLE_SYNC_SHARED_LIMITS=false` → off (whatever else is set);
 * 2. `AIRTABLE_SYNC_REDIS_URL` → that Redis (`redis://user:pass@host:6379/0`, `rediss://` for TLS);
 * 3. `AIRTABLE_SYNC_SHARED_LIMITS=true`, or n8n's `EXECUTIONS_MODE=queue` → n8n's own queue
 *    Redis from `QUEUE_BULL_REDIS_HOST` (localhost), `_PORT` (6379), `_DB` (0), `_USERNAME`,
 *    `_PASSWORD`, `_TLS=true`, `_DUALSTACK=true`;
 * 4. otherwise off (one process: in-memory limiters).
 */
export function sharedLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): SharedLimitsOptions | undefined {
	const flag = env.AIRTABLE_SYNC_SHARED_LIMITS?.trim().toLowerCase() ?? '';
	if (FALSE.has(flag)) return undefined;
	const url = env.AIRTABLE_SYNC_REDIS_URL?.trim();
	if (url) return { redis: url };
	if (TRUE.has(flag) || env.EXECUTIONS_MODE?.trim() === 'queue') return { redis: n8nQueueRedisOptions(env) };
	return undefined;
}

/** n8n's queue-mode Redis settings (the same variables n8n's Bull queue reads). */
export function n8nQueueRedisOptions(env: NodeJS.ProcessEnv = process.env): RedisOptions {
	const options: RedisOptions = {
		host: env.QUEUE_BULL_REDIS_HOST?.trim() || 'localhost',
		port: Number(env.QUEUE_BULL_REDIS_PORT) || 6379,
		db: Number(env.QUEUE_BULL_REDIS_DB) || 0,
	};
	if (env.QUEUE_BULL_REDIS_USERNAME) options.username = env.QUEUE_BULL_REDIS_USERNAME;
	if (env.QUEUE_BULL_REDIS_PASSWORD) options.password = env.QUEUE_BULL_REDIS_PASSWORD;
	if (TRUE.has(env.QUEUE_BULL_REDIS_TLS?.trim().toLowerCase() ?? '')) options.tls = {};
	if (TRUE.has(env.QUEUE_BULL_REDIS_DUALSTACK?.trim().toLowerCase() ?? '')) options.family = 0;
	return options;
}

/** The client option wins (`false` = off); without it, the environment decides. */
export function resolveSharedLimits(
	option: SharedLimitsOptions | false | undefined,
	env: NodeJS.ProcessEnv = process.env,
): SharedLimitsOptions | undefined {
	if (option === false) return undefined;
	return option ?? sharedLimitsFromEnv(env);
}

/* ------------------------------------------------------------------ scripts */

/**
 * KEYS: n window keys, then n hold keys. ARGV: member, then limit and windowMs per window.
 * Returns {1, now, 0} (start recorded in every window), {0, waitMs, 0} (a window is full:
 * retry after waitMs) or {-1, holdMs, i} (hold key i is set: everyone waits holdMs).
 */
const ACQUIRE_LUA = `
local n = #KEYS / 2
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, n do
  local hold = redis.call('PTTL', KEYS[n + i])
  if hold > 0 then return {-1, hold, i} end
end
local wait = 0
for i = 1, n do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    local leaving = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    local ms = tonumber(leaving[2]) + window - now
    if ms > wait then wait = ms end
  end
end
if wait > 0 then return {0, wait, 0} end
for i = 1, n do
  redis.call('ZADD', KEYS[i], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 * i + 1]))
end
return {1, now, 0}
`;

/** KEYS[1]: hold key; ARGV[1]: ms. Extends a hold, never shortens it. */
const HOLD_LUA = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
`;

interface ScriptedRedis extends Redis {
	airtableSyncAcquire(numKeys: number, ...args: Array<string | number>): Promise<[number, number, number]>;
	airtableSyncHold(key: string, ms: number): Promise<number>;
}

/* ------------------------------------------------------------------ store */

/** One limit inside Redis: `key` is `base:<id>` or `token:<sha256>`. */
export interface SharedWindow {
	key: string;
	limit: number;
	windowMs: number;
}

export type SharedDecision =
	/** The start is recorded everywhere; `release()` takes it back (request called off). */
	| { kind: 'go'; release: () => void }
	/** A window is full: ask again after `ms`. */
	| { kind: 'wait'; ms: number }
	/** `windows[index]` is held after a 429 somewhere: wait `ms`. */
	| { kind: 'held'; ms: number; index: number }
	/** Redis cannot answer now: use the in-memory limiters. */
	| { kind: 'unavailable' };

const UNAVAILABLE: SharedDecision = { kind: 'unavailable' };

const defaultLogger: ClientLogger = {
	warn: (message) => process.emitWarning(message, { code: 'AIRTABLE_SYNC_SHARED_LIMITS' }),
};

function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** One Redis connection per process and configuration (see sharedLimitStore). */
export class SharedLimitStore {
	private readonly redis: ScriptedRedis;
	private readonly prefix: string;
	private readonly tag = randomBytes(6).toString('hex');
	private sequence = 0;
	private degraded = false;
	private retryAt = 0;
	private firstConnect: Promise<void> | undefined;
	private closed = false;
	logger: ClientLogger;

	constructor(options: SharedLimitsOptions, logger: ClientLogger | undefined) {
		this.logger = logger ?? defaultLogger;
		this.prefix = options.keyPrefix ?? DEFAULT_SHARED_KEY_PREFIX;
		const safety: RedisOptions = {
			commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
			// Fail fast instead of queueing while disconnected: a request never waits on a dead Redis.
			enableOfflineQueue: false,
			maxRetriesPerRequest: 0,
			autoResendUnfulfilledCommands: false,
			connectTimeout: 2000,
			disconnectTimeout: 200,
			retryStrategy: (times: number) => Math.min(100 * times, RECONNECT_MAX_DELAY_MS),
		};
		const redis =
			typeof options.redis === 'string'
				? new Redis(options.redis, safety)
				: new Redis({ ...options.redis, ...safety });
		redis.defineCommand('airtableSyncAcquire', { lua: ACQUIRE_LUA });
		redis.defineCommand('airtableSyncHold', { lua: HOLD_LUA, numberOfKeys: 1 });
		// Without an error listener ioredis prints every connection error itself.
		redis.on('error', (error: unknown) => this.failed(error));
		redis.on('close', () => {
			if (!this.closed) this.failed(new Error('connection lost'));
		});
		this.redis = redis as ScriptedRedis;
		// The first requests wait (briefly) for the first connection instead of going in-memory.
		this.firstConnect = new Promise<void>((resolve) => {
			const settle = () => {
				clearTimeout(timer);
				redis.off('ready', settle).off('error', settle).off('close', settle);
				resolve();
			};
			const timer = setTimeout(settle, FIRST_CONNECT_WAIT_MS);
			timer.unref();
			redis.once('ready', settle).once('error', settle).once('close', settle);
		});
	}

	/** True while Redis answers; false while the in-memory fallback is in use. */
	get shared(): boolean {
		return !this.degraded && this.redis.status === 'ready';
	}

	private windowKey(key: string): string {
		return `${this.prefix}rl:${key}`;
	}

	private holdKey(key: string): string {
		return `${this.prefix}hold:${key}`;
	}

	private async usable(): Promise<boolean> {
		if (this.firstConnect) {
			await this.firstConnect;
			this.firstConnect = undefined;
		}
		if (this.redis.status !== 'ready') {
			this.failed(new Error(`connection ${this.redis.status}`));
			return false;
		}
		return Date.now() >= this.retryAt;
	}

	private failed(error: unknown): void {
		this.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
		if (this.degraded) return;
		this.degraded = true;
		this.logger.warn(
			`Airtable shared rate limits: Redis is unavailable (${reasonOf(error)}); ` +
				'each process limits itself in memory until Redis is back',
		);
	}

	private succeeded(): void {
		if (!this.degraded) return;
		this.degraded = false;
		this.logger.info?.('Airtable shared rate limits: Redis is back; limits are shared again');
	}

	/** Take one start in every window at once, or learn how long to wait. Never throws. */
	async acquire(windows: SharedWindow[]): Promise<SharedDecision> {
		if (!(await this.usable())) return UNAVAILABLE;
		const member = `${this.tag}:${++this.sequence}`;
		const keys = windows.map((w) => this.windowKey(w.key));
		const args: Array<string | number> = [...keys, ...windows.map((w) => this.holdKey(w.key)), member];
		for (const w of windows) args.push(w.limit, Math.ceil(w.windowMs));
		let reply: [number, number, number];
		try {
			reply = await this.redis.airtableSyncAcquire(keys.length * 2, ...args);
		} catch (error) {
			this.failed(error);
			return UNAVAILABLE;
		}
		this.succeeded();
		const [status, ms, index] = reply.map(Number);
		if (status === 1) return { kind: 'go', release: () => this.release(keys, member) };
		if (status === -1) return { kind: 'held', ms, index: index - 1 };
		return { kind: 'wait', ms: Math.max(1, ms) };
	}

	private release(keys: string[], member: string): void {
		if (this.redis.status !== 'ready') return;
		for (const key of keys) this.redis.zrem(key, member).catch((error: unknown) => this.failed(error));
	}

	/** Every process waits `ms` before its next request counted in `key` (a 429 lock-out). */
	hold(key: string, ms: number): void {
		if (this.redis.status !== 'ready') return;
		this.redis
			.airtableSyncHold(this.holdKey(key), Math.ceil(ms))
			.catch((error: unknown) => this.failed(error));
	}

	close(): void {
		this.closed = true;
		this.redis.disconnect();
	}
}

/* ------------------------------------------------------------------ registry */

const stores = new Map<string, SharedLimitStore>();

/** The process's store for this configuration, created (and connected) on first use. */
export function sharedLimitStore(options: SharedLimitsOptions, logger?: ClientLogger): SharedLimitStore {
	const id = createHash('sha256')
		.update(JSON.stringify([options.redis, options.keyPrefix ?? '', options.commandTimeoutMs ?? 0]))
		.digest('hex');
	let store = stores.get(id);
	if (!store) {
		store = new SharedLimitStore(options, logger);
		stores.set(id, store);
	} else if (logger) {
		store.logger = logger;
	}
	return store;
}

/** Close every shared-limit connection (shutdown, tests); a later client connects again. */
export function closeSharedLimits(): void {
	for (const store of stores.values()) store.close();
	stores.clear();
}
