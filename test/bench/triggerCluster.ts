/**
 * Drill (issue 13 c): the Instant Trigger in real n8n queue mode with separate webhook
 * processes — main (`N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true`: activation and keep-alive
 * only), one worker, two `n8n webhook` processes behind a small local proxy that sends EVERY
 * ping to BOTH, Redis, SQLite — and 500 changes. Every change must arrive exactly once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, startEmulator } from '../../emulator';
import { requireRedisServer } from '../redis/redisServer';
import { N8nApi, outputOf, type Execution } from '../e2e/runtime/api';
import { launchN8n, startN8n, startWorker, stopN8n } from '../e2e/runtime/n8n';
import { buildAndPack, ensureRuntime, installPackage } from '../e2e/runtime/pack';
import { freePort } from '../e2e/runtime/processes';
import { round, say, sleep } from './common';

const NODE = 'Airtable Instant Trigger';
const PKG = 'n8n-nodes-airtable-sync';

export interface ClusterDrillResult {
	changes: number;
	delivered: number;
	duplicates: number;
	missing: number;
	pingsForwarded: number;
	payloadRequests: number;
	rateLimited: number;
	seconds: number;
}

/** Forwards every request to all targets; answers with the first 2xx (else the last answer). */
async function fanOutProxy(targets: string[]): Promise<{ url: string; forwarded: () => number; close: () => void }> {
	let forwarded = 0;
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const body = Buffer.concat(chunks);
			forwarded++;
			void Promise.all(
				targets.map(
					async (target) =>
						await fetch(`${target}${request.url ?? '/'}`, {
							method: request.method,
							headers: { 'content-type': String(request.headers['content-type'] ?? 'application/json'), 'x-airtable-content-mac': String(request.headers['x-airtable-content-mac'] ?? '') },
							body: request.method === 'GET' ? undefined : body,
						}).then(
							(answer) => answer.status,
							() => 502,
						),
				),
			).then((statuses) => {
				response.writeHead(statuses.find((s) => s >= 200 && s < 300) ?? statuses[statuses.length - 1]);
				response.end();
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, forwarded: () => forwarded, close: () => server.close() };
}

async function redisServer(): Promise<{ port: number; stop: () => void }> {
	requireRedisServer();
	const port = await freePort();
	const child = spawn(process.env.REDIS_SERVER_BIN ?? 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
	const deadline = Date.now() + 10_000;
	for (;;) {
		const up = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1', () => {
				socket.end();
				resolve(true);
			});
			socket.on('error', () => resolve(false));
		});
		if (up) break;
		if (Date.now() > deadline) throw new Error('redis-server did not start');
		await sleep(50);
	}
	return { port, stop: () => child.kill('SIGKILL') };
}

function recordIdsOf(executions: Execution[]): string[] {
	return executions
		.filter((execution) => execution.status === 'success')
		.flatMap((execution) => outputOf(execution, NODE).map((item) => String(item.recordId ?? '')))
		.filter((id) => id.startsWith('rec'));
}

