import nock from 'nock';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, ResourceMapperField } from 'n8n-workflow';

import { AirtableRecords } from '../../nodes/AirtableRecords/AirtableRecords.node';
import { callResourceMapping } from './harness/editor-methods';
import { jsonItems, runNode, type RunNodeOptions } from './harness/run-node';

const API = 'https://api.airtable.test';
const TABLE = 'tblPeople00000001';
const credentials = { airtableSyncTokenApi: { accessToken: 'patRecords.secret', baseUrl: API } };

/* Each test uses its own base id: the client's per-base limiter is process-wide. */
let baseCounter = 0;
let BASE = '';
beforeEach(() => {
	baseCounter++;
	BASE = `appRecords${String(baseCounter).padStart(7, '0')}`;
});
afterEach(() => {
	nock.cleanAll();
});

const tablePath = () => `/v0/${BASE}/${TABLE}`;

/**
 * A token without schema.bases:read: the values are not checked before writing, so these tests
 * see Airtable's own rejections and the splitting that finds the bad records.
 */
function withoutSchemaAccess(): void {
	nock(API)
		.get(`/v0/meta/bases/${BASE}/tables`)
		.reply(403, { error: { type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', message: 'Invalid permissions' } });
}

function column(id: string, type: ResourceMapperField['type'], extra: Partial<ResourceMapperField> = {}): ResourceMapperField {
	return { id, displayName: id, required: false, defaultMatch: false, display: true, canBeUsedToMatch: false, type, ...extra };
}

const SCHEMA = [column('Name', 'string'), column('Age', 'number'), column('Active', 'boolean')];

function mapped(value: IDataObject, schema: ResourceMapperField[] = SCHEMA): IDataObject {
	return { mappingMode: 'defineBelow', value, matchingColumns: [], schema };
}

const NAME_AGE = mapped({ Name: '={{ $json.name }}', Age: '={{ $json.age }}' });

function params(extra: IDataObject): RunNodeOptions['parameters'] {
	return {
		base: { __rl: true, mode: 'id', value: BASE },
		table: { __rl: true, mode: 'id', value: TABLE },
		...extra,
	} as RunNodeOptions['parameters'];
}

async function run(parameters: IDataObject, input: INodeExecutionData[], options: Partial<RunNodeOptions> = {}) {
	return await runNode(new AirtableRecords(), { parameters: params(parameters), credentials, input, ...options });
}

function people(count: number): INodeExecutionData[] {
	return jsonItems(...Array.from({ length: count }, (_, index) => ({ name: `Person ${index}`, age: 20 + index })));
}

function recId(n: number): string {
	return `rec${String(n).padStart(14, '0')}`;
}

type Body = { records: Array<{ id?: string; fields: IDataObject }>; typecast?: boolean; returnFieldsByFieldId?: boolean };

function parse(body: unknown): Body {
	return (typeof body === 'string' ? JSON.parse(body) : body) as Body;
}

/** A fake create endpoint: numbers ids in order, rejects a chunk holding a non-numeric Age. */
function createEndpoint(bodies: Body[], idOffset = { next: 0 }) {
	return nock(API)
		.post(tablePath())
		.times(20)
		.reply((_uri, raw) => {
			const body = parse(raw);
			bodies.push(body);
			const bad = body.records.find((record) => record.fields.Age !== undefined && typeof record.fields.Age !== 'number');
			if (bad) {
				return [
					422,
					{
						error: {
							type: 'INVALID_VALUE_FOR_COLUMN',
							message: `Field "Age" cannot accept the provided value: ${JSON.stringify(bad.fields.Age)}`,
						},
					},
				];
			}
			return [
				200,
				{
					records: body.records.map((record) => ({
						id: recId(idOffset.next++),
						createdTime: '2024-05-01T00:00:00.000Z',
						fields: record.fields,
					})),
				},
			];
		});
}

describe('Airtable Records: description', () => {
	it('is a tool-usable node with both credentials and the resource mapper per operation', () => {
		const { description } = new AirtableRecords();
		expect(description.name).toBe('airtableRecords');
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials?.map((credential) => credential.name)).toEqual([
			'airtableSyncTokenApi',
			'airtableSyncOAuth2Api',
		]);
		const mappers = description.properties.filter((property) => property.type === 'resourceMapper');
		expect(mappers.map((property) => property.typeOptions?.resourceMapper)).toEqual([
			expect.objectContaining({ resourceMapperMethod: 'getColumnsForCreate', mode: 'add', supportAutoMap: true, multiKeyMatch: false }),
			expect.objectContaining({ resourceMapperMethod: 'getColumnsForUpdate', mode: 'update', supportAutoMap: true, multiKeyMatch: false }),
		]);
	});
});

describe('Airtable Records: create', () => {
	beforeEach(withoutSchemaAccess);

	it('batches 25 items into exactly 3 POSTs of 10, 10 and 5, in order, and pairs every record', async () => {
		const bodies: Body[] = [];
		createEndpoint(bodies);
		const result = await run({ operation: 'create', columns: NAME_AGE, options: { typecast: true } }, people(25));

		expect(result.error).toBeUndefined();
		expect(bodies.map((body) => body.records.length)).toEqual([10, 10, 5]);
		const sentNames = bodies.flatMap((body) => body.records.map((record) => record.fields.Name));
		expect(sentNames).toEqual(Array.from({ length: 25 }, (_, index) => `Person ${index}`));
		expect(bodies[0].records[3].fields).toEqual({ Name: 'Person 3', Age: 23 });
		expect(bodies.every((body) => body.typecast === true)).toBe(true);

		const output = result.output[0];
		expect(output).toHaveLength(25);
		output.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.fields).toEqual({ Name: `Person ${index}`, Age: 20 + index });
			expect(item.json.id).toMatch(/^rec/);
			expect(item.json.createdTime).toBe('2024-05-01T00:00:00.000Z');
		});
	});

	it('auto-maps input keys, leaving out the fields to ignore', async () => {
		const bodies: Body[] = [];
		createEndpoint(bodies);
		const input = jsonItems({ Name: 'Ada', Age: 36, internal: 'x', note: 'y' });
		const result = await run(
			{
				operation: 'create',
				columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: SCHEMA },
				options: { ignoreFields: 'internal, note' },
			},
			input,
		);
		expect(result.error).toBeUndefined();
		expect(bodies[0].records).toEqual([{ fields: { Name: 'Ada', Age: 36 } }]);
	});

	it('with Continue On Fail, one bad item among ten gets an error item naming item, field and message; nine land', async () => {
		const bodies: Body[] = [];
		createEndpoint(bodies);
		const input = people(10);
		input[6].json.age = 'not a number';
		const result = await run({ operation: 'create', columns: NAME_AGE }, input, { continueOnFail: true });

		expect(result.error).toBeUndefined();
		const output = result.output[0];
		expect(output).toHaveLength(10);
		const failed = output[6];
		expect(failed.pairedItem).toEqual({ item: 6 });
		expect(failed.json.field).toBe('Age');
		expect(failed.json.errorType).toBe('INVALID_VALUE_FOR_COLUMN');
		expect(String(failed.json.error)).toContain('cannot accept the provided value');
		expect(String(failed.json.error)).not.toContain('patRecords.secret');
		const landed = output.filter((item) => item.json.id);
		expect(landed).toHaveLength(9);
		expect(landed.map((item) => item.json.fields)).not.toContainEqual(expect.objectContaining({ Age: 'not a number' }));
		// The chunk was split until the bad record was alone: every good record was sent and accepted.
		const accepted = bodies.filter((body) => body.records.every((record) => typeof record.fields.Age === 'number'));
		expect(accepted.flatMap((body) => body.records)).toHaveLength(9);
		expect(bodies.length).toBeGreaterThan(2);
	});

	it('with Continue On Fail, an item with an unknown field fails alone with the field named', async () => {
		const bodies: Body[] = [];
		nock(API)
			.post(tablePath())
			.times(10)
			.reply((_uri, raw) => {
				const body = parse(raw);
				bodies.push(body);
				if (body.records.some((record) => 'Nmae' in record.fields)) {
					return [422, { error: { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Nmae"' } }];
				}
				return [200, { records: body.records.map((record, index) => ({ id: recId(index), createdTime: 't', fields: record.fields })) }];
			});
		const input = jsonItems({ Name: 'A' }, { Nmae: 'typo' }, { Name: 'C' });
		const result = await run(
			{ operation: 'create', columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: SCHEMA } },
			input,
			{ continueOnFail: true },
		);
		const output = result.output[0];
		expect(output.map((item) => item.json.fields ?? null)).toEqual([{ Name: 'A' }, null, { Name: 'C' }]);
		expect(output[1].json).toMatchObject({ field: 'Nmae', errorType: 'UNKNOWN_FIELD_NAME' });
		expect(String(output[1].json.error)).toContain('Unknown field name');
	});

	it('without Continue On Fail, throws a NodeApiError naming the item and the field (the good items still landed)', async () => {
		const bodies: Body[] = [];
		createEndpoint(bodies);
		const input = people(10);
		input[6].json.age = 'not a number';
		const result = await run({ operation: 'create', columns: NAME_AGE }, input);

		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toContain('Item 6');
		expect(result.error?.message).toContain('Age');
		expect((result.error as NodeApiError).httpCode).toBe('422');
		const accepted = bodies.filter((body) => body.records.every((record) => typeof record.fields.Age === 'number'));
		expect(accepted.flatMap((body) => body.records)).toHaveLength(9);
	});

	it('in field-ID mode sends returnFieldsByFieldId and keys fields by field id', async () => {
		const bodies: Body[] = [];
		nock(API)
			.post(tablePath())
			.reply((_uri, raw) => {
				const body = parse(raw);
				bodies.push(body);
				return [200, { records: body.records.map((record, index) => ({ id: recId(index), createdTime: 'x', fields: record.fields })) }];
			});
		const schema = [column('fldName0000000001', 'string'), column('fldAge00000000001', 'number')];
		const result = await run(
			{
				operation: 'create',
				columns: mapped({ fldName0000000001: '={{ $json.name }}', fldAge00000000001: '={{ $json.age }}' }, schema),
				options: { useFieldIds: true },
			},
			people(2),
		);
		expect(result.error).toBeUndefined();
		expect(bodies[0].returnFieldsByFieldId).toBe(true);
		expect(bodies[0].records[1].fields).toEqual({ fldName0000000001: 'Person 1', fldAge00000000001: 21 });
		expect(result.output[0][1].json.fields).toEqual({ fldName0000000001: 'Person 1', fldAge00000000001: 21 });
	});
});

