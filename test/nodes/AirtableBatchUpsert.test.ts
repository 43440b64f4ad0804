import nock from 'nock';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, ResourceMapperField } from 'n8n-workflow';

import { AirtableBatchUpsert } from '../../nodes/AirtableBatchUpsert/AirtableBatchUpsert.node';
import { callResourceMapping } from './harness/editor-methods';
import { jsonItems, runNode, type RunNodeOptions } from './harness/run-node';

const API = 'https://api.airtable.test';
const TABLE = 'tblContacts000001';
const credentials = { airtableSyncTokenApi: { accessToken: 'patUpsert.secret', baseUrl: API } };

/* Each test uses its own base id: the client's per-base limiter is process-wide. */
let baseCounter = 0;
let BASE = '';
beforeEach(() => {
	baseCounter++;
	BASE = `appUpsert${String(baseCounter).padStart(8, '0')}`;
});
afterEach(() => {
	nock.cleanAll();
});

function column(id: string, type: ResourceMapperField['type']): ResourceMapperField {
	return { id, displayName: id, required: false, defaultMatch: false, display: true, canBeUsedToMatch: true, type };
}

const SCHEMA = [column('Email', 'string'), column('Name', 'string'), column('Age', 'number'), column('Tags', 'array')];

function columns(value: IDataObject, matchingColumns = ['Email']): IDataObject {
	return { mappingMode: 'defineBelow', value, matchingColumns, schema: SCHEMA };
}

const EMAIL_NAME_AGE = columns({ Email: '={{ $json.email }}', Name: '={{ $json.name }}', Age: '={{ $json.age }}' });

function recId(n: number): string {
	return `rec${String(n).padStart(14, '0')}`;
}

type Body = {
	performUpsert?: { fieldsToMergeOn: string[] };
	records: Array<{ id?: string; fields: IDataObject }>;
	typecast?: boolean;
	returnFieldsByFieldId?: boolean;
};

interface Row {
	id: string;
	fields: IDataObject;
}

/**
 * An in-memory table behind nock: upsert (PATCH/PUT with performUpsert), list with fields[]
 * and paging, delete. Counts every request and keeps what was sent.
 */
class FakeTable {
	rows: Row[] = [];
	nextId = 1000;
	requests: Array<{ method: string; path: string; body?: Body }> = [];
	rejectWhen?: (fields: IDataObject) => string | undefined;

	constructor(
		rows: IDataObject[] = [],
		private readonly tableId = TABLE,
	) {
		this.rows = rows.map((fields, index) => ({ id: recId(index), fields: { ...fields } }));
	}

	get path(): string {
		return `/v0/${BASE}/${this.tableId}`;
	}

	count(method: string): number {
		return this.requests.filter((request) => request.method === method).length;
	}

	sent(method: string): Body[] {
		return this.requests.filter((request) => request.method === method).map((request) => request.body as Body);
	}

	install(): void {
		const scope = nock(API).persist();
		scope.get(this.path).query(true).reply((uri) => this.list(uri));
		scope.patch(this.path).reply((uri, body) => this.upsert('PATCH', uri, body));
		scope.put(this.path).reply((uri, body) => this.upsert('PUT', uri, body));
		scope.delete(this.path).query(true).reply((uri) => this.remove(uri));
	}

	private list(uri: string): [number, IDataObject] {
		this.requests.push({ method: 'GET', path: uri });
		const url = new URL(uri, API);
		const wanted = url.searchParams.getAll('fields[]');
		const offset = Number(url.searchParams.get('offset') ?? 0);
		const page = this.rows.slice(offset, offset + 100).map((row) => ({
			id: row.id,
			createdTime: '2024-01-01T00:00:00.000Z',
			fields: wanted.length ? Object.fromEntries(Object.entries(row.fields).filter(([key]) => wanted.includes(key))) : row.fields,
		}));
		const next = offset + 100 < this.rows.length ? String(offset + 100) : undefined;
		return [200, { records: page, ...(next ? { offset: next } : {}) }];
	}

