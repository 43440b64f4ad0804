/**
 * Exposing the package's metrics on n8n's own /metrics, through the prom-client copy n8n loaded
 * (never a second copy).
 */

import { airtableMetrics } from '../../client/observability/metrics';
import type { MetricSpec, MetricUpdate } from '../../client/observability/metricsRegistry';
import type { ClientLogger } from '../../client/types';

/*
 * n8n serves `/metrics` (when its metrics are on) from prom-client's default registry — the
 * `register` of the prom-client copy n8n itself loaded (n8n/dist/metrics/prometheus/
 * prometheus.service.js: `promClient.register.metrics()`). A community package lives in
 * ~/.n8n/nodes/node_modules, where `require('prom-client')` finds no copy, and bundling our own
 * would fill a registry nobody scrapes. So we use n8n's copy, and only once n8n has loaded it:
 * we look for `prom-client` along the module paths of n8n's entry script (`require.main`) in
 * the module cache — never loading a second copy, never touching n8n's metrics, never reading
 * a file. Whether the endpoint is on is read from that registry, not the environment (n8n
 * Cloud's rule for verified nodes): n8n fills it only when its metrics are on. If the copy
 * cannot be found unambiguously, nothing is registered and the log says so once;
 * `client.metrics()` still has everything.
 */

interface PromMetric {
	inc(labels: Record<string, string>, value: number): void;
	set(labels: Record<string, string>, value: number): void;
	observe(labels: Record<string, string>, value: number): void;
}

interface PromMetricConfig {
	name: string;
	help: string;
	labelNames: readonly string[];
	buckets?: readonly number[];
}

/** The few parts of prom-client we use (its API since v11). */
export interface PromClient {
	register: {
		getSingleMetric(name: string): unknown;
		removeSingleMetric(name: string): void;
		getMetricsAsArray(): unknown[];
	};
	Counter: new (config: PromMetricConfig) => PromMetric;
	Gauge: new (config: PromMetricConfig) => PromMetric;
	Histogram: new (config: PromMetricConfig) => PromMetric;
}

const PROM_CLIENT_ENTRY = /[\\/]node_modules[\\/]prom-client[\\/]index\.js$/;

function isPromClient(candidate: unknown): candidate is PromClient {
	const module = candidate as Partial<PromClient> | undefined;
	return (
		typeof module?.Counter === 'function' &&
		typeof module.Gauge === 'function' &&
		typeof module.Histogram === 'function' &&
		typeof module.register?.getSingleMetric === 'function' &&
		typeof module.register.getMetricsAsArray === 'function'
	);
}

/** The prom-client instance n8n loaded, or undefined (not loaded yet, or not unambiguous). */
export function findN8nPromClient(
	moduleCache: NodeJS.Dict<NodeModule> = require.cache,
	mainPaths: readonly string[] = require.main?.paths ?? [],
): PromClient | undefined {
	// Where n8n's own `require('prom-client')` looks first, in Node's order (its node_modules folders upwards).
	for (const folder of mainPaths) {
		const separator = folder.includes('\\') ? '\\' : '/';
		const exported = moduleCache[`${folder}${separator}prom-client${separator}index.js`]?.exports as unknown;
		if (isPromClient(exported)) return exported;
	}
	const loaded = Object.keys(moduleCache)
		.filter((path) => PROM_CLIENT_ENTRY.test(path))
		.map((path) => moduleCache[path]?.exports as unknown)
		.filter(isPromClient);
	// Two copies loaded: we cannot tell which one n8n serves, so we use neither.
	return loaded.length === 1 ? loaded[0] : undefined;
}

let mirrored: { client: PromClient; unsubscribe: () => void } | undefined;
let reportedMissing = false;

/**
 * Mirrors every later update of the package's metrics into prom-client's default registry,
 * so they appear on n8n's `/metrics`. Idempotent. Re-registers our families if an earlier
 * load of this package left them behind (n8n reloading a package without a restart).
 */
export function mirrorMetricsInto(client: PromClient): void {
	if (mirrored?.client === client) return;
	mirrored?.unsubscribe();
	const metrics = new Map<string, PromMetric>();
	const metricFor = (spec: MetricSpec): PromMetric => {
		let metric = metrics.get(spec.name);
		if (!metric) {
			if (client.register.getSingleMetric(spec.name)) client.register.removeSingleMetric(spec.name);
			const config: PromMetricConfig = { name: spec.name, help: spec.help, labelNames: spec.labelNames };
			if (spec.type === 'histogram') metric = new client.Histogram({ ...config, buckets: spec.buckets });
			else metric = spec.type === 'counter' ? new client.Counter(config) : new client.Gauge(config);
			metrics.set(spec.name, metric);
		}
		return metric;
	};
	const apply = (update: MetricUpdate) => {
		const metric = metricFor(update.spec);
		const labels = { ...update.labels };
		if (update.kind === 'inc') metric.inc(labels, update.value);
		else if (update.kind === 'set') metric.set(labels, update.value);
		else metric.observe(labels, update.value);
	};
	mirrored = { client, unsubscribe: airtableMetrics.onUpdate(apply) };
}

/**
 * Called by the client factory before any request: when n8n's metrics endpoint is on (its
 * registry holds n8n's metrics), the package's metrics go to it. Cheap after the first success.
 */
export function exposeMetricsToN8n(logger: ClientLogger, find: () => PromClient | undefined = findN8nPromClient): void {
	if (mirrored) return;
	const client = find();
	if (client) {
		// An empty registry: n8n's metrics are off (or not set up yet); look again next time.
		if (client.register.getMetricsAsArray().length === 0) return;
		mirrorMetricsInto(client);
		logger.info?.('Airtable metrics (airtable_*) are registered on n8n\'s /metrics');
	} else if (!reportedMissing) {
		reportedMissing = true;
		logger.info?.(
			"Airtable metrics: n8n's prom-client could not be found unambiguously, so airtable_* metrics are not on n8n's /metrics (they stay available through the client's metrics())",
		);
	}
}

/** For tests: stop mirroring and forget the warning. */
export function resetN8nMetrics(): void {
	mirrored?.unsubscribe();
	mirrored = undefined;
	reportedMissing = false;
}
