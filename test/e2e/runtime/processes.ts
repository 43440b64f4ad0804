import { spawn, spawnSync, type SpawnOptions } from 'child_process';
import { createServer } from 'net';

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
	const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}) in ${options.cwd}:\n${result.stdout}\n${result.stderr}`);
	}
	return result.stdout;
}

/** True while a process (group leader) with this id exists. */
export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

/** SIGTERM to the process group, SIGKILL after `graceMs` if it is still there. */
export async function stopGroup(pid: number, graceMs = 10_000): Promise<void> {
	killGroup(pid, 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
	killGroup(pid, 'SIGKILL');
}

/** Synchronous last resort for process exit handlers. */
export function killGroupNow(pid: number): void {
	killGroup(pid, 'SIGKILL');
}

/**
 * Starts a command in its own process group (like `setsid`) plus a tiny watchdog that kills
 * that group as soon as this process is gone — so nothing outlives a test run, even one
 * killed with SIGKILL.
 */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): number {
	const child = spawn(command, args, { ...options, detached: true });
	if (child.pid === undefined) throw new Error(`Could not start ${command}`);
	child.unref();
	const watchdog = `const [parent, group] = process.argv.slice(1).map(Number);
const alive = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
setInterval(() => {
	if (!alive(group)) process.exit(0);
	if (!alive(parent)) { try { process.kill(-group, 'SIGKILL'); } catch {} process.exit(0); }
}, 1000);`;
	const guard = spawn(process.execPath, ['-e', watchdog, String(process.pid), String(child.pid)], { detached: true, stdio: 'ignore' });
	guard.unref();
	return child.pid;
}

const registered = new Set<number>();
let hooked = false;

/** Kills the group when this process exits or is interrupted. */
export function stopOnExit(pid: number): void {
	registered.add(pid);
	if (hooked) return;
	hooked = true;
	process.on('exit', () => {
		for (const p of registered) killGroupNow(p);
	});
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			// Someone else (the demo) handles this signal and stops things gracefully.
			if (process.listenerCount(signal) > 0) return;
			for (const p of registered) killGroupNow(p);
			process.exit(130);
		});
	}
}

export function forgetOnExit(pid: number): void {
	registered.delete(pid);
}
