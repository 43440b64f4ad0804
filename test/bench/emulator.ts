/** Starting the in-process emulator for a bench variant, and reading what really happened. */
import { startEmulator, type EmulatorOptions, type RunningEmulator, type SeedBase } from '../../emulator';
import { MERGE_FIELD, TABLE, tokenConfig } from './common';

export interface Rtt {
	/** Added to every API request (after the limiter admitted it), like network + Airtable time. */
	latencyMs: number;
	latencyJitterMs: number;
}

export async function emulator(seed: SeedBase[], rtt: Rtt, extra: EmulatorOptions = {}): Promise<RunningEmulator> {
	return await startEmulator({
		tokens: [tokenConfig()],
		seed,
		// Airtable's real limits (the emulator's defaults, spelled out).
		limits: { enabled: true, perBase: { requests: 5, perMs: 1000 }, perToken: { requests: 50, perMs: 1000 }, lockoutMs: 30_000 },
		faults: { latencyMs: rtt.latencyMs, latencyJitterMs: rtt.latencyJitterMs },
		logLimit: 1_000_000,
		...extra,
	});
}

export interface Observed {
	requests: number;
	ok: number;
	rateLimited: number;
	writeRequests: number;
	/** Records written by successful write requests (creates + updates). */
	writeRecords: number;
	/** Records in the table now, and how many distinct merge keys they carry. */
	rows: number;
	distinctKeys: number;
	/** Time from the first to the last API request the emulator saw (ms). */
	spanMs: number;
	/** Time between the first and the last arrival of a request to these bases (ms; the simulated round trip is added after arrival). */
	arrivalSpanMs: number;
	/** Requests to these bases, by kind. */
	reads: number;
	writes: number;
	byStatus: Record<string, number>;
}

export function observe(emu: RunningEmulator, baseIds: string[]): Observed {
	const m = emu.state.metrics.snapshot();
	let rows = 0;
	let distinctKeys = 0;
	for (const id of baseIds) {
		const base = emu.state.bases.get(id);
		const table = base?.tables.find((t) => t.name === TABLE);
		if (!base || !table) continue;
		const keyField = table.fields.find((f) => f.name === MERGE_FIELD);
		const keys = new Set<unknown>();
		for (const record of table.records.values()) {
			rows++;
			keys.add(keyField ? record.cells[keyField.id] : record.id);
		}
		distinctKeys += keys.size;
	}
	const api = m.log.filter((e) => !e.endpoint.startsWith('admin'));
	const toBases = api.filter((e) => e.baseId !== undefined && baseIds.includes(e.baseId));
	const arrivals = toBases.map((e) => e.timeMs - e.durationMs);
	const arrivalSpanMs = arrivals.length ? arrivals.reduce((a, b) => Math.max(a, b)) - arrivals.reduce((a, b) => Math.min(a, b)) : 0;
	const spanMs = api.length ? api[api.length - 1].timeMs - api[0].timeMs : 0;
	const ok = Object.entries(m.requests.byStatus)
		.filter(([status]) => status.startsWith('2'))
		.reduce((sum, [, n]) => sum + n, 0);
	return {
		requests: m.requests.total,
		ok,
		rateLimited: m.rateLimited,
		writeRequests: m.writes.requests,
		writeRecords: m.writes.records,
		rows,
		distinctKeys,
		spanMs,
		arrivalSpanMs,
		reads: toBases.filter((e) => !e.write).length,
		writes: toBases.filter((e) => e.write).length,
		byStatus: m.requests.byStatus,
	};
}
