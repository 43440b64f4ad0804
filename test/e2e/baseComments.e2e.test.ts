import { outputOf, WorkflowRunner, type WorkflowNode } from './runtime/api';
import { DEMO_BASE_ID, DEMO_IDS, lastSeq, locators, PKG, requestsSince, setupContext, tableRecords, type E2eContext } from './support/context';

/**
 * The Airtable Base and Airtable Comments nodes in a real n8n against the emulator: every
 * operation once, and the point of revising the schema cache on writes: a field created by the
 * Base node is written by the Records node in the same execution, with no new schema read.
 */

let ctx: E2eContext;
let record: string;

beforeAll(async () => {
	ctx = await setupContext('base-comments');
	record = (await tableRecords(ctx, 'Contacts'))[0].id;
});

afterAll(async () => {
	await ctx?.close();
});

function node(name: string, type: 'airtableBase' | 'airtableComments' | 'airtableRecords', parameters: Record<string, unknown>, position: [number, number] = [440, 0]): WorkflowNode {
	return {
		name,
		type: `${PKG}.${type}`,
		typeVersion: 1,
		position,
		credentials: ctx.credentials,
		parameters: { authentication: 'accessToken', ...locators(DEMO_IDS.contacts, 'Contacts'), ...parameters },
	};
}

async function runOne(name: string, type: 'airtableBase' | 'airtableComments', parameters: Record<string, unknown>, items: Array<Record<string, unknown>> = [{}]) {
	const runner = await WorkflowRunner.create(ctx.n8n, `E2E ${name}`, [node(name, type, parameters)]);
	const execution = await runner.run(items);
	expect(execution.status).toBe('success');
	return outputOf(execution, name);
}

describe('Airtable Base in n8n', () => {
	it('lists bases, gets the schema and describes a table', async () => {
		expect((await runOne('List bases', 'airtableBase', { operation: 'listBases' })).map((base) => base.id)).toEqual([DEMO_BASE_ID]);
		const tables = await runOne('Get schema', 'airtableBase', { operation: 'getSchema' });
		expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['Contacts', 'Orders']));
		const [described] = await runOne('Describe table', 'airtableBase', { operation: 'describeTable' });
		const fields = described.fields as Array<Record<string, unknown>>;
		expect(fields.find((field) => field.name === 'Status')).toMatchObject({ writable: true, choices: expect.arrayContaining(['Lead']) });
	});

	it('a field created by the Base node is written by Records in the same execution, without another schema read', async () => {
		// A first write leaves the base's schema in n8n's process cache.
		const warm = await WorkflowRunner.create(ctx.n8n, 'E2E warm the schema cache', [
			node('Write contact', 'airtableRecords', { operation: 'create', columns: { mappingMode: 'autoMapInputData', value: null }, options: {} }),
		]);
		expect((await warm.run([{ Name: 'E2E before Tier' }])).status).toBe('success');

		const runner = await WorkflowRunner.create(
			ctx.n8n,
			'E2E create a field and write it',
			[
				node('Create field', 'airtableBase', { operation: 'createField', fieldName: 'Tier', fieldType: 'singleSelect', selectOptions: 'Gold, Silver', fieldOptions: '{}' }),
				node(
					'Write contact',
					'airtableRecords',
					{
						operation: 'create',
						columns: { mappingMode: 'defineBelow', value: { Name: "={{ $('Items').item.json.Name }}", Tier: "={{ $('Items').item.json.Tier }}" }, matchingColumns: [], schema: [] },
						options: {},
					},
					[660, 0],
				),
			],
			{ 'Create field': { main: [[{ node: 'Write contact', type: 'main', index: 0 }]] } },
		);
		const seq = await lastSeq(ctx);
		const execution = await runner.run([{ Name: 'E2E Gold customer', Tier: 'Gold' }]);
		expect(execution.status).toBe('success');
		expect(outputOf(execution, 'Create field')[0]).toMatchObject({ name: 'Tier', type: 'singleSelect' });
		expect(outputOf(execution, 'Write contact')[0].fields).toMatchObject({ Name: 'E2E Gold customer', Tier: 'Gold' });
		const log = await requestsSince(ctx, seq);
		expect(log.map((entry) => entry.endpoint)).toEqual(['meta.createField', 'records.create']);
	});

	it('creates a table and renames one of its fields', async () => {
		const fieldsJson = JSON.stringify([{ name: 'Code', type: 'singleLineText' }, { name: 'Done', type: 'checkbox' }]);
		const [table] = await runOne('Create table', 'airtableBase', { operation: 'createTable', tableName: 'E2E Returns', tableDescription: '', fieldsJson });
		expect(table).toMatchObject({ name: 'E2E Returns', id: expect.stringMatching(/^tbl/) });
		const [field] = await runOne('Update field', 'airtableBase', {
			operation: 'updateField',
			...locators(table.id as string, 'E2E Returns'),
			field: 'Done',
			newName: 'Returned',
			newDescription: 'Back in stock',
		});
		expect(field).toMatchObject({ name: 'Returned', description: 'Back in stock' });
	});
});

describe('Airtable Comments in n8n', () => {
	it('adds a comment with a mention and a reply, lists, edits and deletes', async () => {
		const me = ((await (await fetch(`${ctx.emulator.url}/v0/meta/whoami`, { headers: { authorization: 'Bearer pat-demo-emulator-token' } })).json()) as { id: string }).id;
		const [added] = await runOne('Add comment', 'airtableComments', { operation: 'add', recordId: '={{ $json.id }}', text: 'Please call back', mentionUsers: me, replyTo: '' }, [{ id: record }]);
		expect(added).toMatchObject({ text: `@[${me}] Please call back`, recordId: record });
		const [reply] = await runOne('Reply', 'airtableComments', { operation: 'add', recordId: '={{ $json.id }}', text: 'Called', mentionUsers: '', replyTo: added.id }, [{ id: record }]);
		expect(reply.parentCommentId).toBe(added.id);

		const listed = await runOne('List comments', 'airtableComments', { operation: 'list', recordId: '={{ $json.id }}', returnAll: true }, [{ id: record }]);
		expect(listed.map((comment) => comment.text)).toEqual(['Called', `@[${me}] Please call back`]);

		const [edited] = await runOne('Edit comment', 'airtableComments', { operation: 'edit', recordId: '={{ $json.id }}', commentId: reply.id, text: 'Called twice' }, [{ id: record }]);
		expect(edited).toMatchObject({ text: 'Called twice', lastUpdatedTime: expect.any(String) });
		const [deleted] = await runOne('Delete comment', 'airtableComments', { operation: 'delete', recordId: '={{ $json.id }}', commentId: reply.id }, [{ id: record }]);
		expect(deleted).toEqual({ id: reply.id, deleted: true, recordId: record });
	});
});
