/**
 * The process-wide cache of read flag tables, so concurrent and repeated flag checks share one
 * Airtable read within a TTL.
 */

import { processState, type Registry } from '../client/state';
import type { FlagTable } from './flagTable';

export interface FlagSnapshot {
	flags: FlagTable;
	/** Epoch milliseconds when the table was read. */
	fetchedAt: number;
}

export interface CachedSnapshot {
	snapshot: FlagSnapshot;
	/** False for the caller whose call read the table, true for everyone served from the cache. */
	fromCache: boolean;
}

interface Entry {
	/** Settles once; shared by every caller that arrives while the read is in flight. */
	read: Promise<FlagSnapshot>;
	/** Set when the read succeeded. */
	fetchedAt?: number;
	/** The longest TTL a caller asked for, so the sweep keeps entries someone may still use. */
	ttlMs: number;
}

/**
 * Process-wide cache of flag tables (kept in the process state module, bounded). Concurrent
 * callers with the same key share one read; a finished read is reused while younger than the
 * caller's TTL; a failed read is forgotten so the next call tries again. TTL 0 turns caching
 * off (every call reads).
 */
export class FlagCache {
	constructor(
		private readonly entries: Registry<Entry> = processState.registry<Entry>('configFlags.tables', {
			maxEntries: 1_000,
			idleMs: 60 * 60_000,
			// A read in flight has callers waiting on it.
			canEvict: (entry) => entry.fetchedAt !== undefined,
		}),
	) {}

	/** Replaceable for tests that need to move time forward without waiting. */
	clock: () => number = () => Date.now();

	async get(key: string, ttlMs: number, load: () => Promise<FlagTable>): Promise<CachedSnapshot> {
		this.sweep();
		if (ttlMs <= 0) return { snapshot: { flags: await load(), fetchedAt: this.clock() }, fromCache: false };

		const existing = this.entries.get(key);
		if (existing && (existing.fetchedAt === undefined || this.clock() - existing.fetchedAt < ttlMs)) {
			existing.ttlMs = Math.max(existing.ttlMs, ttlMs);
			return { snapshot: await existing.read, fromCache: true };
		}

		const entry = { ttlMs } as Entry;
		entry.read = load().then(
			(flags) => {
				entry.fetchedAt = this.clock();
				return { flags, fetchedAt: entry.fetchedAt };
			},
			(error: unknown) => {
				if (this.entries.get(key) === entry) this.entries.delete(key);
				throw error;
			},
		);
		this.entries.set(key, entry);
		return { snapshot: await entry.read, fromCache: false };
	}

	clear(): void {
		this.entries.clear();
	}

	get size(): number {
		return this.entries.size;
	}

	private sweep(): void {
		const now = this.clock();
		for (const key of this.entries.keys()) {
			const entry = this.entries.get(key);
			if (entry?.fetchedAt !== undefined && now - entry.fetchedAt >= entry.ttlMs) this.entries.delete(key);
		}
	}
}

export const flagCache = new FlagCache();
