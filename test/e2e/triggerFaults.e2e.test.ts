import { randomUUID } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, startEmulator, type MetricsSnapshot, type RunningEmulator } from '../../emulator';
import { N8nApi, outputOf, type Execution, type WorkflowNode } from './runtime/api';
import { launchN8n, stopN8n, type N8nConnection } from './runtime/n8n';
import { installPackage, suiteTarball } from './runtime/pack';
import { freePort } from './runtime/processes';
import { setupContext, TOKEN_CREDENTIAL, type E2eContext } from './support/context';
import { instantTriggerNode, TRIGGER_NODE } from './support/trigger';

/*
 * Issue 13 in a real n8n 2.41, the emulator as Airtable:
 * (a) n8n is killed (SIGKILL) right after acknowledging a ping, before its drain got anything
 *     (the emulator holds payload reads), with 200 changes pending; after the restart all 200
 *     arrive once within 60 s of activation, with no further change made;
 * (b) one valid ping replayed 20 times at once with nothing new costs at most one payload
 *     request and no 429; a change made afterwards is delivered within 2 s of its ping.
 */

const NODE = TRIGGER_NODE;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function triggerNode(credentials: WorkflowNode['credentials'], webhookId: string): WorkflowNode {
	return instantTriggerNode(credentials, webhookId);
}

