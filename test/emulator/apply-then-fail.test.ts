import { AirtableClient } from '../../nodes/client/AirtableClient';
import { AirtableError, AirtableUnknownOutcomeError } from '../../nodes/client/errors';
import { BASE, TOKEN, startHarness, type Harness, type Json } from './helpers';

/**
 * The "apply, then fail" fault: the write lands, then the answer is a gateway error (or the
 * connection drops). The client must neither duplicate creates nor miscount deletes and upserts.
 */
let h: Harness;
let client: AirtableClient;
beforeEach(async () => {
	h = await startHarness();
	client = new AirtableClient({
		token: TOKEN,
		baseUrl: h.emu.url,
		limits: { perBase: { requests: 500, perMs: 1000 }, perToken: { requests: 500, perMs: 1000 }, retryBaseDelayMs: 1, retryMaxDelayMs: 5 },
	});
});
afterEach(async () => h.emu.close());

const contacts = () => client.base(BASE).table('Contacts');
const queue = async (...faults: Json[]) => h.admin('/faults/queue', 'POST', { faults });
const log = async () => (await h.admin('/metrics')).body.log as Array<{ method: string; status: number; fault?: string; path: string }>;
const named = async (name: string) => (await h.api(`/v0/${BASE}/Contacts?filterByFormula=${encodeURIComponent(`{Name} = '${name}'`)}`)).body.records as Json[];
const exists = async (id: string) => (await h.api(`/v0/${BASE}/Contacts/${id}`)).status === 200;

describe('emulator: apply, then fail', () => {
	it('applies a queued write, then answers the gateway error', async () => {
		await queue({ kind: 'statusAfter', status: 502, match: { methods: ['POST'] } });
		const answer = await h.api(`/v0/${BASE}/Contacts`, { body: { records: [{ fields: { Name: 'Landed' } }] } });
		expect(answer.status).toBe(502);
		expect(answer.text).toMatch(/502 Bad Gateway/);
		expect(await named('Landed')).toHaveLength(1);
		expect((await log()).map((entry) => entry.fault).filter(Boolean)).toEqual(['statusAfter:502']);
	});

	it('repeats a queued fault `count` times and applies random rates from the config', async () => {
		await queue({ kind: 'statusAfter', status: 504, count: 2, match: { methods: ['POST'] } });
		const statuses: number[] = [];
		for (const name of ['One', 'Two', 'Three']) statuses.push((await h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Name: name } } })).status);
		expect(statuses).toEqual([504, 504, 200]);
		for (const name of ['One', 'Two', 'Three']) expect(await named(name)).toHaveLength(1);

		await h.admin('/faults', 'PUT', { errorAfterWriteRates: { '500': 1 } });
		expect((await h.api(`/v0/${BASE}/Contacts`)).status).toBe(200);
		const write = await h.api(`/v0/${BASE}/Contacts`, { body: { fields: { Name: 'Four' } } });
		expect(write.status).toBe(500);
		expect(await named('Four')).toHaveLength(1);
	});

	it('refuses a 503 after the write: Airtable documents 503 as not applied', async () => {
		const refused = await queue({ kind: 'statusAfter', status: 503 });
		expect(refused.status).toBe(422);
		expect(refused.body.error.message).toMatch(/503 as not applied/);
	});
});

