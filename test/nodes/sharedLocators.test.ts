import nock from 'nock';

import { AirtableRecords } from '../../nodes/AirtableRecords/AirtableRecords.node';
import { resetProcessStateForTests } from '../../nodes/client/state';
import { callListSearch, callLoadOptions } from './harness/editor-methods';
import { runNode } from './harness/run-node';

/*
 * The base / table / view resource locators every node shares (nodes/shared/editor/properties.ts
 * and methods.ts): list searches served by the metadata API, and ids pulled out of URLs
 * pasted from the browser.
 */

const API = 'https://api.locators.test';
const credentials = { airtableSyncTokenApi: { accessToken: 'patLocators.secret', baseUrl: API } };
const node = new AirtableRecords();

const SCHEMA = {
	tables: [
		{
			id: 'tblContacts000001',
			name: 'Contacts',
			primaryFieldId: 'fldName0000000001',
			fields: [
				{ id: 'fldName0000000001', name: 'Name', type: 'singleLineText' },
				{ id: 'fldScore000000001', name: 'Score', type: 'number' },
				{ id: 'fldUpdated0000001', name: 'Updated', type: 'lastModifiedTime' },
			],
			views: [
				{ id: 'viwAll00000000001', name: 'All', type: 'grid' },
				{ id: 'viwHot00000000001', name: 'Hot leads', type: 'grid' },
			],
		},
		{ id: 'tblOrders00000001', name: 'Orders', primaryFieldId: 'fldOrder000000001', fields: [], views: [] },
	],
};

const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });

beforeEach(() => resetProcessStateForTests());
afterEach(() => nock.cleanAll());

describe('base list', () => {
	it('pages through meta/bases with the offset as pagination token, and filters by name or id', async () => {
		nock(API)
			.get('/v0/meta/bases')
			.reply(200, {
				bases: [
					{ id: 'appSales000000001', name: 'Sales CRM', permissionLevel: 'create' },
					{ id: 'appHiring00000001', name: 'Hiring', permissionLevel: 'edit' },
				],
				offset: 'itrPage2/appHiring00000001',
			})
			.get('/v0/meta/bases')
			.query({ offset: 'itrPage2/appHiring00000001' })
			.reply(200, { bases: [{ id: 'appSalesOps000001', name: 'Sales Ops', permissionLevel: 'read' }] });

		const first = await callListSearch(node, 'searchBases', credentials, {}, 'sales');
		expect(first.results).toEqual([
			{ name: 'Sales CRM', value: 'appSales000000001', url: 'https://airtable.com/appSales000000001' },
		]);
		expect(first.paginationToken).toBe('itrPage2/appHiring00000001');

		const second = await callListSearch(node, 'searchBases', credentials, {}, 'sales', first.paginationToken);
		expect(second.results.map((result) => result.value)).toEqual(['appSalesOps000001']);
		expect(second.paginationToken).toBeUndefined();
	});
});

describe('table and view lists', () => {
	it('lists the tables of the chosen base from one schema read, with browser URLs', async () => {
		const schema = nock(API).get('/v0/meta/bases/appSales000000001/tables').once().reply(200, SCHEMA);
		const base = rl('appSales000000001');

		const all = await callListSearch(node, 'searchTables', credentials, { base });
		expect(all.results).toEqual([
			{ name: 'Contacts', value: 'tblContacts000001', url: 'https://airtable.com/appSales000000001/tblContacts000001' },
			{ name: 'Orders', value: 'tblOrders00000001', url: 'https://airtable.com/appSales000000001/tblOrders00000001' },
		]);
		const filtered = await callListSearch(node, 'searchTables', credentials, { base }, 'ord');
		expect(filtered.results.map((result) => result.name)).toEqual(['Orders']);
		// The second search was answered from the cached schema.
		expect(schema.isDone()).toBe(true);
	});

	it('asks nothing while no base is chosen', async () => {
		expect(await callListSearch(node, 'searchTables', credentials, { base: rl('') })).toEqual({ results: [] });
	});

	it('lists the views of the chosen table, by name or id filter', async () => {
		nock(API).get('/v0/meta/bases/appSales000000001/tables').reply(200, SCHEMA);
		const parameters = { base: rl('appSales000000001'), table: rl('tblContacts000001') };
		const views = await callListSearch(node, 'searchViews', credentials, parameters, 'hot');
		expect(views.results).toEqual([
			{
				name: 'Hot leads (grid)',
				value: 'viwHot00000000001',
				url: 'https://airtable.com/appSales000000001/tblContacts000001/viwHot00000000001',
			},
		]);
	});

	it('names the table when it is not in the base', async () => {
		nock(API).get('/v0/meta/bases/appSales000000001/tables').reply(200, SCHEMA);
		const parameters = { base: rl('appSales000000001'), table: rl('tblGone0000000001') };
		await expect(callListSearch(node, 'searchViews', credentials, parameters)).rejects.toThrow(
			/Table "tblGone0000000001" is not in base appSales000000001/,
		);
	});

	it('marks read-only fields in field pickers and keys them by id when asked', async () => {
		nock(API).get('/v0/meta/bases/appSales000000001/tables').reply(200, SCHEMA);
		const parameters = { base: rl('appSales000000001'), table: rl('tblContacts000001') };
		const byName = await callLoadOptions(node, 'getWritableFields', credentials, parameters);
		expect(byName.map((option) => option.value)).toEqual(['Name', 'Score']);
		const byId = await callLoadOptions(node, 'getFields', credentials, { ...parameters, options: { useFieldIds: true } });
		expect(byId).toContainEqual({ name: 'Updated', value: 'fldUpdated0000001', description: 'lastModifiedTime, read-only' });
	});
});

describe('ids from browser URLs', () => {
	it('takes base and table ids out of URLs pasted from Airtable', async () => {
		const get = nock(API)
			.get('/v0/appSales000000001/tblContacts000001/recAda00000000001')
			.reply(200, { id: 'recAda00000000001', createdTime: '2026-01-01T00:00:00.000Z', fields: { Name: 'Ada' } });
		const result = await runNode(node, {
			parameters: {
				operation: 'get',
				base: rl('https://airtable.com/appSales000000001/tblContacts000001/viwAll00000000001?blocks=hide', 'url'),
				table: rl('https://airtable.com/appSales000000001/tblContacts000001/viwAll00000000001', 'url'),
				recordId: 'recAda00000000001',
			},
			credentials,
		});
		expect(result.error).toBeUndefined();
		expect(get.isDone()).toBe(true);
		expect(result.output[0][0].json).toMatchObject({ id: 'recAda00000000001', fields: { Name: 'Ada' } });
	});
});
