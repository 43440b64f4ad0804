/**
 * The one home of process-wide state: named, bounded registries for everything that outlives a
 * client or an execution.
 */

import { systemClock, type Clock } from './clock';

/**
 * The one home of process-wide state: everything that must outlive a single client or node
 * execution (rate limiters, 429 holds, circuit breakers, cached schemas, the Config Flags
 * cache, the trigger's locks and cursors) lives in a named registry here, never in a
 * module-level Map of its own.
 *
 * Why registries and not plain Maps: n8n runs for months, and keys come from user data
 * (base ids, token hashes, rotated OAuth tokens). Every registry is bounded (`maxEntries`,
 * least recently used goes first) and forgets entries nobody touched for `idleMs`, except
 * entries its `canEvict` says are still in use (a limiter with requests in flight).
 *
 * Usage:
 *
 *     const locks = processState.registry<Lock>('trigger.locks', { maxEntries: 10_000, idleMs: 3_600_000 });
 *     const lock = locks.getOrCreate(webhookId, () => new Lock());
 *
 * A registry is created on the first call with its name; later calls with the same name get
 * the same registry (the first call's options apply). Keys are strings; never put a token or
 * secret in one (hash it). `resetProcessStateForTests()` empties everything; it is not part
 * of the package's public entry.
 */

export interface RegistryOptions<V> {
	/** Upper bound on entries; the least recently used evictable entry leaves first. */
	maxEntries: number;
	/** Entries not read or written for this long are forgotten (checked on access). */
	idleMs: number;
	/** False keeps an entry however idle or old it is (e.g. it has waiters). Default: always evictable. */
	canEvict?: (value: V) => boolean;
	/** Time source for idleness; default the system clock. */
	clock?: Clock;
}

export interface Registry<V> {
	get(key: string): V | undefined;
	set(key: string, value: V): void;
	getOrCreate(key: string, create: () => V): V;
	delete(key: string): boolean;
	keys(): string[];
	readonly size: number;
	clear(): void;
}

interface Slot<V> {
	value: V;
	touchedAt: number;
}

class BoundedRegistry<V> implements Registry<V> {
	/** Map iteration order is insertion order; touching re-inserts, so the first entry is the least recent. */
	private readonly entries = new Map<string, Slot<V>>();
	private readonly clock: Clock;
	private readonly canEvict: (value: V) => boolean;

	constructor(private readonly options: RegistryOptions<V>) {
		this.clock = options.clock ?? systemClock;
		this.canEvict = options.canEvict ?? (() => true);
	}

	get(key: string): V | undefined {
		this.sweep();
		const slot = this.entries.get(key);
		if (!slot) return undefined;
		this.touch(key, slot);
		return slot.value;
	}

	set(key: string, value: V): void {
		this.entries.delete(key);
		this.sweep(1);
		this.entries.set(key, { value, touchedAt: this.clock.now() });
	}

	getOrCreate(key: string, create: () => V): V {
		const existing = this.get(key);
		if (existing !== undefined) return existing;
		const value = create();
		this.set(key, value);
		return value;
	}

	delete(key: string): boolean {
		return this.entries.delete(key);
	}

	keys(): string[] {
		this.sweep();
		return [...this.entries.keys()];
	}

	get size(): number {
		return this.entries.size;
	}

	clear(): void {
		this.entries.clear();
	}

	private touch(key: string, slot: Slot<V>): void {
		slot.touchedAt = this.clock.now();
		this.entries.delete(key);
		this.entries.set(key, slot);
	}

	/** Drops idle entries, then the least recent ones while over the bound (keeping room for `adding`). Busy entries stay. */
	private sweep(adding = 0): void {
		const idleBefore = this.clock.now() - this.options.idleMs;
		let excess = this.entries.size + adding - this.options.maxEntries;
		for (const [key, slot] of this.entries) {
			const idle = slot.touchedAt <= idleBefore;
			if (!idle && excess <= 0) break;
			if (!this.canEvict(slot.value)) continue;
			this.entries.delete(key);
			excess--;
		}
	}
}

const registries = new Map<string, BoundedRegistry<unknown>>();

export const processState = {
	/** The registry called `name`, created with `options` on first use. */
	registry<V>(name: string, options: RegistryOptions<V>): Registry<V> {
		let registry = registries.get(name);
		if (!registry) {
			registry = new BoundedRegistry<V>(options) as BoundedRegistry<unknown>;
			registries.set(name, registry);
		}
		return registry as Registry<V>;
	},
};

/** Empties every registry (limiters, holds, breakers, caches). Tests only; not exported by index.ts. */
export function resetProcessStateForTests(): void {
	for (const registry of registries.values()) registry.clear();
}
