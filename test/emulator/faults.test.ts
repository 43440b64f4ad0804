import { DEMO_IDS } from '../../emulator';
import { BASE, startHarness, type Harness } from './helpers';

describe('emulator faults', () => {
	let h: Harness;
	afterEach(() => h.emu.close());

	const statusesFor = async (count: number) => {
		const out: number[] = [];
		for (let i = 0; i < count; i++) out.push((await h.api(`/v0/${BASE}/Contacts?maxRecords=1`)).status);
		return out;
	};

	it('injects 500/502/503 at the configured rates, reproducibly for a seed', async () => {
		h = await startHarness({ faults: { seed: 42, errorRates: { '500': 0.2, '502': 0.2, '503': 0.2 } } });
		const first = await statusesFor(30);
		expect(new Set(first)).toEqual(new Set([200, 500, 502, 503]));
		await h.admin('/faults', 'PUT', { seed: 42, errorRates: { '500': 0.2, '502': 0.2, '503': 0.2 } });
		expect(await statusesFor(30)).toEqual(first);
		const r503 = await (async () => {
			for (;;) {
				const r = await h.api(`/v0/${BASE}/Contacts?maxRecords=1`);
				if (r.status === 503) return r;
			}
		})();
		expect(r503.body.error.type).toBe('RETRIABLE_ERROR');
		const metrics = (await h.admin('/metrics')).body;
		expect(metrics.faults).toBeGreaterThan(0);
	});

	it('queued faults hit the next matching request only', async () => {
		h = await startHarness();
		await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'status', status: 502, match: { methods: ['POST'] } }] });
		expect((await h.api(`/v0/${BASE}/Contacts`)).status).toBe(200);
		const failed = await h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Name: 'x' } } });
		expect(failed.status).toBe(502);
		expect((await h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Name: 'x' } } })).status).toBe(200);
	});

	it('drops the connection before a write (nothing written) or after it (written)', async () => {
		h = await startHarness();
		await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'dropBefore' }] });
		await expect(h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Name: 'Before' } } })).rejects.toThrow();
		await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'dropAfter' }] });
		await expect(h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Name: 'After' } } })).rejects.toThrow();
		const names = (await h.api(`/v0/${BASE}/Contacts`)).body.records.map((r: { fields: { Name: string } }) => r.fields.Name);
		expect(names).toContain('After');
		expect(names).not.toContain('Before');
		const log = (await h.admin('/metrics')).body.log;
		expect(log.filter((e: { fault?: string }) => e.fault).map((e: { fault: string; status: number }) => [e.fault, e.status])).toEqual([
			['dropBefore', 0],
			['dropAfter', 0],
		]);
	});

	it('drops writes at random rates from config, keeping reads intact', async () => {
		h = await startHarness({ faults: { seed: 3, dropAfterWriteRate: 1 } });
		expect((await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.ada}`)).status).toBe(200);
		await expect(h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.ada}`, { method: 'PATCH', body: { fields: { Score: 5 } } })).rejects.toThrow();
		expect((await h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.ada}`)).body.fields.Score).toBe(5);
	});

	it('adds latency and stalls responses', async () => {
		h = await startHarness({ faults: { latencyMs: 120 } });
		const started = Date.now();
		expect((await h.api('/v0/meta/whoami')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
		await h.admin('/faults', 'DELETE');
		await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'stall', ms: 150 }] });
		const stallStart = Date.now();
		await expect(h.api('/v0/meta/whoami')).rejects.toThrow();
		expect(Date.now() - stallStart).toBeGreaterThanOrEqual(140);
		await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'stall' }] });
		const aborted = fetch(`${h.emu.url}/v0/meta/whoami`, { headers: { authorization: 'Bearer pat-demo-emulator-token' }, signal: AbortSignal.timeout(100) });
		await expect(aborted).rejects.toThrow();
	});
});
