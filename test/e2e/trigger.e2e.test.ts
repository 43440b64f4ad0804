import { randomUUID } from 'crypto';

import { outputOf, type Execution, type WorkflowNode } from './runtime/api';
import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, setupContext, type E2eContext } from './support/context';
import { instantTriggerNode, TRIGGER_NODE } from './support/trigger';

/*
 * The Airtable Instant Trigger inside a real n8n 2.41, with the emulator as Airtable: its
 * pings reach n8n's production (and test) webhook URL over HTTP. Proves what the engine
 * harness cannot: that n8n runs both webhook() and the keep-alive trigger(), saves static
 * data after webhook executions and after the timer's emit, and that "Listen for test event"
 * delivers the webhook's items through the manual trigger() run.
 */

const NODE = TRIGGER_NODE;
let ctx: E2eContext;

interface EmulatorHook {
	id: string;
	notificationUrl: string | null;
	isHookEnabled: boolean;
	areNotificationsEnabled: boolean;
}

beforeAll(async () => {
	ctx = await setupContext('trigger', { pings: { debounceMs: 50 } });
});

afterAll(async () => {
	await ctx?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function triggerNode(webhookId: string): WorkflowNode {
	return instantTriggerNode(ctx.credentials, webhookId, { fieldValues: 'all', options: { includePreviousValues: true } });
}

async function hooks(): Promise<EmulatorHook[]> {
	return (await ctx.admin<{ webhooks: EmulatorHook[] }>('GET', '/webhooks')).webhooks;
}

async function uiCreate(name: string): Promise<string> {
	const result = await ctx.admin<{ records: Array<{ id: string }> }>(
		'POST',
		`/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.contacts}/records`,
		{ fields: { Name: name, Status: 'Lead' } },
	);
	return result.records[0].id;
}

/** n8n 2.41 publishes (activates) in the background: wait until the webhook set looks as expected. */
async function waitForHooks(what: string, check: (current: EmulatorHook[]) => boolean, timeoutMs = 30_000): Promise<EmulatorHook[]> {
	const deadline = Date.now() + timeoutMs;
	let current: EmulatorHook[] = [];
	while (Date.now() < deadline) {
		current = await hooks();
		if (check(current)) return current;
		await sleep(200);
	}
	throw new Error(`Timed out waiting for ${what}; webhooks: ${JSON.stringify(current)}`);
}

const pointingAt = (url: string) => (current: EmulatorHook[]) => current.length === 1 && current[0].notificationUrl === url;
const none = (current: EmulatorHook[]) => current.length === 0;

function recordIds(executions: Execution[]): unknown[] {
	return executions
		.slice()
		.reverse()
		.flatMap((execution) => outputOf(execution, NODE).map((item) => item.recordId));
}

async function waitForRecords(workflowId: string, wanted: string[], timeoutMs = 30_000): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	let seen: Execution[] = [];
	while (Date.now() < deadline) {
		seen = (await ctx.n8n.executions(workflowId)).filter((e) => e.status === 'success');
		const ids = recordIds(seen);
		if (wanted.every((id) => ids.includes(id))) return seen;
		await sleep(300);
	}
	const all = (await ctx.n8n.executions(workflowId)).map((e) => `${e.id}:${e.mode}:${e.status}`);
	const pings = await ctx.admin<{ pings: Array<Record<string, unknown>> }>('GET', '/pings');
	throw new Error(
		`Records ${wanted.join(', ')} not delivered; saw ${JSON.stringify(recordIds(seen))}; executions ${JSON.stringify(all)}; ` +
			`pings ${JSON.stringify(pings.pings.map((p) => [p.webhookId, p.status, p.success, p.sentAt]))}; webhooks ${JSON.stringify(await hooks())}`,
	);
}

describe('Airtable Instant Trigger in n8n', () => {
	let workflowId = '';
	const webhookId = randomUUID();

	it('activation registers a webhook pointing at n8n', async () => {
		const created = await ctx.n8n.createWorkflow({ name: 'E2E Instant Trigger', nodes: [triggerNode(webhookId)], connections: {} });
		workflowId = created.id;
		await ctx.n8n.activate(workflowId);
		const registered = await waitForHooks('the webhook', pointingAt(`${ctx.n8n.url}/webhook/${webhookId}/webhook`));
		expect(registered[0]).toMatchObject({ isHookEnabled: true, areNotificationsEnabled: true });
	});

	it('a change starts exactly one execution with the right item, and the cursor is saved', async () => {
		const recordId = await uiCreate('E2E Trigger One');
		const executions = await waitForRecords(workflowId, [recordId]);
		await sleep(1000);
		expect(await ctx.n8n.executions(workflowId)).toHaveLength(executions.length);
		expect(executions).toHaveLength(1);
		const [item] = outputOf(executions[0], NODE);
		expect(item).toMatchObject({
			event: 'record.created',
			baseId: DEMO_BASE_ID,
			tableName: 'Contacts',
			recordId,
			source: 'client',
			fields: expect.objectContaining({ Name: 'E2E Trigger One', Status: 'Lead' }),
		});
		const workflow = await ctx.n8n.getWorkflow(workflowId);
		const saved = (workflow.staticData as Record<string, Record<string, unknown>>)[`node:${NODE}`];
		expect(saved.cursor).toBe(Number(item.cursor) + 1);
	});

	it('a forged ping is refused and starts nothing', async () => {
		const before = (await ctx.n8n.executions(workflowId)).length;
		const [hook] = await hooks();
		const forged = await ctx.admin<{ status: number }>('POST', `/webhooks/${hook.id}/ping`, { forged: true });
		expect([401, 403]).toContain(forged.status);
		await sleep(500);
		expect(await ctx.n8n.executions(workflowId)).toHaveLength(before);
	});

	it('deactivation deletes the webhook', async () => {
		await ctx.n8n.deactivate(workflowId);
		await waitForHooks('the webhook to be deleted', none);
	});

	it('"Listen for test event" registers a test webhook, shows the change in a manual execution, and cleans up', async () => {
		const testWebhookId = randomUUID();
		const created = await ctx.n8n.createWorkflow({
			name: 'E2E Instant Trigger test mode',
			nodes: [triggerNode(testWebhookId)],
			connections: {},
		});
		const started = await ctx.n8n.rest<{ waitingForWebhook?: boolean }>('POST', `/workflows/${created.id}/run`, {
			triggerToStartFrom: { name: NODE },
		});
		expect(started.waitingForWebhook).toBe(true);
		await waitForHooks('the test webhook', pointingAt(`${ctx.n8n.url}/webhook-test/${testWebhookId}/webhook`));
		const recordId = await uiCreate('E2E Trigger Test Event');
		const executions = await waitForRecords(created.id, [recordId]);
		expect(executions).toHaveLength(1);
		expect(executions[0].mode).toBe('manual');
		expect(outputOf(executions[0], NODE)).toEqual([
			expect.objectContaining({ event: 'record.created', recordId, fields: expect.objectContaining({ Name: 'E2E Trigger Test Event' }) }),
		]);
		await waitForHooks('the test webhook to be deleted', none);
		await ctx.n8n.deleteWorkflow(created.id);
	});

	it('the keep-alive timer turns pings back on after Airtable disabled them and delivers what was missed', async () => {
		const keepAliveWebhookId = randomUUID();
		const created = await ctx.n8n.createWorkflow({
			name: 'E2E Instant Trigger keep-alive',
			nodes: [triggerNode(keepAliveWebhookId)],
			connections: {},
		});
		await ctx.n8n.activate(created.id);
		// Right after activation, before the timer's first tick (a health check, within a minute).
		const [hook] = await waitForHooks('the webhook', pointingAt(`${ctx.n8n.url}/webhook/${keepAliveWebhookId}/webhook`));
		const off = await fetch(`${ctx.emulator.url}/v0/bases/${DEMO_BASE_ID}/webhooks/${hook.id}/enableNotifications`, {
			method: 'POST',
			headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ enable: false }),
		});
		expect(off.status).toBe(200);
		const missed = await uiCreate('E2E Trigger Missed');
		const executions = await waitForRecords(created.id, [missed], 90_000);
		expect(executions).toHaveLength(1);
		expect(executions[0].mode).toBe('trigger');
		expect((await hooks())[0].areNotificationsEnabled).toBe(true);
		const workflow = await ctx.n8n.getWorkflow(created.id);
		const saved = (workflow.staticData as Record<string, Record<string, unknown>>)[`node:${NODE}`];
		expect(saved.cursor).toBe(Number(outputOf(executions[0], NODE)[0].cursor) + 1);

		const pinged = await uiCreate('E2E Trigger Pinged Again');
		await waitForRecords(created.id, [pinged]);
		await ctx.n8n.deactivate(created.id);
		await waitForHooks('the webhook to be deleted', none);
	}, 150_000);
});
