import { outputOf, WorkflowRunner, type WorkflowNode } from './runtime/api';
import { DEMO_IDS, lastSeq, locators, PKG, requestsSince, setupContext, tableRecords, type E2eContext } from './support/context';

let ctx: E2eContext;

beforeAll(async () => {
	ctx = await setupContext('records');
});

afterAll(async () => {
	await ctx?.close();
});

function recordsNode(parameters: Record<string, unknown>, extra: Partial<WorkflowNode> = {}): WorkflowNode {
	return {
		name: 'Airtable Records',
		type: `${PKG}.airtableRecords`,
		typeVersion: 1,
		position: [440, 0],
		credentials: ctx.credentials,
		parameters: { authentication: 'accessToken', ...locators(DEMO_IDS.contacts, 'Contacts'), ...parameters },
		...extra,
	};
}

async function runner(name: string, parameters: Record<string, unknown>, extra: Partial<WorkflowNode> = {}): Promise<WorkflowRunner> {
	return await WorkflowRunner.create(ctx.n8n, `E2E Records ${name}`, [recordsNode(parameters, extra)]);
}

const autoMap = { mappingMode: 'autoMapInputData', value: null };

describe('Airtable Records in n8n', () => {
	let createdIds: string[] = [];

	it('creates 25 items with 3 write requests', async () => {
		const create = await runner('create', { operation: 'create', columns: autoMap, options: {} });
		const items = Array.from({ length: 25 }, (_, i) => ({ Name: `E2E Person ${i}`, Email: `e2e${i}@example.com`, Score: i }));
		const seq = await lastSeq(ctx);

		const execution = await create.run(items);

		expect(execution.status).toBe('success');
		const out = outputOf(execution, 'Airtable Records');
		expect(out).toHaveLength(25);
		expect(out.map((o) => (o.fields as Record<string, unknown>).Name)).toEqual(items.map((i) => i.Name));
		createdIds = out.map((o) => o.id as string);
		expect(createdIds.every((id) => /^rec/.test(id))).toBe(true);
		const writes = (await requestsSince(ctx, seq)).filter((r) => r.write);
		expect(writes).toHaveLength(3);
		// The three chunks go out side by side (paced, not chained): they may arrive in any order.
		expect(writes.map((w) => w.records).sort((a, b) => b - a)).toEqual([10, 10, 5]);
		expect(writes.every((w) => w.method === 'POST' && w.status === 200)).toBe(true);
	});

	it('gets, updates, replaces and deletes records by ID', async () => {
		const [first, second, third] = createdIds;

		const get = await runner('get', { operation: 'get', recordId: '={{ $json.id }}', options: {} });
		const got = outputOf(await get.run([{ id: first }]), 'Airtable Records');
		expect(got).toEqual([expect.objectContaining({ id: first, fields: expect.objectContaining({ Name: 'E2E Person 0', Score: 0 }) })]);

		const update = await runner('update', { operation: 'update', recordId: '={{ $json.id }}', columns: autoMap, options: { ignoreFields: 'id' } });
		const updated = outputOf(await update.run([{ id: first, Score: 77 }, { id: second, Company: 'Updated Inc' }]), 'Airtable Records');
		expect(updated[0]).toEqual(expect.objectContaining({ id: first, fields: expect.objectContaining({ Name: 'E2E Person 0', Score: 77 }) }));
		expect(updated[1]).toEqual(expect.objectContaining({ id: second, fields: expect.objectContaining({ Name: 'E2E Person 1', Company: 'Updated Inc' }) }));

		const replace = await runner('replace', { operation: 'replace', recordId: '={{ $json.id }}', columns: autoMap, options: { ignoreFields: 'id' } });
		const replaced = outputOf(await replace.run([{ id: third, Name: 'Replaced' }]), 'Airtable Records');
		expect(replaced[0].id).toBe(third);
		expect(replaced[0].fields).toEqual(expect.objectContaining({ Name: 'Replaced' }));
		expect((replaced[0].fields as Record<string, unknown>).Email).toBeUndefined();

		const seq = await lastSeq(ctx);
		const remove = await runner('delete', { operation: 'delete', recordId: '={{ $json.id }}', options: {} });
		const deleted = outputOf(await remove.run(createdIds.map((id) => ({ id }))), 'Airtable Records');
		expect(deleted).toHaveLength(25);
		expect(deleted.every((d) => d.deleted === true)).toBe(true);
		const writes = (await requestsSince(ctx, seq)).filter((r) => r.write);
		expect(writes.map((w) => w.method)).toEqual(['DELETE', 'DELETE', 'DELETE']);
		const contacts = await tableRecords(ctx, 'Contacts');
		expect(contacts.some((r) => createdIds.includes(r.id))).toBe(false);
	});

	it('with Continue On Fail, a bad item fails alone and the good ones are written', async () => {
		const create = await runner('continue on fail', { operation: 'create', columns: autoMap, options: { typecast: false } }, { onError: 'continueRegularOutput' });
		const execution = await create.run([
			{ Name: 'Good One', Score: 1 },
			{ Name: 'Bad One', Score: 'not a number' },
			{ Name: 'Good Two', Score: 2 },
		]);

		expect(execution.status).toBe('success');
		const out = outputOf(execution, 'Airtable Records');
		expect(out).toHaveLength(3);
		expect(out[0]).toEqual(expect.objectContaining({ id: expect.stringMatching(/^rec/), fields: expect.objectContaining({ Name: 'Good One' }) }));
		expect(out[1]).toEqual(expect.objectContaining({ error: expect.any(String) }));
		expect(out[1].id).toBeUndefined();
		expect(out[2]).toEqual(expect.objectContaining({ id: expect.stringMatching(/^rec/), fields: expect.objectContaining({ Name: 'Good Two' }) }));
		const names = (await tableRecords(ctx, 'Contacts')).map((r) => r.fields.Name);
		expect(names).toEqual(expect.arrayContaining(['Good One', 'Good Two']));
		expect(names).not.toContain('Bad One');
	});
});
