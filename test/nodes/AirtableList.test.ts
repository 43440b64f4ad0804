import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { AirtableList } from '../../nodes/AirtableList/AirtableList.node';
import { runNode, jsonItems, type RunNodeOptions } from './harness/run-node';
import { nodeStaticData } from './harness/workflow';

const API = 'https://api.airtable.test';
const BASE = 'appList00000000001';
const TABLE = 'tblList00000000001';
const PATH = `/v0/${BASE}/${TABLE}`;
const credentials = { airtableSyncTokenApi: { accessToken: 'patList.secret', baseUrl: API } };

interface SeenRequest {
	method: string;
	query: URLSearchParams;
	body?: IDataObject;
}

function rec(id: string, fields: IDataObject = {}, createdTime = '2024-01-01T00:00:00.000Z') {
	return { id, createdTime, fields };
}

/**
 * Answers GET list requests from `pages` (offset "p1", "p2", … selects the page) and
 * records every request's query.
 */
function listPages(pages: Array<ReturnType<typeof rec>[]>, seen: SeenRequest[] = []) {
	const scope = nock(API)
		.get(PATH)
		.query(true)
		.times(pages.length)
		.reply((uri) => {
			const query = new URL(uri, API).searchParams;
			seen.push({ method: 'GET', query });
			const index = query.get('offset') ? Number(query.get('offset')!.slice(1)) : 0;
			const body: IDataObject = { records: pages[index] };
			if (index + 1 < pages.length) body.offset = `p${index + 1}`;
			return [200, body];
		});
	return { scope, seen };
}

function params(extra: IDataObject = {}): INodeParameters {
	return {
		base: { __rl: true, mode: 'id', value: BASE },
		table: { __rl: true, mode: 'id', value: TABLE },
		...extra,
	} as INodeParameters;
}

