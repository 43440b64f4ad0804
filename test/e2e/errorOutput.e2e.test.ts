import { outputOf, WorkflowRunner } from './runtime/api';
import { DEMO_IDS, lastSeq, locators, PKG, requestsSince, setupContext, tableRecords, type E2eContext } from './support/context';

/**
 * "On Error → Continue (using error output)" in a real n8n: failed items leave the Records node
 * on its error branch (here wired to a No Op node, as a user would wire an alert or a retry
 * queue), good items on the success branch.
 */
let ctx: E2eContext;

beforeAll(async () => {
	ctx = await setupContext('error-output');
});

afterAll(async () => {
	await ctx?.close();
});

it('3 bad items among 30: 27 records on the success branch, 3 on the error branch naming item and field', async () => {
	const runner = await WorkflowRunner.create(
		ctx.n8n,
		'E2E Records error output',
		[
			{
				name: 'Airtable Records',
				type: `${PKG}.airtableRecords`,
				typeVersion: 1,
				position: [440, 0],
				credentials: ctx.credentials,
				onError: 'continueErrorOutput',
				parameters: {
					authentication: 'accessToken',
					...locators(DEMO_IDS.contacts, 'Contacts'),
					operation: 'create',
					columns: { mappingMode: 'autoMapInputData', value: null },
					options: {},
				},
			},
			{ name: 'Failures', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [660, 120], parameters: {} },
		],
		{ 'Airtable Records': { main: [[], [{ node: 'Failures', type: 'main', index: 0 }]] } },
	);
	const items: Array<Record<string, unknown>> = Array.from({ length: 30 }, (_, n) => ({ Name: `E2E error output ${n}`, Score: n }));
	items[3] = { Name: 'E2E error output 3', Score: 'three' };
	items[14] = { Name: 'E2E error output 14', Scroe: 14 };
	items[25] = { Name: 'E2E error output 25', Status: 'Prospect' };
	const seq = await lastSeq(ctx);

	const execution = await runner.run(items);

	expect(execution.status).toBe('success');
	const success = outputOf(execution, 'Airtable Records', 0);
	const failed = outputOf(execution, 'Airtable Records', 1);
	expect(success).toHaveLength(27);
	expect(success.every((item) => /^rec/.test(String(item.id)))).toBe(true);
	expect(failed).toHaveLength(3);
	expect(failed.map((item) => item.error)).toEqual([
		expect.stringContaining('Item 3: Field "Score"'),
		expect.stringContaining('Item 14: Field "Scroe" does not exist'),
		expect.stringContaining('Item 25: Field "Status"'),
	]);
	expect(failed.map((item) => (item.details as Record<string, unknown>).field)).toEqual(['Score', 'Scroe', 'Status']);
	// The user's own fields come along to the error branch.
	expect(failed.map((item) => item.Name)).toEqual(['E2E error output 3', 'E2E error output 14', 'E2E error output 25']);
	// And they reach the node wired to it.
	expect(outputOf(execution, 'Failures')).toHaveLength(3);

	const writes = (await requestsSince(ctx, seq)).filter((r) => r.write);
	expect(writes.map((w) => w.records).sort((a, b) => b - a)).toEqual([10, 10, 7]);
	const names = (await tableRecords(ctx, 'Contacts')).map((r) => r.fields.Name);
	expect(names.filter((name) => String(name).startsWith('E2E error output '))).toHaveLength(27);
});
