import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';

import { filesOf } from '../../emulator/attachments';
import { outputOf, WorkflowRunner, type Connections, type WorkflowDefinition, type WorkflowNode } from './runtime/api';
import { WORKFLOWS_DIR } from './runtime/workflows';
import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, setupContext, tableRecords, type E2eContext } from './support/context';
import { instantTriggerNode, TRIGGER_NODE } from './support/trigger';

/*
 * The example workflow test/e2e/workflows/07-attachments.json in a real n8n: its nodes from
 * "To binary" on (binary data from base64 → Records Create with Attachments and Typecast →
 * Records Get with Download Attachments), fed by a webhook instead of the manual trigger, plus
 * one node that turns the downloaded file back into base64 so the bytes can be compared.
 */

let ctx: E2eContext;

beforeAll(async () => {
	ctx = await setupContext('attachments', { pings: { debounceMs: 50 } });
});

afterAll(async () => {
	await ctx?.close();
});

/** n8n's Extract From File: the item's first downloaded file (`Files_0`) as base64 in `b64`. */
function fileAsBase64(position: [number, number]): WorkflowNode {
	return {
		name: 'File as base64',
		type: 'n8n-nodes-base.extractFromFile',
		typeVersion: 1.1,
		position,
		parameters: { operation: 'binaryToPropery', binaryPropertyName: 'Files_0', destinationKey: 'b64', options: { keepSource: 'json' } },
	};
}

interface FileInput {
	name: string;
	fileName: string;
	mime: string;
	b64: string;
}

function exampleWorkflow(): { nodes: WorkflowNode[]; files: FileInput[] } {
	const text = readFileSync(join(WORKFLOWS_DIR, '07-attachments.json'), 'utf8')
		.replace(/\{\{CREDENTIAL_ID\}\}/g, ctx.credential.id)
		.replace(/\{\{CREDENTIAL_NAME\}\}/g, ctx.credential.name)
		// The runner's own split node is called "Items".
		.replace(/\$\('One item each'\)/g, "$('Items')");
	const definition = JSON.parse(text) as WorkflowDefinition;
	const files = (JSON.parse(String(definition.nodes.find((n) => n.name === 'Two files')!.parameters.jsonOutput)) as { files: FileInput[] }).files;
	const from = definition.nodes.findIndex((n) => n.name === 'To binary');
	return { nodes: definition.nodes.slice(from), files };
}

describe('attachments in n8n (example workflow 07)', () => {
	it('creates records with files from binary data (Typecast on) and reads them back with Download Attachments: same bytes', async () => {
		const { nodes, files } = exampleWorkflow();
		const extract = fileAsBase64([1320, 0]);
		const connections: Connections = {
			'To binary': { main: [[{ node: 'Create with files', type: 'main', index: 0 }]] },
			'Create with files': { main: [[{ node: 'Read back with files', type: 'main', index: 0 }]] },
			'Read back with files': { main: [[{ node: 'File as base64', type: 'main', index: 0 }]] },
		};
		const runner = await WorkflowRunner.create(ctx.n8n, 'E2E Attachments', [...nodes, extract], connections);

		const execution = await runner.run(files.map((file) => ({ ...file })));

		expect(execution.status).toBe('success');
		const created = outputOf(execution, 'Create with files');
		expect(created).toHaveLength(2);
		const cells = created.map((record) => (record.fields as Record<string, unknown>).Files as Array<Record<string, unknown>>);
		expect(cells.map((cell) => cell.map((a) => a.filename))).toEqual([['notes.txt'], ['badge.png']]);
		expect(cells[1][0]).toMatchObject({ type: 'image/png', width: 8, height: 8 });
		// Typecast created the select option "Prospect" in the same write.
		expect(created.map((record) => (record.fields as Record<string, unknown>).Status)).toEqual(['Prospect', 'Prospect']);

		const readBack = outputOf(execution, 'File as base64');
		expect(readBack.map((item) => item.b64)).toEqual(files.map((file) => file.b64));

		const stored = created.map((record) => filesOf(ctx.emulator.state).get(String(((record.fields as Record<string, unknown>).Files as Array<{ id: string }>)[0].id)));
		expect(stored.map((file) => file?.data.toString('base64'))).toEqual(files.map((file) => file.b64));

		const contacts = await tableRecords(ctx, 'Contacts');
		const ids = created.map((record) => record.id);
		expect(contacts.filter((record) => ids.includes(record.id)).map((record) => record.fields.Name)).toEqual(["Ada's notes", "Grace's badge"]);
		expect(DEMO_IDS.contacts).toBe('tblContacts000000');
	});
});

