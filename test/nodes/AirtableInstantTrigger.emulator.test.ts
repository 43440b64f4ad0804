import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	DEMO_BASE_ID,
	DEMO_IDS,
	DEMO_TOKEN,
	demoSeed,
	type SeedBase,
	startEmulator,
	type EmulatorOptions,
	type RunningEmulator,
} from '../../emulator';
import { AirtableInstantTrigger } from '../../nodes/AirtableInstantTrigger/AirtableInstantTrigger.node';
import { resetKeepAliveMemory, settleKeepAlive } from '../../nodes/AirtableInstantTrigger/keepAlive';
import { resetCoalescing } from '../../nodes/AirtableInstantTrigger/coalesce';
import { forgetAllWebhooks } from '../../nodes/AirtableInstantTrigger/webhookMemory';
import { callWebhook, callWebhookMethod, runTrigger, type TriggerRun } from './harness';

/*
 * End to end against the emulator: the node runs in n8n-core's contexts (harness), Airtable is
 * the emulator, and its pings arrive over HTTP at a small local server that plays n8n's
 * webhook endpoint. That server also plays n8n's static-data rules: every request gets its
 * own copy of the saved static data, saved back only when an execution starts; the keep-alive
 * timer keeps the copy from activation, saved only when it emits.
 */

const NODE = 'Airtable Instant Trigger';
const CONTACTS = DEMO_IDS.contacts;

interface Execution {
	source: 'webhook' | 'timer' | 'test';
	items: IDataObject[];
}

function snapshot(data: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(data)) as IDataObject;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await sleep(25);
	}
}

/** A stand-in for one n8n instance running one workflow with the trigger. */
class FakeN8n {
	saved: IDataObject = {};
	private readonly started: Execution[] = [];
	readonly answered: number[] = [];
	private server?: http.Server;
	private trigger?: TriggerRun;
	private emittedSeen = 0;
	url = '';

	constructor(
		private readonly emulator: RunningEmulator,
		public parameters: INodeParameters,
		private readonly testMode = false,
	) {}

	get credentials() {
		return { airtableSyncTokenApi: { accessToken: DEMO_TOKEN, baseUrl: this.emulator.url } };
	}

	get state(): IDataObject {
		return (this.saved[`node:${NODE}`] ?? {}) as IDataObject;
	}

	/** What n8n reads from its database (n8n's static data objects are proxies: copy as JSON). */
	private copy(): IDataObject {
		return snapshot(this.saved);
	}

