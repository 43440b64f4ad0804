import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

import type { WorkflowDefinition } from './runtime/api';
import { waitUntilPublished } from './runtime/publication';
import { DEMO_BASE_ID, DEMO_IDS, lastSeq, PKG, requestsSince, setupContext, tableRecords, type E2eContext } from './support/context';
import { callTool, connectMcpClient, MCP_TRIGGER_TYPE, mcpEndpoint } from './support/mcp';

/**
 * The describe-table and comment tools through n8n's MCP Server Trigger, as an assistant calls
 * them: listed with their own descriptions and strict arguments, called, and what each cost in
 * Airtable requests read from the emulator's log. The workflow is built here (not in
 * test/e2e/workflows/) so the demo and browser suites keep their own set.
 */

let ctx: E2eContext;
let client: Client;
let record: string;

const locator = (value: string, name: string) => ({ __rl: true, mode: 'list', value, cachedResultName: name });

function definition(): WorkflowDefinition {
	const tool = (name: string, type: string, position: [number, number], parameters: Record<string, unknown>) => ({
		name,
		type: `${PKG}.${type}Tool`,
		typeVersion: 1,
		position,
		credentials: ctx.credentials,
		parameters: { authentication: 'accessToken', base: locator(DEMO_BASE_ID, 'Demo CRM'), table: locator(DEMO_IDS.contacts, 'Contacts'), ...parameters },
	});
	const nodes = [
		{ name: 'MCP Server Trigger', type: MCP_TRIGGER_TYPE, typeVersion: 2.1, position: [440, 0] as [number, number], webhookId: '5c7e1f3a-2b4d-4e6f-8a9b-0c1d2e3f4a5b', parameters: { authentication: 'none', path: 'airtable-schema-comments' } },
		tool('Describe contacts table', 'airtableBase', [0, 260], { operation: 'describeTable' }),
		tool('List comments', 'airtableComments', [220, 260], {
			operation: 'list',
			recordId: "={{ $fromAI('record_id', 'Record ID of the contact (starts with rec)', 'string') }}",
			returnAll: false,
			limit: 20,
		}),
		tool('Add comment', 'airtableComments', [440, 260], {
			operation: 'add',
			recordId: "={{ $fromAI('record_id', 'Record ID of the contact (starts with rec)', 'string') }}",
			text: "={{ $fromAI('text', 'The comment; mention a user with @[usr…]', 'string') }}",
			mentionUsers: '',
			replyTo: '',
		}),
	];
	const connections = Object.fromEntries(nodes.slice(1).map((n) => [n.name, { ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] }]));
	return { name: 'E2E MCP schema and comments', nodes, connections, settings: { executionOrder: 'v1' } } as unknown as WorkflowDefinition;
}

beforeAll(async () => {
	ctx = await setupContext('mcp-schema-comments');
	record = (await tableRecords(ctx, 'Contacts'))[0].id;
	const workflow = definition();
	const created = await ctx.n8n.createWorkflow(workflow);
	await ctx.n8n.activate(created.id);
	await waitUntilPublished(ctx.n8n, created.id);
	client = await connectMcpClient(mcpEndpoint(ctx.n8n.url, workflow));
});

afterAll(async () => {
	await client?.close();
	await ctx?.close();
});

describe('describe-table and comment tools over MCP', () => {
	it('lists the three tools, each with its own description and its $fromAI arguments', async () => {
		const { tools } = await client.listTools();
		const byName = new Map(tools.map((tool) => [tool.name, tool]));
		expect([...byName.keys()].sort()).toEqual(['Add_comment', 'Describe_contacts_table', 'List_comments']);
		expect(byName.get('Describe_contacts_table')!.description).toMatch(/^Describes one Airtable table before you write to it/);
		expect(byName.get('Add_comment')!.description).toMatch(/^Adds a comment to one Airtable record/);
		expect(Object.keys(byName.get('Add_comment')!.inputSchema.properties ?? {}).sort()).toEqual(['record_id', 'text']);
	});

	it('describe table: the fields an agent can write, with their select options', async () => {
		const seq = await lastSeq(ctx);
		const answer = await callTool(client, 'Describe_contacts_table', {});
		expect(answer.isError).toBe(false);
		const parsed = JSON.parse(answer.text) as unknown;
		const described = (Array.isArray(parsed) ? parsed[0] : parsed) as { table: string; fields: Array<Record<string, unknown>> };
		expect(described.table).toBe('Contacts');
		expect(described.fields.find((field) => field.name === 'Status')).toMatchObject({ writable: true, choices: expect.arrayContaining(['Lead']) });
		expect((await requestsSince(ctx, seq)).filter((r) => r.endpoint !== 'meta.tables')).toHaveLength(0);
	});

	it('add then list a comment: one request each; an invented argument is refused with nothing sent', async () => {
		let seq = await lastSeq(ctx);
		const added = await callTool(client, 'Add_comment', { record_id: record, text: 'Asked about renewal' });
		expect(added.isError).toBe(false);
		expect(added.text).toContain('Asked about renewal');
		expect((await requestsSince(ctx, seq)).map((r) => r.endpoint)).toEqual(['comments.create']);

		seq = await lastSeq(ctx);
		const listed = await callTool(client, 'List_comments', { record_id: record });
		expect(listed.isError).toBe(false);
		expect(listed.text).toContain('Asked about renewal');
		expect((await requestsSince(ctx, seq)).map((r) => r.endpoint)).toEqual(['comments.list']);

		seq = await lastSeq(ctx);
		const refused = await callTool(client, 'Add_comment', { record_id: record, text: 'x', urgency: 'high' });
		expect(refused.isError).toBe(true);
		expect(refused.text).toMatch(/Unknown argument "urgency"/);
		expect(await requestsSince(ctx, seq)).toHaveLength(0);
	});
});
