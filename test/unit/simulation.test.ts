import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import {
	AirtableClient,
	AirtableReplayExhaustedError,
	AirtableReplayMismatchError,
	type Cassette,
	type SimulationOptions,
} from '../../index';
import { systemClock } from '../../nodes/client/clock';
import { resetSimulationSessions, simulatedExecutor } from '../../nodes/client/simulation/simulation';
import { api, BASE, FAST_LIMITS, TABLE, TABLE_PATH, TOKEN, useNock } from './helpers';

useNock();

const MAC_SECRET = 'bWFjLXNlY3JldC1mb3ItdGhlLWNhc3NldHRlLXRlc3Q=';
const EMAIL = 'ada.lovelace@example.com';
const HOOK = 'achSIMULATION0001';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'airtable-cassette-'));
	resetSimulationSessions();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The sessions here hold synthetic values, so they keep them unless a test says otherwise. */
function client(simulation: SimulationOptions, withToken = true): AirtableClient {
	return new AirtableClient({
		...(withToken ? { token: TOKEN } : {}),
		limits: FAST_LIMITS,
		simulation: { redactCellValues: false, ...simulation },
	});
}

/** One session touching every kind of secret: the token (sent), a MAC secret and an e-mail (answered and sent). */
async function session(c: AirtableClient) {
	const base = c.base(BASE);
	const table = base.table(TABLE);
	const created = await table.create([{ Name: 'Ada', Email: EMAIL }]);
	const listed = await table.list({ filterByFormula: `{Email} = '${EMAIL}'`, fields: ['Name', 'Email'] }).all();
	const hook = await base.webhooks.create({
		notificationUrl: 'https://hooks.example.org/airtable',
		specification: { options: { filters: { dataTypes: ['tableData'] } } },
	});
	const me = await c.whoami();
	const got = await table.get('recSIM00000000001');
	return { created, listed, hook, me, got };
}

function stubAirtable(): void {
	const record = { id: 'recSIM00000000001', createdTime: '2024-05-01T10:00:00.000Z', fields: { Name: 'Ada', Email: EMAIL } };
	api().post(TABLE_PATH).reply(200, { records: [record] });
	api().get(TABLE_PATH).query(true).reply(200, { records: [record] });
	api().post(`/v0/bases/${BASE}/webhooks`).reply(200, { id: HOOK, macSecretBase64: MAC_SECRET, expirationTime: '2024-05-08T10:00:00.000Z' });
	api().get('/v0/meta/whoami').reply(200, { id: 'usrSIM00000000001', email: EMAIL, scopes: ['data.records:read'] });
	// The record read meets a 429 first: the cassette keeps both answers.
	api()
		.get(`${TABLE_PATH}/recSIM00000000001`)
		.reply(429, { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }] });
	api().get(`${TABLE_PATH}/recSIM00000000001`).reply(200, record, { 'Retry-After': '1', 'X-Request-Id': 'trace-123' });
}

describe('recording through an executor', () => {
	it('keeps what the executor declares: its dispatch signal (the limiter counts from it) and its route (the breaker is kept per route)', () => {
		const inner = { signalsDispatch: true, route: 'https://proxy.example/v0', send: async () => ({ status: 200, headers: {}, body: {} }) };
		const recording = simulatedExecutor(inner, { mode: 'record', cassette: join(dir, 'session.json') }, { secrets: [], clock: systemClock });
		expect(recording).toMatchObject({ signalsDispatch: true, route: 'https://proxy.example/v0' });
	});
});

