import { DEMO_IDS, startEmulator, type SeedBase } from '../../emulator';
import { BASE, startHarness, type Harness, type Json } from './helpers';

describe('emulator admin API and observability', () => {
	let h: Harness;
	afterEach(() => h.emu.close());

	it('counts requests per base, status and endpoint, writes and records; admin calls are not counted', async () => {
		const lines: string[] = [];
		h = await startHarness({ log: (line) => lines.push(line) });
		const t0 = Date.now();
		await h.api(`/v0/${BASE}/Contacts?pageSize=3`);
		await h.api(`/v0/${BASE}/Contacts`, { body: { records: [{ fields: { Name: 'a' } }, { fields: { Name: 'b' } }] } });
		await h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Nope: 1 } } });
		await h.api('/v0/meta/whoami');
		await h.admin('/health');
		const m = (await h.admin('/metrics')).body;
		expect(m.requests.total).toBe(4);
		expect(m.requests.byBase).toEqual({ [BASE]: 3 });
		expect(m.requests.byStatus).toEqual({ '200': 3, '422': 1 });
		expect(m.requests.byEndpoint).toEqual({ 'records.list': 1, 'records.create': 2, 'meta.whoami': 1 });
		expect(m.writes).toEqual({ requests: 1, records: 2 });
		expect(m.rateLimited).toBe(0);
		expect(m.log[0]).toMatchObject({ seq: 1, method: 'GET', path: `/v0/${BASE}/Contacts?pageSize=3`, endpoint: 'records.list', baseId: BASE, status: 200, records: 3, write: false });
		expect(m.log[1]).toMatchObject({ method: 'POST', status: 200, records: 2, write: true });
		expect(Date.parse(m.log[0].time)).toBeGreaterThanOrEqual(t0 - 5);
		expect(lines).toHaveLength(4);
		expect(lines[0]).toMatch(/GET \/v0\/appDemoCrm0000001\/Contacts\?pageSize=3 -> 200/);
		const since = (await h.admin(`/metrics?sinceSeq=2`)).body.log;
		expect(since.map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
		const byTime = (await h.admin(`/metrics?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.log;
		expect(byTime).toEqual([]);
		await h.admin('/metrics/reset', 'POST');
		expect((await h.admin('/metrics')).body.requests.total).toBe(0);
	});

	it('protects the admin API with a header when adminToken is set', async () => {
		h = await startHarness({ adminToken: 'sesame' });
		expect((await h.admin('/health')).status).toBe(401);
		const ok = await fetch(`${h.emu.url}/_emulator/health`, { headers: { 'x-emulator-admin': 'sesame' } });
		expect(ok.status).toBe(200);
	});

	it('seeds a base from JSON (names everywhere), exports it with ids, and the export loads again', async () => {
		h = await startHarness({ tokens: [{ token: 'pat-all', userId: 'usrAll00000000001', bases: '*' }] });
		const seed: SeedBase = {
			name: 'Inventory',
			tables: [
				{
					name: 'Items',
					fields: [
						{ name: 'SKU', type: 'singleLineText' },
						{ name: 'Qty', type: 'number' },
						{ name: 'Kind', type: 'singleSelect', options: { choices: ['A', 'B'] } },
						{ name: 'Total', type: 'formula', options: { formula: '{Qty} * 2' } },
						{ name: 'Created', type: 'createdTime' },
						{ name: 'No', type: 'autoNumber' },
					],
					views: [{ name: 'Grid view' }, { name: 'Big', filterByFormula: '{Qty} > 5', sort: [{ field: 'Qty', direction: 'desc' }] }],
					records: [{ fields: { SKU: 'x-1', Qty: 3, Kind: 'A' } }, { fields: { SKU: 'x-2', Qty: 9, Kind: 'B' } }],
				},
			],
		};
		const created = await h.admin('/bases', 'POST', seed);
		const baseId = created.body.id as string;
		expect(baseId).toMatch(/^app[A-Za-z0-9]{14}$/);
		const list = await h.api(`/v0/${baseId}/Items?view=Big`, { token: 'pat-all' });
		expect(list.body.records.map((r: { fields: object }) => r.fields)).toEqual([{ SKU: 'x-2', Qty: 9, Kind: 'B', Total: 18, Created: list.body.records[0].createdTime, No: 2 }]);
		const write = await h.api(`/v0/${baseId}/Items`, { token: 'pat-all', body: { fields: { SKU: 'x-3', Created: '2020-01-01T00:00:00.000Z' } } });
		expect(write.body.error.message).toBe('Field "Created" cannot accept a value because the field is computed');
		const exported = (await h.admin(`/bases/${baseId}`)).body as SeedBase;
		expect(exported.tables[0].id).toMatch(/^tbl/);
		const again = await startEmulator({ seed: [exported], tokens: [{ token: 't', userId: 'usrX', bases: '*' }], limits: { enabled: false } });
		try {
			const res = await fetch(`${again.url}/v0/${baseId}/${exported.tables[0].id}`, { headers: { authorization: 'Bearer t' } });
			const body = (await res.json()) as Json;
			expect(body.records.map((r: { id: string }) => r.id)).toEqual(exported.tables[0].records!.map((r) => r.id));
			expect(body.records.map((r: { fields: { Total: number } }) => r.fields.Total)).toEqual([6, 18]);
		} finally {
			await again.close();
		}
	});

	it('acts as a UI user (create, update, delete) and resets to the seed', async () => {
		h = await startHarness();
		const hook = await h.api(`/v0/bases/${BASE}/webhooks`, { body: { specification: { options: { filters: { dataTypes: ['tableData'] } } } } });
		const created = await h.admin(`/bases/${BASE}/tables/Contacts/records`, 'POST', { fields: { Name: 'From UI', Status: 'New status' } });
		const id = created.body.records[0].id;
		await h.admin(`/bases/${BASE}/tables/Contacts/records`, 'PATCH', { records: [{ id, fields: { Score: 3 } }], source: 'automation', sourceMetadata: { automationId: 'autX' } });
		await h.admin(`/bases/${BASE}/tables/Contacts/records`, 'DELETE', { ids: [id] });
		const payloads = (await h.api(`/v0/bases/${BASE}/webhooks/${hook.body.id}/payloads`)).body.payloads;
		expect(payloads.map((p: { actionMetadata: { source: string } }) => p.actionMetadata.source)).toEqual(['client', 'automation', 'client']);
		expect(payloads[1].actionMetadata.sourceMetadata).toEqual({ automationId: 'autX' });
		expect((await h.admin('/webhooks')).body.webhooks[0]).toMatchObject({ id: hook.body.id, macSecretBase64: hook.body.macSecretBase64, payloadCount: 3 });
		await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.ada}`, { method: 'DELETE' });
		await h.admin('/reset', 'POST');
		expect((await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.ada}`)).status).toBe(200);
		expect((await h.api(`/v0/bases/${BASE}/webhooks`)).body.webhooks).toEqual([]);
		expect((await h.admin('/metrics')).body.requests.total).toBe(2);
	});
});