	async listen(): Promise<void> {
		this.server = http.createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				void this.deliver(Buffer.concat(chunks), request.headers as Record<string, string>, response);
			});
		});
		await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${port}/webhook${this.testMode ? '-test' : ''}/harness-webhook-id/webhook`;
	}

	/** Answers pings 200 and does nothing else: a process killed right after acknowledging. */
	ackOnly = false;

	private async deliver(rawBody: Buffer, headers: Record<string, string>, response: http.ServerResponse) {
		if (this.ackOnly) {
			response.writeHead(200);
			response.end();
			return;
		}
		const staticData = this.copy();
		try {
			const result = await callWebhook(new AirtableInstantTrigger(), {
				parameters: this.parameters,
				credentials: this.credentials,
				staticData,
				rawBody,
				headers,
				mode: this.testMode ? 'manual' : 'webhook',
			});
			this.answered.push(result.written.statusCode);
			const items = result.response.workflowData?.[0];
			if (items) {
				if (!this.testMode) this.saved = staticData;
				this.started.push({ source: this.testMode ? 'test' : 'webhook', items: items.map((item) => item.json) });
			}
			response.writeHead(result.written.statusCode);
			response.end();
		} catch (error) {
			response.writeHead(500);
			response.end((error as Error).message);
		}
	}

	async activate(): Promise<void> {
		const options = {
			parameters: this.parameters,
			credentials: this.credentials,
			webhookUrl: this.url,
			mode: this.testMode ? ('manual' as const) : ('trigger' as const),
		};
		const staticData = this.copy();
		const exists = await callWebhookMethod(new AirtableInstantTrigger(), 'checkExists', { ...options, staticData });
		if (!exists.result) await callWebhookMethod(new AirtableInstantTrigger(), 'create', { ...options, staticData });
		this.saved = staticData;
		if (!this.testMode) {
			this.trigger = await runTrigger(new AirtableInstantTrigger(), {
				parameters: this.parameters,
				credentials: this.credentials,
				staticData: this.copy(),
			});
			// trigger() starts the first keep-alive pass (the catch-up) at once.
			await settleKeepAlive();
			void this.executions;
		}
	}

	/** Executions started so far, by pings and by the keep-alive timer (whose emit saves its static data). */
	get executions(): Execution[] {
		const trigger = this.trigger;
		while (trigger && this.emittedSeen < trigger.emitted.length) {
			const data = trigger.emitted[this.emittedSeen++];
			this.started.push({ source: 'timer', items: data[0].map((item) => item.json) });
			this.saved = snapshot(trigger.staticData);
		}
		return this.started;
	}

	/** One keep-alive cron tick; what it emits becomes an execution and saves the timer's static data. */
	async tick(): Promise<void> {
		const trigger = this.trigger;
		if (!trigger) throw new Error('not active');
		trigger.crons[0].fire();
		await settleKeepAlive();
		void this.executions;
	}

	/** The timer again with the current parameters (its first pass included). */
	async reloadTimer(): Promise<void> {
		await this.trigger?.close();
		this.emittedSeen = 0;
		this.trigger = await runTrigger(new AirtableInstantTrigger(), {
			parameters: this.parameters,
			credentials: this.credentials,
			staticData: this.copy(),
		});
		await settleKeepAlive();
	}

	/** kill -9 and start again: process memory is gone, the saved static data stays. */
	async restart(): Promise<void> {
		forgetAllWebhooks();
		resetKeepAliveMemory();
		resetCoalescing();
		this.trigger = undefined;
		this.emittedSeen = 0;
		this.ackOnly = false;
		await this.activate();
	}

	async deactivate(): Promise<void> {
		await this.trigger?.close();
		const staticData = this.copy();
		await callWebhookMethod(new AirtableInstantTrigger(), 'delete', {
			parameters: this.parameters,
			credentials: this.credentials,
			webhookUrl: this.url,
			mode: this.testMode ? 'manual' : 'trigger',
			staticData,
		});
		this.saved = staticData;
	}

	items(): IDataObject[] {
		return this.executions.flatMap((execution) => execution.items);
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}

function parameters(extra: IDataObject = {}): INodeParameters {
	return {
		base: { __rl: true, mode: 'id', value: DEMO_BASE_ID },
		table: { __rl: true, mode: 'id', value: CONTACTS },
		...extra,
	} as INodeParameters;
}

let emulator: RunningEmulator;
let n8n: FakeN8n;

async function admin(path: string, method = 'GET', body?: unknown): Promise<IDataObject> {
	const response = await fetch(`${emulator.url}/_emulator${path}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return (await response.json()) as IDataObject;
}

