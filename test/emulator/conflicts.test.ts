import { AirtableClient } from '../../index';
import { AirtableConflictError } from '../../nodes/client/conflicts/conflictError';
import { updateUnlessChanged } from '../../nodes/client/conflicts/guardedUpdate';
import type { ConflictCheckOptions, GuardedUpdate } from '../../nodes/client/conflicts/types';
import type { AirtableRecord } from '../../nodes/client/types';
import { resetProcessStateForTests } from '../../nodes/client/state';
import { BASE, TOKEN, startHarness, type Harness } from './helpers';

/*
 * The conflict check of guarded updates against the emulator: a record changed (or deleted)
 * between the item's read and the write is reported and not lost; the check costs one read per
 * 100 records, counted by the emulator. "Since" is the record's Last Modified as read, so the
 * emulator's own clock decides, advanced between the read and the person's edit.
 */
let h: Harness;
let client: AirtableClient;
const CONTACTS = 'Contacts';

beforeEach(async () => {
	resetProcessStateForTests();
	h = await startHarness();
	// The emulator's limits are off and so is the client's pacing: request counts are what matters here.
	const fast = { requests: 1_000, perMs: 1_000 };
	client = new AirtableClient({
		token: TOKEN,
		baseUrl: h.emu.url,
		limits: { perBase: fast, perToken: fast, windowMarginMs: 0, retryBaseDelayMs: 5, retryMaxDelayMs: 20 },
	});
});
afterEach(() => h.emu.close());

const table = () => client.base(BASE).table(CONTACTS);

/** Records as a workflow read them earlier (seeded in one admin call, so seeding costs no API request). */
async function createRead(count: number, prefix = 'C'): Promise<AirtableRecord[]> {
	const records = Array.from({ length: count }, (_, i) => ({ fields: { Name: `${prefix}${i}`, Status: 'Lead', Score: i } }));
	const answer = await h.admin(`/bases/${BASE}/tables/${CONTACTS}/records`, 'POST', { records });
	expect(answer.status).toBe(200);
	return answer.body.records as AirtableRecord[];
}

/** Someone edits records in the Airtable app, a second later on the emulator's clock. */
async function personEdits(records: Array<{ id: string; fields: Record<string, unknown> }>): Promise<void> {
	await h.admin('/clock/advance', 'POST', { ms: 1_000 });
	const answer = await h.admin(`/bases/${BASE}/tables/${CONTACTS}/records`, 'PATCH', { records });
	expect(answer.status).toBe(200);
}

async function personDeletes(ids: string[]): Promise<void> {
	const answer = await h.admin(`/bases/${BASE}/tables/${CONTACTS}/records`, 'DELETE', { ids });
	expect(answer.status).toBe(200);
}

function stored(id: string): Record<string, unknown> | undefined {
	const t = h.emu.state.bases.get(BASE)!.tables.find((candidate) => candidate.name === CONTACTS)!;
	const record = t.records.get(id);
	if (!record) return undefined;
	const names = new Map(t.fields.map((f) => [f.id, f.name]));
	return Object.fromEntries(Object.entries(record.cells).map(([fieldId, value]) => [names.get(fieldId) ?? fieldId, value]));
}

async function counted<T>(action: () => Promise<T>): Promise<{ result: T; reads: number; writes: number }> {
	const before = h.emu.state.metrics.snapshot();
	const result = await action();
	const after = h.emu.state.metrics.snapshot();
	const endpoint = (name: string) => (after.requests.byEndpoint[name] ?? 0) - (before.requests.byEndpoint[name] ?? 0);
	return { result, reads: endpoint('records.list'), writes: endpoint('records.updateMany') + endpoint('records.replaceMany') };
}

const sinceRead = (record: AirtableRecord) => ({ since: record.fields['Last Modified'] as string });

