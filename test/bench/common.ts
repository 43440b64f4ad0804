/**
 * Shared pieces of the benchmarks and drills: the bench table layout, seeds, machine facts,
 * timing helpers and the child-process runner (every measured variant runs in its own Node
 * process, so limiters, heaps and airtable.js's retry timers never leak between variants).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { SeedBase, SeedRecord } from '../../emulator';

export const TOKEN = 'pat-bench-token-0000000000';
export const TABLE = 'Items';
export const MERGE_FIELD = 'Key';

/** Base ids look like Airtable's: app + 14 characters. */
export function baseId(n: number): string {
	return `appBench${String(n).padStart(9, '0')}`;
}

export function tableId(base: string): string {
	return `tbl${base.slice(3)}`;
}

// A type alias (not an interface) so it is assignable to both Fields and IDataObject.
export type BenchFields = {
	Name: string;
	Key: string;
	Value: number;
	Note: string;
};

/** Record i of a data set; `generation` changes Value/Note so a re-sync has something to do. */
export function item(i: number, generation = 0): BenchFields {
	return { Name: `Item ${i}`, Key: `k-${i}`, Value: i * 10 + generation, Note: `generation ${generation}` };
}

export function items(count: number, generation = 0, offset = 0): BenchFields[] {
	return Array.from({ length: count }, (_, i) => item(i + offset, generation));
}

export function benchBase(id: string, records: SeedRecord[] = []): SeedBase {
	return {
		id,
		name: `Bench ${id}`,
		tables: [
			{
				id: tableId(id),
				name: TABLE,
				fields: [
					{ name: 'Name', type: 'singleLineText' },
					{ name: 'Key', type: 'singleLineText' },
					{ name: 'Value', type: 'number', options: { precision: 0 } },
					{ name: 'Note', type: 'singleLineText' },
				],
				records,
			},
		],
	};
}

export function seedRecords(count: number, generation = 0): SeedRecord[] {
	return items(count, generation).map((fields) => ({ fields }));
}

export function tokenConfig(bases: '*' | string[] = '*') {
	return { token: TOKEN, userId: 'usrBenchUser00001', email: 'bench@example.com', name: 'Bench', kind: 'pat' as const, bases };
}

/* ------------------------------------------------------------------ machine */

export interface MachineInfo {
	cpu: string;
	cores: number;
	memoryGiB: number;
	platform: string;
	node: string;
	packageVersion: string;
	airtableJsVersion: string;
	loadAverage: number[];
}

const ROOT = path.resolve(__dirname, '../../../..');

function versionOf(file: string): string {
	try {
		return (JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as { version: string }).version;
	} catch {
		return 'unknown';
	}
}

export function machine(): MachineInfo {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model ?? 'unknown',
		cores: cpus.length,
		memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
		packageVersion: versionOf('package.json'),
		airtableJsVersion: versionOf('node_modules/airtable/package.json'),
		loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
	};
}

/* ------------------------------------------------------------------ output */

export function say(line = ''): void {
	process.stdout.write(`${line}\n`);
}

export function round(value: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/**
 * Airtable lets 5 requests start at once and then 5 per second, so n requests need at least
 * (n − 5) / 5 s from the first start to the last. Pace = that ÷ the span the emulator saw
 * between the first and the last arrival; undefined (NaN) for 5 requests or fewer, where the
 * ceiling allows no time at all. `burst` and `perSecond` change for several bases on one token.
 */
export function paceOfCeiling(requests: number, spanMs: number, burst = 5, perSecond = 5): number {
	if (requests <= burst || !(spanMs > 0)) return NaN;
	const fastestMs = ((requests - burst) / perSecond) * 1000;
	return Math.min(1, fastestMs / spanMs);
}

export function pct(ratio: number): string {
	return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '–';
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

export function percentile(values: number[], p: number): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank];
}

/* ------------------------------------------------------------------ child processes */

export interface ChildOutcome<T> {
	/** The JSON the child printed last (undefined when it was killed or crashed). */
	result?: T;
	/** True when the child ran past its time cap and was killed. */
	timedOut: boolean;
	exitCode: number | null;
	stderr: string;
	wallMs: number;
}

/** Runs `worker.js <job>` in a fresh Node process; kills it (by its pid) after capMs. */
export function runChild<T>(job: object, capMs: number, nodeFlags: string[] = []): Promise<ChildOutcome<T>> {
	const child = startChild<T>(job, capMs, { nodeFlags });
	child.go();
	return child.outcome;
}

export interface StartedChild<T> {
	/** Resolves once a gated child printed "ready" (warmed up) — or ended before that. */
	ready: Promise<void>;
	/** Lets a gated child start its work (a line on its stdin) and starts the time cap. */
	go(): void;
	outcome: Promise<ChildOutcome<T>>;
}

/**
 * Like runChild, but a `gated` child (see worker.ts) warms up, prints "ready" and waits for
 * go(), so several processes can start their measured work together. The cap counts from go().
 */
export function startChild<T>(job: object, capMs: number, options: { nodeFlags?: string[]; gated?: boolean } = {}): StartedChild<T> {
	const script = path.join(__dirname, 'worker.js');
	const gated = options.gated === true;
	const child = spawn(process.execPath, [...(options.nodeFlags ?? []), script, JSON.stringify(job)], {
		stdio: [gated ? 'pipe' : 'ignore', 'pipe', 'pipe'],
	});
	let started = Date.now();
	let stdout = '';
	let stderr = '';
	let timedOut = false;
	let timer: NodeJS.Timeout | undefined;
	let closed = false;
	let markReady!: () => void;
	const ready = new Promise<void>((resolve) => (markReady = resolve));
	child.stdout?.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
		if (/^ready$/m.test(stdout)) markReady();
	});
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const outcome = new Promise<ChildOutcome<T>>((resolve) => {
		child.on('close', (exitCode) => {
			closed = true;
			clearTimeout(timer);
			markReady();
			const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'));
			let result: T | undefined;
			try {
				result = lines.length ? (JSON.parse(lines[lines.length - 1]) as T) : undefined;
			} catch {
				result = undefined;
			}
			resolve({ result, timedOut, exitCode, stderr: stderr.slice(-2000), wallMs: Date.now() - started });
		});
	});
	const go = () => {
		started = Date.now();
		if (closed) return;
		timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, capMs);
		if (gated) child.stdin?.write('go\n');
	};
	return { ready: gated ? ready : Promise.resolve(), go, outcome };
}
