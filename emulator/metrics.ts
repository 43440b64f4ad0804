/** One answered (or dropped) API request, as the admin API reports it. */
export interface LogEntry {
	seq: number;
	time: string;
	timeMs: number;
	method: string;
	path: string;
	endpoint: string;
	baseId?: string;
	/** 0 when the connection was dropped without an answer. */
	status: number;
	/** Records read or written by the request. */
	records: number;
	write: boolean;
	durationMs: number;
	fault?: string;
}

export interface MetricsSnapshot {
	requests: {
		total: number;
		byBase: Record<string, number>;
		byStatus: Record<string, number>;
		byEndpoint: Record<string, number>;
	};
	rateLimited: number;
	billingLimited: number;
	writes: { requests: number; records: number };
	faults: number;
	log: LogEntry[];
}

/** Counters and a bounded request log, so tests and benchmarks assert on what was really sent. */
export class Metrics {
	private seq = 0;
	private snapshotData: Omit<MetricsSnapshot, 'log'> = Metrics.empty();
	private log: LogEntry[] = [];

	constructor(private readonly logLimit: number) {}

	private static empty(): Omit<MetricsSnapshot, 'log'> {
		return {
			requests: { total: 0, byBase: {}, byStatus: {}, byEndpoint: {} },
			rateLimited: 0,
			billingLimited: 0,
			writes: { requests: 0, records: 0 },
			faults: 0,
		};
	}

	record(entry: Omit<LogEntry, 'seq'>, errorType?: string): LogEntry {
		const full: LogEntry = { seq: ++this.seq, ...entry };
		const m = this.snapshotData;
		m.requests.total++;
		if (entry.baseId) m.requests.byBase[entry.baseId] = (m.requests.byBase[entry.baseId] ?? 0) + 1;
		const status = String(entry.status);
		m.requests.byStatus[status] = (m.requests.byStatus[status] ?? 0) + 1;
		m.requests.byEndpoint[entry.endpoint] = (m.requests.byEndpoint[entry.endpoint] ?? 0) + 1;
		if (errorType === 'RATE_LIMIT_REACHED') m.rateLimited++;
		if (errorType === 'PUBLIC_API_BILLING_LIMIT_EXCEEDED') m.billingLimited++;
		if (entry.fault) m.faults++;
		if (entry.write && entry.status >= 200 && entry.status < 300) {
			m.writes.requests++;
			m.writes.records += entry.records;
		}
		this.log.push(full);
		if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
		return full;
	}

	/** `since` filters the log by time (epoch ms); `sinceSeq` by sequence number. */
	snapshot(filter: { since?: number; sinceSeq?: number } = {}): MetricsSnapshot {
		const log = this.log.filter((e) => (filter.since === undefined || e.timeMs >= filter.since) && (filter.sinceSeq === undefined || e.seq > filter.sinceSeq));
		return { ...structuredClone(this.snapshotData), log };
	}

	reset(): void {
		this.snapshotData = Metrics.empty();
		this.log = [];
	}
}
