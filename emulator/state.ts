/**
 * The running emulator's state: bases, tokens, list iterators, limits, faults and the services
 * (webhooks, OAuth) it commits changes to. Its handlers receive it.
 */
import { Clock } from './clock';
import { Faults } from './faults';
import { RateLimiter } from './limits';
import { Metrics } from './metrics';
import type { BaseData } from './model';
import type { Actor, ChangeSet, Transaction } from './mutations';
import { Transaction as Tx } from './mutations';
import { resolveOptions, type EmulatorOptions, type ResolvedOptions, type TokenConfig } from './options';
import { demoSeed, DEMO_BASE_ID, DEMO_TOKEN, DEMO_USER, OTHER_BASE_ID, OTHER_TOKEN, READONLY_TOKEN } from './seed/demo';
import { exportBase } from './seed/export';
import { materializeBase } from './seed/materialize';
import type { SeedBase } from './seed/types';
import { WebhookService } from './webhooks/service';
import { OAuthService } from './oauth';
import type { ChangeListener, EmulatorWorld } from './world';

/** A list-records offset: the ordered record ids of the first page's query, and where we are. */
export interface ListIterator {
	id: string;
	baseId: string;
	tableId: string;
	recordIds: string[];
	position: number;
	lastUsed: number;
}


export function defaultTokens(): TokenConfig[] {
	return [
		{ token: DEMO_TOKEN, userId: DEMO_USER.id, email: DEMO_USER.email, name: DEMO_USER.name, kind: 'pat', bases: [DEMO_BASE_ID] },
		{
			token: READONLY_TOKEN,
			userId: DEMO_USER.id,
			email: DEMO_USER.email,
			name: DEMO_USER.name,
			kind: 'pat',
			scopes: ['data.records:read', 'schema.bases:read'],
			bases: [DEMO_BASE_ID],
		},
		{ token: OTHER_TOKEN, userId: 'usrOtherUser00001', email: 'other@example.com', name: 'Other User', kind: 'pat', bases: [OTHER_BASE_ID] },
	];
}

/** Everything the emulator holds in memory; handlers receive it. */
export class EmulatorApp implements EmulatorWorld {
	readonly clock = new Clock();
	readonly options: ResolvedOptions;
	readonly bases = new Map<string, BaseData>();
	readonly tokens = new Map<string, TokenConfig>();
	readonly iterators = new Map<string, ListIterator>();
	readonly metrics: Metrics;
	readonly limiter: RateLimiter;
	readonly faults: Faults;
	readonly webhooks: WebhookService;
	readonly oauth: OAuthService;
	private readonly listeners: ChangeListener[] = [];

	constructor(options: EmulatorOptions) {
		this.options = resolveOptions(options, defaultTokens(), DEMO_USER);
		this.metrics = new Metrics(this.options.logLimit);
		this.limiter = new RateLimiter({ ...this.options.limits });
		this.faults = new Faults(this.options.faults);
		for (const token of this.options.tokens) this.tokens.set(token.token, { ...token });
		this.loadSeed(this.options.seed);
		this.webhooks = new WebhookService(this);
		this.addListener(this.webhooks);
		this.oauth = new OAuthService(this);
	}

	addListener(listener: ChangeListener): void {
		this.listeners.push(listener);
	}

	/** Replaces all bases with the seed ('demo' = built-in demo bases). */
	loadSeed(seed: 'demo' | SeedBase[]): void {
		this.bases.clear();
		this.iterators.clear();
		for (const seedBase of seed === 'demo' ? demoSeed() : seed) this.putBase(seedBase);
	}

	putBase(seed: SeedBase): BaseData {
		const base = materializeBase(structuredClone(seed), this.clock.now());
		this.bases.set(base.id, base);
		return base;
	}

	/** Back to a fresh start: seed, no webhooks/offsets/OAuth grants, zero counters, real time. */
	reset(seed: 'demo' | SeedBase[]): void {
		for (const id of [...this.webhooks.hooks.keys()]) this.webhooks.remove(id);
		this.webhooks.pings.sent.length = 0;
		this.loadSeed(seed);
		this.metrics.reset();
		this.limiter.clear();
		this.faults.clear();
		this.clock.reset();
		this.tokens.clear();
		for (const token of this.options.tokens) this.tokens.set(token.token, { ...token });
	}

	exportBases(): SeedBase[] {
		return [...this.bases.values()].map(exportBase);
	}

	transaction(base: BaseData, actor: Actor): Transaction {
		return new Tx(base, this.clock.now(), actor);
	}

	/** Ends a transaction: numbers it and hands it to the webhook engine. */
	commit(tx: Transaction): ChangeSet | null {
		const change = tx.finish();
		if (change) for (const listener of this.listeners) listener.onChange(change);
		return change;
	}
}
