/**
 * Rate limits, 429 holds and breakers shared by every n8n process through Redis (queue mode), one
 * Lua script per request.
 */

import { createHash, randomBytes } from 'node:crypto';

import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';

import type { SharedDecision, SharedLimitStore, SharedWindow } from '../../client/transport/sharedLimits';
import { processState } from '../../client/state';
import { abortableSleep } from '../../client/clock';
import type { ClientLogger } from '../../client/types';
import { hostRedis } from './hostRedis';

/**
 * Rate limits shared by every process through Redis (n8n queue mode: a main process, workers
 * and webhook processes). One atomic Lua script per request checks the breaker, the 429 holds
 * and the sliding windows (a sorted set of dispatch times per base and per token hash) and
 * reserves a place in all of them, or says how long to wait. Times come from Redis (TIME), so
 * the processes' clocks do not matter. The client's in-memory limiters stay in charge of the
 * queueing inside one process.
 *
 * A reservation counts from the moment the request really leaves: it is stored with a score
 * in the future (so it occupies its place but never looks old) and moved to Redis's time when
 * the client reports the dispatch. Recording the start when the place was granted let 6–7
 * requests reach a base within one second inside n8n, where a request leaves up to a few
 * hundred ms after it was let through (credential resolution under load): a slow early
 * request and a quick later one then arrive less than a window apart (issue 13 §3).
 * When the answer shows the request may have arrived later still (a process's first burst,
 * on connections still being set up; an upload), the entry moves to that later moment, as
 * the process's own limiter counts it.
 *
 * Redis down or slow: every call answers `unavailable` within commandTimeoutMs (no offline
 * queue), the client falls back to its in-memory limiters, one warning is logged per outage,
 * and ioredis keeps reconnecting in the background; the next successful command makes the
 * limits shared again.
 */

export interface RedisLimitStoreOptions {
	/** A `redis://` / `rediss://` URL, or ioredis connection options (host, port, db, username, password, tls…). */
	redis: string | RedisOptions;
	/** Longest a Redis command may take before the client falls back to in-memory limits. Default 250 ms. */
	commandTimeoutMs?: number;
	/** Prefix of every key. Default `airtable-sync:`. */
	keyPrefix?: string;
	/** Where the store reports an outage and its end (n8n's log inside n8n). */
	logger: ClientLogger;
}

export const DEFAULT_SHARED_KEY_PREFIX = 'airtable-sync:';
const DEFAULT_COMMAND_TIMEOUT_MS = 250;
/** How long the very first requests of a process wait for the first connection. */
const FIRST_CONNECT_WAIT_MS = 1000;
/** After a failed command, Redis is left alone this long (requests go in-memory at once). */
const RETRY_AFTER_FAILURE_MS = 1000;
const RECONNECT_MAX_DELAY_MS = 1000;
/** How soon to ask again when the place that must free up belongs to a request not yet dispatched. */
const PENDING_POLL_MS = 20;

/**
 * KEYS: n window keys, then n hold keys, then optionally one breaker key.
 * ARGV: member, then limit and windowMs per window.
 * Returns {1, now, 0} (a place reserved in every window), {0, waitMs, 0} (a window is full:
 * retry after waitMs), {-1, holdMs, i} (hold key i is set: everyone waits holdMs) or
 * {-2, openMs, 0} (the breaker is open).
 */
const ACQUIRE_LUA = `
local hasBreaker = #KEYS % 2
local n = (#KEYS - hasBreaker) / 2
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if hasBreaker == 1 then
  local open = redis.call('PTTL', KEYS[#KEYS])
  if open > 0 then return {-2, open, 0} end
end
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
    local score = tonumber(leaving[2])
    local ms = ${PENDING_POLL_MS}
    if score <= now then ms = score + window - now end
    if ms > wait then wait = ms end
  end
end
if wait > 0 then return {0, wait, 0} end
for i = 1, n do
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZADD', KEYS[i], now + window, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], 2 * window)
end
return {1, now, 0}
`;

/** KEYS: the window keys of one reservation; ARGV[1]: its member. Its window starts now. */
const DISPATCHED_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #KEYS do redis.call('ZADD', KEYS[i], 'XX', now, ARGV[1]) end
return 1
`;

/**
 * KEYS: the window keys of one reservation; ARGV[1]: its member, ARGV[2]: how many ms ago it
 * may have arrived at the latest, then windowMs per key. Its window starts then, if that is
 * later than where it stands (re-added if it had already left the window).
 */
const ANSWERED_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = now - tonumber(ARGV[2])
for i = 1, #KEYS do
  local score = redis.call('ZSCORE', KEYS[i], ARGV[1])
  if (not score) or tonumber(score) < at then
    redis.call('ZADD', KEYS[i], at, ARGV[1])
    redis.call('PEXPIRE', KEYS[i], 2 * tonumber(ARGV[2 + i]))
  end
end
return 1
`;

