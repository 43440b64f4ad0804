/**
 * `npm run bench [-- --quick] [-- --only=write,read,sync,resync,multi,processes,trigger] [-- --rtt=200,100]`
 *
 * Every variant gets a fresh in-process emulator with Airtable's real limits (5 req/s per
 * base, 50 per token, 30 s lock-out) and runs in its own Node process. Results go to
 * test/bench/results/latest.json and latest.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { maxInAnyWindow } from '../redis/workers';
import { startRedis } from '../redis/redisServer';
import { baseId, benchBase, machine, paceOfCeiling, pct, round, runChild, say, seedRecords, startChild, type MachineInfo } from './common';
import { emulator, observe, type Rtt } from './emulator';
import { markdown } from './report';
import { resyncBench } from './resync';
import { syncBench } from './syncBench';
import { triggerBench } from './trigger';
import type { Job, ReadImpl, WorkerResult, WriteImpl } from './worker';

/** Every section, in the order of a full run (a full run writes latest.*, a subset quick.*.tmp). */
const SECTIONS = ['write', 'read', 'sync', 'resync', 'multi', 'processes', 'trigger'];

export interface Options {
	quick: boolean;
	only: Set<string>;
	rtt: Rtt;
}

function parseArgs(argv: string[]): Options {
	const quick = argv.includes('--quick');
	const onlyArg = argv.find((a) => a.startsWith('--only='));
	const rttArg = argv.find((a) => a.startsWith('--rtt='));
	const [latencyMs, latencyJitterMs] = (rttArg ? rttArg.slice(6) : '200,100').split(',').map(Number);
	return {
		quick,
		only: new Set(onlyArg ? onlyArg.slice(7).split(',') : SECTIONS),
		rtt: { latencyMs: latencyMs || 0, latencyJitterMs: latencyJitterMs || 0 },
	};
}

export interface WriteRow {
	op: 'create' | 'upsert';
	records: number;
	client: string;
	completed: boolean;
	note?: string;
	wallS: number;
	requests: number;
	rateLimited: number;
	/** Fastest span for these requests ((n − 5) / 5 s) ÷ the span of their arrivals; never above 1. */
	paceOfCeiling: number;
	rows: number;
	duplicates: number;
}

const CLIENT_NAMES: Record<WriteImpl, string> = {
	ours: 'n8n-nodes-airtable-sync client',
	'ajs-seq': 'airtable.js, sequential',
	'ajs-par': 'airtable.js, parallel (chunks of 10)',
};

async function writeVariant(op: 'create' | 'upsert', count: number, impl: WriteImpl, capMs: number, rtt: Rtt): Promise<WriteRow> {
	const id = baseId(1);
	// Upserts meet a table holding half of the keys already: half updates, half creates.
	const existing = op === 'upsert' ? Math.floor(count / 2) : 0;
	const emu = await emulator([benchBase(id, seedRecords(existing))], rtt);
	try {
		const job: Job = { kind: 'write', impl, op, url: emu.url, baseId: id, count, generation: 1 };
		const outcome = await runChild<WorkerResult>(job, capMs);
		const seen = observe(emu, [id]);
		const completed = !outcome.timedOut && outcome.result?.ok === true;
		const wallMs = completed ? (outcome.result?.wallMs ?? outcome.wallMs) : capMs;
		const note = outcome.timedOut
			? `stopped at the ${capMs / 1000} s cap with ${seen.writeRecords} of ${count} records written (${seen.ok} of ${Math.ceil(count / 10)} requests answered 2xx)`
			: outcome.result?.ok === false
				? `failed: ${outcome.result.error}`
				: undefined;
		const row: WriteRow = {
			op,
			records: count,
			client: CLIENT_NAMES[impl],
			completed,
			...(note ? { note } : {}),
			wallS: round(wallMs / 1000),
			requests: seen.requests,
			rateLimited: seen.rateLimited,
			paceOfCeiling: round(paceOfCeiling(seen.ok, seen.arrivalSpanMs), 4),
			rows: seen.rows,
			duplicates: seen.rows - seen.distinctKeys,
		};
		say(
			`  ${op} ${count} ${row.client}: ${row.wallS} s, ${row.requests} requests, ${row.rateLimited} × 429, ` +
				`pace ${pct(row.paceOfCeiling)} of the ceiling${note ? ` — ${note}` : ''}`,
		);
		return row;
	} finally {
		await emu.close();
	}
}

