/**
 * Whose credential a client uses: whoami, cached process-wide per credential. A trigger that
 * ignores its own changes needs the user id behind its token (or OAuth connection) on every
 * drain; the user behind a credential does not change, so one request per ten minutes and
 * credential is enough. Concurrent callers share one request; a failed one is not kept.
 */
import type { Clock } from './clock';
import type { WhoAmI } from './schema/types';
import { processState } from './state';

export const IDENTITY_TTL_MS = 10 * 60_000;

interface Entry {
	promise: Promise<WhoAmI>;
	fetchedAt: number;
}

const identities = processState.registry<Entry>('client.identities', { maxEntries: 1_000, idleMs: IDENTITY_TTL_MS });

/** `key` names the credential (a hash, never the token); `fetch` asks Airtable. */
export async function cachedIdentity(key: string, clock: Clock, fetch: () => Promise<WhoAmI>): Promise<WhoAmI> {
	const now = clock.now();
	const entry = identities.get(key);
	if (entry && now - entry.fetchedAt < IDENTITY_TTL_MS) return await entry.promise;
	const promise = fetch();
	identities.set(key, { promise, fetchedAt: now });
	promise.catch(() => {
		if (identities.get(key)?.promise === promise) identities.delete(key);
	});
	return await promise;
}