describe('Airtable Records: update, replace, delete', () => {
	beforeEach(withoutSchemaAccess);

	function updateEndpoint(method: 'patch' | 'put', bodies: Body[]) {
		const scope = nock(API);
		return scope[method](tablePath())
			.times(5)
			.reply((_uri, raw) => {
				const body = parse(raw);
				bodies.push(body);
				return [200, { records: body.records.map((record) => ({ id: record.id, createdTime: 't', fields: record.fields })) }];
			});
	}

	const withIds = (count: number) =>
		jsonItems(...Array.from({ length: count }, (_, index) => ({ id: recId(index), name: `P${index}`, age: index })));

	it('updates with PATCH by record id, 10 per request, keeping the pairing', async () => {
		const bodies: Body[] = [];
		updateEndpoint('patch', bodies);
		const result = await run(
			{ operation: 'update', recordId: '={{ $json.id }}', columns: mapped({ Age: '={{ $json.age }}' }) },
			withIds(12),
		);
		expect(result.error).toBeUndefined();
		expect(bodies.map((body) => body.records.length)).toEqual([10, 2]);
		expect(bodies[1].records[1]).toEqual({ id: recId(11), fields: { Age: 11 } });
		expect(result.output[0][11].json).toEqual({ id: recId(11), createdTime: 't', fields: { Age: 11 } });
		expect(result.output[0][11].pairedItem).toEqual({ item: 11 });
	});

	it('replaces with PUT', async () => {
		const bodies: Body[] = [];
		updateEndpoint('put', bodies);
		const result = await run(
			{ operation: 'replace', recordId: '={{ $json.id }}', columns: mapped({ Name: '={{ $json.name }}' }) },
			withIds(3),
		);
		expect(result.error).toBeUndefined();
		expect(bodies).toHaveLength(1);
		expect(bodies[0].records).toEqual([0, 1, 2].map((index) => ({ id: recId(index), fields: { Name: `P${index}` } })));
	});

	it('leaves the "id" key out of auto-mapped fields on update', async () => {
		const bodies: Body[] = [];
		updateEndpoint('patch', bodies);
		const result = await run(
			{
				operation: 'update',
				recordId: '={{ $json.id }}',
				columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: SCHEMA },
			},
			jsonItems({ id: recId(1), Name: 'Ada' }),
		);
		expect(result.error).toBeUndefined();
		expect(bodies[0].records).toEqual([{ id: recId(1), fields: { Name: 'Ada' } }]);
	});

	it('rejects a record id that is not rec… per item, before any request', async () => {
		const scope = nock(API).patch(tablePath()).reply(200, { records: [] });
		const input = withIds(3);
		input[1].json.id = 'row-17';
		const result = await run({ operation: 'update', recordId: '={{ $json.id }}', columns: mapped({ Age: '={{ $json.age }}' }) }, input);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toContain('Item 1');
		expect(result.error?.message).toContain('"row-17" is not an Airtable record ID');
		expect(scope.isDone()).toBe(false);
	});

	it('with Continue On Fail, a bad record id fails alone while the others are updated', async () => {
		const bodies: Body[] = [];
		updateEndpoint('patch', bodies);
		const input = withIds(3);
		input[1].json.id = '';
		const result = await run(
			{ operation: 'update', recordId: '={{ $json.id }}', columns: mapped({ Age: '={{ $json.age }}' }) },
			input,
			{ continueOnFail: true },
		);
		expect(bodies[0].records.map((record) => record.id)).toEqual([recId(0), recId(2)]);
		expect(result.output[0].map((item) => item.json.id ?? item.json.error)).toEqual([
			recId(0),
			expect.stringContaining('Record ID is empty'),
			recId(2),
		]);
	});

	it('deletes 10 ids per request and outputs {id, deleted}', async () => {
		const seen: string[][] = [];
		nock(API)
			.delete(tablePath())
			.query(true)
			.times(2)
			.reply((uri) => {
				const ids = new URL(uri, API).searchParams.getAll('records[]');
				seen.push(ids);
				return [200, { records: ids.map((id) => ({ id, deleted: true })) }];
			});
		const result = await run({ operation: 'delete', recordId: '={{ $json.id }}' }, withIds(11));
		expect(result.error).toBeUndefined();
		expect(seen.map((ids) => ids.length)).toEqual([10, 1]);
		expect(result.output[0][10].json).toEqual({ id: recId(10), deleted: true });
		expect(result.output[0][10].pairedItem).toEqual({ item: 10 });
	});
});

