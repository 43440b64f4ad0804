import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

import { connectN8n, DEMO_IDS, lastSeq, requestsSince, setupContext, tableRecords, type E2eContext } from './support/context';
import { unexpectedEgress } from './runtime/egressGuard';
import { waitUntilPublished } from './runtime/publication';
import { callTool, connectMcpClient, mcpEndpoint, mcpTemplate } from './support/mcp';

/**
 * The nodes as AI tools, the way an assistant reaches them: the MCP workflow template
 * (test/e2e/workflows/06-mcp-tools.json) published in the real n8n, an MCP client built on the
 * official SDK talking Streamable HTTP to n8n's MCP Server Trigger, the emulator's request log
 * saying what each tool call cost.
 */

let ctx: E2eContext;
let client: Client;
let endpoint: string;

/** A set-up step named in its error: a bare "fetch failed" does not say which call it was. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		const cause = (error as { cause?: unknown }).cause;
		throw new Error(`${name}: ${String(error)}${cause ? ` (${String(cause)})` : ''}`);
	}
}

/**
 * globalSetup's last call to n8n leaves a kept-alive connection that can sit idle past n8n's
 * keep-alive timeout while this file loads on a busy machine; fetch then reuses a socket n8n
 * has just closed ("other side closed", the request never arrived). A harmless first request,
 * tried twice, leaves a fresh connection for the set-up calls that change things.
 */
async function firstContact(url: string): Promise<void> {
	try {
		await fetch(`${url}/healthz`);
	} catch {
		await fetch(`${url}/healthz`);
	}
}

beforeAll(async () => {
	await firstContact(connectN8n().url);
	ctx = await step('emulator and credential', async () => await setupContext('mcp'));
	const definition = mcpTemplate(ctx.credential);
	const created = await step('create workflow', async () => await ctx.n8n.createWorkflow(definition));
	await step('publish', async () => await ctx.n8n.activate(created.id));
	await step('wait for publication', async () => await waitUntilPublished(ctx.n8n, created.id));
	endpoint = mcpEndpoint(ctx.n8n.url, definition);
	client = await step('MCP initialize', async () => await connectMcpClient(endpoint));
});

afterAll(async () => {
	await client?.close();
	await ctx?.close();
});

interface RecordJson {
	id: string;
	fields: Record<string, unknown>;
	status?: string;
}

const records = (text: string) => JSON.parse(text) as RecordJson[];

/**
 * Runs a tool call and returns its answer and the Airtable requests it caused: the record
 * requests, and the base-schema reads a write may start with (the field check; cached for a minute).
 */
async function measured(name: string, args: Record<string, unknown>) {
	const seq = await lastSeq(ctx);
	const answer = await callTool(client, name, args);
	const log = await requestsSince(ctx, seq);
	const schemaReads = log.filter((r) => r.endpoint === 'meta.tables');
	expect(schemaReads.length).toBeLessThanOrEqual(1);
	return { answer, requests: log.filter((r) => r.endpoint !== 'meta.tables') };
}

