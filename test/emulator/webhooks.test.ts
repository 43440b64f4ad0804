import { DEMO_IDS, READONLY_TOKEN } from '../../emulator';
import { BASE, type Json, startHarness, type Harness } from './helpers';

const DAY = 24 * 60 * 60 * 1000;
const hooks = `/v0/bases/${BASE}/webhooks`;

function spec(filters: Record<string, unknown>, includes?: Record<string, unknown>) {
	return { specification: { options: { filters, ...(includes ? { includes } : {}) } } };
}

describe('emulator webhooks API', () => {
	let h: Harness;
	beforeEach(async () => {
		h = await startHarness({ webhookLifetimeMs: 7 * DAY, payloadRetentionMs: 10 * DAY });
	});
	afterEach(() => h.emu.close());

	const create = async (body: object) => {
		const r = await h.api(hooks, { body });
		expect(r.status).toBe(200);
		return r.body as { id: string; macSecretBase64: string; expirationTime: string };
	};
	const listHooks = async () => (await h.api(hooks)).body.webhooks as Array<Record<string, Json>>;
	const payloads = async (id: string, query = '') => (await h.api(`${hooks}/${id}/payloads${query}`)).body;

	it('creates a webhook and lists it in the Airtable shape without the secret', async () => {
		const before = Date.now();
		const created = await create(spec({ dataTypes: ['tableData'], recordChangeScope: DEMO_IDS.contacts }));
		expect(created.id).toMatch(/^ach[A-Za-z0-9]{14}$/);
		expect(Buffer.from(created.macSecretBase64, 'base64')).toHaveLength(32);
		const expires = Date.parse(created.expirationTime);
		expect(expires).toBeGreaterThanOrEqual(before + 7 * DAY - 1000);
		expect(expires).toBeLessThanOrEqual(Date.now() + 7 * DAY + 1000);
		const [hook] = await listHooks();
		expect(hook).toEqual({
			id: created.id,
			areNotificationsEnabled: true,
			cursorForNextPayload: 1,
			isHookEnabled: true,
			lastSuccessfulNotificationTime: null,
			notificationUrl: null,
			expirationTime: created.expirationTime,
			lastNotificationResult: null,
			specification: { options: { filters: { dataTypes: ['tableData'], recordChangeScope: DEMO_IDS.contacts } } },
		});
	});

	it('rejects invalid specifications, bad URLs, missing scopes and an 11th webhook', async () => {
		for (const body of [
			spec({}),
			spec({ dataTypes: ['nope'] }),
			spec({ dataTypes: ['tableData'], recordChangeScope: 'tblNope0000000000' }),
			spec({ dataTypes: ['tableData'], changeTypes: ['explode'] }),
			spec({ dataTypes: ['tableData'], watchDataInFieldIds: ['fldNope0000000000'] }),
			{ notificationUrl: 'ftp://x', ...spec({ dataTypes: ['tableData'] }) },
		]) {
			const r = await h.api(hooks, { body });
			expect(r.status).toBe(422);
		}
		expect((await h.api(hooks, { body: spec({ dataTypes: ['tableData'] }), token: READONLY_TOKEN })).status).toBe(403);
		for (let i = 0; i < 10; i++) await create(spec({ dataTypes: ['tableData'] }));
		const eleventh = await h.api(hooks, { body: spec({ dataTypes: ['tableData'] }) });
		expect(eleventh.status).toBe(422);
		expect(eleventh.body.error.type).toBe('TOO_MANY_WEBHOOKS');
		expect(eleventh.body.error.message).toMatch(/at most 10 webhooks/);
	});

	it('records API changes as v0 payloads: created, changed (current/previous/unchanged), destroyed', async () => {
		const hook = await create(
			spec({ dataTypes: ['tableData'], recordChangeScope: DEMO_IDS.contacts }, { includePreviousCellValues: true, includeCellValuesInFieldIds: [DEMO_IDS.contactName] }),
		);
		const created = await h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Name: 'Hook Test', Status: 'Lead', Score: 1 } } });
		const id = created.body.id;
		await h.api(`/v0/${BASE}/Contacts/${id}`, { method: 'PATCH', body: { fields: { Status: 'Customer', Score: null } } });
		await h.api(`/v0/${BASE}/Contacts/${id}`, { method: 'DELETE' });
		const page = await payloads(hook.id);
		expect(page.cursor).toBe(4);
		expect(page.mightHaveMore).toBe(false);
		expect(page.payloads).toHaveLength(3);
		const [p1, p2, p3] = page.payloads;
		expect(p1).toMatchObject({
			payloadFormat: 'v0',
			timestamp: expect.stringMatching(/Z$/),
			actionMetadata: { source: 'publicApi', sourceMetadata: { user: { id: 'usrDemoUser000001', email: 'demo@example.com', permissionLevel: 'create' } } },
		});
		expect(p2.baseTransactionNumber).toBe(p1.baseTransactionNumber + 1);
		const createdEntry = p1.changedTablesById[DEMO_IDS.contacts].createdRecordsById[id];
		expect(createdEntry.createdTime).toBe(created.body.createdTime);
		expect(createdEntry.cellValuesByFieldId[DEMO_IDS.contactName]).toBe('Hook Test');
		expect(createdEntry.cellValuesByFieldId[DEMO_IDS.contactStatus]).toEqual({ id: expect.stringMatching(/^sel/), name: 'Lead', color: expect.any(String) });
		const changed = p2.changedTablesById[DEMO_IDS.contacts].changedRecordsById[id];
		expect(changed.current.cellValuesByFieldId).toMatchObject({ [DEMO_IDS.contactStatus]: { name: 'Customer' }, [DEMO_IDS.contactScore]: null });
		expect(changed.previous.cellValuesByFieldId).toMatchObject({ [DEMO_IDS.contactStatus]: { name: 'Lead' }, [DEMO_IDS.contactScore]: 1 });
		expect(changed.unchanged.cellValuesByFieldId).toEqual({ [DEMO_IDS.contactName]: 'Hook Test' });
		expect(p3.changedTablesById[DEMO_IDS.contacts].destroyedRecordIds).toEqual([id]);
		expect((await listHooks())[0].cursorForNextPayload).toBe(4);
	});

	it('records changes by a UI user (source client) and shows links as {id, name}', async () => {
		const hook = await create(spec({ dataTypes: ['tableData'] }));
		const r = await h.admin(`/bases/${BASE}/tables/Orders/records`, 'POST', { records: [{ fields: { Order: 'SO-UI', Contact: [DEMO_IDS.grace] } }], user: { id: 'usrPerson00000001', email: 'person@example.com', name: 'Person' } });
		expect(r.status).toBe(200);
		const [p] = (await payloads(hook.id)).payloads;
		expect(p.actionMetadata).toEqual({ source: 'client', sourceMetadata: { user: { id: 'usrPerson00000001', email: 'person@example.com', name: 'Person', permissionLevel: 'create' } } });
		const orderId = r.body.records[0].id;
		expect(p.changedTablesById[DEMO_IDS.orders].createdRecordsById[orderId].cellValuesByFieldId[DEMO_IDS.orderContact]).toEqual([{ id: DEMO_IDS.grace, name: 'Grace Hopper' }]);
		// The inverse link changed in Contacts within the same transaction.
		expect(p.changedTablesById[DEMO_IDS.contacts].changedRecordsById[DEMO_IDS.grace].current.cellValuesByFieldId[DEMO_IDS.contactOrders]).toContainEqual({ id: orderId, name: 'SO-UI' });
	});

	it('numbers payloads by cursor: limit ≤ 50, mightHaveMore, empty page echoes the cursor', async () => {
		const hook = await create(spec({ dataTypes: ['tableData'] }));
		for (let i = 0; i < 5; i++) await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Score: i } } });
		const first = await payloads(hook.id, '?cursor=1&limit=2');
		expect(first).toMatchObject({ cursor: 3, mightHaveMore: true });
		expect(first.payloads).toHaveLength(2);
		const rest = await payloads(hook.id, '?cursor=3');
		expect(rest).toMatchObject({ cursor: 6, mightHaveMore: false });
		expect(rest.payloads.map((p: Json) => p.changedTablesById[DEMO_IDS.contacts].changedRecordsById[DEMO_IDS.alan].current.cellValuesByFieldId[DEMO_IDS.contactScore])).toEqual([2, 3, 4]);
		expect(await payloads(hook.id, '?cursor=6')).toEqual({ cursor: 6, mightHaveMore: false, payloads: [] });
		expect((await h.api(`${hooks}/${hook.id}/payloads?limit=51`)).status).toBe(422);
		expect((await h.api(`${hooks}/${hook.id}/payloads?cursor=0`)).status).toBe(422);
		expect((await h.api(`${hooks}/achNope0000000000/payloads`)).status).toBe(404);
	});

	it('filters by changeTypes, fromSources and watchDataInFieldIds', async () => {
		const addsOnly = await create(spec({ dataTypes: ['tableData'], changeTypes: ['add'] }));
		const uiOnly = await create(spec({ dataTypes: ['tableData'], fromSources: ['client'] }));
		const scoreOnly = await create(spec({ dataTypes: ['tableData'], recordChangeScope: DEMO_IDS.contacts, watchDataInFieldIds: [DEMO_IDS.contactScore] }));
		await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Notes: 'api note' } } });
		await h.admin(`/bases/${BASE}/tables/Contacts/records`, 'PATCH', { records: [{ id: DEMO_IDS.alan, fields: { Score: 5 } }] });
		await h.api(`/v0/${BASE}/feature_flags`, { body: { fields: { flag_name: 'x' } } });
		expect((await payloads(addsOnly.id)).payloads).toHaveLength(1);
		const ui = (await payloads(uiOnly.id)).payloads;
		expect(ui).toHaveLength(1);
		expect(ui[0].actionMetadata.source).toBe('client');
		const score = (await payloads(scoreOnly.id)).payloads;
		expect(score).toHaveLength(1);
		expect(score[0].changedTablesById[DEMO_IDS.contacts].changedRecordsById[DEMO_IDS.alan].current.cellValuesByFieldId).toHaveProperty(DEMO_IDS.contactScore, 5);
	});

	it('with a view as recordChangeScope reports records entering, changing in and leaving the view', async () => {
		const hook = await create(spec({ dataTypes: ['tableData'], recordChangeScope: DEMO_IDS.customersView }));
		await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Status: 'Customer' } } });
		await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Score: 1 } } });
		await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Status: 'Churned' } } });
		await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.katherine}`, { method: 'PATCH', body: { fields: { Score: 2 } } });
		const ps = (await payloads(hook.id)).payloads;
		expect(ps).toHaveLength(3);
		const view = (p: Json) => p.changedTablesById[DEMO_IDS.contacts].changedViewsById[DEMO_IDS.customersView];
		expect(Object.keys(view(ps[0]).createdRecordsById)).toEqual([DEMO_IDS.alan]);
		expect(Object.keys(view(ps[1]).changedRecordsById)).toEqual([DEMO_IDS.alan]);
		expect(view(ps[2]).destroyedRecordIds).toEqual([DEMO_IDS.alan]);
	});

	it('enables/disables notifications, refreshes, deletes (empty 200 bodies)', async () => {
		const hook = await create({ notificationUrl: 'http://127.0.0.1:9/ping', ...spec({ dataTypes: ['tableData'] }) });
		const off = await h.api(`${hooks}/${hook.id}/enableNotifications`, { body: { enable: false } });
		expect(off.status).toBe(200);
		expect(off.text).toBe('');
		expect((await listHooks())[0].areNotificationsEnabled).toBe(false);
		await h.api(`${hooks}/${hook.id}/enableNotifications`, { body: { enable: true } });
		expect((await listHooks())[0].areNotificationsEnabled).toBe(true);
		await h.admin('/clock/advance', 'POST', { ms: DAY });
		const refreshed = await h.api(`${hooks}/${hook.id}/refresh`, { method: 'POST' });
		expect(Date.parse(refreshed.body.expirationTime)).toBeGreaterThan(Date.parse(hook.expirationTime) + DAY - 1000);
		const del = await h.api(`${hooks}/${hook.id}`, { method: 'DELETE' });
		expect(del.status).toBe(200);
		expect(del.text).toBe('');
		expect(await listHooks()).toEqual([]);
		expect((await h.api(`${hooks}/${hook.id}`, { method: 'DELETE' })).status).toBe(404);
	});

	it('expires after the lifetime unless refreshed or its payloads listed; expired hooks stay readable for a while', async () => {
		const kept = await create(spec({ dataTypes: ['tableData'] }));
		const dropped = await create(spec({ dataTypes: ['tableData'] }));
		await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Score: 1 } } });
		await h.admin('/clock/advance', 'POST', { ms: 6 * DAY });
		await payloads(kept.id);
		await h.admin('/clock/advance', 'POST', { ms: 2 * DAY });
		const byId = Object.fromEntries((await listHooks()).map((x) => [x.id, x]));
		expect(byId[kept.id].isHookEnabled).toBe(true);
		expect(byId[dropped.id].isHookEnabled).toBe(false);
		expect((await h.api(`${hooks}/${dropped.id}/refresh`, { method: 'POST' })).status).toBe(404);
		await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Score: 2 } } });
		const old = await payloads(dropped.id);
		expect(old.payloads).toHaveLength(1);
		expect(old.cursor).toBe(2);
		expect((await payloads(kept.id, '?cursor=2')).payloads).toHaveLength(1);
		await h.admin('/clock/advance', 'POST', { ms: 7 * DAY });
		expect((await listHooks()).map((x) => x.id)).not.toContain(dropped.id);
	});

	it('purges payloads after the retention period without resetting the cursor', async () => {
		const short = await startHarness({ payloadRetentionMs: 1000 });
		try {
			const created = await short.api(hooks, { body: spec({ dataTypes: ['tableData'] }) });
			await short.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Score: 1 } } });
			await short.admin('/clock/advance', 'POST', { ms: 2000 });
			await short.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Score: 2 } } });
			const page = (await short.api(`${hooks}/${created.body.id}/payloads`)).body;
			expect(page.payloads).toHaveLength(1);
			expect(page.cursor).toBe(3);
		} finally {
			await short.emu.close();
		}
	});

	it('emits an error payload and disables the hook when a watched field or the scope table is deleted', async () => {
		const watching = await create(spec({ dataTypes: ['tableData'], watchDataInFieldIds: [DEMO_IDS.contactNotes] }));
		const scoped = await create(spec({ dataTypes: ['tableData'], recordChangeScope: DEMO_IDS.flags }));
		const fields = await create(spec({ dataTypes: ['tableFields'], recordChangeScope: DEMO_IDS.contacts }, { includePreviousFieldDefinitions: true }));
		expect((await h.admin(`/bases/${BASE}/tables/Contacts/fields/Notes`, 'DELETE')).status).toBe(200);
		const [errorPayload] = (await payloads(watching.id)).payloads;
		expect(errorPayload).toMatchObject({ error: true, code: 'INVALID_FILTERS', payloadFormat: 'v0' });
		expect((await payloads(fields.id)).payloads[0].changedTablesById[DEMO_IDS.contacts].destroyedFieldIds).toEqual([DEMO_IDS.contactNotes]);
		await h.admin(`/bases/${BASE}/tables/feature_flags`, 'DELETE');
		expect((await payloads(scoped.id)).payloads[0]).toMatchObject({ error: true, code: 'INVALID_HOOK' });
		const byId = Object.fromEntries((await listHooks()).map((x) => [x.id, x]));
		expect(byId[watching.id].isHookEnabled).toBe(false);
		expect(byId[scoped.id].isHookEnabled).toBe(false);
		expect(byId[fields.id].isHookEnabled).toBe(true);
		await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Score: 3 } } });
		expect((await payloads(watching.id)).payloads).toHaveLength(1);
		await h.admin(`/bases/${BASE}/tables/Contacts/fields/${DEMO_IDS.contactName}`, 'PATCH', { name: 'Full name' });
		const renamed = (await payloads(fields.id, '?cursor=2')).payloads[0].changedTablesById[DEMO_IDS.contacts].changedFieldsById[DEMO_IDS.contactName];
		expect(renamed).toEqual({ current: { name: 'Full name' }, previous: { name: 'Name' } });
	});
});
