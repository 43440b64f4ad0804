import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

import { ensureDebianPackage } from '../support/debianPackages';

/** The Debian package's binary unless REDIS_SERVER_BIN says otherwise. */
const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/** A throw-away redis-server on a free port: no persistence, stopped by the test. */
export interface RedisServer {
	port: number;
	url: string;
	/** SIGKILL, as a crash would. */
	kill(): Promise<void>;
	/** Start again on the same port (after kill/stop). */
	restart(): Promise<void>;
	stop(): Promise<void>;
}

/** Installs Debian's redis-server when missing (as root), else fails (never skips) saying how. */
export function requireRedisServer(): void {
	if (!process.env.REDIS_SERVER_BIN) ensureDebianPackage('redis-server', 'redis-server', 'the shared rate-limit tests');
	const probe = spawnSync(REDIS_BIN, ['--version'], { encoding: 'utf8' });
	if (probe.error || probe.status !== 0) {
		throw new Error(
			`redis-server is required for the shared rate-limit tests but "${REDIS_BIN} --version" failed ` +
				`(${probe.error?.message ?? probe.stderr}).`,
		);
	}
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

function canConnect(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

function exited(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedis(): Promise<RedisServer> {
	requireRedisServer();
	const port = await freePort();
	let child: ChildProcess | undefined;

	const launch = async () => {
		const started = spawn(
			REDIS_BIN,
			['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
			{ stdio: 'ignore' },
		);
		child = started;
		const deadline = Date.now() + 10_000;
		while (!(await canConnect(port))) {
			if (started.exitCode !== null) throw new Error(`redis-server exited with code ${started.exitCode}`);
			if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} within 10 s`);
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
	};
	const halt = async (signal: NodeJS.Signals) => {
		if (!child) return;
		const running = child;
		child = undefined;
		running.kill(signal);
		await exited(running);
	};

	await launch();
	return {
		port,
		url: `redis://127.0.0.1:${port}`,
		kill: () => halt('SIGKILL'),
		restart: launch,
		stop: () => halt('SIGTERM'),
	};
}
