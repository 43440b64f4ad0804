/**
 * The Airtable client the nodes use: bases, tables, schema and webhooks behind the shared,
 * throttled request runner.
 */

import { checkClientOptions } from './checkOptions';
import { systemClock, type Clock } from './clock';
import { AirtableInputError } from './errors';
import { cachedIdentity } from './identity';
import { createFetchExecutor } from './transport/http';
import { metricsText } from './observability/metrics';
import { TableHandle } from './records/records';
import { RequestRunner } from './transport/request';
import { REPLAY_FAST_LIMITS, simulatedExecutor } from './simulation/simulation';
import { BaseSchema, cachedSchema } from './schema/schema';
import { SchemaWriter, type FieldSpec, type FieldUpdate, type TableSpec } from './schema/schemaWrites';
import { hashIdentity, resolveLimits, Throttle } from './transport/throttle';
import type { AirtableClientOptions, ClientStats } from './options';
import type { BaseInfo, FieldSchema, TableSchema, WhoAmI } from './schema/types';
import type { HttpExecutor } from './transport/types';
import { WebhooksHandle } from './webhooks/webhooks';

const DEFAULT_SCHEMA_TTL_MS = 60_000;

/** Shared by every client without token or identity (custom executors that did not say whose). */
const ANONYMOUS_IDENTITY = 'anonymous';

/** One base: its tables, its schema, its webhooks. */
export class BaseHandle {
	readonly webhooks: WebhooksHandle;

	constructor(
		private readonly runner: RequestRunner,
		readonly id: string,
		private readonly schemaCacheKey: string,
		private readonly schemaTtlMs: number,
		private readonly clock: Clock,
	) {
		this.webhooks = new WebhooksHandle(runner, id);
	}

	table(idOrName: string): TableHandle {
		return new TableHandle(this.runner, this.id, idOrName);
	}

	/** The base's tables and fields, cached process-wide for schemaTtlMs unless `refresh`. */
	async schema(options: { refresh?: boolean } = {}): Promise<BaseSchema> {
		const cache = { key: this.schemaCacheKey, ttlMs: this.schemaTtlMs, clock: this.clock };
		return await cachedSchema(cache, options.refresh === true, async () => {
			const response = await this.runner.call<{ tables?: TableSchema[] } | undefined>({
				method: 'GET',
				path: `/v0/meta/bases/${encodeURIComponent(this.id)}/tables`,
				operation: 'meta.schema',
				baseId: this.id,
				safety: 'repeatable',
			});
			return new BaseSchema(this.id, Array.isArray(response?.tables) ? response.tables : []);
		});
	}

	/** Schema writes (scope schema.bases:write); each revises the cached schema. */
	private get schemaWriter(): SchemaWriter {
		return new SchemaWriter(this.runner, this.id, { key: this.schemaCacheKey, ttlMs: this.schemaTtlMs, clock: this.clock });
	}

	async createTable(spec: TableSpec): Promise<TableSchema> {
		return await this.schemaWriter.createTable(spec);
	}

	async createField(table: string, spec: FieldSpec): Promise<FieldSchema> {
		return await this.schemaWriter.createField(table, spec);
	}

	async updateField(table: string, fieldId: string, update: FieldUpdate): Promise<FieldSchema> {
		return await this.schemaWriter.updateField(table, fieldId, update);
	}
}

/**
 * The throttled Airtable client. Every instance shares the process-wide limiters, so any
 * number of clients (nodes, executions, workflows) together stay under Airtable's limits.
 * The token is only held inside the default executor, never on the client itself.
 */
export class AirtableClient {
	private readonly runner: RequestRunner;
	private readonly identityHash: string;
	private readonly schemaTtlMs: number;
	private readonly clock: Clock;

