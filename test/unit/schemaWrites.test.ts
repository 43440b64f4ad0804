import { AirtableInputError, TransportError, type AirtableError, type HttpResponse, type TableSchema } from '../../index';
import { checkBeforeWrite } from '../../nodes/client/schema/validate';
import { FakeClock } from '../support/fakeClock';
import { BASE, makeClient, ok, stubExecutor, useNock } from './helpers';

/**
 * Schema writes through the client on fake time: a field created in this run passes the field
 * check of the next write without another schema read; a table the cache does not hold makes
 * the next check read again; creates are never repeated after a lost answer, updates are.
 */

useNock();

const ORDERS: TableSchema = {
	id: 'tblOrders0000001',
	name: 'Orders',
	primaryFieldId: 'fldName000000001',
	fields: [{ id: 'fldName000000001', name: 'Name', type: 'singleLineText' }],
	views: [],
};
const RUSH = { id: 'fldRush000000001', name: 'Rush', type: 'checkbox', options: { icon: 'check', color: 'redBright' } };
const lost = () => Promise.reject(new TransportError('ECONNRESET', true, 'socket hang up'));

function setup(answer: (method: string, path: string, index: number) => Promise<HttpResponse> | HttpResponse) {
	const clock = new FakeClock();
	const executor = stubExecutor(clock, (request, index) => answer(request.method, request.path, index));
	const base = makeClient({ executor, clock }).base(BASE);
	const schemaReads = () => executor.seen.filter((request) => request.method === 'GET' && request.path.endsWith('/tables')).length;
	return { clock, executor, base, schemaReads };
}

describe('schema writes', () => {
	it('a field created in this run is known to the next field check, without another schema read', async () => {
		const { clock, base, schemaReads } = setup((method) => (method === 'GET' ? ok({ tables: [ORDERS] }) : ok(RUSH)));
		const before = await clock.run(checkBeforeWrite(base, 'Orders', [{ Name: 'A', Rush: true }]));
		expect(before.failures.get(0)?.type).toBe('UNKNOWN_FIELD_NAME');
		await clock.run(base.createField('Orders', { name: 'Rush', type: 'checkbox', options: { icon: 'check', color: 'redBright' } }));
		const after = await clock.run(checkBeforeWrite(base, 'Orders', [{ Name: 'A', Rush: true }, { Name: 'B', Rush: 'yes' }]));
		expect(after.failures.has(0)).toBe(false);
		expect(after.failures.get(1)?.message).toMatch(/Field "Rush" \(checkbox\) got text/);
		expect(schemaReads()).toBe(1);
	});

	it('a renamed field is known by its new name at once', async () => {
		const { clock, base } = setup((method) => (method === 'GET' ? ok({ tables: [{ ...ORDERS, fields: [...ORDERS.fields, RUSH] }] }) : ok({ ...RUSH, name: 'Urgent' })));
		await clock.run(base.schema());
		await clock.run(base.updateField('tblOrders0000001', RUSH.id, { name: 'Urgent' }));
		const schema = await clock.run(base.schema());
		expect(schema.field('Orders', 'Urgent')?.id).toBe(RUSH.id);
		expect(schema.field('Orders', 'Rush')).toBeUndefined();
	});

	it('a write to a table the cached schema does not hold drops the cache: the next check reads it again', async () => {
		const { clock, base, schemaReads } = setup((method) => (method === 'GET' ? ok({ tables: [ORDERS] }) : ok(RUSH)));
		await clock.run(base.schema());
		await clock.run(base.createField('tblNotCached0001', { name: 'Rush', type: 'checkbox' }));
		await clock.run(base.schema());
		expect(schemaReads()).toBe(2);
	});

	it('a new table joins the cached schema', async () => {
		const created: TableSchema = { id: 'tblNew0000000001', name: 'Returns', primaryFieldId: 'fldRet0000000001', fields: [{ id: 'fldRet0000000001', name: 'Code', type: 'singleLineText' }], views: [] };
		const { clock, base, schemaReads } = setup((method) => (method === 'GET' ? ok({ tables: [ORDERS] }) : ok(created)));
		await clock.run(base.schema());
		await clock.run(base.createTable({ name: 'Returns', fields: [{ name: 'Code', type: 'singleLineText' }] }));
		expect((await clock.run(base.schema())).tables.map((table) => table.name)).toEqual(['Orders', 'Returns']);
		expect(schemaReads()).toBe(1);
	});

	it('a create field whose answer was lost is not sent again (a second one would fail on the name or duplicate it)', async () => {
		const { clock, executor, base } = setup(() => lost());
		const error = (await clock.run(base.createField('Orders', { name: 'Rush', type: 'checkbox' }).catch((e: unknown) => e))) as AirtableError;
		expect(error.kind).toBe('unknown-outcome');
		expect(executor.seen).toHaveLength(1);
	});

	it('an update field whose answer was lost is sent again', async () => {
		const { clock, executor, base } = setup((_method, _path, index) => (index === 0 ? lost() : ok({ ...RUSH, description: 'Ship today' })));
		await expect(clock.run(base.updateField('Orders', RUSH.id, { description: 'Ship today' }))).resolves.toMatchObject({ description: 'Ship today' });
		expect(executor.seen.map((request) => request.method)).toEqual(['PATCH', 'PATCH']);
		expect(executor.seen[0].path).toBe(`/v0/meta/bases/${BASE}/tables/Orders/fields/${RUSH.id}`);
	});

	it('refuses bad specs before sending anything', async () => {
		const { executor, base } = setup(() => ok(RUSH));
		await expect(base.createTable({ name: 'Empty', fields: [] })).rejects.toThrow(/needs at least one field/);
		await expect(base.createTable({ name: 'Twice', fields: [{ name: 'Code', type: 'singleLineText' }, { name: 'code', type: 'number' }] })).rejects.toThrow(/names the field "code" twice/);
		await expect(base.createField('Orders', { name: ' ', type: 'checkbox' })).rejects.toBeInstanceOf(AirtableInputError);
		await expect(base.createField('Orders', { name: 'Rush', type: '' })).rejects.toThrow(/needs a type/);
		await expect(base.updateField('Orders', 'Rush', { name: 'Urgent' })).rejects.toThrow(/is not an Airtable field ID/);
		await expect(base.updateField('Orders', RUSH.id, {})).rejects.toThrow(/needs a new name, description or options/);
		expect(executor.seen).toHaveLength(0);
	});
});