describe('Airtable nodes as MCP tools (MCP Server Trigger in n8n 2.41)', () => {
	it('lists one tool per node, each described for what it alone does, with its $fromAI arguments', async () => {
		const { tools } = await client.listTools();
		const byName = new Map(tools.map((tool) => [tool.name, tool]));
		expect([...byName.keys()].sort()).toEqual(['Create_contact', 'Get_contact', 'Search_contacts', 'Update_contact', 'Upsert_contact_by_email']);

		const descriptions = tools.map((tool) => tool.description ?? '');
		expect(new Set(descriptions).size).toBe(tools.length);
		expect(byName.get('Search_contacts')!.description).toMatch(/^Searches an Airtable table/);
		expect(byName.get('Get_contact')!.description).toMatch(/^Gets one Airtable record by its record ID/);
		expect(byName.get('Create_contact')!.description).toMatch(/^Creates one new Airtable record/);
		expect(byName.get('Update_contact')!.description).toMatch(/^Changes fields of one existing Airtable record/);
		expect(byName.get('Upsert_contact_by_email')!.description).toMatch(/^Creates or updates one Airtable record matched by its merge field/);

		const create = byName.get('Create_contact')!.inputSchema;
		expect(Object.keys(create.properties ?? {})).toEqual(['Name', 'Email', 'Company', 'Status']);
		expect(create.required).toEqual(['Name', 'Email', 'Status']);
		const update = byName.get('Update_contact')!.inputSchema;
		expect(update.properties).toMatchObject({ record_id: { type: 'string' }, Score: { type: 'number' } });
	});

	it('search: one list request carrying the filter, the limit and only the chosen fields', async () => {
		const { answer, requests } = await measured('Search_contacts', { name_contains: "O", limit: 2 });
		expect(answer.isError).toBe(false);
		// Names containing "o" (any case), sorted by name, cut at the limit.
		expect(records(answer.text).map((r) => r.fields.Name)).toEqual(['Ada Lovelace', 'Grace Hopper']);
		expect(Object.keys(records(answer.text)[0].fields).sort()).toEqual(['Company', 'Email', 'Name', 'Score', 'Status']);
		expect(requests).toHaveLength(1);
		expect(requests[0].endpoint).toBe('records.list');
		const query = decodeURIComponent(requests[0].path);
		expect(query).toContain('maxRecords=2');
		expect(query).toContain("FIND(LOWER('O'), LOWER({Name} & '')) > 0");
		expect(query).not.toContain('fields[]=Notes');
	});

	it('create, get and update: one request each, and the record in the base says so', async () => {
		const created = await measured('Create_contact', { Name: 'Radia Perlman', Email: 'radia@example.com', Status: 'Lead' });
		expect(created.answer.isError).toBe(false);
		const [record] = records(created.answer.text);
		expect(record.id).toMatch(/^rec/);
		expect(created.requests.map((r) => [r.endpoint, r.records])).toEqual([['records.create', 1]]);

		const got = await measured('Get_contact', { record_id: record.id });
		expect(records(got.answer.text)[0].fields).toMatchObject({ Name: 'Radia Perlman', Status: 'Lead' });
		expect(got.requests.map((r) => r.endpoint)).toEqual(['records.get']);

		const updated = await measured('Update_contact', { record_id: record.id, Status: 'Customer', Score: 88 });
		expect(updated.answer.isError).toBe(false);
		expect(updated.requests.map((r) => [r.method, r.records])).toEqual([['PATCH', 1]]);
		const stored = (await tableRecords(ctx, 'Contacts')).find((r) => r.id === record.id);
		expect(stored?.fields).toMatchObject({ Name: 'Radia Perlman', Email: 'radia@example.com', Status: 'Customer', Score: 88 });
	});

	it('upsert by email: updates the record with that email in one request', async () => {
		const { answer, requests } = await measured('Upsert_contact_by_email', { Email: 'alan@example.com', Name: 'Alan Turing', Status: 'Customer' });
		expect(answer.isError).toBe(false);
		expect(records(answer.text)[0]).toMatchObject({ id: DEMO_IDS.alan, status: 'updated' });
		expect(requests.map((r) => [r.method, r.records])).toEqual([['PATCH', 1]]);
		expect((await tableRecords(ctx, 'Contacts')).find((r) => r.id === DEMO_IDS.alan)?.fields.Status).toBe('Customer');
	});

	it('bad arguments come back as tool errors that say what to change; nothing is written', async () => {
		const before = (await tableRecords(ctx, 'Contacts')).length;

		const invented = await measured('Create_contact', { Name: 'Barbara Liskov', Email: 'barbara@example.com', Status: 'Lead', Nickname: 'Babs' });
		expect(invented.answer.isError).toBe(true);
		expect(invented.answer.text).toContain('Unknown argument "Nickname": this tool takes Name, Email, Company, Status.');
		expect(invented.requests).toHaveLength(0);

		const badId = await measured('Get_contact', { record_id: '12345' });
		expect(badId.answer.isError).toBe(true);
		expect(badId.answer.text).toContain('"12345" is not an Airtable record ID (record IDs start with "rec"');
		expect(badId.requests).toHaveLength(0);

		const badType = await measured('Update_contact', { record_id: DEMO_IDS.alan, Status: 'Lead', Score: 'high' });
		expect(badType.answer.isError).toBe(true);
		expect(badType.answer.text).toMatch(/Expected number, received string[\s\S]*Score/);
		expect(badType.requests).toHaveLength(0);

		// A select option the field lacks: the field check before writes refuses it, naming the field.
		const badOption = await measured('Create_contact', { Name: 'Barbara Liskov', Email: 'barbara@example.com', Status: 'VIP' });
		expect(badOption.answer.isError).toBe(true);
		expect(badOption.answer.text).toMatch(/Field "Status" \(singleSelect\) got an option that the field does not have .*use one of its options/);
		expect(badOption.requests).toHaveLength(0);

		expect(await tableRecords(ctx, 'Contacts')).toHaveLength(before);
	});

	it('calls made at once share the per-base limiter: at most 5 requests in any second, no 429', async () => {
		const seq = await lastSeq(ctx);
		const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => callTool(client, 'Search_contacts', { name_contains: `${i}`, limit: 5 })));
		expect(answers.filter((a) => a.isError)).toEqual([]);
		const log = await requestsSince(ctx, seq);
		expect(log).toHaveLength(12);
		expect(log.filter((r) => r.status === 429)).toHaveLength(0);
		const times = log.map((r) => r.timeMs).sort((a, b) => a - b);
		const worst = Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + 1000).length));
		process.stdout.write(`\n[mcp] 12 searches at once: ${log.length} requests, at most ${worst} in any second, span ${((times[times.length - 1] - times[0]) / 1000).toFixed(2)} s\n`);
		expect(worst).toBeLessThanOrEqual(5);
		// 12 requests at 5 per second cannot fit in less than two seconds: the limiter held them.
		expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(2000);
	});

	it('stays on loopback: n8n tried to reach nothing beyond 127.0.0.1 while serving the MCP calls', () => {
		expect(new URL(endpoint).hostname).toBe('127.0.0.1');
		expect(unexpectedEgress()).toEqual([]);
	});
});