describe('record -> replay round trip', () => {
	it('replays a recorded session offline with the same results, the 429 included', async () => {
		const file = join(dir, 'session.json');
		stubAirtable();
		const recorded = await session(client({ mode: 'record', cassette: file }));
		expect(api().isDone()).toBe(true);

		resetSimulationSessions();
		// No token, no interceptors, no network: only the cassette answers.
		const replayClient = client({ mode: 'replay', cassette: file }, false);
		const replayed = await session(replayClient);

		expect(replayed.created).toEqual(JSON.parse(JSON.stringify(recorded.created).split(EMAIL).join('redacted@example.invalid')));
		expect(replayed.got.id).toBe('recSIM00000000001');
		expect(replayed.listed.map((r) => r.id)).toEqual(recorded.listed.map((r) => r.id));
		expect(replayed.hook.id).toBe(HOOK);
		expect(replayClient.stats()).toMatchObject({ requests: 6, retries: 1, rateLimited: 1 });
	});

	it('keeps method, path, query, body, status, relevant headers and timing', async () => {
		const file = join(dir, 'session.json');
		stubAirtable();
		await session(client({ mode: 'record', cassette: file }));
		const cassette = JSON.parse(readFileSync(file, 'utf8')) as Cassette;

		expect(cassette.version).toBe(1);
		expect(cassette.interactions.map((i) => `${i.request.method} ${i.request.path}`)).toEqual([
			`POST ${TABLE_PATH}`,
			`GET ${TABLE_PATH}`,
			`POST /v0/bases/${BASE}/webhooks`,
			'GET /v0/meta/whoami',
			`GET ${TABLE_PATH}/recSIM00000000001`,
			`GET ${TABLE_PATH}/recSIM00000000001`,
		]);
		const list = cassette.interactions[1].request;
		expect(list.query).toEqual(expect.arrayContaining([['fields[]', 'Name'], ['fields[]', 'Email']]));
		expect(cassette.interactions[0].request.body).toEqual({ records: [{ fields: { Name: 'Ada', Email: 'redacted@example.invalid' } }] });
		const statuses = cassette.interactions.map((i) => ('status' in i.response ? i.response.status : 0));
		expect(statuses).toEqual([200, 200, 200, 200, 429, 200]);
		const last = cassette.interactions[5].response as { headers: Record<string, string> };
		expect(last.headers['retry-after']).toBe('1');
		expect(last.headers['x-request-id']).toBeUndefined();
		for (const interaction of cassette.interactions) {
			expect(interaction.durationMs).toBeGreaterThanOrEqual(0);
			expect(interaction.startedAtMs).toBeGreaterThanOrEqual(0);
		}
		expect(cassette.interactions[5].startedAtMs).toBeGreaterThanOrEqual(cassette.interactions[0].startedAtMs);
	});

	it('records a lost answer as a network error and replays it as one', async () => {
		const cassette: Cassette = { version: 1, recordedAt: '2024-05-01T00:00:00.000Z', interactions: [] };
		api().get(`${TABLE_PATH}/recSIM00000000001`).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		api().get(`${TABLE_PATH}/recSIM00000000001`).reply(200, { id: 'recSIM00000000001', createdTime: '2024-05-01T10:00:00.000Z', fields: {} });
		await client({ mode: 'record', cassette }).base(BASE).table(TABLE).get('recSIM00000000001');
		expect(cassette.interactions[0].response).toEqual({ error: { code: 'ECONNRESET', requestSent: true } });

		const replay = client({ mode: 'replay', cassette }, false);
		await expect(replay.base(BASE).table(TABLE).get('recSIM00000000001')).resolves.toMatchObject({ id: 'recSIM00000000001' });
		expect(replay.stats().retries).toBe(1);
	});
});

describe('nothing secret in a cassette', () => {
	it('holds neither the token, the MAC secret nor any e-mail address', async () => {
		const file = join(dir, 'session.json');
		stubAirtable();
		await session(client({ mode: 'record', cassette: file }));
		const text = readFileSync(file, 'utf8');

		expect(text).not.toContain(TOKEN);
		expect(text).not.toContain(MAC_SECRET);
		expect(text).not.toContain(EMAIL);
		expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@(?!example\.invalid)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
		expect(text).not.toMatch(/authorization|bearer/i);
		expect(text).toContain('"macSecretBase64": "[redacted]"');
	});

	it('redacts OAuth tokens and personal access tokens wherever they appear in a body', async () => {
		const cassette: Cassette = { version: 1, recordedAt: '2024-05-01T00:00:00.000Z', interactions: [] };
		const other = 'patOTHERTOKEN00001.1111111111111111111111111111111111111111111111111111111111111111';
		api()
			.post(TABLE_PATH)
			.reply(200, { records: [{ id: 'recSIM00000000001', createdTime: '2024-05-01T10:00:00.000Z', fields: { Note: `token ${other}` } }], access_token: 'oauth-access-abcdefgh', refresh_token: 'oauth-refresh-abcdefgh' });
		await client({ mode: 'record', cassette }).base(BASE).table(TABLE).create([{ Note: `token ${other}` }]);
		const text = JSON.stringify(cassette);
		for (const secret of [other, 'oauth-access-abcdefgh', 'oauth-refresh-abcdefgh']) expect(text).not.toContain(secret);
	});
});

describe('cell values redacted on request', () => {
	it.each([
		['by default', {}],
		['with redactCellValues: true', { redactCellValues: true }],
	] as const)('keeps no cell value or formula %s, and the redacted recording still replays', async (_label, redaction) => {
		const file = join(dir, `values-${Object.keys(redaction).length}.json`);
		const note = 'Confidential renewal terms 7731';
		const row = { id: 'recSIM00000000001', createdTime: '2024-05-01T10:00:00.000Z', fields: { Notes: note, Score: 97, VIP: true, Tags: ['gold', 'renewal'] } };
		api().post(TABLE_PATH).reply(200, { records: [row] });
		api().get(TABLE_PATH).query(true).reply(200, { records: [row] });
		const options = { cassette: file, ...redaction } as const;
		const recorder = new AirtableClient({ token: TOKEN, limits: FAST_LIMITS, simulation: { mode: 'record', ...options } })
			.base(BASE)
			.table(TABLE);
		await recorder.create([{ Notes: note, Score: 97 }]);
		await recorder.list({ filterByFormula: `{Notes} = '${note}'` }).all();
		const text = readFileSync(file, 'utf8');
		expect(text).not.toContain(note);
		expect(text).toContain('"Score": 0');
		expect(text).not.toContain('gold');
		// Field names and record ids stay: they are the shape the replay needs.
		expect(text).toContain('"Notes": "[redacted]"');
		expect(text).toContain('recSIM00000000001');

		resetSimulationSessions();
		const replayer = new AirtableClient({ limits: FAST_LIMITS, simulation: { mode: 'replay', ...options } })
			.base(BASE)
			.table(TABLE);
		const [created] = await replayer.create([{ Notes: note, Score: 97 }]);
		expect(created.fields).toEqual({ Notes: '[redacted]', Score: 0, VIP: false, Tags: ['[redacted]', '[redacted]'] });
		expect(await replayer.list({ filterByFormula: `{Notes} = '${note}'` }).all()).toHaveLength(1);
	});
});

