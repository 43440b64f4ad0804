import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, startEmulator, type RunningEmulator } from '../../emulator';
import { sample } from '../unit/metricsSupport';
import { N8nApi, outputOf, WorkflowRunner, type WorkflowNode } from './runtime/api';
import { launchN8n, stopN8n, tail, type N8nConnection } from './runtime/n8n';
import { installPackage, suiteTarball } from './runtime/pack';
import { locators, PKG, TOKEN_CREDENTIAL } from './support/context';

/**
 * Issue 17: the package's metrics on n8n's own `/metrics`. This file starts its own n8n with
 * N8N_METRICS=true (and debug logs), so the 30-second hold it provokes and the counters it
 * reads belong to this test alone. The emulator allows 2 requests per second on the base, so
 * the workflow's burst of writes meets a real RATE_LIMIT_REACHED 429; the scrape must show
 * the requests (matching what the emulator answered), the hold and the wait, and neither the
 * scrape nor n8n's log may contain the token or a cell value.
 */

let workDir: string;
let n8n: N8nConnection | undefined;
let api: N8nApi;
let emulator: RunningEmulator;
let credentials: WorkflowNode['credentials'];

beforeAll(async () => {
	workDir = mkdtempSync(join(tmpdir(), 'airtable-sync-metrics-'));
	const userFolder = join(workDir, 'user');
	installPackage(userFolder, suiteTarball(workDir));
	emulator = await startEmulator({ seed: 'demo', log: false });
	n8n = await launchN8n({ userFolder, env: { N8N_METRICS: 'true', N8N_LOG_LEVEL: 'debug' } });
	api = new N8nApi(n8n);
	const credential = await api.createCredential('metrics token', TOKEN_CREDENTIAL, { accessToken: DEMO_TOKEN, baseUrl: emulator.url });
	credentials = { [TOKEN_CREDENTIAL]: credential };
});

afterAll(async () => {
	if (n8n) await stopN8n(n8n.pid);
	await emulator?.close();
	if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function scrape(): Promise<string> {
	const response = await fetch(`${n8n?.url}/metrics`);
	expect(response.status).toBe(200);
	return await response.text();
}

async function emulatorLog(): Promise<Array<{ baseId?: string; status: number }>> {
	const response = await fetch(`${emulator.url}/_emulator/metrics`);
	return ((await response.json()) as { log: Array<{ baseId?: string; status: number }> }).log;
}

it('shows the requests, the 429 hold and the wait of a real workflow run on /metrics, and no secret or cell value', async () => {
	const limits = await fetch(`${emulator.url}/_emulator/limits`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ enabled: true, perBase: { requests: 2, perMs: 1000 }, lockoutMs: 2000 }),
	});
	expect(limits.ok).toBe(true);
	const create: WorkflowNode = {
		name: 'Airtable Records',
		type: `${PKG}.airtableRecords`,
		typeVersion: 1,
		position: [440, 0],
		credentials,
		parameters: {
			authentication: 'accessToken',
			...locators(DEMO_IDS.contacts, 'Contacts'),
			operation: 'create',
			columns: { mappingMode: 'autoMapInputData', value: null },
			options: {},
		},
	};
	const runner = await WorkflowRunner.create(api, 'E2E Metrics burst', [create]);
	const cellValue = 'Metrics Private Note';
	const items = Array.from({ length: 40 }, (_, i) => ({ Name: `${cellValue} ${i}`, Email: `metrics${i}@example.com` }));

	const execution = await runner.run(items);

	expect(execution.status).toBe('success');
	expect(outputOf(execution, 'Airtable Records')).toHaveLength(40);
	const log = (await emulatorLog()).filter((entry) => entry.baseId === DEMO_BASE_ID);
	const refused = log.filter((entry) => entry.status === 429).length;
	const answered = log.filter((entry) => entry.status === 200).length;
	expect(refused).toBeGreaterThanOrEqual(1);

	const text = await scrape();
	// n8n's own metrics and ours come from one registry.
	expect(text).toContain('n8n_version_info');
	const count = (status: string) =>
		text
			.split('\n')
			.filter((line) => line.startsWith('airtable_requests_total{') && line.includes(`base="${DEMO_BASE_ID}"`) && line.includes(`status="${status}"`))
			.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
	expect(count('429')).toBe(refused);
	expect(count('200')).toBe(answered);
	expect(sample(text, 'airtable_requests_total', { base: DEMO_BASE_ID, operation: 'create', status: '429' })).toBeGreaterThanOrEqual(1);
	expect(sample(text, 'airtable_rate_limit_holds_total', { base: DEMO_BASE_ID })).toBe(refused);
	expect(sample(text, 'airtable_retries_total', { base: DEMO_BASE_ID, reason: 'rate_limit' })).toBe(refused);
	// The hold: at least one request waited 30 s or more; pacing waits are shorter.
	const waits = sample(text, 'airtable_rate_limit_wait_seconds_count', { base: DEMO_BASE_ID }) as number;
	expect(waits).toBeGreaterThanOrEqual(1);
	expect(sample(text, 'airtable_rate_limit_waits_total', { base: DEMO_BASE_ID })).toBe(waits);
	expect(sample(text, 'airtable_rate_limit_wait_seconds_bucket', { base: DEMO_BASE_ID, le: '10' })).toBeLessThan(waits);
	expect(sample(text, 'airtable_rate_limit_wait_seconds_sum', { base: DEMO_BASE_ID })).toBeGreaterThanOrEqual(30);
	// Every request sent was timed.
	const total = (name: string) =>
		text
			.split('\n')
			.filter((line) => line.startsWith(`${name}{`))
			.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
	expect(total('airtable_request_duration_seconds_count')).toBe(total('airtable_requests_total'));

	const n8nLog = readFileSync(n8n?.logFile as string, 'utf8');
	expect(n8nLog).toMatch(/Airtable answered 429 \(rate limit\): base appDemoCrm0000001 waits 30 s/);
	// Debug level: one line per call, the one that met the 429 included.
	expect(n8nLog).toMatch(/Airtable create ok \(200\) in \d+ ms/);
	expect(n8nLog).toContain("Airtable metrics (airtable_*) are registered on n8n's /metrics");
	for (const secret of [DEMO_TOKEN, cellValue, 'metrics0@example.com']) {
		expect(text).not.toContain(secret);
		expect(n8nLog).not.toContain(secret);
	}
	if (process.env.E2E_KEEP_LOGS) process.stdout.write(tail(n8n?.logFile as string, 80));
});
