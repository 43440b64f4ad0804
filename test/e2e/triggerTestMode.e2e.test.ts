import { randomUUID } from 'crypto';

import { outputOf, type Execution } from './runtime/api';
import { DEMO_BASE_ID, DEMO_IDS, setupContext, type E2eContext } from './support/context';
import { instantTriggerNode } from './support/trigger';

/*
 * "Listen for test event" on the Airtable Instant Trigger, the way the editor does it: the run
 * endpoint with the trigger as start node registers a webhook at n8n's /webhook-test/ URL, a
 * change in Airtable pings it, and the manual execution holds the change.
 * (Production activation, pings, forged pings and deactivation: trigger.e2e.test.ts.)
 */

const NODE = 'Airtable Instant Trigger';
let ctx: E2eContext;

beforeAll(async () => {
	ctx = await setupContext('trigger-test-mode', { pings: { debounceMs: 50 } });
});

afterAll(async () => {
	await ctx?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface EmulatorHook {
	id: string;
	notificationUrl: string | null;
}

async function hooks(): Promise<EmulatorHook[]> {
	return (await ctx.admin<{ webhooks: EmulatorHook[] }>('GET', '/webhooks')).webhooks;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined) return value;
		await sleep(250);
	}
	throw new Error(`Timed out waiting for ${what}`);
}

describe('Airtable Instant Trigger: Listen for test event', () => {
	it('registers a test webhook, delivers a change into a manual execution, then removes the webhook', async () => {
		const webhookId = randomUUID();
		const workflow = await ctx.n8n.createWorkflow({
			name: 'E2E Instant Trigger test mode',
			nodes: [
				instantTriggerNode(ctx.credentials, webhookId, { fieldValues: 'all', options: {} }),
			],
			connections: {},
		});

		await ctx.n8n.rest('POST', `/workflows/${workflow.id}/run`, { triggerToStartFrom: { name: NODE } });
		const testHook = await until('the test webhook', async () => (await hooks()).find((h) => h.notificationUrl?.includes('/webhook-test/')));
		expect(testHook.notificationUrl).toBe(`${ctx.n8n.url}/webhook-test/${webhookId}/webhook`);

		const created = await ctx.admin<{ records: Array<{ id: string }> }>('POST', `/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.contacts}/records`, {
			fields: { Name: 'E2E Test Event', Status: 'Lead' },
		});
		const recordId = created.records[0].id;

		const execution = await until<Execution>('the manual execution', async () =>
			(await ctx.n8n.executions(workflow.id)).find((e) => e.mode === 'manual' && e.status === 'success'),
		);
		const items = outputOf(execution, NODE);
		expect(items).toEqual([expect.objectContaining({ event: 'record.created', recordId, fields: expect.objectContaining({ Name: 'E2E Test Event' }) })]);

		// Test mode is one-shot: n8n removes the test webhook after the event.
		await until('the test webhook to be deleted', async () => ((await hooks()).some((h) => h.id === testHook.id) ? undefined : true));
	});
});
