/**
 * The package's queue-mode settings, from the node's Airtable credential: whether rate limits
 * (and the Instant Trigger's drain state) are shared with the other n8n processes through
 * Redis, and which Redis. Settings come through the credential, never the environment (n8n
 * Cloud's rule for verified nodes: "pass all necessary data through node parameters"); the
 * client gets what it needs injected.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { loadHostRedis } from '../queueMode/hostRedis';

export interface PackageSettings {
	/** Redis for the shared rate limits (and 429 holds, breakers, trigger state); undefined = in-memory per process. */
	sharedLimitsRedis?: string;
}

/** A credential whose shared-limit fields cannot work as they are. */
export class SettingsError extends Error {}

/**
 * The credential's choice: "Share Limits Across n8n Processes" off (the default) → in memory;
 * on → the "Redis URL" (`redis://[user:password@]host:port/db`, `rediss://` for TLS).
 */
export function readSettings(credential: ICredentialDataDecryptedObject): PackageSettings {
	if (credential.sharedLimits !== true) return {};
	const url = typeof credential.redisUrl === 'string' ? credential.redisUrl.trim() : '';
	if (!url) {
		throw new SettingsError(
			'"Share Limits Across n8n Processes" is on in the Airtable credential, but its "Redis URL" is empty: enter the Redis of n8n\'s queue, e.g. redis://redis:6379/0',
		);
	}
	if (!/^rediss?:\/\/[^/\s]/i.test(url)) {
		throw new SettingsError(
			'The Airtable credential\'s "Redis URL" must start with redis:// (or rediss:// for TLS), e.g. redis://:password@redis:6379/0',
		);
	}
	return { sharedLimitsRedis: url };
}

/** The settings, with ioredis loaded from the host n8n when they share limits (rejects with what to do if it cannot be). */
export async function prepareSettings(credential: ICredentialDataDecryptedObject): Promise<PackageSettings> {
	const settings = readSettings(credential);
	if (settings.sharedLimitsRedis) await loadHostRedis();
	return settings;
}
