/**
 * A minimal Prometheus registry: counters, gauges and histograms with fixed label names,
 * rendered in the text exposition format (version 0.0.4). No dependency, so the client stays
 * usable on its own; inside n8n the same updates are mirrored into n8n's prom-client
 * (nodes/shared/runtime/n8nMetrics.ts) through `onUpdate`.
 */

import { processState, type Registry } from '../state';

export type MetricType = 'counter' | 'gauge' | 'histogram';
export type Labels = Readonly<Record<string, string>>;

export interface MetricSpec {
	name: string;
	help: string;
	type: MetricType;
	labelNames: readonly string[];
	/** Upper bounds (seconds) of a histogram's buckets, ascending; +Inf is implicit. */
	buckets?: readonly number[];
}

/** One change, as a mirror needs it to apply the same change elsewhere. */
export interface MetricUpdate {
	spec: MetricSpec;
	labels: Labels;
	/** inc: add to a counter; set: gauge value; observe: one histogram sample. */
	kind: 'inc' | 'set' | 'observe';
	value: number;
}

interface Series {
	labels: Labels;
	value: number;
	/** Histograms only: samples per bucket (not cumulative), sum and count. */
	bucketCounts?: number[];
	sum?: number;
	count?: number;
}

/**
 * A family's series live in the process state (state.ts), never evicted: a counter that
 * vanished would restart from zero. Their number is bounded by the label caps of metrics.ts.
 */
const SERIES_PER_FAMILY = 100_000;

class Family {
	readonly series: Registry<Series>;

	constructor(readonly spec: MetricSpec) {
		this.series = processState.registry<Series>(`metrics.${spec.name}`, {
			maxEntries: SERIES_PER_FAMILY,
			idleMs: Number.POSITIVE_INFINITY,
			canEvict: () => false,
		});
	}

	seriesFor(labels: Labels): Series {
		const key = this.spec.labelNames.map((name) => labels[name] ?? '').join('\u0000');
		return this.series.getOrCreate(key, () =>
			this.spec.type === 'histogram'
				? { labels, value: 0, bucketCounts: (this.spec.buckets ?? []).map(() => 0), sum: 0, count: 0 }
				: { labels, value: 0 },
		);
	}

	all(): Series[] {
		return this.series.keys().map((key) => this.series.get(key) as Series);
	}
}

export class MetricsRegistry {
	private readonly families = new Map<string, Family>();
	private readonly listeners = new Set<(update: MetricUpdate) => void>();

	register(spec: MetricSpec): MetricSpec {
		if (!this.families.has(spec.name)) this.families.set(spec.name, new Family(spec));
		return spec;
	}

	inc(spec: MetricSpec, labels: Labels, by = 1): void {
		this.family(spec, 'counter').seriesFor(labels).value += by;
		this.emit({ spec, labels, kind: 'inc', value: by });
	}

	set(spec: MetricSpec, labels: Labels, value: number): void {
		this.family(spec, 'gauge').seriesFor(labels).value = value;
		this.emit({ spec, labels, kind: 'set', value });
	}

	observe(spec: MetricSpec, labels: Labels, value: number): void {
		const series = this.family(spec, 'histogram').seriesFor(labels);
		const bucket = (spec.buckets ?? []).findIndex((bound) => value <= bound);
		if (bucket >= 0) (series.bucketCounts as number[])[bucket]++;
		series.sum = (series.sum ?? 0) + value;
		series.count = (series.count ?? 0) + 1;
		this.emit({ spec, labels, kind: 'observe', value });
	}

	/** Subscribes to every later change; returns the unsubscribe function. */
	onUpdate(listener: (update: MetricUpdate) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Forgets every value (families and listeners stay). For tests. */
	reset(): void {
		for (const family of this.families.values()) family.series.clear();
	}

	/** The Prometheus text exposition of every family. */
	text(): string {
		const lines: string[] = [];
		for (const family of this.families.values()) {
			const { name, help, type } = family.spec;
			lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
			for (const series of family.all()) {
				if (type === 'histogram') lines.push(...histogramLines(family.spec, series));
				else lines.push(`${name}${renderLabels(series.labels)} ${formatNumber(series.value)}`);
			}
		}
		return lines.length ? `${lines.join('\n')}\n` : '';
	}

	private family(spec: MetricSpec, type: MetricType): Family {
		const family = this.families.get(spec.name) ?? this.families.get(this.register(spec).name);
		if (!family || family.spec.type !== type) throw new Error(`Metric ${spec.name} is not a ${type}`);
		return family;
	}

	private emit(update: MetricUpdate): void {
		for (const listener of this.listeners) listener(update);
	}
}

function histogramLines(spec: MetricSpec, series: Series): string[] {
	const lines: string[] = [];
	let cumulative = 0;
	(spec.buckets ?? []).forEach((bound, index) => {
		cumulative += (series.bucketCounts as number[])[index];
		lines.push(`${spec.name}_bucket${renderLabels({ ...series.labels, le: formatNumber(bound) })} ${cumulative}`);
	});
	lines.push(`${spec.name}_bucket${renderLabels({ ...series.labels, le: '+Inf' })} ${series.count ?? 0}`);
	lines.push(`${spec.name}_sum${renderLabels(series.labels)} ${formatNumber(series.sum ?? 0)}`);
	lines.push(`${spec.name}_count${renderLabels(series.labels)} ${series.count ?? 0}`);
	return lines;
}

function renderLabels(labels: Labels): string {
	const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
	return pairs.length ? `{${pairs.join(',')}}` : '';
}

/** The exposition format escapes backslash, double quote and line feed in label values. */
function escapeLabelValue(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
	if (value === Infinity) return '+Inf';
	return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}
