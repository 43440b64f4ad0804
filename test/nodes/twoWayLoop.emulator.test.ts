import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, DEMO_USER, startEmulator, type RunningEmulator } from '../../emulator';
import { defaultTokens } from '../../emulator/state';
import { metricsText } from '../../index';
import { resetMetrics } from '../../nodes/client/observability/metrics';
import { resetProcessStateForTests } from '../../nodes/client/state';
import { resetCoalescing } from '../../nodes/AirtableInstantTrigger/coalesce';
import { forgetAllWebhooks } from '../../nodes/AirtableInstantTrigger/webhookMemory';
import { AirtableRecords } from '../../nodes/AirtableRecords/AirtableRecords.node';
import { runNode } from './harness';
import { settle, TriggeredWorkflow } from './support/triggeredWorkflow';
import { sample } from '../unit/metricsSupport';

/*
 * The loop of a two-way sync, in n8n-core's engine against the emulator: an Instant Trigger on
 * Contacts whose workflow writes back to Contacts (Records Update, Score + 1) with the same
 * credential. Every write of the workflow is itself a change Airtable reports (source
 * publicApi, the token's user). With "Ignore Changes Made by This Credential" each outside
 * change starts exactly one execution; without it the workflow feeds itself.
 */
const CONTACTS = DEMO_IDS.contacts;
/** Another integration, with a token of its own user: its API changes must still arrive. */
const CRM_TOKEN = 'pat-crm-integration-token';
const CRM_USER = 'usrCrmIntegrat001';
/** A runaway loop is cut after this many executions. */
const LOOP_CAP = 6;

let emulator: RunningEmulator;
let workflow: TriggeredWorkflow;


/** Trigger on Contacts → Records Update on Contacts (Score + 1), one credential for both. */
function scoreWorkflow(options: IDataObject): TriggeredWorkflow {
	const flow: TriggeredWorkflow = new TriggeredWorkflow({
		apiUrl: emulator.url,
		token: DEMO_TOKEN,
		baseId: DEMO_BASE_ID,
		tableId: CONTACTS,
		options,
		then: async (items: INodeExecutionData[]) => {
			if (flow.executions.length >= LOOP_CAP) return;
			const input = items.map((item) => ({ json: { id: item.json.recordId, Score: Number((item.json.fields as IDataObject).Score ?? 0) + 1 } }));
			const result = await runNode(new AirtableRecords(), {
				parameters: {
					operation: 'update',
					base: { __rl: true, mode: 'id', value: DEMO_BASE_ID },
					table: { __rl: true, mode: 'id', value: CONTACTS },
					columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] },
				} as INodeParameters,
				credentials: flow.credentials,
				input,
			});
			if (result.error) throw result.error;
		},
	});
	return flow;
}

async function admin(path: string, method: string, body: unknown): Promise<IDataObject> {
	const response = await fetch(`${emulator.url}/_emulator${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return (await response.json()) as IDataObject;
}

/** A person edits a contact in the Airtable app: the token's own user, as is common with personal tokens. */
async function personEdits(id: string, fields: IDataObject): Promise<void> {
	await admin(`/bases/${DEMO_BASE_ID}/tables/${CONTACTS}/records`, 'PATCH', { records: [{ id, fields }] });
}

async function crmWrites(id: string, fields: IDataObject): Promise<void> {
	const response = await fetch(`${emulator.url}/v0/${DEMO_BASE_ID}/${CONTACTS}`, {
		method: 'PATCH',
		headers: { authorization: `Bearer ${CRM_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ records: [{ id, fields }] }),
	});
	expect(response.status).toBe(200);
}

async function newContact(name: string): Promise<string> {
	const created = await admin(`/bases/${DEMO_BASE_ID}/tables/${CONTACTS}/records`, 'POST', { fields: { Name: name, Score: 0 } });
	return ((created.records as IDataObject[])[0] as { id: string }).id;
}

function scores(ids: string[]): unknown[] {
	const table = emulator.state.bases.get(DEMO_BASE_ID)!.tables.find((t) => t.id === CONTACTS)!;
	const score = table.fields.find((f) => f.name === 'Score')!.id;
	return ids.map((id) => table.records.get(id)!.cells[score]);
}

const who = (items: IDataObject[]) => items.map((item) => `${String(item.source)}:${String((item.user as IDataObject | null)?.id)}:${String(item.recordId)}`);

beforeEach(async () => {
	resetProcessStateForTests();
	resetMetrics();
	forgetAllWebhooks();
	resetCoalescing();
	emulator = await startEmulator({
		limits: { enabled: false },
		pings: { debounceMs: 20 },
		tokens: [...defaultTokens(), { token: CRM_TOKEN, userId: CRM_USER, email: 'crm@example.com', bases: '*' }],
	});
});

afterEach(async () => {
	expect(workflow?.errors ?? []).toEqual([]);
	await workflow?.close();
	await emulator.close();
});

it("the workflow's own write comes back as publicApi by the token's user (whoami's id); the person's edit as client", async () => {
	const id = await newContact('Shape');
	workflow = scoreWorkflow({});
	await workflow.activate();
	const whoami = (await (await fetch(`${emulator.url}/v0/meta/whoami`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } })).json()) as { id: string };
	expect(whoami.id).toBe(DEMO_USER.id);
	await personEdits(id, { Notes: 'first' });
	await settle([workflow]);
	const [outside, own] = workflow.executions;
	expect(who(outside)).toEqual([`client:${DEMO_USER.id}:${id}`]);
	expect(who(own)).toEqual([`publicApi:${whoami.id}:${id}`]);
	expect(own[0].changedFields).toContain('Score');
});

it('without the option the workflow feeds itself: one outside edit, executions until the cap', async () => {
	const id = await newContact('Loop');
	workflow = scoreWorkflow({});
	await workflow.activate();
	await personEdits(id, { Notes: 'one outside edit' });
	await settle([workflow]);
	expect(workflow.executions).toHaveLength(LOOP_CAP);
	expect(scores([id])).toEqual([LOOP_CAP - 1]);
});

it('with Ignore Changes Made by This Credential: exactly one execution per outside change; other integrations still count', async () => {
	const ids = [await newContact('Ada'), await newContact('Grace')];
	workflow = scoreWorkflow({ ignoreOwnChanges: true });
	await workflow.activate();
	await personEdits(ids[0], { Notes: 'edited in the app' });
	await settle([workflow]);
	await personEdits(ids[1], { Notes: 'edited in the app' });
	await settle([workflow]);
	await crmWrites(ids[0], { Company: 'Analytical Engines' });
	await settle([workflow]);
	expect(workflow.executions.map(who)).toEqual([
		[`client:${DEMO_USER.id}:${ids[0]}`],
		[`client:${DEMO_USER.id}:${ids[1]}`],
		[`publicApi:${CRM_USER}:${ids[0]}`],
	]);
	// The workflow's three writes landed and came back as changes: dropped before any execution, and counted.
	expect(scores(ids)).toEqual([2, 1]);
	expect(sample(metricsText(), 'airtable_webhook_events_total', { base: DEMO_BASE_ID, table: CONTACTS, type: 'ignored' })).toBe(3);
});
