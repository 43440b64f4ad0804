/**
 * The package's settings from n8n's environment, read once per process: whether and through which
 * Redis limits are shared.
 */

import type { RedisOptions } from 'ioredis';

/**
 * The package's settings from n8n's environment, read once per process: whether limits are
 * shared through Redis, and which Redis. Only nodes/shared reads the environment; the client
 * gets what it needs injected.
 */
export interface PackageSettings {
	/** Redis for the shared rate limits (and 429 holds, breakers); undefined = in-memory per process. */
	sharedLimitsRedis?: string | RedisOptions;
}

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
export function readSettings(env: NodeJS.ProcessEnv): PackageSettings {
	const flag = env.AIRTABLE_SYNC_SHARED_LIMITS?.trim().toLowerCase() ?? '';
	if (FALSE.has(flag)) return {};
	const url = env.AIRTABLE_SYNC_REDIS_URL?.trim();
	if (url) return { sharedLimitsRedis: url };
	if (TRUE.has(flag) || env.EXECUTIONS_MODE?.trim() === 'queue') return { sharedLimitsRedis: n8nQueueRedisOptions(env) };
	return {};
}

/** n8n's queue-mode Redis settings (the same variables n8n's Bull queue reads). */
export function n8nQueueRedisOptions(env: NodeJS.ProcessEnv): RedisOptions {
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

let cached: PackageSettings | undefined;

/** This process's settings (the environment is read on the first call only). */
export function packageSettings(): PackageSettings {
	cached ??= readSettings(process.env);
	return cached;
}