/** KEYS[1]: hold or breaker key; ARGV[1]: ms. Extends, never shortens. */
const EXTEND_LUA = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
`;

interface ScriptedRedis extends Redis {
	airtableSyncAcquire(numKeys: number, ...args: Array<string | number>): Promise<[number, number, number]>;
	airtableSyncDispatched(numKeys: number, ...args: string[]): Promise<number>;
	airtableSyncAnswered(numKeys: number, ...args: Array<string | number>): Promise<number>;
	airtableSyncExtend(key: string, ms: number): Promise<number>;
}

const UNAVAILABLE: SharedDecision = { kind: 'unavailable' };

function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** A SharedLimitStore on one Redis connection; `close()` ends it. */
export class RedisLimitStore implements SharedLimitStore {
	private readonly redis: ScriptedRedis;
	private readonly prefix: string;
	private readonly tag = randomBytes(6).toString('hex');
	private sequence = 0;
	private degraded = false;
	private retryAt = 0;
	private firstConnect: Promise<void> | undefined;
	private closed = false;
	logger: ClientLogger;

	constructor(options: RedisLimitStoreOptions) {
		this.logger = options.logger;
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
		const RedisClass = hostRedis();
		const redis =
			typeof options.redis === 'string'
				? new RedisClass(options.redis, safety)
				: new RedisClass({ ...options.redis, ...safety });
		redis.defineCommand('airtableSyncAcquire', { lua: ACQUIRE_LUA });
		redis.defineCommand('airtableSyncDispatched', { lua: DISPATCHED_LUA });
		redis.defineCommand('airtableSyncAnswered', { lua: ANSWERED_LUA });
		redis.defineCommand('airtableSyncExtend', { lua: EXTEND_LUA, numberOfKeys: 1 });
		// Without an error listener ioredis prints every connection error itself.
		redis.on('error', (error: unknown) => this.failed(error));
		redis.on('close', () => {
			if (!this.closed) this.failed(new Error('connection lost'));
		});
		this.redis = redis as ScriptedRedis;
		// The first requests wait (briefly) for the first connection instead of going in-memory.
		this.firstConnect = new Promise<void>((resolve) => {
			const waited = new AbortController();
			const settle = () => {
				waited.abort();
				redis.off('ready', settle).off('error', settle).off('close', settle);
				resolve();
			};
			// n8n-workflow's sleep (the timer n8n Cloud allows), cut short once the connection settles.
			abortableSleep(FIRST_CONNECT_WAIT_MS, waited.signal).then(settle, () => undefined);
			redis.once('ready', settle).once('error', settle).once('close', settle);
		});
	}

	private windowKey(key: string): string {
		return `${this.prefix}rl:${key}`;
	}

	private holdKey(key: string): string {
		return `${this.prefix}hold:${key}`;
	}

	private breakerKey(key: string): string {
		return `${this.prefix}breaker:${key}`;
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

	async acquire(windows: SharedWindow[], breakerKey?: string): Promise<SharedDecision> {
		if (!(await this.usable())) return UNAVAILABLE;
		const member = `${this.tag}:${++this.sequence}`;
		const keys = windows.map((w) => this.windowKey(w.key));
		const allKeys = [...keys, ...windows.map((w) => this.holdKey(w.key))];
		if (breakerKey) allKeys.push(this.breakerKey(breakerKey));
		const args: Array<string | number> = [...allKeys, member];
		for (const w of windows) args.push(w.limit, Math.ceil(w.windowMs));
		let reply: [number, number, number];
		try {
			reply = await this.redis.airtableSyncAcquire(allKeys.length, ...args);
		} catch (error) {
			this.failed(error);
			return UNAVAILABLE;
		}
		this.succeeded();
		const [status, ms, index] = reply.map(Number);
		if (status === 1) {
			// reserved → dispatched → answered, or reserved → released; each step told to Redis once.
			let stage: 'reserved' | 'dispatched' | 'done' = 'reserved';
			const step = (from: typeof stage, to: typeof stage, run: () => Promise<unknown>) => {
				if (stage !== from) return;
				stage = to;
				if (this.redis.status !== 'ready') return;
				run().catch((error: unknown) => this.failed(error));
			};
			const windowsMs = windows.map((w) => Math.ceil(w.windowMs));
			return {
				kind: 'go',
				slot: {
					dispatched: () =>
						step('reserved', 'dispatched', () => this.redis.airtableSyncDispatched(keys.length, ...keys, member)),
					answered: (arrivedMsAgo) =>
						step('dispatched', 'done', () =>
							this.redis.airtableSyncAnswered(keys.length, ...keys, member, Math.round(arrivedMsAgo), ...windowsMs),
						),
					release: () => step('reserved', 'done', () => Promise.all(keys.map((key) => this.redis.zrem(key, member)))),
				},
			};
		}
		if (status === -2) return { kind: 'breaker-open', ms };
		if (status === -1) return { kind: 'held', ms, index: index - 1 };
		return { kind: 'wait', ms: Math.max(1, ms) };
	}

	hold(key: string, ms: number): void {
		this.extend(this.holdKey(key), ms);
	}

	openBreaker(breakerKey: string, ms: number): void {
		this.extend(this.breakerKey(breakerKey), ms);
	}

	private extend(key: string, ms: number): void {
		if (this.redis.status !== 'ready') return;
		this.redis.airtableSyncExtend(key, Math.ceil(ms)).catch((error: unknown) => this.failed(error));
	}

	close(): void {
		this.closed = true;
		this.redis.disconnect();
	}
}

/* One connection per process and configuration; never evicted (a handful at most), closed by closeRedisLimitStores. */
const stores = processState.registry<RedisLimitStore>('shared.redisStores', {
	maxEntries: 16,
	idleMs: Infinity,
	canEvict: () => false,
});

/** The process's store for this configuration, created (and connected) on first use. */
export function redisLimitStore(options: RedisLimitStoreOptions): RedisLimitStore {
	const id = createHash('sha256')
		.update(JSON.stringify([options.redis, options.keyPrefix ?? '', options.commandTimeoutMs ?? 0]))
		.digest('hex');
	const store = stores.getOrCreate(id, () => new RedisLimitStore(options));
	if (options.logger) store.logger = options.logger;
	return store;
}

/** Close every shared-limit connection (shutdown, tests); a later client connects again. */
export function closeRedisLimitStores(): void {
	for (const id of stores.keys()) {
		stores.get(id)?.close();
		stores.delete(id);
	}
}