async function run(parameters: IDataObject, options: Partial<RunNodeOptions> = {}) {
	return await runNode(new AirtableList(), { parameters: params(parameters), credentials, ...options });
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

describe('Airtable List: filters', () => {
	it('turns conditions into an escaped formula (quotes, backslashes, newlines)', async () => {
		const { scope, seen } = listPages([[rec('rec1', { Name: 'x' })]]);
		const tricky = 'O\'Brien "Jr" \\ C:\\path\nline 2';
		const result = await run({
			filterMode: 'conditions',
			combine: 'and',
			conditions: {
				condition: [
					{ field: 'Name', operator: 'equals', value: tricky },
					{ field: 'Notes', operator: 'contains', value: "it's" },
					{ field: 'Amount', operator: 'greaterThan', value: '100' },
					{ field: 'Code', operator: 'equals', value: '007' },
					{ field: 'Done', operator: 'equals', value: 'true', valueType: 'boolean' },
					{ field: 'Owner', operator: 'isEmpty' },
					{ field: 'Due', operator: 'isAfter', value: '2024-05-01T09:30:00Z' },
				],
			},
			returnAll: true,
		});
		expect(result.error).toBeUndefined();
		scope.done();
		expect(seen[0].query.get('filterByFormula')).toBe(
			"AND({Name} = 'O\\'Brien \\\"Jr\\\" \\\\ C:\\\\path\\nline 2', " +
				"FIND(LOWER('it\\'s'), LOWER({Notes} & '')) > 0, " +
				'{Amount} > 100, ' +
				"{Code} = '007', " +
				'{Done} = TRUE(), ' +
				"LEN({Owner} & '') = 0, " +
				"IS_AFTER({Due}, DATETIME_PARSE('2024-05-01T09:30:00.000Z')))",
		);
		expect(result.output[0]).toEqual([
			{ json: { id: 'rec1', createdTime: '2024-01-01T00:00:00.000Z', fields: { Name: 'x' } }, pairedItem: { item: 0 } },
		]);
	});

	it('combines with OR and reads dates without an offset in the workflow time zone', async () => {
		const { scope, seen } = listPages([[]]);
		await run(
			{
				filterMode: 'conditions',
				combine: 'or',
				conditions: {
					condition: [
						{ field: 'Status', operator: 'startsWith', value: 'Act' },
						{ field: 'Due', operator: 'isBefore', value: '2024-01-15T12:00:00' },
					],
				},
				returnAll: true,
			},
			{ timezone: 'Europe/Berlin' },
		);
		scope.done();
		expect(seen[0].query.get('filterByFormula')).toBe(
			"OR(LEFT(LOWER({Status} & ''), LEN(LOWER('Act'))) = LOWER('Act'), IS_BEFORE({Due}, DATETIME_PARSE('2024-01-15T11:00:00.000Z')))",
		);
	});

	it('sends a raw formula as written', async () => {
		const { scope, seen } = listPages([[]]);
		await run({ filterMode: 'formula', formula: "AND({Status} = 'Active', {Amount} > 100)", returnAll: true });
		scope.done();
		expect(seen[0].query.get('filterByFormula')).toBe("AND({Status} = 'Active', {Amount} > 100)");
	});

	it('reports a bad condition against the item; Continue On Fail keeps the other items', async () => {
		const { scope, seen } = listPages([[rec('recGood')]]);
		const result = await run(
			{
				filterMode: 'conditions',
				conditions: { condition: [{ field: 'Amount', operator: 'greaterThan', value: '={{ $json.min }}', valueType: 'number' }] },
				returnAll: true,
			},
			{ input: jsonItems({ min: 'abc' }, { min: '5' }), continueOnFail: true },
		);
		scope.done();
		expect(seen).toHaveLength(1);
		expect(seen[0].query.get('filterByFormula')).toBe('{Amount} > 5');
		expect(result.output[0]).toHaveLength(2);
		expect(result.output[0][0].json.error).toContain('Condition 1: "abc" is not a number');
		expect(result.output[0][0].pairedItem).toEqual({ item: 0 });
		expect(result.output[0][1]).toMatchObject({ json: { id: 'recGood' }, pairedItem: { item: 1 } });
	});

	it('fails the node on a bad condition without Continue On Fail', async () => {
		const result = await run({
			filterMode: 'conditions',
			conditions: { condition: [{ field: 'Due', operator: 'isAfter', value: 'next tuesday' }] },
		});
		expect(result.error?.message).toContain('"next tuesday" is not a date');
	});
});

describe('Airtable List: query options', () => {
	it('serializes sort, fields, view, page size and field-ID mode', async () => {
		const { scope, seen } = listPages([[rec('rec1', { fldName0000000001: 'Ada' })]]);
		const result = await run({
			view: { __rl: true, mode: 'id', value: 'viwList00000000001' },
			sort: { rule: [{ field: 'Name', direction: 'desc' }, { field: 'Created' }] },
			options: { fields: ['Name', 'Email'], pageSize: 20, useFieldIds: true },
			returnAll: true,
		});
		scope.done();
		const query = seen[0].query;
		expect(query.get('view')).toBe('viwList00000000001');
		expect(query.getAll('fields[]')).toEqual(['Name', 'Email']);
		expect(query.get('sort[0][field]')).toBe('Name');
		expect(query.get('sort[0][direction]')).toBe('desc');
		expect(query.get('sort[1][field]')).toBe('Created');
		expect(query.get('sort[1][direction]')).toBe('asc');
		expect(query.get('pageSize')).toBe('20');
		expect(query.get('returnFieldsByFieldId')).toBe('true');
		expect(query.has('maxRecords')).toBe(false);
		expect(query.has('filterByFormula')).toBe(false);
		expect(result.output[0][0].json.fields).toEqual({ fldName0000000001: 'Ada' });
	});

	it('accepts view and table URLs', async () => {
		const { scope, seen } = listPages([[]]);
		await run({
			table: { __rl: true, mode: 'url', value: `https://airtable.com/${BASE}/${TABLE}/viwList00000000002` },
			view: { __rl: true, mode: 'url', value: `https://airtable.com/${BASE}/${TABLE}/viwList00000000002?blocks=hide` },
			returnAll: true,
		});
		scope.done();
		expect(seen[0].query.get('view')).toBe('viwList00000000002');
	});

	it('needs time zone and locale for String cell format and sends both', async () => {
		const { scope, seen } = listPages([[rec('rec1', { Amount: '1.234,50 €' })]]);
		const ok = await run({
			options: { cellFormat: 'string', timeZone: 'Europe/Berlin', userLocale: 'de' },
			returnAll: true,
		});
		expect(ok.error).toBeUndefined();
		scope.done();
		expect(seen[0].query.get('cellFormat')).toBe('string');
		expect(seen[0].query.get('timeZone')).toBe('Europe/Berlin');
		expect(seen[0].query.get('userLocale')).toBe('de');

		const failed = await run({ options: { cellFormat: 'string', timeZone: 'Europe/Berlin', userLocale: '' }, returnAll: true });
		expect(failed.error?.message).toContain('Cell Format "String" needs a User Locale');
		const missing = await run({ options: { cellFormat: 'string', timeZone: 'Europe/Berlin' }, returnAll: true });
		expect(missing.error?.message).toContain('needs a User Locale');
	});

	it('uses the workflow time zone when String format has no Time Zone set, and sends no cellFormat for JSON', async () => {
		const first = listPages([[]]);
		await run({ options: { cellFormat: 'string', userLocale: 'en-gb' }, returnAll: true }, { timezone: 'Asia/Tokyo' });
		expect(first.seen[0].query.get('timeZone')).toBe('Asia/Tokyo');
		expect(first.seen[0].query.get('userLocale')).toBe('en-gb');
		const second = listPages([[]]);
		await run({ options: { cellFormat: 'json' }, returnAll: true });
		expect(second.seen[0].query.has('cellFormat')).toBe(false);
	});
});

describe('Airtable List: paging', () => {
	const pages = [
		[rec('rec1'), rec('rec2')],
		[rec('rec3'), rec('rec4')],
		[rec('rec5')],
	];

	it('follows offsets through 3 pages with Return All', async () => {
		const { scope, seen } = listPages(pages);
		const result = await run({ returnAll: true });
		scope.done();
		expect(seen.map((request) => request.query.get('offset'))).toEqual([null, 'p1', 'p2']);
		expect(result.output[0].map((item) => item.json.id)).toEqual(['rec1', 'rec2', 'rec3', 'rec4', 'rec5']);
	});

	it('stops at the Limit: maxRecords sent, no further page requested', async () => {
		const { seen } = listPages(pages);
		const result = await run({ returnAll: false, limit: 2 });
		expect(seen).toHaveLength(1);
		expect(seen[0].query.get('maxRecords')).toBe('2');
		expect(result.output[0].map((item) => item.json.id)).toEqual(['rec1', 'rec2']);
	});

	it('outputs one item per page', async () => {
		const { scope } = listPages(pages);
		const result = await run({ returnAll: true, output: 'page', options: { flatten: true } });
		scope.done();
		expect(result.output[0].map((item) => item.json.page)).toEqual([0, 1, 2]);
		expect(result.output[0][2].json.records).toEqual([{ id: 'rec5', createdTime: '2024-01-01T00:00:00.000Z' }]);
	});

	it('flattens fields but keeps the record id authoritative', async () => {
		const { scope } = listPages([[rec('recA', { Name: 'Ada', id: 'shadow' })]]);
		const result = await run({ returnAll: true, options: { flatten: true } });
		scope.done();
		expect(result.output[0][0].json).toEqual({ Name: 'Ada', id: 'recA', createdTime: '2024-01-01T00:00:00.000Z' });
	});

	it('switches to POST …/listRecords for a very long formula, offset in the body', async () => {
		const values = Array.from({ length: 800 }, (_, index) => `customer-${index}@example.com`);
		const formula = `OR(${values.map((value) => `{Email} = '${value}'`).join(', ')})`;
		expect(formula.length).toBeGreaterThan(16_000);
		const bodies: IDataObject[] = [];
		const scope = nock(API)
			.post(`${PATH}/listRecords`, (body: IDataObject) => {
				bodies.push(body);
				return true;
			})
			.reply(200, { records: [rec('rec1')], offset: 'p1' })
			.post(`${PATH}/listRecords`)
			.reply(200, { records: [rec('rec2')] });
		const result = await run({ filterMode: 'formula', formula, returnAll: true });
		expect(result.error).toBeUndefined();
		scope.done();
		expect(bodies[0].filterByFormula).toBe(formula);
		expect(bodies[0].offset).toBeUndefined();
		expect(result.output[0].map((item) => item.json.id)).toEqual(['rec1', 'rec2']);
	});
});

describe('Airtable List: only records changed since last run', () => {
	const incrementalParams = (extra: IDataObject = {}) => ({
		incremental: true,
		modifiedField: 'Last Modified',
		...extra,
	});

	function watermarkOf(staticData: IDataObject): string {
		return (nodeStaticData(staticData, 'Airtable List')?.incremental as IDataObject).watermark as string;
	}

	it('reads everything first, then only changes after the watermark, dropping repeats at the boundary', async () => {
		const staticData: IDataObject = {};
		const justBefore = DateTime.utc().minus({ seconds: 5 }).toISO();
		const first = listPages([[rec('recOld', { 'Last Modified': '2024-01-01T00:00:00.000Z' }), rec('recEdge', { 'Last Modified': justBefore })]]);
		const before = DateTime.utc();
		const one = await run(incrementalParams(), { staticData, mode: 'trigger' });
		expect(one.error).toBeUndefined();
		expect(first.seen[0].query.has('filterByFormula')).toBe(false);
		expect(one.output[0].map((item) => item.json.id)).toEqual(['recOld', 'recEdge']);
		const watermark = watermarkOf(staticData);
		expect(DateTime.fromISO(watermark).toMillis()).toBeGreaterThanOrEqual(before.toMillis());
		expect(one.staticDataChanged).toBe(true);

		const later = DateTime.utc().plus({ seconds: 1 }).toISO();
		const second = listPages([
			[rec('recEdge', { 'Last Modified': justBefore }), rec('recNew', { 'Last Modified': later })],
		]);
		const two = await run(incrementalParams({ filterMode: 'formula', formula: "{Status} = 'Active'" }), { staticData, mode: 'trigger' });
		expect(two.error).toBeUndefined();
		const since = DateTime.fromISO(watermark).minus({ seconds: 60 }).toUTC().toISO();
		expect(second.seen[0].query.get('filterByFormula')).toBe(
			`AND({Status} = 'Active', NOT(IS_BEFORE({Last Modified}, DATETIME_PARSE('${since}'))))`,
		);
		expect(two.output[0].map((item) => item.json.id)).toEqual(['recNew']);
		expect(watermarkOf(staticData) >= watermark).toBe(true);
	});

	it('emits a boundary record again when it was modified again', async () => {
		const staticData: IDataObject = {};
		const t1 = DateTime.utc().minus({ seconds: 5 }).toISO();
		listPages([[rec('recEdge', { 'Last Modified': t1 })]]);
		await run(incrementalParams(), { staticData });
		const t2 = DateTime.utc().minus({ seconds: 1 }).toISO();
		listPages([[rec('recEdge', { 'Last Modified': t2 })]]);
		const two = await run(incrementalParams(), { staticData });
		expect(two.output[0].map((item) => item.json.fields)).toEqual([{ 'Last Modified': t2 }]);
	});

	it('keeps the watermark when the read fails', async () => {
		const staticData: IDataObject = {};
		listPages([[rec('rec1', { 'Last Modified': '2024-01-01T00:00:00.000Z' })]]);
		await run(incrementalParams(), { staticData });
		const saved = JSON.parse(JSON.stringify(nodeStaticData(staticData, 'Airtable List'))) as IDataObject;
		expect(saved.incremental).toBeDefined();

		nock(API)
			.get(PATH)
			.query(true)
			.reply(200, { records: [rec('rec2', { 'Last Modified': DateTime.utc().toISO() })], offset: 'p1' })
			.get(PATH)
			.query(true)
			.reply(422, { error: { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE', message: 'Iterator expired' } });
		const failed = await run(incrementalParams(), { staticData });
		expect(failed.error).toBeDefined();
		expect(nodeStaticData(staticData, 'Airtable List')).toEqual(saved);
	});

	it('uses LAST_MODIFIED_TIME(), de-duplicates by content, and starts from a given date', async () => {
		const staticData: IDataObject = {};
		const first = listPages([[rec('recA', { Name: 'Ada' }), rec('recB', { Name: 'Bob' })]]);
		await run(
			incrementalParams({ modifiedField: '', firstRun: 'since', firstRunSince: '2024-03-01T08:00:00' }),
			{ staticData, timezone: 'Europe/London' },
		);
		expect(first.seen[0].query.get('filterByFormula')).toBe(
			"NOT(IS_BEFORE(LAST_MODIFIED_TIME(), DATETIME_PARSE('2024-03-01T08:00:00.000Z')))",
		);
		const watermark = watermarkOf(staticData);

		const second = listPages([[rec('recA', { Name: 'Ada' }), rec('recB', { Name: 'Bobby' })]]);
		const two = await run(incrementalParams({ modifiedField: '' }), { staticData });
		const since = DateTime.fromISO(watermark).minus({ seconds: 60 }).toUTC().toISO();
		expect(second.seen[0].query.get('filterByFormula')).toBe(
			`NOT(IS_BEFORE(LAST_MODIFIED_TIME(), DATETIME_PARSE('${since}')))`,
		);
		expect(two.output[0].map((item) => item.json.id)).toEqual(['recB']);
	});

	it('reads once however many items come in, without maxRecords', async () => {
		const { seen } = listPages([[rec('rec1', { 'Last Modified': '2024-01-01T00:00:00.000Z' })]]);
		const result = await run(incrementalParams({ returnAll: false, limit: 1 }), { input: jsonItems({}, {}, {}) });
		expect(seen).toHaveLength(1);
		expect(seen[0].query.has('maxRecords')).toBe(false);
		expect(result.output[0]).toHaveLength(1);
	});

	it('adds the modified field to Fields to Return and maps it by id in field-ID mode', async () => {
		const schema = nock(API)
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, {
				tables: [
					{
						id: TABLE,
						name: 'List',
						primaryFieldId: 'fldName0000000001',
						fields: [
							{ id: 'fldName0000000001', name: 'Name', type: 'singleLineText' },
							{ id: 'fldMod00000000001', name: 'Last Modified', type: 'lastModifiedTime' },
						],
						views: [],
					},
				],
			});
		const staticData: IDataObject = {};
		const t = DateTime.utc().minus({ seconds: 2 }).toISO();
		const first = listPages([[rec('rec1', { fldName0000000001: 'Ada', fldMod00000000001: t })]]);
		await run(incrementalParams({ options: { useFieldIds: true, fields: ['fldName0000000001'] } }), { staticData });
		schema.done();
		expect(first.seen[0].query.getAll('fields[]')).toEqual(['fldName0000000001', 'fldMod00000000001']);
		expect(first.seen[0].query.get('returnFieldsByFieldId')).toBe('true');

		const second = listPages([[rec('rec1', { fldName0000000001: 'Ada', fldMod00000000001: t })]]);
		const two = await run(incrementalParams({ options: { useFieldIds: true, fields: ['fldName0000000001'] } }), { staticData });
		expect(second.seen[0].query.get('filterByFormula')).toContain('{Last Modified}');
		expect(two.output[0]).toEqual([]);
	});
});
