import Airtable from 'airtable';
import { AirtableClient } from '../../nodes/client/AirtableClient';
import { BASE, TOKEN, startHarness, type Harness, type Json } from './helpers';

/**
 * The project's client and the official airtable.js client against the emulator: if the
 * emulator's shapes drifted from Airtable's, these clients would notice.
 */
describe('real clients against the emulator', () => {
	let h: Harness;
	let client: AirtableClient;
	beforeEach(async () => {
		h = await startHarness();
		client = new AirtableClient({
			token: TOKEN,
			baseUrl: h.emu.url,
			limits: { perBase: { requests: 500, perMs: 1000 }, perToken: { requests: 500, perMs: 1000 }, retryBaseDelayMs: 5, retryMaxDelayMs: 20, rateLimitHoldMs: 400 },
		});
	});
	afterEach(() => h.emu.close());

	const endpointCounts = async () => (await h.admin('/metrics')).body.requests.byEndpoint as Record<string, number>;

	it('AirtableClient: whoami, bases, schema, chunked create, paged list, upsert, delete', async () => {
		expect(await client.whoami()).toMatchObject({ id: 'usrDemoUser000001' });
		expect((await client.bases()).map((b) => b.id)).toEqual([BASE]);
		const schema = await client.base(BASE).schema();
		expect(JSON.stringify(schema)).toContain('Contacts');
		const table = client.base(BASE).table('Contacts');
		const created = await table.create(Array.from({ length: 25 }, (_, i) => ({ Name: `Client ${i}`, Email: `c${i}@example.com`, Score: i })));
		expect(created).toHaveLength(25);
		const all = await table.list({ pageSize: 10, filterByFormula: 'FIND("Client", {Name})' }).all();
		expect(all).toHaveLength(25);
		const upserted = await table.upsert(
			[...Array.from({ length: 11 }, (_, i) => ({ Email: `c${i}@example.com`, Score: 100 + i })), { Email: 'brand-new@example.com', Name: 'Brand New' }],
			{ fieldsToMergeOn: ['Email'] },
		);
		expect(upserted.updatedRecords).toHaveLength(11);
		expect(upserted.createdRecords).toHaveLength(1);
		const deleted = await table.delete(created.map((r) => r.id));
		expect(deleted.every((d) => d.deleted)).toBe(true);
		const counts = await endpointCounts();
		expect(counts['records.create']).toBe(3);
		expect(counts['records.list']).toBe(3);
		expect(counts['records.updateMany']).toBe(2);
		expect(counts['records.deleteMany']).toBe(3);
	});

	it('AirtableClient: isolates a bad item in a settled create (422 from the emulator)', async () => {
		const table = client.base(BASE).table('Contacts');
		const results = await table.createSettled([{ Name: 'good 1' }, { Name: 'bad', Score: 'not a number' }, { Name: 'good 2' }]);
		expect(results.map((r) => r.ok)).toEqual([true, false, true]);
		const failure = results[1] as { ok: false; error: Json };
		expect(failure.error.type ?? failure.error.message).toMatch(/INVALID_VALUE_FOR_COLUMN|Score/);
	});

	it('AirtableClient: waits out a RATE_LIMIT_REACHED lock-out and finishes', async () => {
		await h.admin('/limits', 'PUT', { enabled: true, perBase: { requests: 3, perMs: 1000 }, lockoutMs: 300 });
		const table = client.base(BASE).table('Contacts');
		const results = await Promise.all(Array.from({ length: 5 }, () => table.get('recAda00000000000')));
		expect(results.every((r) => r.fields.Name === 'Ada Lovelace')).toBe(true);
		expect((await h.admin('/metrics')).body.rateLimited).toBeGreaterThanOrEqual(1);
		expect(client.stats().rateLimited).toBeGreaterThanOrEqual(1);
	});

	it('AirtableClient: webhooks create, payloads by cursor, refresh, delete', async () => {
		const hooks = client.base(BASE).webhooks;
		const created = await hooks.create({ specification: { options: { filters: { dataTypes: ['tableData'] } } } });
		await client.base(BASE).table('Contacts').update([{ id: 'recAlan0000000000', fields: { Score: 1 } }]);
		const page = await hooks.payloads(created.id, { cursor: 1 });
		expect(page.payloads).toHaveLength(1);
		expect(page.cursor).toBe(2);
		const [info] = await hooks.list();
		expect(info.cursorForNextPayload).toBe(2);
		expect((await hooks.refresh(created.id)).expirationTime).toEqual(expect.any(String));
		await hooks.enableNotifications(created.id, false);
		await hooks.delete(created.id);
		expect(await hooks.list()).toEqual([]);
	});

	it('airtable.js: select pages, create, update, destroy', async () => {
		const base = new Airtable({ apiKey: TOKEN, endpointUrl: h.emu.url }).base(BASE);
		const records = await base('Contacts').select({ pageSize: 2, sort: [{ field: 'Name', direction: 'asc' }], fields: ['Name', 'Score'] }).all();
		expect(records.map((r) => r.get('Name'))).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Katherine Johnson']);
		const [created] = await base('Contacts').create([{ fields: { Name: 'From airtable.js', Status: 'Lead' } }]);
		expect(created.get('Status')).toBe('Lead');
		const [updated] = await base('Contacts').update([{ id: created.id, fields: { Score: 7 } }]);
		expect(updated.get('Score')).toBe(7);
		const filtered = await base('Contacts').select({ filterByFormula: '{Score} = 7' }).firstPage();
		expect(filtered.map((r) => r.id)).toEqual([created.id]);
		const [destroyed] = await base('Contacts').destroy([created.id]);
		expect(destroyed.id).toBe(created.id);
		await expect(base('Contacts').find(created.id)).rejects.toMatchObject({ statusCode: 404 });
	});
});