export async function triggerClusterDrill(changes = 500): Promise<ClusterDrillResult> {
	ensureRuntime();
	const workDir = mkdtempSync(join(tmpdir(), 'airtable-sync-trigger-cluster-'));
	const userFolder = join(workDir, 'user');
	installPackage(userFolder, buildAndPack(workDir));
	const redis = await redisServer();
	const emulator = await startEmulator({ seed: 'demo', log: false, logLimit: 1_000_000, pings: { debounceMs: 50 } });
	const pids: number[] = [];
	const hookPorts = [await freePort(), await freePort()];
	const proxy = await fanOutProxy(hookPorts.map((port) => `http://127.0.0.1:${port}`));
	const env: NodeJS.ProcessEnv = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		N8N_WEBHOOK_URL: `${proxy.url}/`,
	};
	const started = Date.now();
	try {
		say(`  starting n8n main, 1 worker and 2 webhook processes (queue mode, Redis :${redis.port}) in ${workDir}`);
		const main = await launchN8n({ userFolder, logFile: join(workDir, 'main.log'), env, readyTimeoutMs: 420_000 });
		pids.push(main.pid);
		const others = await Promise.all([
			startWorker({ userFolder, logFile: join(workDir, 'worker.log'), env, readyTimeoutMs: 420_000 }),
			...hookPorts.map(async (port, n) => await startN8n({ userFolder, port, command: 'webhook', logFile: join(workDir, `webhook-${n + 1}.log`), env, readyTimeoutMs: 420_000 })),
		]);
		pids.push(...others.map((process) => process.pid));
		const api = new N8nApi(main);
		const credential = await api.createCredential('cluster token', 'airtableSyncTokenApi', {
			accessToken: DEMO_TOKEN,
			baseUrl: emulator.url,
			// The trigger's drains are coordinated through the queue's Redis because the credential says so.
			sharedLimits: true,
			redisUrl: `redis://127.0.0.1:${redis.port}/0`,
		});
		const workflow = await api.createWorkflow({
			name: 'Drill: trigger in queue mode',
			nodes: [
				{
					name: NODE,
					type: `${PKG}.airtableInstantTrigger`,
					typeVersion: 1,
					position: [0, 0],
					webhookId: 'f1a2b3c4-0000-4000-8000-00000000c1a5',
					credentials: { airtableSyncTokenApi: credential },
					parameters: {
						authentication: 'accessToken',
						base: { __rl: true, mode: 'id', value: DEMO_BASE_ID },
						table: { __rl: true, mode: 'id', value: DEMO_IDS.contacts },
						events: ['created', 'updated', 'deleted'],
					},
				},
			],
			connections: {},
		});
		await api.activate(workflow.id);
		const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
			const response = await fetch(`${emulator.url}/_emulator${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
			return (await response.json()) as T;
		};
		for (let deadline = Date.now() + 120_000; (await admin<{ webhooks: unknown[] }>('GET', '/webhooks')).webhooks.length === 0; ) {
			if (Date.now() > deadline) throw new Error('no webhook registered');
			await sleep(500);
		}
		// Webhook processes learn about the activation through the database: give them a moment.
		await sleep(5000);
		const made: string[] = [];
		const changesStarted = Date.now();
		for (let i = 0; i < changes; i++) {
			const result = await admin<{ records: Array<{ id: string }> }>('POST', `/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.contacts}/records`, { fields: { Name: `Cluster ${i}` } });
			made.push(result.records[0].id);
			if (i % 25 === 24) await sleep(300);
		}
		let delivered: string[] = [];
		for (let deadline = Date.now() + 300_000; Date.now() < deadline; ) {
			delivered = recordIdsOf(await api.executions(workflow.id));
			if (made.every((id) => delivered.includes(id))) break;
			await sleep(2000);
		}
		await sleep(10_000); // duplicates would arrive now
		delivered = recordIdsOf(await api.executions(workflow.id));
		const counts = new Map<string, number>();
		for (const id of delivered) counts.set(id, (counts.get(id) ?? 0) + 1);
		const metrics = emulator.state.metrics.snapshot();
		const result: ClusterDrillResult = {
			changes,
			delivered: made.filter((id) => counts.has(id)).length,
			duplicates: [...counts.values()].reduce((sum, n) => sum + n - 1, 0),
			missing: made.filter((id) => !counts.has(id)).length,
			pingsForwarded: proxy.forwarded(),
			payloadRequests: metrics.requests.byEndpoint['webhooks.payloads'] ?? 0,
			rateLimited: metrics.rateLimited,
			seconds: round((Date.now() - changesStarted) / 1000, 1),
		};
		return result;
	} finally {
		say(`  cluster drill took ${round((Date.now() - started) / 1000, 1)} s; logs in ${workDir}`);
		await Promise.all(pids.map(async (pid) => await stopN8n(pid)));
		proxy.close();
		redis.stop();
		await emulator.close();
		if (process.env.DRILL_KEEP !== '1') rmSync(workDir, { recursive: true, force: true });
	}
}
