import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import type { WorkerConfig, WorkerEvent } from './worker';

const ROOT = path.resolve(__dirname, '../..');
const WORKER = path.join(__dirname, 'worker.ts');

/**
 * The child transpiles the TypeScript sources it requires with the installed compiler (no
 * type check, no build step): quick, and the workers run exactly the client in this checkout.
 */
const BOOTSTRAP = `
const ts = require('typescript');
const fs = require('fs');
require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
	module._compile(ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText, filename);
};
require(${JSON.stringify(WORKER)});
`;

export interface WorkerRun {
	child: ChildProcess;
	events: WorkerEvent[];
	stderr: string;
	ready: Promise<void>;
	exit: Promise<number | null>;
	go(): void;
	done(): Extract<WorkerEvent, { type: 'done' }> | undefined;
	warnings(): Array<Extract<WorkerEvent, { type: 'warn' }>>;
}

export function startWorker(config: WorkerConfig): WorkerRun {
	const child = spawn(process.execPath, ['--no-experimental-strip-types', '-e', BOOTSTRAP], {
		cwd: ROOT,
		env: { ...process.env, WORKER_CONFIG: JSON.stringify(config) },
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	const events: WorkerEvent[] = [];
	let buffered = '';
	let stderr = '';
	let markReady!: () => void;
	const ready = new Promise<void>((resolve) => (markReady = resolve));
	child.stdout?.on('data', (chunk: Buffer) => {
		buffered += chunk.toString();
		let newline: number;
		while ((newline = buffered.indexOf('\n')) >= 0) {
			const line = buffered.slice(0, newline);
			buffered = buffered.slice(newline + 1);
			if (!line.trim()) continue;
			const event = JSON.parse(line) as WorkerEvent;
			events.push(event);
			if (event.type === 'ready') markReady();
		}
	});
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	void exit.then(() => markReady());
	const run: WorkerRun = {
		child,
		events,
		get stderr() {
			return stderr;
		},
		ready,
		exit,
		go: () => child.stdin?.write('go\n'),
		done: () => events.find((e): e is Extract<WorkerEvent, { type: 'done' }> => e.type === 'done'),
		warnings: () => events.filter((e): e is Extract<WorkerEvent, { type: 'warn' }> => e.type === 'warn'),
	};
	return run;
}

/** Starts n workers and lets them go together once every one is ready (compiled, connected). */
export async function runWorkers(n: number, config: WorkerConfig): Promise<{ workers: WorkerRun[]; startedAt: number }> {
	const workers = Array.from({ length: n }, () => startWorker(config));
	await Promise.all(workers.map((w) => w.ready));
	for (const w of workers) {
		if (w.child.exitCode !== null) throw new Error(`worker exited before starting: ${w.stderr}`);
	}
	const startedAt = Date.now();
	for (const w of workers) w.go();
	return { workers, startedAt };
}

/** The largest number of timestamps inside any window of `perMs` (the emulator's own rule). */
export function maxInAnyWindow(times: number[], perMs: number): number {
	const sorted = [...times].sort((a, b) => a - b);
	let most = 0;
	let first = 0;
	for (let last = 0; last < sorted.length; last++) {
		while (sorted[last] - sorted[first] >= perMs) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}