async function writeBench(options: Options): Promise<WriteRow[]> {
	say('Write: create / upsert, ours vs airtable.js');
	const sizes = options.quick ? [100] : [300, 3000];
	const rows: WriteRow[] = [];
	for (const count of sizes) {
		for (const op of ['create', 'upsert'] as const) {
			for (const impl of ['ours', 'ajs-seq', 'ajs-par'] as WriteImpl[]) {
				// Ours and sequential airtable.js finish; parallel airtable.js is capped (it meets the lock-out).
				const ideal = (count / 10 / 5) * 1000;
				const cap = impl === 'ajs-par' ? Math.max(options.quick ? 35_000 : 75_000, ideal * 1.25) : ideal * 4 + 120_000;
				rows.push(await writeVariant(op, count, impl, cap, options.rtt));
			}
		}
	}
	return rows;
}

export interface ReadRow {
	records: number;
	client: string;
	rtt: string;
	wallS: number;
	/** Fastest span for the pages at 5 per second, (pages − 5) / 5 s. */
	idealS: number;
	/** idealS ÷ the span of the page requests' arrivals (pages are sequential: each offset comes from the page before). */
	paceOfIdeal: number;
	requests: number;
	rateLimited: number;
	peakHeapMiB: number;
	completed: boolean;
	note?: string;
}

const READ_NAMES: Record<ReadImpl, string> = {
	'ours-stream': 'ours, `for await` (stream)',
	'ours-all': 'ours, `.all()`',
	'ajs-all': 'airtable.js, `.all()`',
	'ajs-eachPage': 'airtable.js, `eachPage`',
};

async function readVariant(count: number, impl: ReadImpl, rtt: Rtt, capMs: number): Promise<ReadRow> {
	const id = baseId(1);
	const emu = await emulator([benchBase(id, seedRecords(count))], rtt);
	try {
		const outcome = await runChild<WorkerResult>({ kind: 'read', impl, url: emu.url, baseId: id } satisfies Job, capMs, ['--expose-gc']);
		const seen = observe(emu, [id]);
		const completed = !outcome.timedOut && outcome.result?.ok === true && outcome.result.records === count;
		const wallMs = completed ? (outcome.result?.wallMs ?? capMs) : capMs;
		const pages = seen.reads;
		const idealMs = (Math.max(0, pages - 5) / 5) * 1000;
		const note = outcome.timedOut ? `stopped at the ${capMs / 1000} s cap` : !completed ? `failed: ${outcome.result?.error ?? outcome.stderr}` : undefined;
		const row: ReadRow = {
			records: count,
			client: READ_NAMES[impl],
			rtt: rtt.latencyMs || rtt.latencyJitterMs ? `${rtt.latencyMs}–${rtt.latencyMs + rtt.latencyJitterMs} ms` : 'none (localhost)',
			wallS: round(wallMs / 1000),
			idealS: round(idealMs / 1000),
			paceOfIdeal: round(paceOfCeiling(pages, seen.arrivalSpanMs), 4),
			requests: pages,
			rateLimited: seen.rateLimited,
			peakHeapMiB: round(outcome.result?.peakHeapMiB ?? NaN, 1),
			completed,
			...(note ? { note } : {}),
		};
		say(
			`  list ${count} ${row.client} (RTT ${row.rtt}): ${row.wallS} s vs ideal ${row.idealS} s (${pct(row.paceOfIdeal)}), ` +
				`${row.requests} requests, ${row.rateLimited} × 429, peak heap +${row.peakHeapMiB} MiB${note ? ` — ${note}` : ''}`,
		);
		return row;
	} finally {
		await emu.close();
	}
}

