import {
	AirtableClient,
	AirtableIteratorExpiredError,
	AirtableQuotaError,
	AirtablePermissionError,
	AirtableUnknownOutcomeError,
	AirtableValidationError,
} from '../../index';
import { resetProcessStateForTests } from '../../nodes/client/state';
import { BASE, TOKEN, startHarness, type Harness } from './helpers';

/*
 * The client behaviours the unit tests check against nock, checked again against the
 * emulator: if the emulator or the client drifted from Airtable's wire shapes, one of the two
 * suites would disagree.
 */
let h: Harness;
let client: AirtableClient;

beforeEach(async () => {
	resetProcessStateForTests();
	h = await startHarness({ iteratorIdleMs: 60_000 });
	client = new AirtableClient({
		token: TOKEN,
		baseUrl: h.emu.url,
		limits: { retryBaseDelayMs: 5, retryMaxDelayMs: 20, rateLimitHoldMs: 200, maxRetries: 4 },
	});
});
afterEach(() => h.emu.close());

const contacts = () => client.base(BASE).table('Contacts');
const metrics = async () => (await h.admin('/metrics')).body;

it('switches a long filter to POST listRecords and still pages by offset (offset in the body)', async () => {
	await contacts().create(Array.from({ length: 25 }, (_, i) => ({ Name: `Agree ${i}` })));
	const names = Array.from({ length: 700 }, (_, i) => `{Name} = 'Agree ${i}'`);
	const formula = `OR(${names.join(', ')})`;
	expect(formula.length).toBeGreaterThan(15_000);
	const records = await contacts().list({ filterByFormula: formula, pageSize: 10 }).all();
	expect(records.map((r) => r.fields.Name).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `Agree ${i}`).sort());
	const log = (await metrics()).log as Array<{ method: string; endpoint: string; path: string }>;
	const lists = log.filter((entry) => entry.endpoint.startsWith('records.list'));
	expect(lists).toHaveLength(3);
	expect(lists.every((entry) => entry.method === 'POST' && entry.path.endsWith('/listRecords'))).toBe(true);
});

it('reports an expired list offset as AirtableIteratorExpiredError instead of restarting', async () => {
	await contacts().create(Array.from({ length: 15 }, (_, i) => ({ Name: `Page ${i}` })));
	const pages = contacts().list({ pageSize: 10 }).pages()[Symbol.asyncIterator]();
	expect((await pages.next()).done).toBe(false);
	await h.admin('/clock/advance', 'POST', { ms: 120_000 });
	await expect(pages.next()).rejects.toBeInstanceOf(AirtableIteratorExpiredError);
});

it('names the field of an unknown-field and a wrong-value rejection', async () => {
	const unknown = await contacts().create([{ Name: 'x', Nickname: 'y' }]).catch((e: unknown) => e);
	expect(unknown).toBeInstanceOf(AirtableValidationError);
	expect((unknown as AirtableValidationError).field).toBe('Nickname');
	const wrong = await contacts().create([{ Name: 'x', Score: 'high' }]).catch((e: unknown) => e);
	expect(wrong).toBeInstanceOf(AirtableValidationError);
	expect((wrong as AirtableValidationError).field).toBe('Score');
});

it('explains a base the token cannot see as no access or no such base', async () => {
	const error = await client.base('appOtherBase00001').table('Anything').get('recX').catch((e: unknown) => e);
	expect(error).toBeInstanceOf(AirtablePermissionError);
	expect((error as Error).message).toMatch(/No access to this base\/table, or no such base\/table/);
});

it('fails fast on an exhausted monthly quota: one request, no retry', async () => {
	await h.admin('/limits', 'PUT', { monthlyQuota: 0 });
	await h.admin('/metrics/reset', 'POST');
	const error = await contacts().get('recAda00000000000').catch((e: unknown) => e);
	expect(error).toBeInstanceOf(AirtableQuotaError);
	expect((await metrics()).requests.total).toBe(1);
});

it('retries 502/503 on an upsert until it lands, each record once', async () => {
	await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'status', status: 502 }, { kind: 'status', status: 503 }] });
	const result = await contacts().upsert([{ Email: 'retry@example.com', Name: 'Retry' }], { fieldsToMergeOn: ['Email'] });
	expect(result.createdRecords).toHaveLength(1);
	expect(client.stats().retries).toBe(2);
	const found = await contacts().list({ filterByFormula: "{Email} = 'retry@example.com'" }).all();
	expect(found).toHaveLength(1);
});

it('does not re-send a create whose connection dropped after the write: unknown outcome, no duplicate', async () => {
	await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'dropAfter', match: { methods: ['POST'] } }] });
	const error = await contacts().create([{ Name: 'Maybe' }]).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(AirtableUnknownOutcomeError);
	const found = await contacts().list({ filterByFormula: "{Name} = 'Maybe'" }).all();
	expect(found).toHaveLength(1);
	expect(client.stats().requests).toBe(2);
});
