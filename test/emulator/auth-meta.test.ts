import { OTHER_BASE_ID, READONLY_TOKEN } from '../../emulator';
import { BASE, startHarness, type Harness } from './helpers';

describe('emulator auth and metadata', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startHarness({
			basesPageSize: 1,
			tokens: [
				{ token: 'pat-demo-emulator-token', userId: 'usrDemoUser000001', email: 'demo@example.com', bases: [BASE] },
				{ token: READONLY_TOKEN, userId: 'usrDemoUser000001', scopes: ['data.records:read', 'schema.bases:read'], bases: [BASE] },
				{ token: 'pat-all', userId: 'usrAll00000000001', bases: '*' },
			],
		});
	});
	afterAll(() => h.emu.close());

	it('answers 401 AUTHENTICATION_REQUIRED without or with an unknown token', async () => {
		for (const token of [null, 'pat-nope']) {
			const r = await h.api(`/v0/${BASE}/Contacts`, { token });
			expect(r.status).toBe(401);
			expect(r.body).toEqual({ error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' } });
		}
	});

	it('answers 403 for a base the token cannot see, an unknown base and an unknown table', async () => {
		for (const path of [`/v0/${OTHER_BASE_ID}/Secrets`, '/v0/appNope0000000000/Contacts', `/v0/${BASE}/NoSuchTable`, `/v0/meta/bases/${OTHER_BASE_ID}/tables`]) {
			const r = await h.api(path);
			expect(r.status).toBe(403);
			expect(r.body.error.type).toBe('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
		}
	});

	it('answers 403 when the token lacks the scope', async () => {
		const r = await h.api(`/v0/${BASE}/Contacts`, { token: READONLY_TOKEN, body: { fields: { Name: 'x' } } });
		expect(r.status).toBe(403);
		expect((await h.api(`/v0/${BASE}/Contacts`, { token: READONLY_TOKEN })).status).toBe(200);
	});

	it('whoami: id and email for a PAT, no scopes; no email without user.email:read', async () => {
		expect((await h.api('/v0/meta/whoami')).body).toEqual({ id: 'usrDemoUser000001', email: 'demo@example.com' });
		expect((await h.api('/v0/meta/whoami', { token: READONLY_TOKEN })).body).toEqual({ id: 'usrDemoUser000001' });
	});

	it('unknown routes answer 404 {"error":"NOT_FOUND"}', async () => {
		const r = await h.api('/v1/whatever');
		expect(r.status).toBe(404);
		expect(r.body).toEqual({ error: 'NOT_FOUND' });
	});

	it('lists bases page by page with offset', async () => {
		const first = await h.api('/v0/meta/bases', { token: 'pat-all' });
		expect(first.body.bases).toEqual([{ id: BASE, name: 'Demo CRM', permissionLevel: 'create' }]);
		expect(first.body.offset).toMatch(/^itr[A-Za-z0-9]{14}\//);
		const second = await h.api(`/v0/meta/bases?offset=${encodeURIComponent(first.body.offset)}`, { token: 'pat-all' });
		expect(second.body.bases.map((b: { id: string }) => b.id)).toEqual([OTHER_BASE_ID]);
		expect(second.body.offset).toBeUndefined();
		const mine = await h.api('/v0/meta/bases');
		expect(mine.body.bases.map((b: { id: string }) => b.id)).toEqual([BASE]);
	});

	it('describes tables with fields, select choices, links, primary field and views', async () => {
		const r = await h.api(`/v0/meta/bases/${BASE}/tables?include=visibleFieldIds`);
		expect(r.status).toBe(200);
		const contacts = r.body.tables.find((t: { name: string }) => t.name === 'Contacts');
		const orders = r.body.tables.find((t: { name: string }) => t.name === 'Orders');
		expect(r.body.tables.map((t: { name: string }) => t.name)).toEqual(['Contacts', 'Orders', 'feature_flags']);
		expect(contacts.id).toMatch(/^tbl[A-Za-z0-9]{14}$/);
		const primary = contacts.fields.find((f: { id: string }) => f.id === contacts.primaryFieldId);
		expect(primary).toEqual({ id: primary.id, name: 'Name', type: 'singleLineText' });
		const status = contacts.fields.find((f: { name: string }) => f.name === 'Status');
		expect(status.type).toBe('singleSelect');
		expect(status.options.choices.map((c: { name: string }) => c.name)).toEqual(['Lead', 'Customer', 'Churned']);
		expect(status.options.choices[0].id).toMatch(/^sel/);
		const link = orders.fields.find((f: { name: string }) => f.name === 'Contact');
		expect(link.options).toMatchObject({ linkedTableId: contacts.id, inverseLinkFieldId: expect.stringMatching(/^fld/) });
		expect(contacts.fields.find((f: { id: string }) => f.id === link.options.inverseLinkFieldId).name).toBe('Orders');
		expect(contacts.views.map((v: { name: string }) => v.name)).toEqual(['All', 'Customers']);
		expect(contacts.views[0].visibleFieldIds).toHaveLength(contacts.fields.length);
		const plain = await h.api(`/v0/meta/bases/${BASE}/tables`);
		expect(plain.body.tables[0].views[0].visibleFieldIds).toBeUndefined();
	});
});