async function adminOf<T>(emulator: RunningEmulator, method: string, path: string, body?: unknown): Promise<T> {
	const response = await fetch(`${emulator.url}/_emulator${path}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`emulator ${method} ${path} -> ${response.status}: ${await response.text()}`);
	return (await response.json()) as T;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await sleep(200);
	}
}

function deliveredRecordIds(executions: Execution[]): unknown[] {
	return executions
		.filter((execution) => execution.status === 'success')
		.flatMap((execution) => outputOf(execution, NODE).map((item) => item.recordId))
		.filter((id) => id !== undefined);
}

interface Ping {
	webhookId: string;
	body: string;
	mac: string;
	sentAt: string;
	success: boolean;
}

describe('(a) kill -9 right after a ping was acknowledged, before the drain', () => {
	let emulator: RunningEmulator;
	let n8n: N8nConnection | undefined;
	let workDir = '';

	afterAll(async () => {
		if (n8n) await stopN8n(n8n.pid);
		await emulator?.close();
		if (workDir && process.env.E2E_KEEP !== '1') rmSync(workDir, { recursive: true, force: true });
	});

	it('delivers all 200 pending changes once within 60 s of the restart, with no further change', async () => {
		workDir = mkdtempSync(join(tmpdir(), 'airtable-sync-crash-'));
		const userFolder = join(workDir, 'user');
		installPackage(userFolder, suiteTarball(workDir));
		emulator = await startEmulator({ seed: 'demo', log: false, pings: { debounceMs: 20 } });
		const port = await freePort();
		n8n = await launchN8n({ userFolder, port, logFile: join(workDir, 'n8n-1.log') });
		let api = new N8nApi(n8n);
		const credential = await api.createCredential('crash token', TOKEN_CREDENTIAL, { accessToken: DEMO_TOKEN, baseUrl: emulator.url });
		const created = await api.createWorkflow({ name: 'E2E crash after ack', nodes: [triggerNode({ [TOKEN_CREDENTIAL]: credential }, randomUUID())], connections: {} });
		await api.activate(created.id);
		await waitUntil('the webhook', async () => (await adminOf<{ webhooks: unknown[] }>(emulator, 'GET', '/webhooks')).webhooks.length === 1, 60_000);

		// Payload reads hang: n8n acknowledges pings, but no drain gets anything before the kill.
		await adminOf(emulator, 'PUT', '/faults', { latencyMs: 120_000, match: { path: '/payloads' } });
		const recordIds: string[] = [];
		for (let i = 0; i < 200; i++) {
			const result = await adminOf<{ records: Array<{ id: string }> }>(emulator, 'POST', `/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.contacts}/records`, {
				fields: { Name: `Crash ${String(i).padStart(3, '0')}` },
			});
			recordIds.push(result.records[0].id);
		}
		await waitUntil('an acknowledged ping', async () => (await adminOf<{ pings: Ping[] }>(emulator, 'GET', '/pings')).pings.some((p) => p.success), 30_000);
		// Pings that fail while n8n is down are not retried during the test: only the catch-up can deliver.
		await adminOf(emulator, 'PUT', '/pings/config', { retryBaseMs: 3_600_000 });
		process.kill(-n8n.pid, 'SIGKILL');
		await stopN8n(n8n.pid);
		await adminOf(emulator, 'DELETE', '/faults');
		const before = await adminOf<{ pings: Ping[] }>(emulator, 'GET', '/pings');

		n8n = await launchN8n({ userFolder, port, logFile: join(workDir, 'n8n-2.log') });
		api = new N8nApi(n8n);
		// Within a minute, while Airtable would resend the ping only after an hour: the restarted
		// trigger drains what the crash left by itself.
		await waitUntil('all 200 changes', async () => deliveredRecordIds(await api.executions(created.id)).length >= 200, 60_000);
		await sleep(2000);
		const delivered = deliveredRecordIds(await api.executions(created.id));
		expect(delivered.slice().sort()).toEqual(recordIds.slice().sort());
		// No further change was made: the emulator sent no new successful ping after the crash.
		const after = await adminOf<{ pings: Ping[] }>(emulator, 'GET', '/pings');
		expect(after.pings.filter((p) => p.success).length).toBe(before.pings.filter((p) => p.success).length);
	}, 300_000);
});

describe('(b) 20 concurrent replays of a valid ping', () => {
	let ctx: E2eContext;
	let workflowId = '';

	beforeAll(async () => {
		ctx = await setupContext('trigger replays', { pings: { debounceMs: 20 } });
	});

	afterAll(async () => {
		if (workflowId) await ctx.n8n.deactivate(workflowId).catch(() => undefined);
		await ctx?.close();
	});

	it('cost at most one payload request and no 429; the next change arrives within 2 s of its ping', async () => {
		const created = await ctx.n8n.createWorkflow({ name: 'E2E ping replays', nodes: [triggerNode(ctx.credentials, randomUUID())], connections: {} });
		workflowId = created.id;
		await ctx.n8n.activate(workflowId);
		await waitUntil('the webhook', async () => (await ctx.admin<{ webhooks: unknown[] }>('GET', '/webhooks')).webhooks.length === 1, 60_000);
		const first = await ctx.admin<{ records: Array<{ id: string }> }>('POST', `/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.contacts}/records`, { fields: { Name: 'Before replays' } });
		await waitUntil('the first change', async () => deliveredRecordIds(await ctx.n8n.executions(workflowId)).includes(first.records[0].id), 30_000);
		await sleep(500);
		const pings = (await ctx.admin<{ pings: Ping[] }>('GET', '/pings')).pings.filter((p) => p.success);
		const ping = pings[pings.length - 1];
		const before: MetricsSnapshot = await ctx.metrics();
		const url = JSON.parse(JSON.stringify((await ctx.admin<{ webhooks: Array<{ notificationUrl: string }> }>('GET', '/webhooks')).webhooks[0].notificationUrl)) as string;

		const statuses = await Promise.all(
			Array.from({ length: 20 }, async () => {
				const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-airtable-content-mac': ping.mac }, body: ping.body });
				return response.status;
			}),
		);
		expect(statuses.every((status) => status === 200 || status === 204)).toBe(true);
		await sleep(1500);
		const after: MetricsSnapshot = await ctx.metrics();
		const payloadRequests = (after.requests.byEndpoint['webhooks.payloads'] ?? 0) - (before.requests.byEndpoint['webhooks.payloads'] ?? 0);
		expect(payloadRequests).toBeLessThanOrEqual(1);
		expect(after.rateLimited - before.rateLimited).toBe(0);

		const next = await ctx.admin<{ records: Array<{ id: string }> }>('POST', `/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.contacts}/records`, { fields: { Name: 'After replays' } });
		await waitUntil('the next change', async () => deliveredRecordIds(await ctx.n8n.executions(workflowId)).includes(next.records[0].id), 10_000);
		const executions = await ctx.n8n.executions(workflowId);
		const carrying = executions.find((execution) => execution.status === 'success' && outputOf(execution, NODE).some((item) => item.recordId === next.records[0].id));
		const lastPing = (await ctx.admin<{ pings: Ping[] }>('GET', '/pings')).pings.filter((p) => p.success).pop();
		expect(Date.parse(String(carrying?.startedAt)) - Date.parse(String(lastPing?.sentAt))).toBeLessThan(2000);
		expect(deliveredRecordIds(executions).filter((id) => id === first.records[0].id)).toHaveLength(1);
	});
});
