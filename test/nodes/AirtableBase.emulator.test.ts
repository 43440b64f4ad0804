import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, READONLY_TOKEN, startEmulator, type RunningEmulator } from '../../emulator';
import { AirtableBase } from '../../nodes/AirtableBase/AirtableBase.node';
import { AirtableRecords } from '../../nodes/AirtableRecords/AirtableRecords.node';
import { jsonItems, runNode, type RunNodeOptions } from './harness/run-node';

/**
 * The Base node in n8n-core's engine against the emulator: list bases, get the schema, describe
 * a table, create a table and fields, rename a field; a field created by it is writable by the
 * Records node in the same process without another schema read; a token without
 * schema.bases:write gets an error that names the scope.
 */

let emu: RunningEmulator;
beforeAll(async () => {
	emu = await startEmulator({ seed: 'demo', log: false, limits: { enabled: false } });
});
afterAll(async () => emu?.close());

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const credentials = (token = DEMO_TOKEN) => ({ airtableSyncTokenApi: { accessToken: token, baseUrl: emu.url } });

async function base(parameters: IDataObject, input: INodeExecutionData[] = jsonItems({}), options: Partial<RunNodeOptions> & { token?: string } = {}) {
	const { token, ...rest } = options;
	return await runNode(new AirtableBase(), {
		parameters: { base: byId(DEMO_BASE_ID), table: byId(DEMO_IDS.contacts), ...parameters } as RunNodeOptions['parameters'],
		credentials: credentials(token),
		input,
		...rest,
	});
}

function requests(endpoint: string): number {
	return emu.state.metrics.snapshot().requests.byEndpoint[endpoint] ?? 0;
}

describe('Airtable Base node', () => {
	it('lists the bases the token sees, once for all input items', async () => {
		const before = requests('meta.bases');
		const result = await base({ operation: 'listBases' }, jsonItems({}, {}, {}));
		expect(result.error).toBeUndefined();
		expect(result.output[0].map((item) => item.json.id)).toEqual([DEMO_BASE_ID]);
		expect(result.output[0][0].pairedItem).toEqual({ item: 0 });
		expect(requests('meta.bases') - before).toBe(1);
	});

	it('gets the schema: one item per table with fields and views', async () => {
		const result = await base({ operation: 'getSchema' });
		const tables = result.output[0].map((item) => item.json);
		expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['Contacts', 'Orders']));
		const contacts = tables.find((table) => table.id === DEMO_IDS.contacts)!;
		expect((contacts.fields as IDataObject[]).find((field) => field.name === 'Status')).toMatchObject({ type: 'singleSelect' });
		expect((contacts.views as IDataObject[]).length).toBeGreaterThan(0);
	});

	it('describes a table compactly: writable or not, what to send, the select options', async () => {
		const result = await base({ operation: 'describeTable' });
		const described = result.output[0][0].json as { table: string; fields: IDataObject[] };
		expect(described.table).toBe('Contacts');
		const status = described.fields.find((field) => field.name === 'Status')!;
		expect(status).toMatchObject({ type: 'singleSelect', writable: true, write: expect.stringMatching(/option name/) });
		expect(status.choices).toEqual(expect.arrayContaining(['Lead']));
		expect(described.fields.find((field) => field.writable === false)).toMatchObject({ write: expect.stringMatching(/^nothing/) });
	});

	it('creates a field the Records node can write at once in the same process, with no new schema read', async () => {
		// The Records node's field check reads (and caches) the schema first.
		await runNode(new AirtableRecords(), {
			parameters: { base: byId(DEMO_BASE_ID), table: byId(DEMO_IDS.contacts), operation: 'create', columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] } },
			credentials: credentials(),
			input: jsonItems({ Name: 'before the new field' }),
		});
		const created = await base({ operation: 'createField', fieldName: 'Priority', fieldType: 'singleSelect', selectOptions: 'High, Low' });
		expect(created.error).toBeUndefined();
		expect(created.output[0][0].json).toMatchObject({ name: 'Priority', type: 'singleSelect', id: expect.stringMatching(/^fld/) });
		const readsBefore = requests('meta.tables');
		const written = await runNode(new AirtableRecords(), {
			parameters: { base: byId(DEMO_BASE_ID), table: byId(DEMO_IDS.contacts), operation: 'create', columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] } },
			credentials: credentials(),
			input: jsonItems({ Name: 'with priority', Priority: 'High' }, { Name: 'bad priority', Priority: 'Urgent' }),
			continueOnFail: true,
		});
		expect(written.output[0][0].json.fields).toMatchObject({ Priority: 'High' });
		expect(String(written.output[0][1].json.error)).toMatch(/Field "Priority" \(singleSelect\) got an option that the field does not have .*"High", "Low"/);
		expect(requests('meta.tables') - readsBefore).toBe(0);
	});

	it('creates a table (types that need options get their usual ones) and renames a field by name', async () => {
		const fieldsJson = JSON.stringify([{ name: 'Code', type: 'singleLineText' }, { name: 'Done', type: 'checkbox' }, { name: 'Amount', type: 'currency' }]);
		const created = await base({ operation: 'createTable', tableName: 'Returns', tableDescription: 'Returned goods', fieldsJson });
		expect(created.error).toBeUndefined();
		const table = created.output[0][0].json as { id: string; fields: IDataObject[] };
		expect(table.fields.map((field) => [field.name, field.type])).toEqual([['Code', 'singleLineText'], ['Done', 'checkbox'], ['Amount', 'currency']]);
		const renamed = await base({ operation: 'updateField', table: byId(table.id), field: 'Done', newName: 'Returned', newDescription: 'Back in stock' });
		expect(renamed.output[0][0].json).toMatchObject({ name: 'Returned', description: 'Back in stock', type: 'checkbox' });
	});

	it('a duplicate field name fails its item alone, saying so; the other item is created', async () => {
		const result = await base(
			{ operation: 'createField', fieldName: '={{ $json.name }}', fieldType: 'singleLineText' },
			jsonItems({ name: 'name' }, { name: 'Nickname' }),
			{ continueOnFail: true },
		);
		expect(String(result.output[0][0].json.error)).toMatch(/A field named "name" already exists in this table/);
		expect(result.output[0][0].json).toMatchObject({ errorType: 'DUPLICATE_OR_EMPTY_FIELD_NAME' });
		expect(result.output[0][1].json).toMatchObject({ name: 'Nickname' });
	});

	it('a token without schema.bases:write is told to add that scope', async () => {
		const result = await base({ operation: 'createField', fieldName: 'Nope', fieldType: 'singleLineText' }, jsonItems({}), { token: READONLY_TOKEN });
		expect(result.error?.message).toMatch(/needs the scope schema\.bases:write/);
	});
});