	constructor(options: AirtableClientOptions) {
		checkClientOptions(options);
		const { token, executor, simulation } = options;
		const replaying = simulation?.mode === 'replay';
		if (!executor && !token && !replaying) {
			throw new AirtableInputError('AirtableClient needs a token (or an executor that authenticates)');
		}
		const limits = resolveLimits(replaying && simulation.speed !== 'recorded' ? { ...options.limits, ...REPLAY_FAST_LIMITS } : options.limits);
		this.clock = options.clock ?? systemClock;
		this.schemaTtlMs = options.schemaTtlMs ?? DEFAULT_SCHEMA_TTL_MS;
		const network: HttpExecutor | undefined =
			executor ??
			(token ? createFetchExecutor({ token, baseUrl: options.baseUrl, timeoutMs: limits.requestTimeoutMs }) : undefined);
		const transport = simulation
			? simulatedExecutor(network, simulation, { secrets: [token, options.identity], clock: this.clock })
			: (network as HttpExecutor);
		this.identityHash = hashIdentity(options.identity ?? token ?? ANONYMOUS_IDENTITY);
		const secrets = [token, options.identity].filter((value): value is string => !!value && value.length >= 8);
		const redact = (text: string) => secrets.reduce((clean, secret) => clean.split(secret).join('[redacted]'), text);
		const throttle = new Throttle(this.identityHash, limits, this.clock, options.sharedLimits);
		this.runner = new RequestRunner(transport, throttle, limits, this.clock, redact, options.logger);
	}

	/**
	 * The same client (limiters, breakers, stats) with another time budget for each call made
	 * through it, e.g. `client.withTimeBudget(10_000).base(id).table(t).get(recordId)`.
	 */
	withTimeBudget(budgetMs: number): AirtableClient {
		if (!(budgetMs > 0)) throw new AirtableInputError('The time budget must be a positive number of ms');
		const view = Object.create(AirtableClient.prototype) as AirtableClient;
		return Object.assign(view, this, { runner: this.runner.withBudget(budgetMs) });
	}

	base(baseId: string): BaseHandle {
		if (typeof baseId !== 'string' || !baseId) throw new AirtableInputError('A base id (app…) is required');
		return new BaseHandle(this.runner, baseId, `${this.identityHash}:${baseId}`, this.schemaTtlMs, this.clock);
	}
	/** Every base the token can see (all pages). */
	async bases(): Promise<BaseInfo[]> {
		const all: BaseInfo[] = [];
		let offset: string | undefined;
		do {
			const page = await this.basesPage(offset);
			all.push(...page.bases);
			offset = page.offset;
		} while (offset);
		return all;
	}

	/** One page of bases (up to 1000), for paged pickers. */
	async basesPage(offset?: string): Promise<{ bases: BaseInfo[]; offset?: string }> {
		const response = await this.runner.call<{ bases?: BaseInfo[]; offset?: string } | undefined>({
			method: 'GET',
			path: `/v0/meta/bases${offset ? `?offset=${encodeURIComponent(offset)}` : ''}`,
			operation: 'meta.bases',
			safety: 'repeatable',
		});
		const bases = Array.isArray(response?.bases) ? response.bases : [];
		return response?.offset ? { bases, offset: response.offset } : { bases };
	}

	async whoami(): Promise<WhoAmI> {
		return await this.runner.call<WhoAmI>({
			method: 'GET',
			path: '/v0/meta/whoami',
			operation: 'meta.whoami',
			safety: 'repeatable',
		});
	}

	/**
	 * whoami, cached process-wide per credential for ten minutes (identity.ts): the user behind
	 * a token or OAuth connection does not change, and a trigger asks on every drain.
	 */
	async identity(): Promise<WhoAmI> {
		return await cachedIdentity(this.identityHash, this.clock, async () => await this.whoami());
	}

	/** Counters of this client instance and the breaker state of every base it called (a snapshot). */
	stats(): ClientStats {
		return { ...this.runner.stats, breakers: this.runner.breakerStates() };
	}

	/**
	 * Prometheus text of the process's Airtable metrics: like the limiters, they are shared by
	 * every client in the process.
	 */
	metrics(): string {
		return metricsText();
	}

	/** Limiters hold circular internals; logging a client shows what matters. */
	toJSON(): { stats: ClientStats } {
		return { stats: this.stats() };
	}
}