describe('Airtable Records: get and get many by IDs', () => {
	const record = (n: number) => ({ id: recId(n), createdTime: '2024-01-01T00:00:00.000Z', fields: { Name: `P${n}` } });

	it('gets one record per item; a 404 fails only that item', async () => {
		nock(API).get(`${tablePath()}/${recId(1)}`).reply(200, record(1));
		nock(API)
			.get(`${tablePath()}/${recId(2)}`)
			.reply(404, { error: 'NOT_FOUND' });
		const result = await run(
			{ operation: 'get', recordId: '={{ $json.id }}' },
			jsonItems({ id: recId(1) }, { id: recId(2) }),
			{ continueOnFail: true },
		);
		expect(result.output[0][0].json).toEqual(record(1));
		expect(result.output[0][1].json.status).toBe(404);
		expect(result.output[0][1].pairedItem).toEqual({ item: 1 });
	});

	it('fetches many ids through one RECORD_ID() formula list, pairs them back and fails missing ids per item', async () => {
		const formulas: string[] = [];
		nock(API)
			.get(tablePath())
			.query(true)
			.reply((uri) => {
				const url = new URL(uri, API);
				formulas.push(url.searchParams.get('filterByFormula') ?? '');
				expect(url.searchParams.get('returnFieldsByFieldId')).toBe('true');
				return [200, { records: [record(3), record(1)] }];
			});
		const result = await run(
			{ operation: 'getManyByIds', recordId: '={{ $json.id }}', options: { useFieldIds: true } },
			jsonItems({ id: recId(1) }, { id: recId(2) }, { id: recId(3) }, { id: recId(1) }),
			{ continueOnFail: true },
		);
		expect(formulas).toEqual([`OR(RECORD_ID() = '${recId(1)}', RECORD_ID() = '${recId(2)}', RECORD_ID() = '${recId(3)}')`]);
		const output = result.output[0];
		expect(output.map((item) => item.json.id ?? null)).toEqual([recId(1), null, recId(3), recId(1)]);
		expect(String(output[1].json.error)).toContain(`record ${recId(2)} was not found`);
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});

	it('uses one list request per 100 ids instead of one GET per item', async () => {
		let requests = 0;
		nock(API)
			.get(tablePath())
			.query(true)
			.times(3)
			.reply((uri) => {
				requests++;
				const formula = new URL(uri, API).searchParams.get('filterByFormula') ?? '';
				const ids = [...formula.matchAll(/'(rec\d+)'/g)].map((match) => match[1]);
				return [200, { records: ids.map((id) => ({ id, createdTime: 't', fields: {} })) }];
			});
		const input = jsonItems(...Array.from({ length: 150 }, (_, index) => ({ id: recId(index) })));
		const result = await run({ operation: 'getManyByIds', recordId: '={{ $json.id }}' }, input);
		expect(result.error).toBeUndefined();
		expect(requests).toBe(2);
		expect(result.output[0].map((item) => item.json.id)).toEqual(input.map((item) => item.json.id));
	});
});

describe('Airtable Records: resource mapper columns', () => {
	it('lists writable fields for create and marks computed fields read-only', async () => {
		nock(API)
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, {
				tables: [
					{
						id: TABLE,
						name: 'People',
						primaryFieldId: 'fldName0000000001',
						views: [],
						fields: [
							{ id: 'fldName0000000001', name: 'Name', type: 'singleLineText' },
							{ id: 'fldAge00000000001', name: 'Age', type: 'number' },
							{ id: 'fldCalc0000000001', name: 'Label', type: 'formula' },
						],
					},
				],
			});
		const columns = await callResourceMapping(new AirtableRecords(), 'getColumnsForCreate', credentials, params({ operation: 'create' }) ?? {});
		expect(columns.fields.map((field) => [field.id, field.type, field.readOnly])).toEqual([
			['Name', 'string', false],
			['Age', 'number', false],
			['Label', 'string', true],
		]);
	});
});
