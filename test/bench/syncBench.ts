/**
 * Sync at table scale: today's plan (read the whole table, then upsert what differs) against
 * `table.sync` (read only the input's keys), on the same data in the same run.
 */
import type { Options } from './bench';
import { baseId, benchBase, paceOfCeiling, pct, round, runChild, say, seedRecords } from './common';
import { emulator, observe } from './emulator';
import type { Job, SyncImpl, WorkerResult } from './worker';

export interface SyncCase {
	name: string;
	tableSize: number;
	/** Input rows: records 0, stride, 2·stride, … of the table. */
	inputCount: number;
	stride: number;
	/** The first `changed` input rows carry a new Value. */
	changed: number;
}

export interface SyncRow {
	case: string;
	plan: string;
	completed: boolean;
	note?: string;
	wallS: number;
	reads: number;
	writes: number;
	rateLimited: number;
	/** (requests − 5) / 5 s ÷ the span of the requests' arrivals; never above 1. */
	paceOfCeiling: number;
	peakHeapMiB: number;
	readPlan?: string;
}

const PLAN_NAMES: Record<SyncImpl, string> = {
	before: 'before: whole table, then upsert',
	after: '`table.sync` (Skip Unchanged)',
};

export function syncCases(quick: boolean): SyncCase[] {
	const big = quick ? 5000 : 50_000;
	const n = quick ? 300 : 3000;
	return [
		{ name: `50 changed items into ${big.toLocaleString('en-US')} records`, tableSize: big, inputCount: 50, stride: big / 50, changed: 50 },
		{ name: `${n.toLocaleString('en-US')} unchanged items into ${n.toLocaleString('en-US')} records`, tableSize: n, inputCount: n, stride: 1, changed: 0 },
		{ name: `${n.toLocaleString('en-US')} items, ${n / 100} changed, ${n.toLocaleString('en-US')} records`, tableSize: n, inputCount: n, stride: 1, changed: n / 100 },
	];
}

async function syncVariant(c: SyncCase, impl: SyncImpl, options: Options): Promise<SyncRow> {
	const id = baseId(1);
	const emu = await emulator([benchBase(id, seedRecords(c.tableSize))], options.rtt);
	try {
		const cap = 600_000;
		const job: Job = { kind: 'sync', impl, url: emu.url, baseId: id, inputCount: c.inputCount, stride: c.stride, changed: c.changed };
		const outcome = await runChild<WorkerResult>(job, cap, ['--expose-gc']);
		const seen = observe(emu, [id]);
		const completed = !outcome.timedOut && outcome.result?.ok === true;
		const landed = seen.writeRecords === c.changed && seen.rows === c.tableSize && seen.distinctKeys === c.tableSize;
		const note = outcome.timedOut
			? `stopped at the ${cap / 1000} s cap`
			: !completed
				? `failed: ${outcome.result?.error ?? outcome.stderr.slice(-300)}`
				: !landed
					? `wrote ${seen.writeRecords} records for ${c.changed} changed; ${seen.rows} rows, ${seen.distinctKeys} keys`
					: undefined;
		const row: SyncRow = {
			case: c.name,
			plan: PLAN_NAMES[impl],
			completed: completed && landed,
			...(note ? { note } : {}),
			wallS: round((completed ? (outcome.result?.wallMs ?? cap) : cap) / 1000),
			reads: seen.reads,
			writes: seen.writes,
			rateLimited: seen.rateLimited,
			paceOfCeiling: round(paceOfCeiling(seen.reads + seen.writes, seen.arrivalSpanMs), 4),
			peakHeapMiB: round(outcome.result?.peakHeapMiB ?? NaN, 1),
			...(outcome.result?.readPlan ? { readPlan: outcome.result.readPlan } : {}),
		};
		say(
			`  ${row.case}, ${row.plan}: ${row.wallS} s, ${row.reads} reads + ${row.writes} writes, ${row.rateLimited} × 429, ` +
				`pace ${pct(row.paceOfCeiling)}, peak heap +${row.peakHeapMiB} MiB${row.readPlan ? `, plan ${row.readPlan}` : ''}${note ? ` — ${note}` : ''}`,
		);
		return row;
	} finally {
		await emu.close();
	}
}

export async function syncBench(options: Options): Promise<{ how: string; rows: SyncRow[] }> {
	say('Sync at table scale: before (whole table read) vs table.sync (key reads), Skip Unchanged, merge on Key');
	const rows: SyncRow[] = [];
	for (const c of syncCases(options.quick)) {
		for (const impl of ['before', 'after'] as SyncImpl[]) rows.push(await syncVariant(c, impl, options));
	}
	return {
		how:
			'AirtableClient in its own Node process; "before" replays the plan the Batch Upsert node used until now ' +
			'(list the whole table with the compared fields, compare, upsert what differs); heap = peak above a post-GC baseline',
		rows,
	};
}