async function readBench(options: Options): Promise<ReadRow[]> {
	say('Read: list every record, ours vs airtable.js');
	const rows: ReadRow[] = [];
	const cap = options.quick ? 30_000 : 90_000;
	for (const count of options.quick ? [1000] : [1000, 10_000]) {
		for (const impl of ['ours-stream', 'ours-all', 'ajs-all', 'ajs-eachPage'] as ReadImpl[]) {
			rows.push(await readVariant(count, impl, options.rtt, cap));
		}
	}
	const count = options.quick ? 1000 : 10_000;
	// Without network time the listing is bound by the 5 req/s limit alone.
	rows.push(await readVariant(count, 'ours-stream', { latencyMs: 0, latencyJitterMs: 0 }, cap));
	return rows;
}

export interface MultiRow {
	bases: number;
	recordsPerBase: number;
	wallS: number;
	requests: number;
	requestsPerSecond: number;
	/** Expected aggregate: min(5 × N, 50) requests per second. */
	ceilingPerSecond: number;
	paceOfCeiling: number;
	rateLimited: number;
}

async function multiBench(options: Options): Promise<MultiRow[]> {
	say('Several bases at once (one token): aggregate pace up to the 50 req/s token cap');
	const perBase = options.quick ? 100 : 500;
	const rows: MultiRow[] = [];
	for (const n of options.quick ? [1, 5, 12] : [1, 2, 5, 10, 12]) {
		const ids = Array.from({ length: n }, (_, i) => baseId(i + 1));
		const emu = await emulator(ids.map((id) => benchBase(id)), options.rtt);
		try {
			const outcome = await runChild<WorkerResult>({ kind: 'multi', url: emu.url, baseIds: ids, count: perBase } satisfies Job, 600_000);
			const seen = observe(emu, ids);
			const wallMs = outcome.result?.wallMs ?? outcome.wallMs;
			const ceiling = Math.min(5 * n, 50);
			const rps = seen.ok / (wallMs / 1000);
			const pace = paceOfCeiling(seen.requests, seen.arrivalSpanMs, ceiling, ceiling);
			const row: MultiRow = {
				bases: n,
				recordsPerBase: perBase,
				wallS: round(wallMs / 1000),
				requests: seen.requests,
				requestsPerSecond: round(rps, 1),
				ceilingPerSecond: ceiling,
				paceOfCeiling: round(pace, 4),
				rateLimited: seen.rateLimited,
			};
			if (!outcome.result?.ok || seen.rows !== perBase * n) say(`  !! ${n} bases: ${outcome.result?.error ?? outcome.stderr} rows=${seen.rows}`);
			say(`  ${n} base(s) × ${perBase}: ${row.wallS} s, ${row.requestsPerSecond} req/s of ${ceiling} (${pct(row.paceOfCeiling)}), ${row.rateLimited} × 429`);
			rows.push(row);
		} finally {
			await emu.close();
		}
	}
	return rows;
}

export interface ProcessesRow {
	processes: number;
	recordsPerProcess: number;
	limiter: string;
	completed: boolean;
	note?: string;
	/** From go to the last process done (or the cap). */
	wallS: number;
	/** Requests to the base (the processes' warm-up whoami calls are not counted). */
	requests: number;
	rateLimited: number;
	/** Most requests the emulator saw arrive within any 1 s (the limit is 5). */
	maxInAnySecond: number;
	/** 2xx base requests ÷ wall time. */
	requestsPerSecond: number;
	ceilingPerSecond: number;
	paceOfCeiling: number;
	rows: number;
	duplicates: number;
}

