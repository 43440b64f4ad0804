import { DEMO_IDS } from '../../emulator';
import { BASE, startHarness, type Harness } from './helpers';

describe('emulator records', () => {
	let h: Harness;
	beforeEach(async () => {
		h = await startHarness();
	});
	afterEach(() => h.emu.close());

	it('gets a record; empty cells are omitted; computed lastModifiedTime is returned', async () => {
		const r = await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`);
		expect(r.status).toBe(200);
		expect(r.body).toEqual({
			id: DEMO_IDS.alan,
			createdTime: '2024-01-02T09:00:00.000Z',
			fields: { Name: 'Alan Turing', Email: 'alan@example.com', Company: 'Bletchley', Status: 'Lead', Score: 64, 'Last Modified': '2024-01-02T09:00:00.000Z' },
		});
		expect((await h.api(`/v0/${BASE}/Contacts/recMissing0000000`)).body).toEqual({ error: 'NOT_FOUND' });
	});

	it('accepts table ids, field ids and returnFieldsByFieldId', async () => {
		const r = await h.api(`/v0/${BASE}/${DEMO_IDS.contacts}/${DEMO_IDS.alan}?returnFieldsByFieldId=true`);
		expect(r.body.fields[DEMO_IDS.contactName]).toBe('Alan Turing');
		const created = await h.api(`/v0/${BASE}/${DEMO_IDS.contacts}`, { body: { fields: { [DEMO_IDS.contactName]: 'By Id' }, returnFieldsByFieldId: true } });
		expect(created.status).toBe(200);
		expect(created.body.fields[DEMO_IDS.contactName]).toBe('By Id');
	});

	it('creates one record (top-level fields) and several (records array)', async () => {
		const one = await h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Name: 'Solo', Score: 5, Notes: '' } } });
		expect(one.status).toBe(200);
		expect(one.body.id).toMatch(/^rec[A-Za-z0-9]{14}$/);
		expect(one.body.fields).toMatchObject({ Name: 'Solo', Score: 5 });
		expect(one.body.fields.Notes).toBeUndefined();
		const many = await h.api(`/v0/${BASE}/Contacts`, { body: { records: [{ fields: { Name: 'A' } }, { fields: { Name: 'B' } }] } });
		expect(many.body.records.map((r: { fields: { Name: string } }) => r.fields.Name)).toEqual(['A', 'B']);
	});

	it('rejects more than 10 records per request with INVALID_RECORDS, writing nothing', async () => {
		const records = Array.from({ length: 11 }, (_, i) => ({ fields: { Name: `n${i}` } }));
		const r = await h.api(`/v0/${BASE}/Contacts`, { body: { records } });
		expect(r.status).toBe(422);
		expect(r.body).toEqual({ error: { type: 'INVALID_RECORDS', message: 'A maximum of 10 records can be created per request but you have provided 11.' } });
		expect((await h.api(`/v0/${BASE}/Contacts`, { method: 'PATCH', body: { records: records.map((x) => ({ id: DEMO_IDS.ada, ...x })) } })).body.error.type).toBe('INVALID_RECORDS');
		const del = await h.api(`/v0/${BASE}/Contacts?${Array.from({ length: 11 }, () => `records[]=${DEMO_IDS.ada}`).join('&')}`, { method: 'DELETE' });
		expect(del.status).toBe(422);
		expect((await h.api(`/v0/${BASE}/Contacts`)).body.records).toHaveLength(4);
	});

	it('validates fields: unknown name, wrong type, unknown select option, computed field', async () => {
		const cases: Array<[Record<string, unknown>, string, string]> = [
			[{ Nope: 1 }, 'UNKNOWN_FIELD_NAME', 'Unknown field name: "Nope"'],
			[{ Score: 'high' }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Score" cannot accept the provided value'],
			[{ Name: 42 }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Name" cannot accept the provided value'],
			[{ Status: 'Prospect' }, 'INVALID_MULTIPLE_CHOICE_OPTIONS', 'Insufficient permissions to create new select option ""Prospect""'],
			[{ 'Last Modified': '2024-01-01' }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Last Modified" cannot accept a value because the field is computed'],
		];
		for (const [fields, type, message] of cases) {
			const r = await h.api(`/v0/${BASE}/Contacts`, { body: { records: [{ fields: { Name: 'ok' } }, { fields }] } });
			expect(r.status).toBe(422);
			expect(r.body).toEqual({ error: { type, message } });
		}
		// The whole request failed: the good first record was not created either.
		expect((await h.api(`/v0/${BASE}/Contacts`)).body.records).toHaveLength(4);
	});

	it('typecast creates select options and parses numbers', async () => {
		const r = await h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Name: 'T', Status: 'Prospect', Score: '42' }, typecast: true } });
		expect(r.status).toBe(200);
		expect(r.body.fields).toMatchObject({ Status: 'Prospect', Score: 42 });
		const schema = await h.api(`/v0/meta/bases/${BASE}/tables`);
		const status = schema.body.tables[0].fields.find((f: { name: string }) => f.name === 'Status');
		expect(status.options.choices.map((c: { name: string }) => c.name)).toContain('Prospect');
		const bad = await h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Score: 'abc' }, typecast: true } });
		expect(bad.body.error.type).toBe('INVALID_VALUE_FOR_COLUMN');
	});

	it('PATCH changes only the given fields; PUT clears the others', async () => {
		const patched = await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Score: 70 } } });
		expect(patched.body.fields).toMatchObject({ Name: 'Alan Turing', Company: 'Bletchley', Score: 70 });
		expect(patched.body.fields['Last Modified']).not.toBe('2024-01-02T09:00:00.000Z');
		const replaced = await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PUT', body: { fields: { Name: 'Alan' } } });
		expect(replaced.body.fields.Name).toBe('Alan');
		expect(replaced.body.fields.Company).toBeUndefined();
		expect(replaced.body.fields.Email).toBeUndefined();
		const many = await h.api(`/v0/${BASE}/Contacts`, { method: 'PATCH', body: { records: [{ id: DEMO_IDS.ada, fields: { Score: 1 } }, { id: DEMO_IDS.grace, fields: { Score: 2 } }] } });
		expect(many.body.records.map((r: { fields: { Score: number } }) => r.fields.Score)).toEqual([1, 2]);
		expect(many.body.createdRecords).toBeUndefined();
		const missing = await h.api(`/v0/${BASE}/Contacts`, { method: 'PATCH', body: { records: [{ id: 'recMissing0000000', fields: {} }] } });
		expect(missing.body).toEqual({ error: { type: 'ROW_DOES_NOT_EXIST', message: 'Record ID recMissing0000000 does not exist in this table' } });
		expect((await h.api(`/v0/${BASE}/Contacts/recMissing0000000`, { method: 'PATCH', body: { fields: {} } })).status).toBe(404);
	});

	it('deletes one and several records', async () => {
		expect((await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'DELETE' })).body).toEqual({ id: DEMO_IDS.alan, deleted: true });
		const many = await h.api(`/v0/${BASE}/Contacts?records[]=${DEMO_IDS.ada}&records[]=${DEMO_IDS.grace}`, { method: 'DELETE' });
		expect(many.body).toEqual({ records: [{ id: DEMO_IDS.ada, deleted: true }, { id: DEMO_IDS.grace, deleted: true }] });
		expect((await h.api(`/v0/${BASE}/Contacts`)).body.records.map((r: { id: string }) => r.id)).toEqual([DEMO_IDS.katherine]);
		expect((await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'DELETE' })).status).toBe(404);
	});

	it('keeps both sides of a two-way link in step', async () => {
		const order = await h.api(`/v0/${BASE}/Orders`, { body: { fields: { Order: 'SO-2000', Contact: [DEMO_IDS.alan], Amount: 10 } } });
		expect(order.body.fields.Contact).toEqual([DEMO_IDS.alan]);
		expect((await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`)).body.fields.Orders).toEqual([order.body.id]);
		await h.api(`/v0/${BASE}/Orders/${order.body.id}`, { method: 'DELETE' });
		expect((await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`)).body.fields.Orders).toBeUndefined();
		const bad = await h.api(`/v0/${BASE}/Orders`, { body: { fields: { Contact: ['recMissing0000000'] } } });
		expect(bad.status).toBe(422);
	});

	it('cellFormat=string needs timeZone and userLocale, then renders strings', async () => {
		const missing = await h.api(`/v0/${BASE}/Orders?cellFormat=string`);
		expect(missing.status).toBe(422);
		expect(missing.body.error.message).toContain('timeZone');
		const r = await h.api(`/v0/${BASE}/Orders?cellFormat=string&timeZone=Europe%2FBerlin&userLocale=en-us&maxRecords=1`);
		expect(r.status).toBe(200);
		expect(r.body.records[0].fields).toMatchObject({ Order: 'SO-1001', Contact: 'Ada Lovelace', Amount: '$250.00', Status: 'Paid', Ordered: '2024-01-05' });
		const one = await h.api(`/v0/${BASE}/feature_flags/recFlagCheckout00?cellFormat=string&timeZone=UTC&userLocale=en-us`);
		expect(one.body.fields).toMatchObject({ enabled: 'checked', rollout_pct: '50' });
	});

	it('answers 400 for a body that is not JSON', async () => {
		const res = await fetch(`${h.emu.url}/v0/${BASE}/Contacts`, { method: 'POST', headers: { authorization: 'Bearer pat-demo-emulator-token', 'content-type': 'application/json' }, body: '{nope' });
		expect(res.status).toBe(400);
	});
});