describe('unchanged since a moment', () => {
	const byField: ConflictCheckOptions = { compare: 'modifiedTime', modifiedTimeField: 'Last Modified' };
	const byFormula: ConflictCheckOptions = { compare: 'modifiedTime' };

	it.each([
		['a Last modified time field', byField],
		['LAST_MODIFIED_TIME()', byFormula],
	])('with %s: the record a person edited after the read is not written and is reported once', async (_label, conflicts) => {
		const read = await createRead(3);
		await personEdits([{ id: read[1].id, fields: { Status: 'Customer' } }]);
		const updates: GuardedUpdate[] = read.map((record) => ({ id: record.id, fields: { Status: 'Churned' }, basis: sinceRead(record) }));
		const { result, reads, writes } = await counted(() => updateUnlessChanged(table(), updates, { conflicts }));
		expect(reads).toBe(1);
		expect(writes).toBe(1);
		expect(result.stats).toEqual({ checkReads: 1, conflicts: 1 });
		expect(result.results.map((r) => r.ok)).toEqual([true, false, true]);
		const conflict = result.results[1];
		expect(conflict.ok).toBe(false);
		expect(!conflict.ok && conflict.error).toBeInstanceOf(AirtableConflictError);
		expect(conflict.conflict).toMatchObject({
			id: read[1].id,
			reason: 'modified',
			resolution: 'skipped',
			current: { Status: 'Customer' },
			intended: { Status: 'Churned' },
			changedFields: ['Status'],
		});
		expect(conflict.conflict?.modifiedTime !== undefined).toBe(conflicts === byField);
		// The person's edit is kept; the others were written.
		expect(stored(read[1].id)?.Status).toBe('Customer');
		expect(stored(read[0].id)?.Status).toBe('Churned');
		expect(stored(read[2].id)?.Status).toBe('Churned');
		// The error names record and field, never a value.
		const message = (!conflict.ok && conflict.error.message) || '';
		expect(message).toContain(read[1].id);
		expect(message).toContain('"Status"');
		expect(message).not.toContain('Customer');
	});

	it('a record deleted between read and write is a "deleted" conflict; the field read finds it without a failed write', async () => {
		const read = await createRead(3);
		await personDeletes([read[2].id]);
		const updates = read.map((record) => ({ id: record.id, fields: { Status: 'Churned' }, basis: sinceRead(record) }));
		const { result, reads, writes } = await counted(() => updateUnlessChanged(table(), updates, { conflicts: byField }));
		expect({ reads, writes }).toEqual({ reads: 1, writes: 1 });
		expect(result.results[2].conflict).toMatchObject({ id: read[2].id, reason: 'deleted', current: null, intended: { Status: 'Churned' } });
		expect(result.results.slice(0, 2).every((r) => r.ok)).toBe(true);
	});

	it('with LAST_MODIFIED_TIME() a deletion shows at the write and is reported as a "deleted" conflict too', async () => {
		const read = await createRead(3);
		await personDeletes([read[0].id]);
		const updates = read.map((record) => ({ id: record.id, fields: { Status: 'Churned' }, basis: sinceRead(record) }));
		const { results, stats } = await updateUnlessChanged(table(), updates, { conflicts: byFormula });
		expect(stats.conflicts).toBe(1);
		expect(results[0].conflict).toMatchObject({ reason: 'deleted', current: null });
		expect(results[1].ok && results[2].ok).toBe(true);
		expect(stored(read[1].id)?.Status).toBe('Churned');
	});

	it('Overwrite Anyway writes the record and still reports the conflict', async () => {
		const read = await createRead(2);
		await personEdits([{ id: read[0].id, fields: { Status: 'Customer' } }]);
		const updates = read.map((record) => ({ id: record.id, fields: { Status: 'Churned' }, basis: sinceRead(record) }));
		const { results, stats } = await updateUnlessChanged(table(), updates, { conflicts: { ...byField, strategy: 'overwrite' } });
		expect(results.every((r) => r.ok)).toBe(true);
		expect(results[0].conflict).toMatchObject({ resolution: 'overwritten', current: { Status: 'Customer' } });
		expect(results[1].conflict).toBeUndefined();
		expect(stats.conflicts).toBe(1);
		expect(stored(read[0].id)?.Status).toBe('Churned');
	});

	it('Newest Wins writes over an older edit and keeps a newer one', async () => {
		const read = await createRead(2);
		await personEdits([{ id: read[0].id, fields: { Status: 'Customer' } }]);
		const clock = (await h.admin('/clock')).body as { now: string };
		const itemChangedAt = new Date(Date.parse(clock.now) + 500).toISOString();
		await h.admin('/clock/advance', 'POST', { ms: 1_000 });
		await personEdits([{ id: read[1].id, fields: { Status: 'Customer' } }]);
		const updates = read.map((record) => ({ id: record.id, fields: { Status: 'Churned' }, basis: { ...sinceRead(record), changedAt: itemChangedAt } }));
		const { results } = await updateUnlessChanged(table(), updates, { conflicts: { ...byField, strategy: 'newestWins' } });
		expect(results[0]).toMatchObject({ ok: true, conflict: { resolution: 'overwritten' } });
		expect(results[1]).toMatchObject({ ok: false, conflict: { resolution: 'keptAirtable', current: { Status: 'Customer' } } });
		expect(stored(read[0].id)?.Status).toBe('Churned');
		expect(stored(read[1].id)?.Status).toBe('Customer');
	});

	it('refuses Newest Wins without a Last modified time field before any request', async () => {
		const { result, reads } = await counted(() =>
			updateUnlessChanged(table(), [{ id: 'recAAAAAAAAAAAAAA', fields: {}, basis: { since: new Date() } }], { conflicts: { compare: 'modifiedTime', strategy: 'newestWins' } }).catch((e: unknown) => e),
		);
		expect((result as Error).message).toMatch(/Last modified time/);
		expect(reads).toBe(0);
	});

	it('an item without a usable "since" fails alone, naming the record; the others are checked and written', async () => {
		const read = await createRead(2);
		const updates = [
			{ id: read[0].id, fields: { Status: 'Churned' }, basis: { since: 'yesterday-ish' } },
			{ id: read[1].id, fields: { Status: 'Churned' }, basis: sinceRead(read[1]) },
		];
		const { results } = await updateUnlessChanged(table(), updates, { conflicts: byField });
		expect(results[0].ok).toBe(false);
		expect(!results[0].ok && results[0].error.message).toMatch(new RegExp(`${read[0].id}.*ISO 8601`));
		expect(results[1].ok).toBe(true);
	});
});