describe('client against apply-then-fail', () => {
	it.each([
		['a 502 after the write', { kind: 'statusAfter', status: 502 }],
		['a dropped connection after the write', { kind: 'dropAfter' }],
	])('create + %s: unknown outcome, never re-sent, no duplicate', async (_name, fault) => {
		await queue({ ...fault, match: { methods: ['POST'] } });
		const error = await contacts().create([{ Name: 'Once' }]).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableUnknownOutcomeError);
		expect((error as AirtableError).kind).toBe('unknown-outcome');
		expect((await log()).filter((entry) => entry.method === 'POST')).toHaveLength(1);
		expect(await named('Once')).toHaveLength(1);
	});

	it('a chunked create that meets the fault throws with the chunk that landed; the rest is not sent', async () => {
		// One request per 400 ms: chunk 1 lands, chunk 2 meets the fault, chunk 3 is called off.
		// Its own base and token, so its pacing does not touch the limiters of the other tests.
		const PACED_BASE = 'appPacedWrites001';
		const PACED_TOKEN = 'pat-paced-writes-token-0001';
		await h.admin('/tokens', 'POST', { token: PACED_TOKEN, userId: 'usrDemoUser000001' });
		await h.admin('/bases', 'POST', { id: PACED_BASE, name: 'Paced', tables: [{ name: 'Contacts', fields: [{ name: 'Name', type: 'singleLineText' }] }] });
		const paced = new AirtableClient({
			token: PACED_TOKEN,
			baseUrl: h.emu.url,
			limits: { perBase: { requests: 1, perMs: 400 }, windowMarginMs: 0 },
		});
		await queue({ kind: 'latency', ms: 0, match: { methods: ['POST'] } }, { kind: 'statusAfter', status: 502, match: { methods: ['POST'] } });
		const rows = Array.from({ length: 25 }, (_, i) => ({ Name: `Batch ${i}` }));
		const error = (await paced.base(PACED_BASE).table('Contacts').create(rows).catch((e: unknown) => e)) as AirtableError;
		expect(error).toBeInstanceOf(AirtableUnknownOutcomeError);
		expect(error.itemIndexes).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
		const landed = error.landed ?? [];
		expect(landed.map((result) => result.index)).toEqual(Array.from({ length: 10 }, (_, i) => i));
		for (const result of landed) expect((await h.api(`/v0/${PACED_BASE}/Contacts/${(result.value as { id: string }).id}`, { token: PACED_TOKEN })).status).toBe(200);
		expect(error.message).toContain('10 items were written before this failure');
		expect((await log()).filter((entry) => entry.method === 'POST')).toHaveLength(2);
		// Chunk 1 (answered) and chunk 2 (answer lost) are in the table once each; chunk 3 was never sent.
		const written = (await h.api(`/v0/${PACED_BASE}/Contacts?filterByFormula=${encodeURIComponent('FIND("Batch", {Name})')}`, { token: PACED_TOKEN })).body.records as Json[];
		expect(written).toHaveLength(20);
	});

	it.each([
		['a 502', { kind: 'statusAfter', status: 502 }],
		['a dropped connection', { kind: 'dropAfter' }],
	])('delete + %s after the write: the re-send finds the records gone, one read confirms it, all count as deleted', async (_name, fault) => {
		const made = await contacts().create([{ Name: 'Gone 1' }, { Name: 'Gone 2' }, { Name: 'Gone 3' }]);
		await queue({ ...fault, match: { methods: ['DELETE'] } });
		const ids = made.map((record) => record.id);
		const deleted = await contacts().delete(ids);
		expect(deleted).toEqual(ids.map((id) => ({ id, deleted: true, alreadyGone: true })));
		for (const id of ids) expect(await exists(id)).toBe(false);
		// Lost answer, one re-send of the chunk (gone), one read of its ids (none left): two requests more.
		const entries = await log();
		expect(entries.filter((entry) => entry.method === 'DELETE')).toHaveLength(2);
		expect(entries.filter((entry) => entry.method === 'GET' && entry.path.startsWith(`/v0/${BASE}/Contacts`) && entry.path.includes('filterByFormula'))).toHaveLength(1);
	});

	it('deleteSettled after a lost answer: every item ok, none failed', async () => {
		const made = await contacts().create([{ Name: 'Settled 1' }, { Name: 'Settled 2' }]);
		await queue({ kind: 'statusAfter', status: 504, match: { methods: ['DELETE'] } });
		const results = await contacts().deleteSettled(made.map((record) => record.id));
		expect(results.map((result) => result.ok)).toEqual([true, true]);
	});

	it('update + 504 after the write: re-sent, same result, applied once', async () => {
		const [made] = await contacts().create([{ Name: 'Counter', Score: 1 }]);
		await queue({ kind: 'statusAfter', status: 504, match: { methods: ['PATCH'] } });
		const [updated] = await contacts().update([{ id: made.id, fields: { Score: 2 } }]);
		expect(updated.fields.Score).toBe(2);
		expect((await h.api(`/v0/${BASE}/Contacts/${made.id}`)).body.fields.Score).toBe(2);
		expect(client.stats().retries).toBe(1);
	});

	it.each([
		['a 502', { kind: 'statusAfter', status: 502 }],
		['a dropped connection', { kind: 'dropAfter' }],
	])('upsert + %s after the write: one record, reported as "created or updated", never as a sure update', async (_name, fault) => {
		await queue({ ...fault, match: { methods: ['PATCH'] } });
		const result = await contacts().upsert([{ Email: 'lost@example.com', Name: 'Lost answer' }], { fieldsToMergeOn: ['Email'] });
		expect(result.createdRecords).toEqual([]);
		expect(result.updatedRecords).toEqual([]);
		expect(result.createdOrUpdatedRecords).toEqual([result.records[0].id]);
		expect(await named('Lost answer')).toHaveLength(1);

		await queue({ ...fault, match: { methods: ['PATCH'] } });
		const settled = await contacts().upsertSettled([{ Email: 'lost@example.com', Name: 'Lost answer' }], { fieldsToMergeOn: ['Email'] });
		expect(settled[0]).toMatchObject({ ok: true, value: { created: null } });
		expect(await named('Lost answer')).toHaveLength(1);
	});
});
