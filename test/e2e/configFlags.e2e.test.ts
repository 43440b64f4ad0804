import { outputOf, WorkflowRunner } from './runtime/api';
import { DEMO_BASE_ID, DEMO_IDS, lastSeq, locators, PKG, requestsSince, setupContext, type E2eContext } from './support/context';

let ctx: E2eContext;

beforeAll(async () => {
	ctx = await setupContext('config-flags');
});

afterAll(async () => {
	await ctx?.close();
});

const NODE = 'Airtable Config Flags';

async function flagsRunner(name: string, parameters: Record<string, unknown>): Promise<WorkflowRunner> {
	return await WorkflowRunner.create(ctx.n8n, `E2E Config Flags ${name}`, [
		{
			name: NODE,
			type: `${PKG}.airtableConfigFlags`,
			typeVersion: 1,
			position: [440, 0],
			credentials: ctx.credentials,
			parameters: { authentication: 'accessToken', ...locators(DEMO_IDS.flags, 'feature_flags'), options: {}, ...parameters },
		},
	]);
}

const users = Array.from({ length: 40 }, (_, i) => ({ userId: `user-${i}` }));

describe('Airtable Config Flags in n8n', () => {
	it('evaluates flags per item: on for everyone, off for everyone', async () => {
		const darkMode = await flagsRunner('dark mode', { operation: 'evaluate', flagName: 'dark_mode', subjectKey: '={{ $json.userId }}', outputProperty: 'flag' });
		const on = outputOf(await darkMode.run(users.slice(0, 5)), NODE);
		expect(on).toHaveLength(5);
		expect(on.every((i) => (i.flag as { enabled: boolean; name: string }).enabled === true)).toBe(true);
		expect(on[0]).toEqual(expect.objectContaining({ userId: 'user-0', flag: expect.objectContaining({ name: 'dark_mode', rolloutPct: 100, metadata: { owner: 'web' } }) }));

		const beta = await flagsRunner('beta reports', { operation: 'evaluate', flagName: 'beta_reports', subjectKey: '={{ $json.userId }}', outputProperty: 'beta' });
		const off = outputOf(await beta.run(users.slice(0, 5)), NODE);
		expect(off.every((i) => (i.beta as { enabled: boolean }).enabled === false)).toBe(true);
	});

	it('routes items to On and Off by a 50 % rollout, the same way every run, reading the flags table at most once', async () => {
		const route = await flagsRunner('route', { operation: 'route', flagName: 'new_checkout', subjectKey: '={{ $json.userId }}', outputProperty: 'flag' });
		const seq = await lastSeq(ctx);

		const first = await route.run(users);
		const onIds = outputOf(first, NODE, 0).map((i) => i.userId);
		const offIds = outputOf(first, NODE, 1).map((i) => i.userId);
		expect(onIds.length + offIds.length).toBe(40);
		expect(onIds.length).toBeGreaterThan(5);
		expect(offIds.length).toBeGreaterThan(5);

		const second = await route.run(users);
		expect(outputOf(second, NODE, 0).map((i) => i.userId)).toEqual(onIds);
		const flagReads = (await requestsSince(ctx, seq)).filter((r) => r.baseId === DEMO_BASE_ID && r.path.includes(DEMO_IDS.flags));
		// Cached for 60 s in the n8n process: at most one read for both runs (none if still cached).
		expect(flagReads.length).toBeLessThanOrEqual(1);
	});

	it('a flag switched off in Airtable routes everything to Off once the cache has expired', async () => {
		const route = await flagsRunner('route no cache', { operation: 'route', flagName: 'dark_mode', subjectKey: '={{ $json.userId }}', options: { cacheTtl: 0 } });
		expect(outputOf(await route.run(users.slice(0, 4)), NODE, 0)).toHaveLength(4);
		await ctx.admin('PATCH', `/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.flags}/records`, {
			records: [{ id: 'recFlagDarkMode00', fields: { enabled: false } }],
		});
		const after = await route.run(users.slice(0, 4));
		expect(outputOf(after, NODE, 0)).toHaveLength(0);
		expect(outputOf(after, NODE, 1)).toHaveLength(4);
	});
});
