import { readFileSync } from 'fs';
import { join } from 'path';

import { filesOf } from '../../emulator/attachments';
import { outputOf, WorkflowRunner, type Connections, type WorkflowDefinition, type WorkflowNode } from './runtime/api';
import { WORKFLOWS_DIR } from './runtime/workflows';
import { DEMO_IDS, setupContext, tableRecords, type E2eContext } from './support/context';

/*
 * The example workflow test/e2e/workflows/07-attachments.json in a real n8n: its nodes from
 * "To binary" on (binary data from base64 → Records Create with Attachments and Typecast →
 * Records Get with Download Attachments), fed by a webhook instead of the manual trigger, plus
 * one node that turns the downloaded file back into base64 so the bytes can be compared.
 */

let ctx: E2eContext;

beforeAll(async () => {
	ctx = await setupContext('attachments');
});

afterAll(async () => {
	await ctx?.close();
});

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
		const extract: WorkflowNode = {
			name: 'File as base64',
			type: 'n8n-nodes-base.extractFromFile',
			typeVersion: 1.1,
			position: [1320, 0],
			parameters: { operation: 'binaryToPropery', binaryPropertyName: 'Files_0', destinationKey: 'b64', options: { keepSource: 'json' } },
		};
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