async function api(path: string, method: string, body?: unknown): Promise<Response> {
	return await fetch(`${emulator.url}${path}`, {
		method,
		headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

async function emulatorWebhooks(): Promise<IDataObject[]> {
	return (await admin('/webhooks')).webhooks as IDataObject[];
}

/** A person adds a contact in the Airtable UI. */
async function uiCreate(name: string, status = 'Lead'): Promise<string> {
	const result = await admin(`/bases/${DEMO_BASE_ID}/tables/${CONTACTS}/records`, 'POST', { fields: { Name: name, Status: status } });
	return ((result.records as IDataObject[])[0] as { id: string }).id;
}

async function start(options: EmulatorOptions = {}, extra: IDataObject = {}, testMode = false): Promise<void> {
	emulator = await startEmulator({ limits: { enabled: false }, pings: { debounceMs: 20 }, ...options });
	n8n = new FakeN8n(emulator, parameters(extra), testMode);
	await n8n.listen();
}

beforeEach(() => {
	forgetAllWebhooks();
	resetKeepAliveMemory();
	resetCoalescing();
});

afterEach(async () => {
	await settleKeepAlive();
	await n8n?.close();
	await emulator?.close();
});

describe('AirtableInstantTrigger against the emulator', () => {
	it('activation registers a webhook on the emulator that pings this n8n', async () => {
		await start();
		await n8n.activate();
		const hooks = await emulatorWebhooks();
		expect(hooks).toHaveLength(1);
		expect(hooks[0]).toMatchObject({ id: n8n.state.webhookId, notificationUrl: n8n.url, isHookEnabled: true });
		expect(hooks[0].specification).toMatchObject({ options: { filters: { recordChangeScope: CONTACTS } } });
		expect(n8n.state.macSecretBase64).toBe(hooks[0].macSecretBase64);
	});

	it('a change in the UI starts exactly one execution with the right item', async () => {
		await start();
		await n8n.activate();
		const recordId = await uiCreate('Margaret Hamilton', 'Customer');
		await waitFor('the execution', () => n8n.executions.length > 0);
		await sleep(300);
		expect(n8n.executions).toHaveLength(1);
		expect(n8n.executions[0].items).toEqual([
			expect.objectContaining({
				event: 'record.created',
				baseId: DEMO_BASE_ID,
				tableId: CONTACTS,
				tableName: 'Contacts',
				recordId,
				source: 'client',
				user: expect.objectContaining({ id: 'usrDemoUser000001' }),
				cursor: expect.any(Number),
			}),
		]);
		expect(n8n.executions[0].items[0].fields).toMatchObject({ Name: 'Margaret Hamilton', Status: 'Customer' });
	});

	it('a burst of 200 changes arrives once each and in order, even with duplicated pings', async () => {
		await start({ pings: { debounceMs: 5, duplicate: true } });
		await n8n.activate();
		const created: string[] = [];
		for (let i = 0; i < 200; i++) created.push(await uiCreate(`Burst ${String(i).padStart(3, '0')}`));
		await waitFor('all 200 changes', () => n8n.items().length >= 200, 30_000);
		await sleep(500);
		const items = n8n.items();
		expect(items.map((item) => item.recordId)).toEqual(created);
		expect(new Set(items.map((item) => item.cursor)).size).toBe(200);
		expect(n8n.executions.length).toBeGreaterThan(1);
		expect(n8n.answered.every((status) => status === 200)).toBe(true);
	}, 60_000);

	it('rejects forged pings without starting anything', async () => {
		await start();
		await n8n.activate();
		const forged = await admin(`/webhooks/${String(n8n.state.webhookId)}/ping`, 'POST', { forged: true });
		expect(forged).toMatchObject({ forged: true, status: 403, success: false });
		const genuine = await admin(`/webhooks/${String(n8n.state.webhookId)}/ping`, 'POST', { forged: false });
		expect(genuine).toMatchObject({ status: 200, success: true });
		expect(n8n.executions).toHaveLength(0);
	});

	it('keeps a quiet webhook alive past its (shortened) expiry', async () => {
		await start({ webhookLifetimeMs: 2000 });
		await n8n.activate();
		const webhookId = n8n.state.webhookId;
		const until = Date.now() + 5000;
		while (Date.now() < until) {
			await n8n.tick();
			await sleep(250);
		}
		const [hook] = await emulatorWebhooks();
		expect(hook).toMatchObject({ id: webhookId, isHookEnabled: true });
		const recordId = await uiCreate('Still listening');
		await waitFor('the execution', () => n8n.items().some((item) => item.recordId === recordId));
		expect(n8n.executions.every((execution) => execution.source === 'webhook')).toBe(true);
	}, 20_000);

	it('replaces a webhook that expired anyway, says so, and keeps working', async () => {
		await start({ webhookLifetimeMs: 1500 });
		await n8n.activate();
		const oldId = n8n.state.webhookId;
		await sleep(1700);
		expect((await emulatorWebhooks())[0]).toMatchObject({ id: oldId, isHookEnabled: false });
		await n8n.tick();
		expect(n8n.executions).toEqual([
			{
				source: 'timer',
				items: [expect.objectContaining({ event: 'webhook.recreated', previousWebhookId: oldId, webhookId: n8n.state.webhookId })],
			},
		]);
		expect(n8n.state.webhookId).not.toBe(oldId);
		const hooks = await emulatorWebhooks();
		expect(hooks.map((hook) => hook.id)).toEqual([n8n.state.webhookId]);
		const recordId = await uiCreate('After recreation');
		await waitFor('the execution', () => n8n.items().some((item) => item.recordId === recordId));
	}, 20_000);

	it('recovers when Airtable turned notifications off: re-enables, delivers what accumulated, pings again', async () => {
		await start();
		await n8n.activate();
		await n8n.tick();
		const webhookId = String(n8n.state.webhookId);
		const off = await api(`/v0/bases/${DEMO_BASE_ID}/webhooks/${webhookId}/enableNotifications`, 'POST', { enable: false });
		expect(off.status).toBe(200);
		const missed = [await uiCreate('Missed 1'), await uiCreate('Missed 2')];
		await sleep(300);
		expect(n8n.executions).toHaveLength(0);

		resetKeepAliveMemory(); // the six-hour health check is due
		await n8n.tick();
		expect(n8n.executions).toHaveLength(1);
		expect(n8n.executions[0]).toMatchObject({ source: 'timer' });
		expect(n8n.executions[0].items.map((item) => item.recordId)).toEqual(missed);
		const [hook] = await emulatorWebhooks();
		expect(hook.areNotificationsEnabled).toBe(true);

		const next = await uiCreate('Pinged again');
		await waitFor('the ping', () => n8n.items().some((item) => item.recordId === next));
		expect(n8n.items().map((item) => item.recordId)).toEqual([...missed, next]);
	}, 20_000);

	it('tells the user when the webhook broke and cannot be replaced (watched field deleted)', async () => {
		await start({}, { watchFields: [DEMO_IDS.contactNotes] });
		await n8n.activate();
		await admin(`/bases/${DEMO_BASE_ID}/tables/${CONTACTS}/fields/${DEMO_IDS.contactNotes}`, 'DELETE', {});
		await waitFor('the notice', () => n8n.items().some((item) => String(item.event).startsWith('webhook.')));
		const notice = n8n.items().find((item) => String(item.event).startsWith('webhook.'));
		expect(notice).toMatchObject({ event: 'webhook.failed', previousWebhookId: n8n.state.webhookId });
		expect(String(notice?.message)).toMatch(/INVALID_FILTERS/);
	});

	it('deactivation deletes the webhook', async () => {
		await start();
		await n8n.activate();
		expect(await emulatorWebhooks()).toHaveLength(1);
		await n8n.deactivate();
		expect(await emulatorWebhooks()).toHaveLength(0);
		expect(n8n.state.webhookId).toBeUndefined();
	});

	it('test mode registers a test webhook, hands one change to the manual run, and cleans up', async () => {
		await start({}, {}, true);
		await n8n.activate();
		const [hook] = await emulatorWebhooks();
		expect(String(hook.notificationUrl)).toContain('/webhook-test/');
		const recordId = await uiCreate('Test event');
		await waitFor('the test execution', () => n8n.executions.length > 0);

		const manual = await runTrigger(new AirtableInstantTrigger(), {
			parameters: parameters(),
			credentials: n8n.credentials,
			mode: 'manual',
		});
		await manual.response?.manualTriggerFunction?.();
		const data = await manual.response?.manualTriggerResponse;
		expect(data?.[0].map((item) => item.json)).toEqual([expect.objectContaining({ event: 'record.created', recordId })]);

		await n8n.deactivate();
		expect(await emulatorWebhooks()).toHaveLength(0);
	});

	it('delivers lookups of every array type (and scalars) in the REST shape, from the real V2 lookup form', async () => {
		const seed: SeedBase[] = demoSeed();
		seed[0].tables.push(
			{
				id: 'tblLookupTags0001',
				name: 'Tags',
				fields: [
					{ id: 'fldTagName0000001', name: 'Name', type: 'singleLineText' },
					{ id: 'fldTagColors00001', name: 'Colors', type: 'multipleSelects', options: { choices: ['Red', 'Green', 'Blue'] } },
					{ id: 'fldTagKind0000001', name: 'Kind', type: 'singleSelect', options: { choices: ['Core', 'Extra'] } },
					{ id: 'fldTagOwners00001', name: 'Owners', type: 'multipleCollaborators' },
					{ id: 'fldTagFiles000001', name: 'Files', type: 'multipleAttachments' },
					{ id: 'fldTagDue00000001', name: 'Due', type: 'date', options: { dateFormat: { name: 'iso', format: 'YYYY-MM-DD' } } },
					{ id: 'fldTagPoints00001', name: 'Points', type: 'number', options: { precision: 0 } },
					{ id: 'fldTagContacts001', name: 'Contacts', type: 'multipleRecordLinks', options: { linkedTable: 'Contacts', inverseName: false } },
				],
				records: [
					{
						id: 'recTagRed00000001',
						fields: {
							Name: 'warm',
							Colors: ['Red', 'Green'],
							Kind: 'Core',
							Owners: [{ id: 'usrAlice00000001', email: 'alice@example.com', name: 'Alice' }],
							Files: [{ url: 'https://files.example.test/a.png', filename: 'a.png' }],
							Due: '2024-05-01',
							Points: 3,
							Contacts: [DEMO_IDS.ada],
						},
					},
					{
						id: 'recTagBlue0000001',
						fields: {
							Name: 'cold',
							Colors: ['Blue'],
							Kind: 'Extra',
							Owners: [{ id: 'usrBob0000000001', email: 'bob@example.com', name: 'Bob' }],
							Due: '2024-06-01',
							Points: 0,
							Contacts: [DEMO_IDS.grace, DEMO_IDS.alan],
						},
					},
				],
			},
			{
				id: 'tblLookupProj0001',
				name: 'Projects',
				fields: [
					{ id: 'fldProjName000001', name: 'Name', type: 'singleLineText' },
					{ id: 'fldProjTags000001', name: 'Tags', type: 'multipleRecordLinks', options: { linkedTable: 'Tags', inverseName: false } },
					...['Colors', 'Kind', 'Owners', 'Files', 'Due', 'Points', 'Contacts'].map((name) => ({
						name: `Tag ${name}`,
						type: 'multipleLookupValues',
						options: { recordLinkField: 'Tags', fieldInLinkedTable: name },
					})),
				],
			},
		);
		await start({ seed }, { table: { __rl: true, mode: 'id', value: 'tblLookupProj0001' } });
		await n8n.activate();
		await admin(`/bases/${DEMO_BASE_ID}/tables/tblLookupProj0001/records`, 'POST', {
			fields: { Name: 'Launch', Tags: ['recTagRed00000001', 'recTagBlue0000001'] },
		});
		await waitFor('the execution', () => n8n.items().length > 0);

		const payloads = (await (await api(`/v0/bases/${DEMO_BASE_ID}/webhooks/${String(n8n.state.webhookId)}/payloads`, 'GET')).json()) as {
			payloads: Array<{ changedTablesById: Record<string, { createdRecordsById: Record<string, { cellValuesByFieldId: Record<string, unknown> }> }> }>;
		};
		const created = Object.values(payloads.payloads[0].changedTablesById.tblLookupProj0001.createdRecordsById)[0];
		const rawColors = Object.values(created.cellValuesByFieldId).find(
			(value) => JSON.stringify(value).includes('"Red"'),
		) as { linkedRecordIds: string[]; valuesByLinkedRecordId: Record<string, Array<{ id: string; name: string }>> };
		// The emulator speaks the webhook form: per linked record, that record's own V2 elements.
		expect(rawColors.linkedRecordIds).toEqual(['recTagRed00000001', 'recTagBlue0000001']);
		expect(rawColors.valuesByLinkedRecordId.recTagRed00000001).toEqual([
			expect.objectContaining({ id: expect.stringMatching(/^sel/), name: 'Red' }),
			expect.objectContaining({ id: expect.stringMatching(/^sel/), name: 'Green' }),
		]);

		const meta = (await (await api(`/v0/meta/bases/${DEMO_BASE_ID}/tables`, 'GET')).json()) as {
			tables: Array<{ id: string; fields: Array<{ name: string; options?: { result?: { type: string } } }> }>;
		};
		const projectFields = meta.tables.find((table) => table.id === 'tblLookupProj0001')?.fields ?? [];
		expect(projectFields.find((f) => f.name === 'Tag Colors')?.options?.result).toMatchObject({
			type: 'multipleSelects',
			options: { choices: expect.arrayContaining([expect.objectContaining({ name: 'Red' })]) },
		});

		const [item] = n8n.items();
		const fields = item.fields as IDataObject;
		expect(fields['Tag Colors']).toEqual(['Red', 'Green', 'Blue']);
		expect(fields['Tag Kind']).toEqual(['Core', 'Extra']);
		expect(fields['Tag Owners']).toEqual([
			{ id: 'usrAlice00000001', email: 'alice@example.com', name: 'Alice' },
			{ id: 'usrBob0000000001', email: 'bob@example.com', name: 'Bob' },
		]);
		expect(fields['Tag Files']).toEqual([expect.objectContaining({ filename: 'a.png', url: expect.any(String), id: expect.stringMatching(/^att/) })]);
		expect(fields['Tag Due']).toEqual(['2024-05-01', '2024-06-01']);
		expect(fields['Tag Points']).toEqual([3, 0]);
		expect(fields['Tag Contacts']).toEqual([DEMO_IDS.ada, DEMO_IDS.grace, DEMO_IDS.alan]);
		expect(fields.Tags).toEqual(['recTagRed00000001', 'recTagBlue0000001']);
	});

	it('(a) crash right after a ping was acknowledged, 200 changes pending: all 200 once after restart, no further change needed', async () => {
		await start({ pings: { debounceMs: 5 } });
		await n8n.activate();
		n8n.ackOnly = true;
		const created: string[] = [];
		for (let i = 0; i < 200; i++) created.push(await uiCreate(`Pending ${String(i).padStart(3, '0')}`));
		await waitFor('an acknowledged ping', async () => ((await admin('/pings')).pings as IDataObject[]).some((p) => p.success === true));
		await sleep(200);
		expect(n8n.executions).toHaveLength(0);

		await n8n.restart();
		await waitFor('all 200 changes', () => n8n.items().length >= 200, 60_000);
		await sleep(300);
		const ids = n8n.items().map((item) => item.recordId);
		expect(ids).toEqual(created);
		expect(new Set(n8n.items().map((item) => item.eventId)).size).toBe(200);
	}, 90_000);

	it('(b) 20 concurrent replays of a valid ping with nothing new: at most one payload request, no 429; a new change still arrives at once', async () => {
		await start({ limits: { enabled: true }, pings: { debounceMs: 5 } });
		await n8n.activate();
		const first = await uiCreate('Before the replays');
		await waitFor('the first change', () => n8n.items().some((item) => item.recordId === first));
		await sleep(100);
		const [ping] = ((await admin('/pings')).pings as Array<{ body: string; mac: string }>).slice(-1);
		const before = (await admin('/metrics')) as unknown as { requests: { byEndpoint: Record<string, number> }; rateLimited: number };

		const statuses = await Promise.all(
			Array.from({ length: 20 }, async () => {
				const response = await fetch(n8n.url, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'x-airtable-content-mac': ping.mac },
					body: ping.body,
				});
				return response.status;
			}),
		);
		expect(statuses).toEqual(Array(20).fill(200));
		await sleep(300);
		const after = (await admin('/metrics')) as unknown as typeof before;
		const payloadRequests = (after.requests.byEndpoint['webhooks.payloads'] ?? 0) - (before.requests.byEndpoint['webhooks.payloads'] ?? 0);
		expect(payloadRequests).toBeLessThanOrEqual(1);
		expect(after.rateLimited).toBe(0);
		expect(n8n.items().filter((item) => item.recordId === first)).toHaveLength(1);

		const pingsBefore = ((await admin('/pings')).pings as unknown[]).length;
		const next = await uiCreate('After the replays');
		await waitFor('the new change', () => n8n.items().some((item) => item.recordId === next), 2000);
		// It came with a ping of its own: the replays left the trigger neither locked nor behind.
		expect(((await admin('/pings')).pings as unknown[]).length).toBeGreaterThan(pingsBefore);
	});

	it('(d) a ping-path and a keep-alive replacement of one broken webhook race: one live webhook, every change once', async () => {
		await start({}, { watchFields: [DEMO_IDS.contactNotes] });
		await n8n.activate();
		const oldId = n8n.state.webhookId;
		// The user stops watching the field that is about to be deleted (so a replacement can be
		// created); the timer runs with the new parameters too.
		n8n.parameters = parameters();
		await n8n.reloadTimer();
		await admin(`/bases/${DEMO_BASE_ID}/tables/${CONTACTS}/fields/${DEMO_IDS.contactNotes}`, 'DELETE', {});
		// The error payload's ping and a keep-alive tick (which sees the webhook disabled) both replace it.
		resetKeepAliveMemory();
		await Promise.all([n8n.tick(), waitFor('the ping', () => n8n.executions.length > 0)]);
		await n8n.tick();
		await sleep(300);
		const hooks = (await emulatorWebhooks()).filter((hook) => hook.isHookEnabled);
		expect(hooks).toHaveLength(1);
		expect(hooks[0].id).not.toBe(oldId);
		expect(n8n.items().filter((item) => item.event === 'webhook.recreated')).toHaveLength(1);

		const changes = [await uiCreate('After the race 1'), await uiCreate('After the race 2')];
		await waitFor('both changes', () => changes.every((id) => n8n.items().some((item) => item.recordId === id)));
		await sleep(300);
		expect(n8n.items().filter((item) => changes.includes(String(item.recordId)))).toHaveLength(2);
	});

	it('(d) deactivation during a keep-alive pass that would replace the webhook leaves no webhook', async () => {
		await start({ webhookLifetimeMs: 1500 });
		await n8n.activate();
		await sleep(1700);
		resetKeepAliveMemory();
		const ticking = n8n.tick();
		await n8n.deactivate();
		await ticking;
		await settleKeepAlive();
		expect(await emulatorWebhooks()).toHaveLength(0);
	});
});