describe('unchanged since the values read', () => {
	const values: ConflictCheckOptions = { compare: 'values' };

	it('only a written field edited to another value conflicts: an edit of another field, or to the same value, does not', async () => {
		const read = await createRead(3);
		await personEdits([
			{ id: read[0].id, fields: { Status: 'Customer' } },
			{ id: read[1].id, fields: { Notes: 'called' } },
			{ id: read[2].id, fields: { Status: 'Churned' } },
		]);
		const updates = read.map((record) => ({ id: record.id, fields: { Status: 'Churned' }, basis: { readValues: record.fields } }));
		const { result, reads, writes } = await counted(() => updateUnlessChanged(table(), updates, { conflicts: values }));
		expect({ reads, writes }).toEqual({ reads: 1, writes: 1 });
		expect(result.results.map((r) => r.conflict?.reason ?? 'none')).toEqual(['modified', 'none', 'none']);
		expect(stored(read[1].id)).toMatchObject({ Status: 'Churned', Notes: 'called' });
	});

	it('Replace compares every field read: an edit of a field the write would clear is a conflict', async () => {
		const read = await createRead(1);
		await personEdits([{ id: read[0].id, fields: { Notes: 'called' } }]);
		const { results } = await updateUnlessChanged(
			table(),
			[{ id: read[0].id, fields: { Name: 'C0', Status: 'Lead', Score: 0 }, basis: { readValues: read[0].fields } }],
			// "Last Modified" is computed: Replace does not clear it, so it is not compared.
			{ conflicts: { ...values, ignoreFields: ['Last Modified'] }, replace: true },
		);
		expect(results[0].conflict).toMatchObject({ reason: 'modified', changedFields: ['Notes'], current: { Notes: 'called' } });
		expect(stored(read[0].id)?.Notes).toBe('called');
	});
});

it('1,000 updates with 50 conflicts: 10 check reads (one per 100 records), each window of 95 writes in 10 requests', async () => {
	const read = await createRead(1000, 'N');
	const edited = read.filter((_, index) => index % 20 === 7);
	expect(edited).toHaveLength(50);
	await personEdits(edited.map((record) => ({ id: record.id, fields: { Score: 9999 } })));
	const updates = read.map((record) => ({ id: record.id, fields: { Score: -1 }, basis: sinceRead(record) }));
	const { result, reads, writes } = await counted(() =>
		updateUnlessChanged(table(), updates, { conflicts: { compare: 'modifiedTime', modifiedTimeField: 'Last Modified' } }),
	);
	// Every window of 100 is written right after its own read, so its 95 records still take 10 requests.
	expect({ reads, writes }).toEqual({ reads: 10, writes: 100 });
	expect(result.stats).toEqual({ checkReads: 10, conflicts: 50 });
	const conflicted = result.results.filter((r) => r.conflict).map((r) => r.conflict!.id);
	expect(new Set(conflicted)).toEqual(new Set(edited.map((record) => record.id)));
	expect(edited.every((record) => stored(record.id)?.Score === 9999)).toBe(true);
});