export interface ProcessesSection {
	/** When and how this section was measured (it may come from a separate `--only=processes` run). */
	startedAt: string;
	command: string;
	how: string;
	rows: ProcessesRow[];
}

/**
 * n8n queue mode: several worker processes writing into ONE base at once. Shared limits (one
 * redis-server) vs each process with its own in-memory limiter, which together exceed 5 req/s.
 */
async function processesBench(options: Options, command: string): Promise<ProcessesSection> {
	say('Several processes, one base: limits shared through Redis vs in-memory per process');
	const startedAt = new Date().toISOString();
	const n = 3;
	const perProcess = options.quick ? 100 : 300;
	const redis = await startRedis();
	const rows: ProcessesRow[] = [];
	try {
		for (const shared of [true, false]) {
			const id = baseId(1);
			const emu = await emulator([benchBase(id)], options.rtt);
			try {
				const ideal = ((n * perProcess) / 10 / 5) * 1000;
				// The shared run finishes; in-memory limiters meet the lock-out, so that run is capped.
				const cap = shared ? ideal * 4 + 120_000 : Math.max(options.quick ? 35_000 : 75_000, ideal * 1.25);
				const children = Array.from({ length: n }, (_, i) =>
					startChild<WorkerResult>(
						{ kind: 'process', url: emu.url, baseId: id, count: perProcess, offset: i * perProcess, ...(shared ? { redisUrl: redis.url } : {}) } satisfies Job,
						cap,
						{ gated: true },
					),
				);
				await Promise.all(children.map((c) => c.ready));
				const since = Date.now();
				for (const c of children) c.go();
				const outcomes = await Promise.all(children.map((c) => c.outcome));
				const seen = observe(emu, [id]);
				const log = emu.state.metrics.snapshot({ since }).log.filter((e) => e.baseId === id);
				const completed = outcomes.every((o) => !o.timedOut && o.result?.ok === true);
				const wallMs = completed ? Math.max(...outcomes.map((o) => o.result?.wallMs ?? o.wallMs)) : cap;
				const ok = log.filter((e) => e.status >= 200 && e.status < 300).length;
				const rps = ok / (wallMs / 1000);
				const arrivals = log.map((e) => e.timeMs - e.durationMs);
				const arrivalSpan = arrivals.length ? arrivals.reduce((a, b) => Math.max(a, b)) - arrivals.reduce((a, b) => Math.min(a, b)) : 0;
				const failures = outcomes.filter((o) => !o.timedOut && o.result?.ok !== true);
				const note = outcomes.some((o) => o.timedOut)
					? `stopped at the ${cap / 1000} s cap with ${seen.writeRecords} of ${n * perProcess} records written (${ok} of ${(n * perProcess) / 10} requests answered 2xx)`
					: failures.length
						? `failed: ${failures.map((o) => o.result?.error ?? (o.stderr || `exit ${o.exitCode}`)).join('; ')}`
						: undefined;
				const row: ProcessesRow = {
					processes: n,
					recordsPerProcess: perProcess,
					limiter: shared ? 'shared through Redis' : 'in-memory, one per process',
					completed,
					...(note ? { note } : {}),
					wallS: round(wallMs / 1000),
					requests: log.length,
					rateLimited: seen.rateLimited,
					// Arrival times: the simulated round trip is added after the emulator's limiter.
					maxInAnySecond: maxInAnyWindow(
						log.map((e) => e.timeMs - e.durationMs),
						1000,
					),
					requestsPerSecond: round(rps, 2),
					ceilingPerSecond: 5,
					paceOfCeiling: round(completed ? paceOfCeiling(log.length, arrivalSpan) : rps / 5, 4),
					rows: seen.rows,
					duplicates: seen.rows - seen.distinctKeys,
				};
				say(
					`  ${n} processes × ${perProcess}, ${row.limiter}: ${row.wallS} s, ${row.requests} requests, ${row.rateLimited} × 429, ` +
						`max ${row.maxInAnySecond} in 1 s, ${row.requestsPerSecond} req/s (${pct(row.paceOfCeiling)} of 5), ` +
						`${row.rows} rows / ${row.duplicates} duplicates${note ? ` — ${note}` : ''}`,
				);
				rows.push(row);
			} finally {
				await emu.close();
			}
		}
	} finally {
		await redis.stop();
	}
	return {
		startedAt,
		command,
		how: `${n} Node processes started together, each creating ${perProcess} records (${perProcess / 10} requests) into the same base through AirtableClient; one redis-server`,
		rows,
	};
}

