import { outputOf, WorkflowRunner, type WorkflowNode } from './runtime/api';
import { DEMO_BASE_ID, DEMO_IDS, lastSeq, locators, PKG, requestsSince, setupContext, type E2eContext } from './support/context';

let ctx: E2eContext;

beforeAll(async () => {
	ctx = await setupContext('concurrency');
});

afterAll(async () => {
	await ctx?.close();
});

function createNode(): WorkflowNode {
	return {
		name: 'Airtable Records',
		type: `${PKG}.airtableRecords`,
		typeVersion: 1,
		position: [440, 0],
		credentials: ctx.credentials,
		parameters: { authentication: 'accessToken', ...locators(DEMO_IDS.contacts, 'Contacts'), operation: 'create', columns: { mappingMode: 'autoMapInputData', value: null }, options: {} },
	};
}

describe('two workflows on one base at once', () => {
	it('share the limiter in the n8n process: together under 5 requests per second, no 429', async () => {
		const [a, b] = await Promise.all([WorkflowRunner.create(ctx.n8n, 'E2E Concurrency A', [createNode()]), WorkflowRunner.create(ctx.n8n, 'E2E Concurrency B', [createNode()])]);
		const items = (tag: string) => Array.from({ length: 150 }, (_, i) => ({ Name: `${tag} ${i}`, Score: i }));
		const seq = await lastSeq(ctx);

		const [runA, runB] = await Promise.all([a.run(items('A')), b.run(items('B'))]);

		expect(runA.status).toBe('success');
		expect(runB.status).toBe('success');
		expect(outputOf(runA, 'Airtable Records')).toHaveLength(150);
		expect(outputOf(runB, 'Airtable Records')).toHaveLength(150);
		const log = (await requestsSince(ctx, seq)).filter((r) => r.baseId === DEMO_BASE_ID);
		expect(log.filter((r) => r.write)).toHaveLength(30);
		expect(log.filter((r) => r.status === 429)).toHaveLength(0);
		expect((await ctx.metrics()).rateLimited).toBe(0);
		// Airtable's rule: at most 5 requests to a base in any 1-second window.
		const times = log.map((r) => r.timeMs).sort((x, y) => x - y);
		let worst = 0;
		for (let i = 0; i < times.length; i++) {
			const inWindow = times.filter((t) => t >= times[i] && t < times[i] + 1000).length;
			worst = Math.max(worst, inWindow);
		}
		expect(worst).toBeLessThanOrEqual(5);
		// ... and the two executions really overlapped in time.
		const span = (e: typeof runA) => [Date.parse(e.startedAt), Date.parse(e.stoppedAt!)];
		const [startA, stopA] = span(runA);
		const [startB, stopB] = span(runB);
		expect(Math.max(startA, startB)).toBeLessThan(Math.min(stopA, stopB));
		expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(5000);
	});
});
