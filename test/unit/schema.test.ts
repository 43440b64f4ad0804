import { BaseSchema, isWritableField, READ_ONLY_FIELD_TYPES, type TableSchema } from '../../index';
import { FakeClock } from '../support/fakeClock';
import { api, BASE, makeClient, useNock } from './helpers';

useNock();

const TABLES: TableSchema[] = [
	{
		id: 'tblOrders0000001',
		name: 'Orders',
		primaryFieldId: 'fldName000000001',
		fields: [
			{ id: 'fldName000000001', name: 'Name', type: 'singleLineText' },
			{ id: 'fldTotal00000001', name: 'Total', type: 'formula' },
			{ id: 'fldFuture0000001', name: 'Future', type: 'someNewType' },
		],
		views: [{ id: 'viwGrid000000001', name: 'Grid view', type: 'grid' }],
	},
];

function schemaEndpoint(times = 1) {
	let requests = 0;
	api()
		.get(`/v0/meta/bases/${BASE}/tables`)
		.times(times)
		.reply(200, () => {
			requests++;
			return { tables: TABLES };
		});
	return () => requests;
}

describe('base schema', () => {
	it('is cached process-wide per token and base; refresh bypasses', async () => {
		const requests = schemaEndpoint(3);
		const first = await makeClient().base(BASE).schema();
		const second = await makeClient().base(BASE).schema();
		expect(second).toBe(first);
		expect(requests()).toBe(1);
		await makeClient().base(BASE).schema({ refresh: true });
		expect(requests()).toBe(2);
		await makeClient({ token: 'patDummyAnother000000001' }).base(BASE).schema();
		expect(requests()).toBe(3);
	});

	it('shares one request between concurrent callers and expires after schemaTtlMs', async () => {
		const requests = schemaEndpoint(2);
		const clock = new FakeClock();
		const client = makeClient({ schemaTtlMs: 50, clock });
		await Promise.all([client.base(BASE).schema(), client.base(BASE).schema()]);
		expect(requests()).toBe(1);
		await clock.advance(49);
		await client.base(BASE).schema();
		expect(requests()).toBe(1);
		await clock.advance(1);
		await client.base(BASE).schema();
		expect(requests()).toBe(2);
	});

	it('does not cache failures', async () => {
		api().get(`/v0/meta/bases/${BASE}/tables`).reply(403, { error: { type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND' } });
		const requests = schemaEndpoint();
		await expect(makeClient().base(BASE).schema()).rejects.toThrow(/no such base\/table/);
		await expect(makeClient().base(BASE).schema()).resolves.toBeInstanceOf(BaseSchema);
		expect(requests()).toBe(1);
	});

	it('looks up tables and fields by id or name', () => {
		const schema = new BaseSchema(BASE, TABLES);
		expect(schema.table('Orders')?.id).toBe('tblOrders0000001');
		expect(schema.table('tblOrders0000001')?.name).toBe('Orders');
		expect(schema.table('orders')?.id).toBe('tblOrders0000001');
		expect(schema.table('Missing')).toBeUndefined();
		expect(schema.field('Orders', 'Total')?.type).toBe('formula');
		expect(schema.fieldIdByName('Orders', 'Name')).toBe('fldName000000001');
		expect(schema.fieldNameById('tblOrders0000001', 'fldTotal00000001')).toBe('Total');
		expect(schema.fieldNamesById('Orders').get('fldFuture0000001')).toBe('Future');
	});

	it('knows which field types are read-only', () => {
		expect(READ_ONLY_FIELD_TYPES.size).toBe(13);
		expect(isWritableField({ type: 'manualSort' })).toBe(false);
		expect(isWritableField({ type: 'formula' })).toBe(false);
		expect(isWritableField({ type: 'multipleLookupValues' })).toBe(false);
		expect(isWritableField({ type: 'singleLineText' })).toBe(true);
		expect(isWritableField({ type: 'someNewType' })).toBe(true);
	});
});

describe('meta calls', () => {
	it('bases() follows offsets; basesPage() returns one page', async () => {
		api()
			.get('/v0/meta/bases')
			.reply(200, { bases: [{ id: 'app1', name: 'One', permissionLevel: 'create' }], offset: 'itrB/app1' });
		api()
			.get('/v0/meta/bases')
			.query({ offset: 'itrB/app1' })
			.reply(200, { bases: [{ id: 'app2', name: 'Two', permissionLevel: 'read' }] });
		const bases = await makeClient().bases();
		expect(bases.map((b) => b.id)).toEqual(['app1', 'app2']);

		api()
			.get('/v0/meta/bases')
			.reply(200, { bases: [{ id: 'app1', name: 'One', permissionLevel: 'create' }], offset: 'itrB/app1' });
		await expect(makeClient().basesPage()).resolves.toEqual({
			bases: [{ id: 'app1', name: 'One', permissionLevel: 'create' }],
			offset: 'itrB/app1',
		});
	});

	it('whoami() returns the user', async () => {
		api().get('/v0/meta/whoami').reply(200, { id: 'usrME', scopes: ['data.records:read'] });
		await expect(makeClient().whoami()).resolves.toEqual({ id: 'usrME', scopes: ['data.records:read'] });
	});

	it('works through a custom executor without a token', async () => {
		const paths: string[] = [];
		const client = makeClient({
			token: undefined,
			identity: 'credential-42',
			executor: {
				async send(request) {
					paths.push(request.path);
					return { status: 200, headers: {}, body: { id: 'usrVIA' } };
				},
			},
		});
		await expect(client.whoami()).resolves.toEqual({ id: 'usrVIA' });
		expect(paths).toEqual(['/v0/meta/whoami']);
	});

	it('needs a token or an executor', () => {
		expect(() => makeClient({ token: undefined })).toThrow(/needs a token/);
	});
});
