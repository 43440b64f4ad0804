import { outputOf, WorkflowRunner } from './runtime/api';
import { DEMO_BASE_ID, DEMO_IDS, lastSeq, locators, PKG, requestsSince, setupContext, type E2eContext } from './support/context';

let ctx: E2eContext;

beforeAll(async () => {
	ctx = await setupContext('list');
	// 246 more contacts, so the table has 250 records: three pages of 100.
	const records = Array.from({ length: 246 }, (_, i) => ({ fields: { Name: `Bulk ${String(i).padStart(3, '0')}`, Status: 'Lead', Score: 10 } }));
	await ctx.admin('POST', `/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.contacts}/records`, { records });
});

afterAll(async () => {
	await ctx?.close();
});

async function listRunner(name: string, parameters: Record<string, unknown>): Promise<WorkflowRunner> {
	return await WorkflowRunner.create(ctx.n8n, `E2E List ${name}`, [
		{
			name: 'Airtable List',
			type: `${PKG}.airtableList`,
			typeVersion: 1,
			position: [440, 0],
			credentials: ctx.credentials,
			parameters: { authentication: 'accessToken', ...locators(DEMO_IDS.contacts, 'Contacts'), options: {}, ...parameters },
		},
	]);
}

const names = (items: Array<Record<string, unknown>>) => items.map((i) => (i.fields as Record<string, unknown>).Name);

describe('Airtable List in n8n', () => {
	it('filter builder: conditions combined with AND, values escaped', async () => {
		const list = await listRunner('conditions', {
			filterMode: 'conditions',
			conditions: {
				condition: [
					{ field: 'Status', operator: 'equals', value: 'Customer', valueType: 'auto' },
					{ field: 'Score', operator: 'greaterThan', value: '92', valueType: 'number' },
				],
			},
			combine: 'and',
			returnAll: true,
		});
		const out = outputOf(await list.run([{}]), 'Airtable List');
		expect(names(out)).toEqual(['Ada Lovelace']);
	});

	it('raw formula and sort', async () => {
		const list = await listRunner('formula', {
			filterMode: 'formula',
			formula: '{Score} > 50',
			sort: { rule: [{ field: 'Score', direction: 'desc' }] },
			returnAll: true,
		});
		const out = outputOf(await list.run([{}]), 'Airtable List');
		expect(names(out)).toEqual(['Ada Lovelace', 'Grace Hopper', 'Alan Turing']);
	});

	it('reads every page, one request per 100 records, as records or as pages', async () => {
		let seq = await lastSeq(ctx);
		const records = await listRunner('all records', { filterMode: 'none', returnAll: true, output: 'record' });
		const all = outputOf(await records.run([{}]), 'Airtable List');
		expect(all).toHaveLength(250);
		expect(new Set(all.map((r) => r.id)).size).toBe(250);
		const listRequests = (await requestsSince(ctx, seq)).filter((r) => r.endpoint.includes('list'));
		expect(listRequests).toHaveLength(3);

		seq = await lastSeq(ctx);
		const pages = await listRunner('pages', { filterMode: 'none', returnAll: true, output: 'page' });
		const pageItems = outputOf(await pages.run([{}]), 'Airtable List');
		expect(pageItems).toHaveLength(3);
		expect(pageItems.map((p) => (p.records as unknown[]).length)).toEqual([100, 100, 50]);

		const limited = await listRunner('limit', { filterMode: 'none', returnAll: false, limit: 7 });
		expect(outputOf(await limited.run([{}]), 'Airtable List')).toHaveLength(7);
	});

	it('incremental: the next run returns only records changed since the last one', async () => {
		const incremental = await listRunner('incremental', { filterMode: 'none', incremental: true, modifiedField: 'Last Modified', firstRun: 'all' });

		const first = outputOf(await incremental.run([{}]), 'Airtable List');
		expect(first).toHaveLength(250);

		const second = (await incremental.run([{}])).data!.resultData.runData['Airtable List'][0].data!.main[0] ?? [];
		expect(second).toHaveLength(0);

		await ctx.admin('PATCH', `/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.contacts}/records`, {
			records: [{ id: DEMO_IDS.alan, fields: { Status: 'Customer' } }],
		});
		const created = await ctx.admin<{ records: Array<{ id: string }> }>('POST', `/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.contacts}/records`, {
			fields: { Name: 'Margaret Hamilton', Status: 'Lead' },
		});
		const third = outputOf(await incremental.run([{}]), 'Airtable List');
		expect(third.map((r) => r.id).sort()).toEqual([DEMO_IDS.alan, created.records[0].id].sort());
	});
});