describe('replay errors', () => {
	const cassette = (): Cassette => ({
		version: 1,
		recordedAt: '2024-05-01T00:00:00.000Z',
		interactions: ['recA0000000000001', 'recB0000000000001'].map((id, n) => ({
			request: { method: 'GET', path: `${TABLE_PATH}/${id}`, query: [] },
			response: { status: 200, headers: {}, body: { id, createdTime: '2024-05-01T10:00:00.000Z', fields: {} } },
			startedAtMs: n * 300,
			durationMs: 250,
		})),
	});

	it('matches by request by default, so concurrent requests may come in any order', async () => {
		const table = client({ mode: 'replay', cassette: cassette() }, false).base(BASE).table(TABLE);
		const [b, a] = await Promise.all([table.get('recB0000000000001'), table.get('recA0000000000001')]);
		expect([a.id, b.id]).toEqual(['recA0000000000001', 'recB0000000000001']);
	});

	it('in order mode, names what the cassette expected and what was asked', async () => {
		const table = client({ mode: 'replay', cassette: cassette(), match: 'order' }, false).base(BASE).table(TABLE);
		const error = await table.get('recB0000000000001').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableReplayMismatchError);
		expect((error as Error).message).toBe(
			`Replay mismatch: GET ${TABLE_PATH}/recB0000000000001 differs in path; the cassette expected GET ${TABLE_PATH}/recA0000000000001`,
		);
		expect((error as AirtableReplayMismatchError).expected?.path).toBe(`${TABLE_PATH}/recA0000000000001`);
	});

	it('a request the recording never saw is a mismatch, one too many is exhausted', async () => {
		const table = client({ mode: 'replay', cassette: cassette() }, false).base(BASE).table(TABLE);
		await expect(table.get('recC0000000000001')).rejects.toThrow(AirtableReplayMismatchError);
		await table.get('recA0000000000001');
		await table.get('recB0000000000001');
		const error = await table.get('recA0000000000001').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableReplayExhaustedError);
		expect((error as Error).message).toMatch(/all 2 recorded requests were answered, then GET .*recA0000000000001 came/);
	});

	it('replays at recorded speed when asked, instantly otherwise', async () => {
		jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
		try {
			const slow = client({ mode: 'replay', cassette: cassette(), speed: 'recorded' }, false).base(BASE).table(TABLE);
			let done = false;
			const pending = slow.get('recA0000000000001').then(() => (done = true));
			await jest.advanceTimersByTimeAsync(200);
			expect(done).toBe(false);
			await jest.advanceTimersByTimeAsync(100);
			await pending;
			expect(done).toBe(true);

			// Instantly: both answers come without the fake clock moving at all.
			const fast = client({ mode: 'replay', cassette: cassette() }, false).base(BASE).table(TABLE);
			let answered = 0;
			const both = Promise.all(
				Array.from({ length: 2 }, (_, n) => fast.get(n ? 'recB0000000000001' : 'recA0000000000001').then(() => answered++)),
			);
			await jest.advanceTimersByTimeAsync(0);
			expect(answered).toBe(2);
			await both;
		} finally {
			jest.useRealTimers();
		}
	});

	it('shares one cassette file between the clients of a process', async () => {
		const file = join(dir, 'shared.json');
		api().get(`${TABLE_PATH}/recA0000000000001`).reply(200, { id: 'recA0000000000001', createdTime: '2024-05-01T10:00:00.000Z', fields: {} });
		api().get(`${TABLE_PATH}/recB0000000000001`).reply(200, { id: 'recB0000000000001', createdTime: '2024-05-01T10:00:00.000Z', fields: {} });
		await client({ mode: 'record', cassette: file }).base(BASE).table(TABLE).get('recA0000000000001');
		await client({ mode: 'record', cassette: file }).base(BASE).table(TABLE).get('recB0000000000001');
		expect((JSON.parse(readFileSync(file, 'utf8')) as Cassette).interactions).toHaveLength(2);
	});
});
