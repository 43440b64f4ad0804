import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { DEMO_IDS, DEMO_TOKEN, startEmulator, type RunningEmulator } from '../../emulator';
import type { Cassette } from '../../index';
import { N8nApi, outputOf, WorkflowRunner, type WorkflowNode } from './runtime/api';
import { launchN8n, startN8n, stopN8n, type N8nConnection } from './runtime/n8n';
import { installPackage, suiteTarball } from './runtime/pack';
import { connectN8n, locators, PKG, TOKEN_CREDENTIAL } from './support/context';

/** The emulator's demo values are synthetic: keep them, so the replays can answer with them. */
const KEEP_SYNTHETIC_VALUES = { AIRTABLE_SYNC_REDACT_VALUES: 'false' };

/**
 * Issue 16 through real n8n: record a session with AIRTABLE_SYNC_SIMULATION=record (own n8n,
 * against the emulator), then replay it twice with no Airtable model behind it — in n8n itself
 * (AIRTABLE_SYNC_SIMULATION=replay, the credential pointing at a closed port: the CI story),
 * and from the emulator serving the cassette to the suite's ordinary n8n.
 */

let workDir: string;
let cassetteFile: string;
let own: N8nConnection | undefined;
let emulator: RunningEmulator | undefined;

beforeAll(() => {
	workDir = mkdtempSync(join(tmpdir(), 'airtable-sync-replay-'));
	cassetteFile = join(workDir, 'session.json');
});

afterAll(async () => {
	if (own) await stopN8n(own.pid);
	await emulator?.close();
	if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const NEW_CONTACTS = [
	{ Name: 'Replay Person One', Email: 'replay.one@example.com', Score: 61 },
	{ Name: 'Replay Person Two', Email: 'replay.two@example.com', Score: 12 },
];

function nodes(credentials: WorkflowNode['credentials']): { create: WorkflowNode; list: WorkflowNode } {
	const common = { typeVersion: 1, position: [440, 0] as [number, number], credentials };
	return {
		create: {
			...common,
			name: 'Airtable Records',
			type: `${PKG}.airtableRecords`,
			parameters: {
				authentication: 'accessToken',
				...locators(DEMO_IDS.contacts, 'Contacts'),
				operation: 'create',
				columns: { mappingMode: 'autoMapInputData', value: null },
				options: {},
			},
		},
		list: {
			...common,
			name: 'Airtable List',
			type: `${PKG}.airtableList`,
			parameters: {
				authentication: 'accessToken',
				...locators(DEMO_IDS.contacts, 'Contacts'),
				filterMode: 'formula',
				formula: '{Score} > 50',
				sort: { rule: [{ field: 'Score', direction: 'desc' }] },
				returnAll: true,
				options: {},
			},
		},
	};
}

interface SessionResult {
	created: string[];
	listed: string[];
}

async function runSession(create: WorkflowRunner, list: WorkflowRunner): Promise<SessionResult> {
	const created = await create.run(NEW_CONTACTS);
	expect(created.status).toBe('success');
	const listed = await list.run([{}]);
	expect(listed.status).toBe('success');
	return {
		created: outputOf(created, 'Airtable Records').map((item) => item.id as string),
		listed: outputOf(listed, 'Airtable List').map((item) => (item.fields as Record<string, unknown>).Name as string),
	};
}

it('records a workflow session in n8n and replays it offline in n8n and from the emulator', async () => {
	// 1. Record: n8n with the environment variable, against the emulator.
	const recordingEmulator = await startEmulator({ seed: 'demo', log: false });
	const userFolder = join(workDir, 'user');
	installPackage(userFolder, suiteTarball(workDir));
	own = await launchN8n({ userFolder, env: { AIRTABLE_SYNC_SIMULATION: 'record', AIRTABLE_SYNC_CASSETTE: cassetteFile, ...KEEP_SYNTHETIC_VALUES } });
	const ownApi = new N8nApi(own);
	const credential = await ownApi.createCredential('replay token', TOKEN_CREDENTIAL, { accessToken: DEMO_TOKEN, baseUrl: recordingEmulator.url });
	const ownNodes = nodes({ [TOKEN_CREDENTIAL]: credential });
	const create = await WorkflowRunner.create(ownApi, 'E2E Replay create', [ownNodes.create]);
	const list = await WorkflowRunner.create(ownApi, 'E2E Replay list', [ownNodes.list]);
	const recorded = await runSession(create, list);
	await recordingEmulator.close();

	expect(recorded.created).toHaveLength(2);
	expect(recorded.listed).toContain('Replay Person One');
	const text = readFileSync(cassetteFile, 'utf8');
	const cassette = JSON.parse(text) as Cassette;
	expect(cassette.interactions.some((i) => i.request.method === 'POST')).toBe(true);
	expect(cassette.interactions.some((i) => i.request.method === 'GET' && i.request.query.some(([key]) => key === 'filterByFormula'))).toBe(true);
	// Nothing secret: no token, no e-mail address but the placeholder.
	expect(text).not.toContain(DEMO_TOKEN);
	expect(text).not.toContain('replay.one@example.com');
	expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@(?!example\.invalid)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);

	// 2. Replay in n8n: same instance restarted in replay mode; its credential's URL is dead now.
	await stopN8n(own.pid);
	const restarted = await startN8n({ userFolder, port: own.port, env: { AIRTABLE_SYNC_SIMULATION: 'replay', AIRTABLE_SYNC_CASSETTE: cassetteFile, ...KEEP_SYNTHETIC_VALUES } });
	own = { ...own, pid: restarted.pid };
	const replayedInN8n = await runSession(create, list);
	expect(replayedInN8n).toEqual(recorded);

	// 3. Replay from the emulator: the suite's ordinary n8n, no simulation setting, talks to an
	//    emulator that only knows the cassette.
	emulator = await startEmulator({ log: false, cassette: { file: cassetteFile } });
	const shared = connectN8n();
	const sharedCredential = await shared.createCredential('replay emulator token', TOKEN_CREDENTIAL, { accessToken: DEMO_TOKEN, baseUrl: emulator.url });
	const sharedNodes = nodes({ [TOKEN_CREDENTIAL]: sharedCredential });
	const replayedByEmulator = await runSession(
		await WorkflowRunner.create(shared, 'E2E Replay create (emulator)', [sharedNodes.create]),
		await WorkflowRunner.create(shared, 'E2E Replay list (emulator)', [sharedNodes.list]),
	);
	expect(replayedByEmulator).toEqual(recorded);

	// A request the session never made is refused by name.
	const stray = await fetch(`${emulator.url}/v0/meta/whoami`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
	expect(stray.status).toBe(500);
	expect(((await stray.json()) as { error: { type: string } }).error.type).toMatch(/^REPLAY_(MISMATCH|EXHAUSTED)$/);
});
