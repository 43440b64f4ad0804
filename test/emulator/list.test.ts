import { DEMO_IDS } from '../../emulator';
import { BASE, startHarness, type Harness } from './helpers';

const names = (body: { records: Array<{ fields: { Name?: string } }> }) => body.records.map((r) => r.fields.Name);

describe('emulator list records', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startHarness({ iteratorIdleMs: 1000 });
		const records = Array.from({ length: 10 }, (_, i) => ({ fields: { Name: `Bulk ${String(i).padStart(2, '0')}`, Score: i } }));
		await h.api(`/v0/${BASE}/Contacts`, { body: { records } });
	});
	afterAll(() => h.emu.close());

	it('pages with pageSize and offset until the offset is absent', async () => {
		const seen: string[] = [];
		let offset: string | undefined;
		let pages = 0;
		do {
			const r = await h.api(`/v0/${BASE}/Contacts?pageSize=5${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`);
			expect(r.status).toBe(200);
			seen.push(...r.body.records.map((x: { id: string }) => x.id));
			offset = r.body.offset;
			if (offset) expect(offset).toMatch(/^itr[A-Za-z0-9]{14}\/rec[A-Za-z0-9]{14}$/);
			pages++;
		} while (offset);
		expect(pages).toBe(3);
		expect(new Set(seen).size).toBe(14);
	});

	it('caps the listing with maxRecords across pages', async () => {
		const first = await h.api(`/v0/${BASE}/Contacts?pageSize=3&maxRecords=4`);
		expect(first.body.records).toHaveLength(3);
		const second = await h.api(`/v0/${BASE}/Contacts?pageSize=3&maxRecords=4&offset=${encodeURIComponent(first.body.offset)}`);
		expect(second.body.records).toHaveLength(1);
		expect(second.body.offset).toBeUndefined();
	});

	it('rejects pageSize above 100', async () => {
		expect((await h.api(`/v0/${BASE}/Contacts?pageSize=101`)).status).toBe(422);
	});

	it('understands fields[] and sort[0][field]/sort[0][direction] as airtable.js sends them', async () => {
		const r = await h.api(`/v0/${BASE}/Contacts?fields%5B%5D=Name&fields%5B%5D=${DEMO_IDS.contactScore}&sort%5B0%5D%5Bfield%5D=Score&sort%5B0%5D%5Bdirection%5D=desc&maxRecords=3`);
		expect(r.status).toBe(200);
		expect(r.body.records.map((x: { fields: object }) => x.fields)).toEqual([
			{ Name: 'Ada Lovelace', Score: 97 },
			{ Name: 'Grace Hopper', Score: 91 },
			{ Name: 'Alan Turing', Score: 64 },
		]);
		const unknown = await h.api(`/v0/${BASE}/Contacts?fields%5B%5D=Nope`);
		expect(unknown.body).toEqual({ error: { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Nope"' } });
	});

	it('sorts single selects by option order and text case-insensitively', async () => {
		const r = await h.api(`/v0/${BASE}/Contacts?sort%5B0%5D%5Bfield%5D=Status&sort%5B1%5D%5Bfield%5D=Name&filterByFormula=${encodeURIComponent('NOT({Status} = BLANK())')}`);
		expect(names(r.body)).toEqual(['Alan Turing', 'Ada Lovelace', 'Grace Hopper', 'Katherine Johnson']);
	});

	it('applies a view filter and its order; combines it with filterByFormula', async () => {
		const view = await h.api(`/v0/${BASE}/Contacts?view=Customers`);
		expect(names(view.body)).toEqual(['Ada Lovelace', 'Grace Hopper']);
		const byId = await h.api(`/v0/${BASE}/Contacts?view=${DEMO_IDS.customersView}&filterByFormula=${encodeURIComponent('{Score} > 95')}`);
		expect(names(byId.body)).toEqual(['Ada Lovelace']);
		const missing = await h.api(`/v0/${BASE}/Contacts?view=Nope`);
		expect(missing.status).toBe(422);
	});

	it('POST listRecords reads options and offset from the body, timeZone/userLocale from the query', async () => {
		const first = await h.api(`/v0/${BASE}/Contacts/listRecords?timeZone=UTC&userLocale=en-us`, {
			body: { pageSize: 2, fields: ['Name', 'Score'], sort: [{ field: 'Score', direction: 'asc' }], filterByFormula: 'FIND("Bulk", {Name})', cellFormat: 'string' },
		});
		expect(first.status).toBe(200);
		expect(first.body.records.map((r: { fields: object }) => r.fields)).toEqual([{ Name: 'Bulk 00', Score: '0' }, { Name: 'Bulk 01', Score: '1' }]);
		const second = await h.api(`/v0/${BASE}/Contacts/listRecords?timeZone=UTC&userLocale=en-us`, {
			body: { pageSize: 2, fields: ['Name'], cellFormat: 'string', offset: first.body.offset },
		});
		expect(names(second.body)).toEqual(['Bulk 02', 'Bulk 03']);
		// An offset in the query string is ignored by the POST form: page 1 again (pyairtable #415).
		const wrong = await h.api(`/v0/${BASE}/Contacts/listRecords?offset=${encodeURIComponent(first.body.offset)}`, { body: { pageSize: 2, sort: [{ field: 'Score' }], filterByFormula: 'FIND("Bulk", {Name})' } });
		expect(names(wrong.body)).toEqual(['Bulk 00', 'Bulk 01']);
	});

	it('expires an offset after iteratorIdleMs of idleness (LIST_RECORDS_ITERATOR_NOT_AVAILABLE)', async () => {
		const first = await h.api(`/v0/${BASE}/Contacts?pageSize=2`);
		const again = await h.api(`/v0/${BASE}/Contacts?pageSize=2&offset=${encodeURIComponent(first.body.offset)}`);
		expect(again.status).toBe(200);
		await h.admin('/clock/advance', 'POST', { ms: 1500 });
		const expired = await h.api(`/v0/${BASE}/Contacts?pageSize=2&offset=${encodeURIComponent(again.body.offset)}`);
		expect(expired.status).toBe(422);
		expect(expired.body).toEqual({ error: { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' } });
		const bogus = await h.api(`/v0/${BASE}/Contacts?offset=itrBogus/recBogus`);
		expect(bogus.body.error.type).toBe('LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
		await h.admin('/clock/reset', 'POST');
	});

	it('returns commentCount when recordMetadata asks for it', async () => {
		const r = await h.api(`/v0/${BASE}/Contacts?maxRecords=1&recordMetadata%5B%5D=commentCount`);
		expect(r.body.records[0].commentCount).toBe(0);
	});
});
