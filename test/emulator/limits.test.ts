import { BASE, sleep, startHarness, type Harness } from './helpers';

// The real envelope (test/contract/fixtures/errors.json, case 429-rate-limit).
const RATE_LIMIT = '{"errors":[{"error":"RATE_LIMIT_REACHED","message":"Rate limit exceeded. Please try again later"}]}';

describe('emulator rate limits', () => {
	let h: Harness;
	afterEach(() => h.emu.close());

	it('allows N requests per base per window, then answers the exact 429 and locks the base out', async () => {
		h = await startHarness({ limits: { enabled: true, perBase: { requests: 3, perMs: 200 }, perToken: { requests: 100, perMs: 200 }, lockoutMs: 500 } });
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++) statuses.push((await h.api(`/v0/${BASE}/Contacts?maxRecords=1`)).status);
		expect(statuses).toEqual([200, 200, 200, 429]);
		const limited = await h.api(`/v0/${BASE}/Contacts`);
		expect(limited.status).toBe(429);
		expect(limited.text).toBe(RATE_LIMIT);
		// The window has passed but the lock-out has not: still 429.
		await sleep(250);
		expect((await h.api(`/v0/${BASE}/Contacts`)).status).toBe(429);
		// Other routes without a base are not locked.
		expect((await h.api('/v0/meta/whoami')).status).toBe(200);
		await sleep(300);
		expect((await h.api(`/v0/${BASE}/Contacts`)).status).toBe(200);
		const metrics = (await h.admin('/metrics')).body;
		expect(metrics.rateLimited).toBe(3);
		expect(metrics.requests.byStatus['429']).toBe(3);
	});

	it('uses a sliding window: requests spread over time pass', async () => {
		h = await startHarness({ limits: { enabled: true, perBase: { requests: 2, perMs: 100 }, perToken: { requests: 100, perMs: 100 }, lockoutMs: 1000 } });
		for (let i = 0; i < 6; i++) {
			expect((await h.api(`/v0/${BASE}/Contacts?maxRecords=1`)).status).toBe(200);
			await sleep(60);
		}
	});

	it('limits per token across bases and ends a lock-out when the clock advances', async () => {
		h = await startHarness({ limits: { enabled: true, perBase: { requests: 100, perMs: 1000 }, perToken: { requests: 2, perMs: 1000 }, lockoutMs: 30_000 } });
		expect((await h.api('/v0/meta/whoami')).status).toBe(200);
		expect((await h.api(`/v0/${BASE}/Contacts`)).status).toBe(200);
		expect((await h.api('/v0/meta/whoami')).status).toBe(429);
		expect((await h.admin('/limits')).body.lockouts).toHaveProperty(['token:pat-demo-emulator-token']);
		await h.admin('/clock/advance', 'POST', { ms: 31_000 });
		expect((await h.api('/v0/meta/whoami')).status).toBe(200);
	});

	it('answers PUBLIC_API_BILLING_LIMIT_EXCEEDED once the monthly quota is used', async () => {
		h = await startHarness({ limits: { enabled: false, monthlyQuota: 2 } });
		expect((await h.api(`/v0/${BASE}/Contacts`)).status).toBe(200);
		expect((await h.api(`/v0/${BASE}/Contacts`)).status).toBe(200);
		const r = await h.api(`/v0/${BASE}/Contacts`);
		expect(r.status).toBe(429);
		expect(r.body).toEqual({ errors: [{ error: 'PUBLIC_API_BILLING_LIMIT_EXCEEDED', message: 'API billing plan limit exceeded.' }] });
		expect((await h.admin('/metrics')).body.billingLimited).toBe(1);
		// Metadata calls neither count nor are refused (as a public report of a used-up quota saw).
		expect((await h.api(`/v0/meta/bases/${BASE}/tables`)).status).toBe(200);
	});

	it('limits can be changed and cleared through the admin API', async () => {
		h = await startHarness();
		await h.admin('/limits', 'PUT', { enabled: true, perBase: { requests: 1, perMs: 10_000 }, lockoutMs: 10_000 });
		expect((await h.api(`/v0/${BASE}/Contacts`)).status).toBe(200);
		expect((await h.api(`/v0/${BASE}/Contacts`)).status).toBe(429);
		await h.admin('/limits/clear', 'POST');
		expect((await h.api(`/v0/${BASE}/Contacts`)).status).toBe(200);
	});
});