	private upsert(method: string, uri: string, raw: unknown): [number, IDataObject] {
		const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Body;
		this.requests.push({ method, path: uri, body });
		for (const record of body.records) {
			const problem = this.rejectWhen?.(record.fields);
			if (problem) return [422, { error: { type: 'INVALID_VALUE_FOR_COLUMN', message: problem } }];
		}
		const merge = body.performUpsert?.fieldsToMergeOn ?? [];
		const createdRecords: string[] = [];
		const updatedRecords: string[] = [];
		const records = body.records.map((record) => {
			const match = this.rows.find((row) => merge.every((field) => row.fields[field] === record.fields[field]));
			if (match) {
				match.fields = method === 'PUT' ? { ...record.fields } : { ...match.fields, ...record.fields };
				updatedRecords.push(match.id);
				return { id: match.id, createdTime: 't', fields: match.fields };
			}
			const row = { id: recId(this.nextId++), fields: { ...record.fields } };
			this.rows.push(row);
			createdRecords.push(row.id);
			return { id: row.id, createdTime: 't', fields: row.fields };
		});
		return [200, { records, createdRecords, updatedRecords }];
	}

	private remove(uri: string): [number, IDataObject] {
		this.requests.push({ method: 'DELETE', path: uri });
		const ids = new URL(uri, API).searchParams.getAll('records[]');
		this.rows = this.rows.filter((row) => !ids.includes(row.id));
		return [200, { records: ids.map((id) => ({ id, deleted: true })) }];
	}
}

function params(extra: IDataObject): RunNodeOptions['parameters'] {
	return {
		base: { __rl: true, mode: 'id', value: BASE },
		table: { __rl: true, mode: 'id', value: TABLE },
		...extra,
	} as RunNodeOptions['parameters'];
}

async function run(parameters: IDataObject, input: INodeExecutionData[], options: Partial<RunNodeOptions> = {}) {
	return await runNode(new AirtableBatchUpsert(), { parameters: params(parameters), credentials, input, ...options });
}

function contact(index: number, extra: IDataObject = {}): IDataObject {
	return { email: `p${index}@example.com`, name: `Person ${index}`, age: 20 + index, ...extra };
}

/** The table row a contact becomes (field names as in Airtable). */
function row(index: number, extra: IDataObject = {}): IDataObject {
	return { Email: `p${index}@example.com`, Name: `Person ${index}`, Age: 20 + index, ...extra };
}

const statuses = (output: INodeExecutionData[]) => output.map((item) => item.json.status);

describe('Airtable Batch Upsert: description', () => {
	it('uses the resource mapper in upsert mode with several merge fields', () => {
		const { description } = new AirtableBatchUpsert();
		expect(description.name).toBe('airtableBatchUpsert');
		expect(description.usableAsTool).toBe(true);
		const mapper = description.properties.find((property) => property.type === 'resourceMapper');
		expect(mapper?.typeOptions?.resourceMapper).toEqual(
			expect.objectContaining({ resourceMapperMethod: 'getColumnsForUpsert', mode: 'upsert', multiKeyMatch: true }),
		);
		const deleteMissing = description.properties.find((property) => property.name === 'deleteMissing');
		expect(deleteMissing?.default).toBe(false);
	});
});