export interface BenchResults {
	kind: 'bench';
	startedAt: string;
	finishedAt: string;
	durationS: number;
	quick: boolean;
	rtt: Rtt;
	machine: MachineInfo;
	machineAfter: MachineInfo;
	command: string;
	write?: WriteRow[];
	read?: ReadRow[];
	sync?: Awaited<ReturnType<typeof syncBench>>;
	resync?: Awaited<ReturnType<typeof resyncBench>>;
	multi?: MultiRow[];
	processes?: ProcessesSection;
	trigger?: Awaited<ReturnType<typeof triggerBench>>;
	/** Sections replaced by a later `--only=…` run (merged in by hand, as its command says). */
	remeasured?: { sections: string[]; command: string; startedAt: string; loadAverage: number[] };
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const started = new Date();
	const info = machine();
	say(`Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB, ${info.platform}; load ${info.loadAverage.join(' ')}`);
	say(`Node ${info.node}; n8n-nodes-airtable-sync ${info.packageVersion}; airtable.js ${info.airtableJsVersion}`);
	say(`Emulator limits: 5 req/s per base, 50 req/s per token, 30 s lock-out; simulated RTT ${options.rtt.latencyMs}–${options.rtt.latencyMs + options.rtt.latencyJitterMs} ms${options.quick ? '; QUICK sizes' : ''}`);
	const flags = [
		...(options.quick ? ['--quick'] : []),
		...(options.only.size < SECTIONS.length ? [`--only=${[...options.only].join(',')}`] : []),
	];
	const results: BenchResults = {
		kind: 'bench',
		startedAt: started.toISOString(),
		finishedAt: '',
		durationS: 0,
		quick: options.quick,
		rtt: options.rtt,
		machine: info,
		machineAfter: info,
		command: `npm run bench${flags.length ? ` -- ${flags.join(' ')}` : ''}`,
	};
	if (options.only.has('write')) results.write = await writeBench(options);
	if (options.only.has('read')) results.read = await readBench(options);
	if (options.only.has('sync')) results.sync = await syncBench(options);
	if (options.only.has('resync')) results.resync = await resyncBench(options);
	if (options.only.has('multi')) results.multi = await multiBench(options);
	if (options.only.has('processes')) results.processes = await processesBench(options, results.command);
	if (options.only.has('trigger')) results.trigger = await triggerBench(options);
	results.finishedAt = new Date().toISOString();
	results.durationS = round((Date.now() - started.getTime()) / 1000, 1);
	results.machineAfter = machine();
	const dir = path.resolve(__dirname, '../../../../test/bench/results');
	mkdirSync(dir, { recursive: true });
	// Quick runs never overwrite the committed figures (*.tmp is git-ignored).
	const [json, md] = options.quick || options.only.size < SECTIONS.length ? ['quick.json.tmp', 'quick.md.tmp'] : ['latest.json', 'latest.md'];
	writeFileSync(path.join(dir, json), `${JSON.stringify(results, null, 2)}\n`);
	const text = markdown(results);
	writeFileSync(path.join(dir, md), text);
	say('');
	say(text);
	say(`Written: test/bench/results/${json} and ${md} (${results.durationS} s)`);
	process.exit(0);
}

if (require.main === module) void main();
