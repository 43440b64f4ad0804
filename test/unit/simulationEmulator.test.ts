import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { startEmulator, type RunningEmulator } from '../../emulator';
import { AirtableClient, type Cassette } from '../../index';
import { resetSimulationSessions } from '../../nodes/client/simulation/simulation';
import { resetProcessStateForTests } from '../../nodes/client/state';

const BASE = 'appREPLAYEMU00001';
const TABLE = 'tblREPLAYEMU00001';
const TOKEN = 'patREPLAYEMULATOR1.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

let dir: string;
let emulator: RunningEmulator | undefined;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'airtable-emulator-cassette-'));
	resetSimulationSessions();
	resetProcessStateForTests();
});
afterEach(async () => {
	await emulator?.close();
	emulator = undefined;
	rmSync(dir, { recursive: true, force: true });
});

/** A cassette as the client records it: a create (with an address, redacted) and a read. */
async function recordedCassette(): Promise<string> {
	const cassette: Cassette = { version: 1, recordedAt: '2024-05-01T00:00:00.000Z', interactions: [] };
	const answers = [
		{ status: 200, body: { records: [{ id: 'recREPLAYEMU00001', createdTime: '2024-05-01T10:00:00.000Z', fields: { Email: 'grace@example.com' } }] } },
		{ status: 200, body: { id: 'recREPLAYEMU00001', createdTime: '2024-05-01T10:00:00.000Z', fields: { Email: 'grace@example.com' } } },
	];
	let next = 0;
	const client = new AirtableClient({
		identity: TOKEN,
		executor: { send: async () => ({ headers: { 'content-type': 'application/json' }, ...answers[next++] }) },
		// Synthetic values, kept so the emulator can answer with them.
		simulation: { mode: 'record', cassette, redactCellValues: false },
	});
	const table = client.base(BASE).table(TABLE);
	await table.create([{ Email: 'grace@example.com' }]);
	await table.get('recREPLAYEMU00001');
	const file = join(dir, 'cassette.json');
	writeFileSync(file, JSON.stringify(cassette));
	return file;
}

describe('the emulator serving a cassette', () => {
	it('answers the recorded requests, in any order, to an ordinary client', async () => {
		emulator = await startEmulator({ log: false, cassette: { file: await recordedCassette() } });
		const table = new AirtableClient({ token: TOKEN, baseUrl: emulator.url }).base(BASE).table(TABLE);
		const got = await table.get('recREPLAYEMU00001');
		// The live create carries the real address; it matches the redacted recording.
		const created = await table.create([{ Email: 'grace@example.com' }]);
		expect(got.id).toBe('recREPLAYEMU00001');
		expect(created[0].fields.Email).toBe('redacted@example.invalid');
	});

	it('names a request it never recorded, and one request too many', async () => {
		emulator = await startEmulator({ log: false, cassette: { file: await recordedCassette() } });
		const headers = { authorization: `Bearer ${TOKEN}` };
		const unknown = await fetch(`${emulator.url}/v0/${BASE}/${TABLE}/recOTHER000000001`, { headers });
		expect(unknown.status).toBe(500);
		expect(await unknown.json()).toEqual({ error: { type: 'REPLAY_MISMATCH', message: expect.stringContaining('matches no unused recording') } });
		await fetch(`${emulator.url}/v0/${BASE}/${TABLE}/recREPLAYEMU00001`, { headers });
		await fetch(`${emulator.url}/v0/${BASE}/${TABLE}`, {
			method: 'POST',
			headers: { ...headers, 'content-type': 'application/json' },
			body: JSON.stringify({ records: [{ fields: { Email: 'grace@example.com' } }] }),
		});
		const extra = await fetch(`${emulator.url}/v0/${BASE}/${TABLE}/recREPLAYEMU00001`, { headers });
		expect(((await extra.json()) as { error: { type: string } }).error.type).toBe('REPLAY_EXHAUSTED');
	});
});
