import { BASE, startHarness, type Harness } from './helpers';

describe('emulator performUpsert', () => {
	let h: Harness;
	beforeEach(async () => {
		h = await startHarness();
	});
	afterEach(() => h.emu.close());

	const upsert = (records: unknown[], fieldsToMergeOn: unknown, method = 'PATCH', extra: object = {}) =>
		h.api(`/v0/${BASE}/Contacts`, { method, body: { performUpsert: { fieldsToMergeOn }, records, ...extra } });

	it('creates on 0 matches and updates on 1, reporting createdRecords/updatedRecords in input order', async () => {
		const r = await upsert([{ fields: { Email: 'ada@example.com', Score: 99 } }, { fields: { Email: 'new@example.com', Name: 'New Person' } }], ['Email']);
		expect(r.status).toBe(200);
		const [updated, created] = r.body.records;
		expect(updated.fields).toMatchObject({ Name: 'Ada Lovelace', Score: 99 });
		expect(created.fields).toMatchObject({ Name: 'New Person', Email: 'new@example.com' });
		expect(r.body.updatedRecords).toEqual([updated.id]);
		expect(r.body.createdRecords).toEqual([created.id]);
	});

	it('merges on up to 3 fields, by name or id', async () => {
		const schema = await h.api(`/v0/meta/bases/${BASE}/tables`);
		const companyId = schema.body.tables[0].fields.find((f: { name: string }) => f.name === 'Company').id;
		const r = await upsert([{ fields: { Name: 'Ada Lovelace', Company: 'Analytical Engines', Status: 'Customer', Notes: 'merged' } }], ['Name', companyId, 'Status']);
		expect(r.body.updatedRecords).toHaveLength(1);
		const none = await upsert([{ fields: { Name: 'Ada Lovelace', Company: 'Other', Status: 'Customer' } }], ['Name', companyId, 'Status']);
		expect(none.body.createdRecords).toHaveLength(1);
	});

	it('rejects 0 or 4 merge fields, unknown and computed merge fields', async () => {
		for (const fields of [[], ['Name', 'Email', 'Company', 'Status']]) {
			const r = await upsert([{ fields: { Name: 'x' } }], fields);
			expect(r.status).toBe(422);
			expect(r.body.error.type).toBe('INVALID_REQUEST_UNKNOWN');
		}
		expect((await upsert([{ fields: { Name: 'x' } }], ['Nope'])).body.error.type).toBe('UNKNOWN_FIELD_NAME');
		expect((await upsert([{ fields: { Name: 'x' } }], ['Last Modified'])).status).toBe(422);
	});

	it('fails the whole request when a record matches more than one existing record', async () => {
		await h.api(`/v0/${BASE}/Contacts`, { body: { records: [{ fields: { Name: 'Twin', Company: 'A' } }, { fields: { Name: 'Twin', Company: 'B' } }] } });
		const r = await upsert([{ fields: { Name: 'Fresh' } }, { fields: { Name: 'Twin', Score: 1 } }], ['Name']);
		expect(r.status).toBe(422);
		expect(r.body.error.type).toBe('INVALID_RECORDS');
		const all = await h.api(`/v0/${BASE}/Contacts?filterByFormula=${encodeURIComponent('{Name} = "Fresh"')}`);
		expect(all.body.records).toHaveLength(0);
	});

	it('requires every merge field on records without id; records with id are plain updates', async () => {
		const missing = await upsert([{ fields: { Score: 1 } }], ['Email']);
		expect(missing.status).toBe(422);
		const withId = await upsert([{ id: 'recAlan0000000000', fields: { Score: 3 } }], ['Email']);
		expect(withId.body.updatedRecords).toEqual(['recAlan0000000000']);
		const badId = await upsert([{ id: 'recNope0000000000', fields: { Score: 3 } }], ['Email']);
		expect(badId.body.error.type).toBe('ROW_DOES_NOT_EXIST');
	});

	it('PUT upsert clears fields not sent on matched records; typecast applies', async () => {
		const r = await upsert([{ fields: { Email: 'grace@example.com', Name: 'Grace', Score: '12' } }], ['Email'], 'PUT', { typecast: true });
		expect(r.body.records[0].fields).toMatchObject({ Name: 'Grace', Score: 12, Email: 'grace@example.com' });
		expect(r.body.records[0].fields.Company).toBeUndefined();
	});

	it('rejects more than 10 records', async () => {
		const records = Array.from({ length: 11 }, (_, i) => ({ fields: { Name: `n${i}` } }));
		const r = await upsert(records, ['Name']);
		expect(r.body.error).toEqual({ type: 'INVALID_RECORDS', message: 'A maximum of 10 records can be updated per request but you have provided 11.' });
	});
});
