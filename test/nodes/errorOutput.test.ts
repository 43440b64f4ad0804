import nock from 'nock';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AirtableConfigFlags } from '../../nodes/AirtableConfigFlags/AirtableConfigFlags.node';
import { flagCache } from '../../nodes/AirtableConfigFlags/flagCache';
import { AirtableList } from '../../nodes/AirtableList/AirtableList.node';
import { runNode, type RunNodeOptions } from './harness/run-node';

/**
 * List and Config Flags with per-item tables and each "On Error" setting: one shared helper
 * decides where a failed item goes in every node (Records: AirtableRecords.emulator.test.ts).
 */
const API = 'https://api.airtable.test';
const BASE = 'appErrOutput00001';
const GOOD = 'tblGood0000000001';
const GONE = 'tblGone0000000001';
const OTHER = 'tblOther000000001';
const credentials = { airtableSyncTokenApi: { accessToken: 'patErrOutput.secret', baseUrl: API } };

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const record = (id: string, fields: IDataObject) => ({ id, createdTime: '2024-01-01T00:00:00.000Z', fields });

function items(tables: string[]): INodeExecutionData[] {
	return tables.map((table, item) => ({ json: { table, userId: `user-${item}` }, pairedItem: { item } }));
}

function endpoints(): void {
	nock(API).get(`/v0/${BASE}/${GOOD}`).query(true).times(5).reply(200, { records: [record('rec00000000000001', { flag_name: 'on', enabled: true, Name: 'A' })] });
	nock(API).get(`/v0/${BASE}/${OTHER}`).query(true).times(5).reply(200, { records: [record('rec00000000000002', { flag_name: 'on', enabled: false, Name: 'B' })] });
	nock(API).get(`/v0/${BASE}/${GONE}`).query(true).times(5).reply(404, { error: { type: 'TABLE_NOT_FOUND', message: 'Could not find table tblGone0000000001' } });
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
	flagCache.clear();
	endpoints();
});
afterEach(() => nock.cleanAll());

async function list(options: Partial<RunNodeOptions>) {
	return await runNode(new AirtableList(), {
		parameters: { base: byId(BASE), table: byId('={{ $json.table }}'), returnAll: true } as RunNodeOptions['parameters'],
		credentials,
		input: items([GOOD, GONE, OTHER]),
		...options,
	});
}

async function flags(operation: string, options: Partial<RunNodeOptions>) {
	return await runNode(new AirtableConfigFlags(), {
		parameters: {
			base: byId(BASE),
			table: byId('={{ $json.table }}'),
			operation,
			flagName: 'on',
			subjectKey: '={{ $json.userId }}',
		} as RunNodeOptions['parameters'],
		credentials,
		input: items([GOOD, GONE, OTHER, GOOD]),
		...options,
	});
}

describe('Airtable List: per-item tables and failed items', () => {
	it('"Continue (using error output)": records of the readable tables on success, the missing table on the error branch', async () => {
		const result = await list({ onError: 'continueErrorOutput' });
		const [success, failed] = result.output;
		expect(success.map((item) => [item.json.id, item.pairedItem])).toEqual([
			['rec00000000000001', { item: 0 }],
			['rec00000000000002', { item: 2 }],
		]);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(failed[0].json.error).toEqual(expect.stringContaining('Item 1: '));
		expect(failed[0].json.details).toMatchObject({ itemIndex: 1, status: 404, errorKind: 'configuration-invalid' });
	});

	it('"Continue (regular output)": the error item in place on the one output', async () => {
		const result = await list({ onError: 'continueRegularOutput' });
		expect(result.output).toHaveLength(1);
		expect(result.output[0].map((item) => item.json.id ?? item.json.status)).toEqual(['rec00000000000001', 404, 'rec00000000000002']);
	});

	it('without either, the node stops naming the item', async () => {
		const result = await list({});
		expect(result.error?.message).toContain('Item 1');
	});
});

describe('Airtable Config Flags: per-item tables and failed items', () => {
	it('evaluates each item against its own table, in input order', async () => {
		const result = await flags('evaluate', { onError: 'continueRegularOutput' });
		const output = result.output[0];
		expect(output.map((item) => (item.json.flag as IDataObject | undefined)?.enabled ?? item.json.status)).toEqual([true, 404, false, true]);
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});

	it('Get All Flags outputs one item per table, paired with the items that asked for it', async () => {
		const result = await flags('getFlags', { onError: 'continueRegularOutput' });
		const output = result.output[0];
		expect(output.map((item) => item.pairedItem)).toEqual([[{ item: 0 }, { item: 3 }], { item: 1 }, [{ item: 2 }]]);
		expect((output[0].json.flags as IDataObject).on).toMatchObject({ enabled: true });
		expect((output[2].json.flags as IDataObject).on).toMatchObject({ enabled: false });
	});

	it('Route with "Continue (using error output)": On, Off, and the unreadable table on the error branch', async () => {
		const result = await flags('route', { onError: 'continueErrorOutput' });
		const [on, off, failed] = result.output;
		expect(on.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(off.map((item) => item.pairedItem)).toEqual([{ item: 2 }]);
		expect(failed.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(failed[0].json.error).toEqual(expect.stringContaining('Item 1: '));
	});

	it('Route with "Continue (regular output)": a failed check goes Off (failing closed)', async () => {
		const result = await flags('route', { onError: 'continueRegularOutput' });
		expect(result.output[1].map((item) => item.json.status ?? (item.json.flag as IDataObject).enabled)).toEqual([404, false]);
	});

	it('without either, the node stops naming the item', async () => {
		const result = await flags('route', {});
		expect(result.error?.message).toContain('Item 1');
	});
});