describe('Airtable Batch Upsert: upsert', () => {
	it('upserts in chunks of 10 by merge field and reports created / updated per item', async () => {
		const table = new FakeTable([row(1, { Age: 99 }), row(3)]);
		table.install();
		const input = jsonItems(...Array.from({ length: 25 }, (_, index) => contact(index)));
		const result = await run({ columns: EMAIL_NAME_AGE }, input);

		expect(result.error).toBeUndefined();
		const sent = table.sent('PATCH');
		expect(sent.map((body) => body.records.length)).toEqual([10, 10, 5]);
		expect(sent[0].performUpsert).toEqual({ fieldsToMergeOn: ['Email'] });
		expect(sent[0].records[2]).toEqual({ fields: { Email: 'p2@example.com', Name: 'Person 2', Age: 22 } });
		expect(table.count('GET')).toBe(0);

		const output = result.output[0];
		expect(output).toHaveLength(25);
		expect(output[1].json).toEqual({ id: recId(0), status: 'updated', fields: row(1) });
		expect(output[3].json).toMatchObject({ id: recId(1), status: 'updated' });
		expect(output[0].json).toMatchObject({ status: 'created', fields: row(0) });
		expect(statuses(output).filter((status) => status === 'created')).toHaveLength(23);
		output.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
	});

	it('validates merge keys before the first request: an item without a key stops the run', async () => {
		const table = new FakeTable();
		table.install();
		const input = jsonItems(contact(0), contact(1, { email: '' }), contact(2));
		const result = await run({ columns: EMAIL_NAME_AGE }, input);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		// Named once: the message already leads with the item, so no "Item 1: " goes before it.
		expect(result.error?.message).toMatch(/^Item 1 has no value for merge field "Email"/);
		expect(table.requests).toHaveLength(0);
	});

	it('with Continue On Fail, an item without a key becomes an error item and the rest are written', async () => {
		const table = new FakeTable();
		table.install();
		const input = jsonItems(contact(0), contact(1, { email: null }), contact(2));
		const result = await run({ columns: EMAIL_NAME_AGE }, input, { continueOnFail: true });
		expect(table.sent('PATCH')[0].records).toHaveLength(2);
		expect(statuses(result.output[0])).toEqual(['created', 'failed', 'created']);
		expect(result.output[0][1].json).toMatchObject({ field: 'Email', httpStatus: null });
		expect(String(result.output[0][1].json.error)).toContain('Item 1 has no value for merge field "Email"');
		expect(result.output[0][1].pairedItem).toEqual({ item: 1 });
	});

	it('refuses more than 3 merge fields', async () => {
		const table = new FakeTable();
		table.install();
		const result = await run(
			{ columns: columns({ Email: 'a', Name: 'b', Age: 1, Tags: '[]' }, ['Email', 'Name', 'Age', 'Tags']) },
			jsonItems({}),
		);
		expect(result.error?.message).toContain('Choose 1 to 3 merge fields');
		expect(table.requests).toHaveLength(0);
	});

	it('merges on several fields and sends them as fieldsToMergeOn', async () => {
		const table = new FakeTable([row(0)]);
		table.install();
		const result = await run(
			{ columns: { ...EMAIL_NAME_AGE, matchingColumns: ['Email', 'Name'] } },
			jsonItems(contact(0, { age: 50 }), contact(0, { name: 'Other', age: 51 })),
		);
		expect(result.error).toBeUndefined();
		expect(table.sent('PATCH')[0].performUpsert).toEqual({ fieldsToMergeOn: ['Email', 'Name'] });
		expect(statuses(result.output[0])).toEqual(['updated', 'created']);
	});

	it('with Replace, sends PUT', async () => {
		const table = new FakeTable([row(0, { Notes: 'keep?' })]);
		table.install();
		const result = await run({ columns: EMAIL_NAME_AGE, options: { replace: true } }, jsonItems(contact(0)));
		expect(result.error).toBeUndefined();
		expect(table.count('PUT')).toBe(1);
		expect(table.rows[0].fields).toEqual(row(0));
	});

	it('in field-ID mode merges on field ids and asks for fields by id', async () => {
		const table = new FakeTable();
		table.install();
		const schema = [column('fldEmail000000001', 'string'), column('fldAge00000000001', 'number')];
		const result = await run(
			{
				columns: {
					mappingMode: 'defineBelow',
					value: { fldEmail000000001: '={{ $json.email }}', fldAge00000000001: '={{ $json.age }}' },
					matchingColumns: ['fldEmail000000001'],
					schema,
				},
				options: { useFieldIds: true },
			},
			jsonItems(contact(0)),
		);
		expect(result.error).toBeUndefined();
		const body = table.sent('PATCH')[0];
		expect(body.returnFieldsByFieldId).toBe(true);
		expect(body.performUpsert?.fieldsToMergeOn).toEqual(['fldEmail000000001']);
		expect(body.records[0].fields).toEqual({ fldEmail000000001: 'p0@example.com', fldAge00000000001: 20 });
	});

	it('with Continue On Fail, a rejected item is isolated by splitting its chunk; the others land', async () => {
		const table = new FakeTable();
		table.rejectWhen = (fields) =>
			typeof fields.Age === 'number' ? undefined : `Field "Age" cannot accept the provided value`;
		table.install();
		const input = jsonItems(...Array.from({ length: 10 }, (_, index) => contact(index, index === 4 ? { age: 'old' } : {})));
		const result = await run({ columns: EMAIL_NAME_AGE, options: { output: 'summary' } }, input, {
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(table.rows).toHaveLength(9);
		const summary = result.output[0][0].json;
		expect(summary).toMatchObject({ created: 9, updated: 0, failed: 1 });
		expect(summary.errors).toEqual([
			expect.objectContaining({ itemIndex: 4, field: 'Age', message: expect.stringContaining('cannot accept') }),
		]);
	});

	it('without Continue On Fail, a rejected item fails the node with a NodeApiError naming it', async () => {
		const table = new FakeTable();
		table.rejectWhen = (fields) => (fields.Email === 'p7@example.com' ? 'Field "Age" cannot accept the provided value' : undefined);
		table.install();
		const input = jsonItems(...Array.from({ length: 10 }, (_, index) => contact(index)));
		const result = await run({ columns: EMAIL_NAME_AGE }, input);
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toContain('Item 7');
		expect(table.rows).toHaveLength(9);
	});
});

describe('Airtable Batch Upsert: per-item table', () => {
	it('writes each item into the table its expression names, one sync per table, output in input order', async () => {
		const contacts = new FakeTable([row(0)]);
		const leads = new FakeTable([], 'tblLeads000000001');
		contacts.install();
		leads.install();
		const input = jsonItems(
			contact(0, { table: TABLE, age: 50 }),
			contact(1, { table: 'tblLeads000000001' }),
			contact(2, { table: TABLE }),
		);
		const result = await run({ columns: EMAIL_NAME_AGE, table: { __rl: true, mode: 'id', value: '={{ $json.table }}' } }, input);
		expect(result.error).toBeUndefined();
		expect(contacts.sent('PATCH').flatMap((body) => body.records.map((record) => record.fields.Email))).toEqual([
			'p0@example.com',
			'p2@example.com',
		]);
		expect(leads.sent('PATCH').flatMap((body) => body.records.map((record) => record.fields.Email))).toEqual(['p1@example.com']);
		expect(statuses(result.output[0])).toEqual(['updated', 'created', 'created']);
		result.output[0].forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
	});
});

describe('Airtable Batch Upsert: duplicate keys', () => {
	const input = () =>
		jsonItems(contact(0, { name: 'First' }), contact(1), contact(0, { name: 'Second' }), contact(0, { name: 'Third' }));

	it('last wins: writes the last item of the key; the dropped ones say which item superseded them', async () => {
		const table = new FakeTable();
		table.install();
		const result = await run({ columns: EMAIL_NAME_AGE }, input());
		expect(result.error).toBeUndefined();
		expect(table.sent('PATCH')[0].records.map((record) => record.fields.Name)).toEqual(['Person 1', 'Third']);
		const output = result.output[0];
		expect(statuses(output)).toEqual(['duplicate', 'created', 'duplicate', 'created']);
		expect(output[0].json).toMatchObject({ status: 'duplicate', supersededBy: 3, id: output[3].json.id });
		expect(output[2].json).toMatchObject({ supersededBy: 3, fields: { Name: 'Second' } });
		expect(output[2].pairedItem).toEqual({ item: 2 });
	});

	it('first wins', async () => {
		const table = new FakeTable();
		table.install();
		const result = await run({ columns: EMAIL_NAME_AGE, options: { onDuplicateKeys: 'firstWins' } }, input());
		expect(table.sent('PATCH')[0].records.map((record) => record.fields.Name)).toEqual(['First', 'Person 1']);
		expect(result.output[0][3].json).toMatchObject({ status: 'duplicate', supersededBy: 0 });
	});

	it('error: fails before any request, naming the items', async () => {
		const table = new FakeTable();
		table.install();
		const result = await run({ columns: EMAIL_NAME_AGE, options: { onDuplicateKeys: 'error' } }, input());
		expect(result.error?.message).toContain('Items 0, 2, 3 have the same merge key (Email = "p0@example.com")');
		expect(table.requests).toHaveLength(0);
	});

	it('counts duplicates in the summary', async () => {
		const table = new FakeTable();
		table.install();
		const result = await run({ columns: EMAIL_NAME_AGE, options: { output: 'summary' } }, input());
		expect(result.output[0][0].json).toMatchObject({ created: 2, duplicates: 2, failed: 0 });
	});
});

describe('Airtable Batch Upsert: skip unchanged', () => {
	it('30 items of which 3 changed cost 1 list page and 1 upsert request', async () => {
		const table = new FakeTable(Array.from({ length: 30 }, (_, index) => row(index, { Other: 'untouched' })));
		table.install();
		const input = jsonItems(
			...Array.from({ length: 30 }, (_, index) => contact(index, [4, 17, 29].includes(index) ? { age: 1 } : {})),
		);
		// Age arrives as text for some items: "25" equals 25.
		input[5].json.age = '25';
		const result = await run({ columns: EMAIL_NAME_AGE, skipUnchanged: true }, input);

		expect(result.error).toBeUndefined();
		expect(table.count('GET')).toBe(1);
		expect(table.count('PATCH')).toBe(1);
		const listed = new URL(table.requests[0].path, API).searchParams.getAll('fields[]');
		expect(listed.sort()).toEqual(['Age', 'Email', 'Name']);
		expect(table.sent('PATCH')[0].records.map((record) => record.fields.Email)).toEqual([
			'p4@example.com',
			'p17@example.com',
			'p29@example.com',
		]);
		const output = result.output[0];
		expect(statuses(output).filter((status) => status === 'unchanged')).toHaveLength(27);
		expect(output[5].json).toEqual({ id: recId(5), status: 'unchanged', fields: row(5) });
		expect(output[4].json).toMatchObject({ id: recId(4), status: 'updated' });
	});

	it('reports the skipped count and the request count in the summary', async () => {
		const table = new FakeTable(Array.from({ length: 5 }, (_, index) => row(index)));
		table.install();
		const input = jsonItems(...Array.from({ length: 6 }, (_, index) => contact(index, index === 0 ? { name: 'New name' } : {})));
		const result = await run({ columns: EMAIL_NAME_AGE, skipUnchanged: true, options: { output: 'summary' } }, input);
		expect(result.output[0]).toHaveLength(1);
		const summary = result.output[0][0];
		expect(summary.json).toMatchObject({
			created: 1,
			updated: 1,
			unchanged: 4,
			duplicates: 0,
			failed: 0,
			deleted: 0,
			deletedIds: [],
			// The schema read for the value check (no meta endpoint here, so unchecked), 1 list page, 1 upsert.
			requests: 3,
		});
		expect(typeof summary.json.durationMs).toBe('number');
		expect(summary.pairedItem).toEqual([0, 1, 2, 3, 4, 5].map((item) => ({ item })));
	});

	it('writes real changes that look like "empty": 0 over an empty cell, clearing a value, a new tag', async () => {
		const table = new FakeTable([
			{ Email: 'a@x', Tags: ['x', 'y'] },
			{ Email: 'b@x', Age: 3 },
			{ Email: 'c@x', Tags: ['x'] },
			{ Email: 'd@x', Tags: ['y', 'x'] },
		]);
		table.install();
		const mapping = columns({ Email: '={{ $json.email }}', Age: '={{ $json.age }}', Tags: '={{ $json.tags }}' });
		const input = jsonItems(
			{ email: 'a@x', age: 0, tags: ['x', 'y'] },
			{ email: 'b@x', age: null, tags: [] },
			{ email: 'c@x', age: null, tags: ['x', 'z'] },
			{ email: 'd@x', age: null, tags: ['x', 'y'] },
		);
		const result = await run({ columns: mapping, skipUnchanged: true }, input);
		expect(result.error).toBeUndefined();
		expect(statuses(result.output[0])).toEqual(['updated', 'updated', 'updated', 'unchanged']);
	});

	it('with Replace, a record holding a value in an unmapped field is not unchanged (PUT would clear it)', async () => {
		const table = new FakeTable([row(0), row(1, { Notes: 'will be cleared' })]);
		table.install();
		nock(API)
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, {
				tables: [
					{
						id: TABLE,
						name: 'Contacts',
						primaryFieldId: 'fldEmail000000001',
						views: [],
						fields: [
							{ id: 'fldEmail000000001', name: 'Email', type: 'email' },
							{ id: 'fldName0000000001', name: 'Name', type: 'singleLineText' },
							{ id: 'fldAge00000000001', name: 'Age', type: 'number' },
							{ id: 'fldNotes000000001', name: 'Notes', type: 'multilineText' },
						],
					},
				],
			});
		const result = await run(
			{ columns: EMAIL_NAME_AGE, skipUnchanged: true, options: { replace: true } },
			jsonItems(contact(0), contact(1)),
		);
		expect(result.error).toBeUndefined();
		expect(statuses(result.output[0])).toEqual(['unchanged', 'updated']);
		expect(table.sent('PUT')[0].records).toHaveLength(1);
		expect(table.rows[1].fields.Notes).toBeUndefined();
	});
});

describe('Airtable Batch Upsert: delete records missing from input', () => {
	it('deletes records whose key is not in the input and reports their ids', async () => {
		const table = new FakeTable([row(0), row(1), row(2), row(3)]);
		table.install();
		const result = await run(
			{ columns: EMAIL_NAME_AGE, deleteMissing: true },
			jsonItems(contact(0), contact(2), contact(9)),
		);
		expect(result.error).toBeUndefined();
		expect(table.count('DELETE')).toBe(1);
		expect(table.rows.map((entry) => entry.fields.Email).sort()).toEqual([
			'p0@example.com',
			'p2@example.com',
			'p9@example.com',
		]);
		const output = result.output[0];
		expect(statuses(output)).toEqual(['updated', 'updated', 'created', 'deleted', 'deleted']);
		expect(output.slice(3).map((item) => item.json.id)).toEqual([recId(1), recId(3)]);
		expect(output[3].json.fields).toEqual({ Email: 'p1@example.com' });
		expect(output[3].pairedItem).toEqual([0, 1, 2].map((item) => ({ item })));
	});

	it('lists deleted ids in the summary', async () => {
		const table = new FakeTable([row(0), row(1)]);
		table.install();
		const result = await run(
			{ columns: EMAIL_NAME_AGE, deleteMissing: true, skipUnchanged: true, options: { output: 'summary' } },
			jsonItems(contact(0)),
		);
		// The schema read for the value check, 1 list page, 1 delete.
		expect(result.output[0][0].json).toMatchObject({ unchanged: 1, deleted: 1, deletedIds: [recId(1)], requests: 3 });
	});

	it('refuses to run when no input item has a valid key, before any request', async () => {
		const table = new FakeTable([row(0), row(1)]);
		table.install();
		const result = await run({ columns: EMAIL_NAME_AGE, deleteMissing: true }, jsonItems({ email: '' }), {
			continueOnFail: true,
		});
		// Even with Continue On Fail the guard fails the node: n8n passes the input through unchanged.
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toContain('Refusing to delete records missing from the input');
		expect(result.output[0].map((item) => item.json)).toEqual([{ email: '' }]);
		expect(table.requests).toHaveLength(0);
		expect(table.rows).toHaveLength(2);
	});

	it('aborts before deleting when more records would go than Max Deletions', async () => {
		const table = new FakeTable([row(0), row(1), row(2), row(3)]);
		table.install();
		const result = await run(
			{ columns: EMAIL_NAME_AGE, deleteMissing: true, maxDeletions: 2 },
			jsonItems(contact(0)),
		);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toContain('3 records are missing from the input and would be deleted, more than Max Deletions (2)');
		expect(table.count('DELETE')).toBe(0);
		expect(table.rows).toHaveLength(4);
	});

	it('Max Deletions 0 means no limit', async () => {
		const table = new FakeTable(Array.from({ length: 150 }, (_, index) => row(index)));
		table.install();
		const result = await run(
			{ columns: EMAIL_NAME_AGE, deleteMissing: true, maxDeletions: 0, options: { output: 'summary' } },
			jsonItems(contact(0)),
		);
		expect(result.error).toBeUndefined();
		expect(table.count('GET')).toBe(2);
		expect(table.count('DELETE')).toBe(15);
		expect(result.output[0][0].json).toMatchObject({ updated: 1, deleted: 149 });
		expect(table.rows).toHaveLength(1);
	});

	it('deletes nothing when an item failed, and says why', async () => {
		const table = new FakeTable([row(0), row(1), row(2)]);
		table.install();
		const result = await run(
			{ columns: EMAIL_NAME_AGE, deleteMissing: true, options: { output: 'summary' } },
			jsonItems(contact(0), contact(5, { email: '' })),
			{ continueOnFail: true },
		);
		expect(table.count('DELETE')).toBe(0);
		expect(result.output[0][0].json).toMatchObject({ failed: 1, deleted: 0 });
		expect(String(result.output[0][0].json.deleteSkipped)).toContain('1 item(s) failed');
	});
});

describe('Airtable Batch Upsert: resource mapper columns', () => {
	it('offers mergeable fields as matching columns and marks computed fields read-only', async () => {
		nock(API)
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, {
				tables: [
					{
						id: TABLE,
						name: 'Contacts',
						primaryFieldId: 'fldEmail000000001',
						views: [],
						fields: [
							{ id: 'fldEmail000000001', name: 'Email', type: 'email' },
							{ id: 'fldFile0000000001', name: 'Photo', type: 'multipleAttachments' },
							{ id: 'fldAuto0000000001', name: 'Number', type: 'autoNumber' },
						],
					},
				],
			});
		const result = await callResourceMapping(
			new AirtableBatchUpsert(),
			'getColumnsForUpsert',
			credentials,
			params({ options: { useFieldIds: true } }) ?? {},
		);
		expect(result.fields.map((field) => [field.id, field.canBeUsedToMatch, field.readOnly])).toEqual([
			['fldEmail000000001', true, false],
			['fldFile0000000001', false, false],
			['fldAuto0000000001', false, true],
		]);
	});
});