describe('the Instant Trigger with Download Attachments in n8n', () => {
	const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

	async function untilNoWebhooks(): Promise<void> {
		for (let waited = 0; ; waited += 200) {
			const { webhooks } = await ctx.admin<{ webhooks: unknown[] }>('GET', '/webhooks');
			if (!webhooks.length) return;
			if (waited > 30_000) throw new Error('the trigger kept its webhook after deactivation');
			await sleep(200);
		}
	}

	it('a record created with a file starts one execution whose item carries the file as binary data: same bytes', async () => {
		const webhookId = randomUUID();
		const trigger = instantTriggerNode(ctx.credentials, webhookId, {
			events: ['created'],
			fieldValues: 'all',
			options: { downloadAttachments: ['Files'], maxFileSizeMb: 1 },
		});
		const workflow = await ctx.n8n.createWorkflow({
			name: 'E2E Instant Trigger with files',
			nodes: [trigger, fileAsBase64([300, 0])],
			connections: { [TRIGGER_NODE]: { main: [[{ node: 'File as base64', type: 'main', index: 0 }]] } },
		});
		await ctx.n8n.activate(workflow.id);
		try {
			const hookUrl = `${ctx.n8n.url}/webhook/${webhookId}/webhook`;
			for (let waited = 0; ; waited += 200) {
				const { webhooks } = await ctx.admin<{ webhooks: Array<{ notificationUrl: string | null }> }>('GET', '/webhooks');
				if (webhooks.some((hook) => hook.notificationUrl === hookUrl)) break;
				if (waited > 30_000) throw new Error('the trigger registered no webhook');
				await sleep(200);
			}
			// A file written the way an Airtable user's integration would: a URL Airtable fetches
			// (a data: URL here, which the emulator stores without reaching out).
			const bytes = Buffer.from('Meeting notes\nline two\n');
			const created = await fetch(`${ctx.emulator.url}/v0/${DEMO_BASE_ID}/${DEMO_IDS.contacts}`, {
				method: 'POST',
				headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
				body: JSON.stringify({
					fields: { Name: 'E2E Trigger With File', Files: [{ url: `data:text/plain;base64,${bytes.toString('base64')}`, filename: 'notes.txt' }] },
				}),
			});
			expect(created.status).toBe(200);
			const recordId = ((await created.json()) as { id: string }).id;

			let item: Record<string, unknown> | undefined;
			for (let waited = 0; !item; waited += 300) {
				const done = (await ctx.n8n.executions(workflow.id)).filter((execution) => execution.status === 'success');
				item = done.flatMap((execution) => outputOf(execution, 'File as base64')).find((output) => output.recordId === recordId);
				if (!item && waited > 30_000) throw new Error(`record ${recordId} was not delivered with its file`);
				if (!item) await sleep(300);
			}
			expect(item).toMatchObject({ event: 'record.created', recordId });
			expect(item.b64).toBe(bytes.toString('base64'));
			expect(item.attachmentError).toBeUndefined();
			expect((await ctx.n8n.executions(workflow.id)).filter((execution) => execution.status === 'success')).toHaveLength(1);
		} finally {
			await ctx.n8n.deactivate(workflow.id);
			// n8n 2.41 deactivates in the background: wait until the webhook is gone, or the trigger
			// would call this suite's emulator after it closed, and five refused connections open the
			// base's circuit breaker for the suites that follow in the same n8n.
			await untilNoWebhooks();
		}
	}, 90_000);
});
