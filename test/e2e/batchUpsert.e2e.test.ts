import { nodeError, outputOf, WorkflowRunner } from './runtime/api';
import { DEMO_IDS, lastSeq, locators, PKG, requestsSince, setupContext, tableRecords, type E2eContext } from './support/context';

let ctx: E2eContext;

beforeAll(async () => {
	ctx = await setupContext('batch-upsert');
});

afterAll(async () => {
	await ctx?.close();
});

async function upsertRunner(name: string, parameters: Record<string, unknown>): Promise<WorkflowRunner> {
	return await WorkflowRunner.create(ctx.n8n, `E2E Batch Upsert ${name}`, [
		{
			name: 'Airtable Batch Upsert',
			type: `${PKG}.airtableBatchUpsert`,
			typeVersion: 1,
			position: [440, 0],
			credentials: ctx.credentials,
			parameters: {
				authentication: 'accessToken',
				...locators(DEMO_IDS.contacts, 'Contacts'),
				columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['Email'] },
				options: { output: 'summary' },
				...parameters,
			},
		},
	]);
}

const people = (count: number, scoreOf = (i: number) => i) =>
	Array.from({ length: count }, (_, i) => ({ Email: `sync${i}@example.com`, Name: `Synced ${i}`, Score: scoreOf(i) }));

describe('Airtable Batch Upsert in n8n', () => {
	it('upserts 500 items, then skips all of them when nothing changed, then writes only the changed ones', async () => {
		const sync = await upsertRunner('skip unchanged', { skipUnchanged: true });

		let seq = await lastSeq(ctx);
		const first = outputOf(await sync.run(people(500)), 'Airtable Batch Upsert');
		expect(first).toEqual([expect.objectContaining({ created: 500, updated: 0, unchanged: 0, failed: 0 })]);
		let writes = (await requestsSince(ctx, seq)).filter((r) => r.write);
		expect(writes).toHaveLength(50);
		expect(writes.reduce((sum, w) => sum + w.records, 0)).toBe(500);

		seq = await lastSeq(ctx);
		const second = outputOf(await sync.run(people(500)), 'Airtable Batch Upsert');
		expect(second).toEqual([expect.objectContaining({ created: 0, updated: 0, unchanged: 500, failed: 0 })]);
		const secondRequests = await requestsSince(ctx, seq);
		expect(secondRequests.filter((r) => r.write)).toHaveLength(0);
		expect(secondRequests.length).toBeGreaterThanOrEqual(5); // the table is read, 100 records per page

		seq = await lastSeq(ctx);
		const third = outputOf(await sync.run(people(500, (i) => (i < 15 ? 1000 + i : i))), 'Airtable Batch Upsert');
		expect(third).toEqual([expect.objectContaining({ created: 0, updated: 15, unchanged: 485 })]);
		writes = (await requestsSince(ctx, seq)).filter((r) => r.write);
		// The two chunks go out side by side (paced, not chained): they may arrive in any order.
		expect(writes.map((w) => w.records).sort((a, b) => b - a)).toEqual([10, 5]);

		const stored = await tableRecords(ctx, 'Contacts');
		expect(stored.find((r) => r.fields.Email === 'sync3@example.com')?.fields.Score).toBe(1003);
		expect(stored.filter((r) => String(r.fields.Email).startsWith('sync'))).toHaveLength(500);
	});

	it('mirror-delete removes the records missing from the input', async () => {
		const mirror = await upsertRunner('mirror', { skipUnchanged: true, deleteMissing: true, maxDeletions: 1000 });
		const before = await tableRecords(ctx, 'Contacts');
		const keep = people(400);
		const expectedDeleted = before.filter((r) => !keep.some((k) => k.Email === r.fields.Email)).map((r) => r.id);
		expect(expectedDeleted.length).toBeGreaterThanOrEqual(100);

		const [summary] = outputOf(await mirror.run(keep), 'Airtable Batch Upsert');

		expect(summary).toEqual(expect.objectContaining({ created: 0, failed: 0, deleted: expectedDeleted.length }));
		expect([...(summary.deletedIds as string[])].sort()).toEqual([...expectedDeleted].sort());
		const after = await tableRecords(ctx, 'Contacts');
		expect(after).toHaveLength(400);
		expect(after.every((r) => keep.some((k) => k.Email === r.fields.Email))).toBe(true);
	});

	it('fails and deletes nothing when the mirror would delete more than Max Deletions', async () => {
		const guarded = await upsertRunner('mirror guard', { skipUnchanged: true, deleteMissing: true, maxDeletions: 5 });
		const execution = await guarded.run(people(10));
		const after = await tableRecords(ctx, 'Contacts');
		expect(after).toHaveLength(400);
		expect(execution.status).toBe('error');
		expect(nodeError(execution, 'Airtable Batch Upsert')?.message).toMatch(/Max Deletions|delet/i);
	});
});
