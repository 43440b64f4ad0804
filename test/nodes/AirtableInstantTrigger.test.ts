import { createHmac } from 'node:crypto';

import nock from 'nock';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { AirtableInstantTrigger } from '../../nodes/AirtableInstantTrigger/AirtableInstantTrigger.node';
import { resetKeepAliveMemory, settleKeepAlive } from '../../nodes/AirtableInstantTrigger/keepAlive';
import { forgetAllWebhooks, rememberState } from '../../nodes/AirtableInstantTrigger/webhookMemory';
import type { WebhookInfo, WebhookPayload, WebhookSpecification } from '../../nodes/client/types';
import { callWebhook, callWebhookMethod, clearEngineLog, engineLog, nodeStaticData, runTrigger } from './harness';

const API = 'https://api.airtable.test';
const TABLE = 'tblTasks000000001';
const SECRET = Buffer.from('trigger-test-secret').toString('base64');
const NODE = 'Airtable Instant Trigger';
const URL_PROD = 'http://localhost:5678/webhook/harness-webhook-id/webhook';
const credentials = { airtableSyncTokenApi: { accessToken: 'patTrigger.secret', baseUrl: API } };

const SCHEMA = {
	tables: [
		{
			id: TABLE,
			name: 'Tasks',
			primaryFieldId: 'fldName0000000001',
			fields: [
				{ id: 'fldName0000000001', name: 'Name', type: 'singleLineText' },
				{ id: 'fldStatus00000001', name: 'Status', type: 'singleSelect' },
			],
			views: [],
		},
	],
};

/* Each test uses its own base: the client's per-base limiter and schema cache are process-wide. */
let counter = 0;
let BASE = '';
let HOOK = '';
beforeEach(() => {
	counter++;
	BASE = `appTrigger${String(counter).padStart(7, '0')}`;
	HOOK = `achHook${String(counter).padStart(10, '0')}`;
	forgetAllWebhooks();
	resetKeepAliveMemory();
});
afterEach(() => {
	nock.cleanAll();
});

const hooksPath = () => `/v0/bases/${BASE}/webhooks`;

function parameters(extra: IDataObject = {}): INodeParameters {
	return {
		base: { __rl: true, mode: 'id', value: BASE },
		table: { __rl: true, mode: 'id', value: TABLE },
		...extra,
	} as INodeParameters;
}

const defaultSpec = (): WebhookSpecification => ({
	options: {
		filters: { dataTypes: ['tableData'], recordChangeScope: TABLE, changeTypes: ['add', 'update', 'remove'] },
		includes: { includeCellValuesInFieldIds: 'all' },
	},
});

function hookInfo(extra: Partial<WebhookInfo> = {}): WebhookInfo {
	return {
		id: HOOK,
		areNotificationsEnabled: true,
		cursorForNextPayload: 1,
		isHookEnabled: true,
		notificationUrl: URL_PROD,
		expirationTime: new Date(Date.now() + 7 * 86_400_000).toISOString(),
		specification: defaultSpec(),
		...extra,
	};
}

/** Static data as create() leaves it, for tests that start from an active webhook. */
function activeStaticData(extra: IDataObject = {}): IDataObject {
	const now = Date.now();
	return {
		[`node:${NODE}`]: {
			webhookId: HOOK,
			baseId: BASE,
			macSecretBase64: SECRET,
			expirationTime: new Date(now + 7 * 86_400_000).toISOString(),
			cursor: 5,
			notificationUrl: URL_PROD,
			createdAt: now,
			expiryLearnedAt: now,
			retired: [],
			...extra,
		},
	};
}

function stored(staticData: IDataObject): IDataObject {
	return nodeStaticData(staticData, NODE) ?? {};
}

function pingBody(webhookId = HOOK): Buffer {
	return Buffer.from(
		JSON.stringify({ base: { id: BASE }, webhook: { id: webhookId }, timestamp: '2024-05-01T10:00:00.000Z' }),
	);
}

function sign(raw: Buffer, secret = SECRET): string {
	return `hmac-sha256=${createHmac('sha256', Buffer.from(secret, 'base64')).update(raw).digest('hex')}`;
}

async function ping(staticData: IDataObject, options: { headers?: Record<string, string>; raw?: Buffer; mode?: 'webhook' | 'manual'; params?: IDataObject } = {}) {
	const raw = options.raw ?? pingBody();
	return await callWebhook(new AirtableInstantTrigger(), {
		parameters: parameters(options.params),
		credentials,
		staticData,
		rawBody: raw,
		headers: options.headers ?? { 'x-airtable-content-mac': sign(raw), 'content-type': 'application/json' },
		mode: options.mode,
	});
}

function created(recordId: string, name: string): WebhookPayload {
	return {
		timestamp: '2024-05-01T10:00:00.000Z',
		baseTransactionNumber: 3,
		payloadFormat: 'v0',
		actionMetadata: { source: 'client', sourceMetadata: { user: { id: 'usrA', email: 'a@example.com', name: 'Ann' } } },
		changedTablesById: {
			[TABLE]: {
				createdRecordsById: {
					[recordId]: {
						createdTime: '2024-05-01T10:00:00.000Z',
						cellValuesByFieldId: { fldName0000000001: name, fldStatus00000001: { id: 'selT', name: 'Todo' } },
					},
				},
			},
		},
	};
}

function errorPayload(code: string): WebhookPayload {
	return { timestamp: '2024-05-01T10:00:00.000Z', baseTransactionNumber: 9, payloadFormat: 'v0', error: true, code };
}

function payloadsReply(cursor: number, payloads: WebhookPayload[], mightHaveMore = false) {
	return { cursor: cursor + payloads.length, mightHaveMore, payloads };
}

function json(items: INodeExecutionData[] | undefined): IDataObject[] {
	return (items ?? []).map((item) => item.json);
}

describe('AirtableInstantTrigger: description', () => {
	it('is a trigger with a POST webhook, a keep-alive trigger(), and not usable as a tool', () => {
		const node = new AirtableInstantTrigger();
		expect(node.description).toMatchObject({ name: 'airtableInstantTrigger', group: ['trigger'], inputs: [] });
		expect(node.description.usableAsTool).toBeUndefined();
		expect(node.description.webhooks?.[0]).toMatchObject({ name: 'default', httpMethod: 'POST' });
		expect(typeof node.webhook).toBe('function');
		expect(typeof node.trigger).toBe('function');
	});
});

describe('AirtableInstantTrigger: create', () => {
	it('registers the webhook with the production URL and stores id, secret, expiry and cursor 1 (its first payload)', async () => {
		let sentBody: IDataObject = {};
		const scope = nock(API)
			.get(hooksPath())
			.reply(200, {
				webhooks: [
					hookInfo({ id: 'achStray0000000001' }),
					hookInfo({ id: 'achOther0000000001', notificationUrl: 'https://elsewhere.example/hook' }),
				],
			})
			.delete(`${hooksPath()}/achStray0000000001`)
			.reply(200, {})
			.post(hooksPath(), (body: IDataObject) => {
				sentBody = body;
				return true;
			})
			.reply(200, { id: HOOK, macSecretBase64: SECRET, expirationTime: '2030-01-08T00:00:00.000Z' });
		const staticData: IDataObject = {};
		const result = await callWebhookMethod(new AirtableInstantTrigger(), 'create', {
			parameters: parameters({ options: { includePreviousValues: true } }),
			credentials,
			staticData,
		});
		expect(scope.isDone()).toBe(true);
		expect(result.result).toBe(true);
		expect(sentBody).toEqual({
			notificationUrl: URL_PROD,
			specification: {
				options: {
					filters: { dataTypes: ['tableData'], recordChangeScope: TABLE, changeTypes: ['add', 'update', 'remove'] },
					includes: { includeCellValuesInFieldIds: 'all', includePreviousCellValues: true },
				},
			},
		});
		expect(stored(staticData)).toMatchObject({
			webhookId: HOOK,
			baseId: BASE,
			macSecretBase64: SECRET,
			expirationTime: '2030-01-08T00:00:00.000Z',
			cursor: 1,
			notificationUrl: URL_PROD,
			retired: [],
		});
	});

	it('refuses clearly when the base already has 10 webhooks, without trying', async () => {
		const full = Array.from({ length: 10 }, (_, i) =>
			hookInfo({ id: `achFull${String(i).padStart(10, '0')}`, notificationUrl: `https://other.example/${i}` }),
		);
		const scope = nock(API).get(hooksPath()).reply(200, { webhooks: full });
		const create = nock(API).post(hooksPath()).reply(200, {});
		await expect(
			callWebhookMethod(new AirtableInstantTrigger(), 'create', { parameters: parameters(), credentials, staticData: {} }),
		).rejects.toThrow(/at most 10 webhooks per base.*already has 10/);
		expect(scope.isDone()).toBe(true);
		expect(create.isDone()).toBe(false);
	});

	it("translates Airtable's own refusal into the same clear message", async () => {
		nock(API)
			.get(hooksPath())
			.reply(200, { webhooks: [] })
			.post(hooksPath())
			.reply(422, { error: { type: 'TOO_MANY_WEBHOOKS', message: 'A base can have at most 10 webhooks' } });
		await expect(
			callWebhookMethod(new AirtableInstantTrigger(), 'create', { parameters: parameters(), credentials, staticData: {} }),
		).rejects.toThrow(/Airtable allows at most 10 webhooks per base, and 2 per base for one OAuth integration/);
	});

	it('retires an expired webhook that still holds payloads instead of deleting it, and deletes a drained one', async () => {
		const staticData = activeStaticData({ cursor: 5 });
		const scope = nock(API)
			.get(hooksPath())
			.reply(200, { webhooks: [hookInfo({ isHookEnabled: false, cursorForNextPayload: 8 })] })
			.post(hooksPath())
			.reply(200, { id: 'achNew00000000001', macSecretBase64: SECRET, expirationTime: '2030-01-08T00:00:00.000Z' });
		await callWebhookMethod(new AirtableInstantTrigger(), 'create', { parameters: parameters(), credentials, staticData });
		expect(scope.isDone()).toBe(true);
		expect(stored(staticData)).toMatchObject({ webhookId: 'achNew00000000001', retired: [{ webhookId: HOOK, cursor: 5 }] });
	});
});

describe('AirtableInstantTrigger: checkExists', () => {
	async function check(staticData: IDataObject, info: WebhookInfo | undefined, params: IDataObject = {}) {
		nock(API)
			.get(hooksPath())
			.reply(200, { webhooks: info ? [info] : [] });
		return (await callWebhookMethod(new AirtableInstantTrigger(), 'checkExists', { parameters: parameters(params), credentials, staticData }))
			.result;
	}

	it('is false without a stored webhook, asking nothing', async () => {
		const scope = nock(API).get(hooksPath()).reply(200, { webhooks: [] });
		const { result } = await callWebhookMethod(new AirtableInstantTrigger(), 'checkExists', {
			parameters: parameters(),
			credentials,
			staticData: {},
		});
		expect(result).toBe(false);
		expect(scope.isDone()).toBe(false);
	});

	it('is true for the stored, enabled webhook pinging this URL with the same spec', async () => {
		expect(await check(activeStaticData(), hookInfo())).toBe(true);
	});

	it.each([
		['missing', undefined],
		['disabled (expired or error state)', { isHookEnabled: false }],
		['pinging another URL', { notificationUrl: 'https://old-host.example/webhook/x' }],
		['watching something else', { specification: { options: { filters: { dataTypes: ['tableData'], recordChangeScope: 'tblOther' } } } }],
	] as Array<[string, Partial<WebhookInfo> | undefined]>)('is false when the webhook is %s', async (_label, change) => {
		expect(await check(activeStaticData(), change === undefined ? undefined : hookInfo(change as Partial<WebhookInfo>))).toBe(false);
	});

	it('is false when the parameters changed since the webhook was made', async () => {
		expect(await check(activeStaticData(), hookInfo(), { events: ['created'] })).toBe(false);
	});

	it('turns pings back on when Airtable turned them off, keeping the webhook', async () => {
		const enable = nock(API)
			.post(`${hooksPath()}/${HOOK}/enableNotifications`, { enable: true })
			.reply(200, {});
		expect(await check(activeStaticData(), hookInfo({ areNotificationsEnabled: false }))).toBe(true);
		expect(enable.isDone()).toBe(true);
	});
});

describe('AirtableInstantTrigger: delete', () => {
	it('deletes the webhook and clears static data', async () => {
		const staticData = activeStaticData();
		const scope = nock(API).delete(`${hooksPath()}/${HOOK}`).reply(200, {});
		const { result } = await callWebhookMethod(new AirtableInstantTrigger(), 'delete', { parameters: parameters(), credentials, staticData });
		expect(result).toBe(true);
		expect(scope.isDone()).toBe(true);
		expect(stored(staticData).webhookId).toBeUndefined();
	});

	it('is fine with a webhook that is already gone (404), and deletes retired ones too', async () => {
		const staticData = activeStaticData({ retired: [{ webhookId: 'achOld00000000001', cursor: 2 }] });
		const scope = nock(API)
			.delete(`${hooksPath()}/${HOOK}`)
			.reply(404, { error: 'NOT_FOUND' })
			.delete(`${hooksPath()}/achOld00000000001`)
			.reply(200, {});
		const { result } = await callWebhookMethod(new AirtableInstantTrigger(), 'delete', { parameters: parameters(), credentials, staticData });
		expect(result).toBe(true);
		expect(scope.isDone()).toBe(true);
		expect(stored(staticData)).toEqual({});
	});
});

describe('AirtableInstantTrigger: pings', () => {
	it.each([
		['missing', 401, {}],
		['malformed', 403, { 'x-airtable-content-mac': 'sha1=abc' }],
		['wrong', 403, { 'x-airtable-content-mac': sign(pingBody(), Buffer.from('other').toString('base64')) }],
	] as Array<[string, number, Record<string, string>]>)(
		'answers a %s signature with %i and starts nothing',
		async (_label, status, headers) => {
			const scope = nock(API).get(/.*/).reply(200, {});
			const staticData = activeStaticData();
			const { response, written } = await ping(staticData, { headers });
			expect(written.statusCode).toBe(status);
			expect(written.ended).toBe(true);
			expect(response).toEqual({ noWebhookResponse: true });
			expect(scope.isDone()).toBe(false);
			expect(stored(staticData).cursor).toBe(5);
		},
	);

	it('rejects a ping for a webhook this node does not know (403)', async () => {
		const raw = pingBody('achSomeoneElse0001');
		const { response, written } = await ping(activeStaticData(), { raw, headers: { 'x-airtable-content-mac': sign(raw) } });
		expect(written.statusCode).toBe(403);
		expect(response.workflowData).toBeUndefined();
	});

	it("refuses a genuine ping of another workflow's webhook sent to this node's URL (403)", async () => {
		const now = Date.now();
		rememberState(
			{
				webhookId: 'achOtherWorkflow01',
				baseId: BASE,
				macSecretBase64: SECRET,
				expirationTime: null,
				cursor: 1,
				notificationUrl: 'http://localhost:5678/webhook/other/webhook',
				createdAt: now,
				expiryLearnedAt: now,
				retired: [],
			},
			'otherWorkflow:otherNode',
			'otherWorkflow:otherNode',
		);
		const raw = pingBody('achOtherWorkflow01');
		const scope = nock(API).get(/.*/).reply(200, {});
		const { response, written } = await ping(activeStaticData(), { raw, headers: { 'x-airtable-content-mac': sign(raw) } });
		expect(written.statusCode).toBe(403);
		expect(response.workflowData).toBeUndefined();
		expect(scope.isDone()).toBe(false);
	});

	it('rejects a body changed after signing (MAC is over the raw bytes)', async () => {
		const raw = pingBody();
		const tampered = Buffer.from(raw.toString().replace('2024', '2025'));
		const { written } = await ping(activeStaticData(), { raw: tampered, headers: { 'x-airtable-content-mac': sign(raw) } });
		expect(written.statusCode).toBe(403);
	});

	it('answers a good ping with an empty 200, then drains from the cursor into one item per change', async () => {
		const scope = nock(API)
			.get(`${hooksPath()}/${HOOK}/payloads`)
			.query({ cursor: 5, limit: 50 })
			.reply(200, payloadsReply(5, [created('recA0000000000001', 'First'), created('recB0000000000001', 'Second')]))
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, SCHEMA);
		const staticData = activeStaticData();
		const { response, written } = await ping(staticData);
		expect(scope.isDone()).toBe(true);
		expect(written).toMatchObject({ statusCode: 200, ended: true, body: undefined });
		expect(response.noWebhookResponse).toBe(true);
		expect(json(response.workflowData?.[0])).toEqual([
			expect.objectContaining({
				event: 'record.created',
				baseId: BASE,
				tableId: TABLE,
				tableName: 'Tasks',
				recordId: 'recA0000000000001',
				fields: { Name: 'First', Status: 'Todo' },
				source: 'client',
				user: { id: 'usrA', email: 'a@example.com', name: 'Ann' },
				cursor: 5,
				baseTransactionNumber: 3,
			}),
			expect.objectContaining({ recordId: 'recB0000000000001', cursor: 6 }),
		]);
		expect(stored(staticData).cursor).toBe(7);
	});

	it('starts no execution for a ping with nothing new', async () => {
		nock(API).get(`${hooksPath()}/${HOOK}/payloads`).query(true).reply(200, payloadsReply(5, []));
		const { response, written } = await ping(activeStaticData());
		expect(written.statusCode).toBe(200);
		expect(response).toEqual({ noWebhookResponse: true });
	});

	it('emits every change exactly once when two pings arrive together', async () => {
		let requests = 0;
		nock(API)
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, SCHEMA)
			.get(`${hooksPath()}/${HOOK}/payloads`)
			.query(true)
			.times(2)
			.delay(40)
			.reply((uri) => {
				requests++;
				const cursor = Number(new URL(uri, API).searchParams.get('cursor'));
				return [200, cursor === 5 ? payloadsReply(5, [created('recA0000000000001', 'A'), created('recB0000000000001', 'B')]) : payloadsReply(cursor, [])];
			});
		// The same ping twice (a replay), each with its own copy of static data read before either
		// finished: one drain, and the replay costs nothing.
		const [first, second] = await Promise.all([ping(activeStaticData()), ping(activeStaticData())]);
		expect(requests).toBe(1);
		const recordIds = [...json(first.response.workflowData?.[0]), ...json(second.response.workflowData?.[0])].map(
			(item) => item.recordId,
		);
		expect(recordIds).toEqual(['recA0000000000001', 'recB0000000000001']);
		expect([first.response.workflowData, second.response.workflowData].filter(Boolean)).toHaveLength(1);
	});

	it('replaces a webhook that sent an error payload, stores the new id and secret, and tells the user', async () => {
		const newSecret = Buffer.from('new-secret').toString('base64');
		const scope = nock(API)
			.get(`${hooksPath()}/${HOOK}/payloads`)
			.query(true)
			.reply(200, payloadsReply(5, [created('recA0000000000001', 'A'), errorPayload('INVALID_FILTERS')]))
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, SCHEMA)
			.get(hooksPath())
			.reply(200, { webhooks: [hookInfo({ isHookEnabled: false, cursorForNextPayload: 7 })] })
			.delete(`${hooksPath()}/${HOOK}`)
			.reply(200, {})
			.post(hooksPath())
			.reply(200, { id: 'achNew00000000001', macSecretBase64: newSecret, expirationTime: '2030-01-01T00:00:00.000Z' });
		const staticData = activeStaticData();
		const { response } = await ping(staticData);
		expect(scope.isDone()).toBe(true);
		const items = json(response.workflowData?.[0]);
		expect(items.map((item) => item.event)).toEqual(['record.created', 'webhook.recreated']);
		expect(items[1]).toMatchObject({ previousWebhookId: HOOK, webhookId: 'achNew00000000001' });
		expect(String(items[1].message)).toContain('INVALID_FILTERS');
		expect(stored(staticData)).toMatchObject({ webhookId: 'achNew00000000001', macSecretBase64: newSecret, cursor: 1 });

		// The next ping comes from the new webhook, signed with the new secret.
		nock(API).get('/v0/bases/' + BASE + '/webhooks/achNew00000000001/payloads').query(true).reply(200, payloadsReply(1, []));
		const raw = pingBody('achNew00000000001');
		const next = await ping(staticData, { raw, headers: { 'x-airtable-content-mac': sign(raw, newSecret) } });
		expect(next.written.statusCode).toBe(200);
	});
});

describe('AirtableInstantTrigger: test mode ("Listen for test event")', () => {
	it('hands the webhook items to the manual trigger() n8n runs after it', async () => {
		nock(API)
			.get(`${hooksPath()}/${HOOK}/payloads`)
			.query(true)
			.reply(200, payloadsReply(5, [created('recA0000000000001', 'Test')]))
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, SCHEMA);
		const staticData = activeStaticData();
		const { response } = await ping(staticData, { mode: 'manual' });
		expect(json(response.workflowData?.[0])).toHaveLength(1);

		const run = await runTrigger(new AirtableInstantTrigger(), { parameters: parameters(), credentials, mode: 'manual' });
		expect(run.crons).toHaveLength(0);
		await run.response?.manualTriggerFunction?.();
		const data = await run.response?.manualTriggerResponse;
		expect(json(data?.[0])).toEqual([expect.objectContaining({ event: 'record.created', fields: { Name: 'Test', Status: 'Todo' } })]);
	});

	it('fails the manual run with a hint when no change arrived', async () => {
		const run = await runTrigger(new AirtableInstantTrigger(), { parameters: parameters(), credentials, mode: 'manual' });
		const outcome = run.response?.manualTriggerResponse;
		await run.response?.manualTriggerFunction?.();
		await expect(outcome).rejects.toThrow(/No Airtable change reached this test run/);
	});
});

describe('AirtableInstantTrigger: keep-alive', () => {
	/**
	 * Activation runs the first pass (the catch-up) at once; here it finds the webhook healthy
	 * with nothing new, and the keep-alive memory is then reset, so each test's first tick is
	 * again a first health check it scripts itself.
	 */
	async function activate(staticData: IDataObject, params: IDataObject = {}) {
		const firstPass = nock(API).get(hooksPath()).reply(200, { webhooks: [hookInfo()] });
		const run = await runTrigger(new AirtableInstantTrigger(), { parameters: parameters(params), credentials, staticData });
		await settleKeepAlive();
		nock.removeInterceptor({ hostname: new URL(API).hostname, path: hooksPath(), method: 'GET' });
		void firstPass;
		resetKeepAliveMemory();
		run.emitted.length = 0;
		return run;
	}

	async function tick(run: Awaited<ReturnType<typeof activate>>) {
		run.crons[0].fire();
		await settleKeepAlive();
	}

	it('registers one 6-field cron and does nothing more until a check is due', async () => {
		const staticData = activeStaticData();
		const run = await activate(staticData);
		expect(run.crons).toHaveLength(1);
		expect(run.crons[0].cron.expression.split(' ')).toHaveLength(6);
		const health = nock(API).get(hooksPath()).reply(200, { webhooks: [hookInfo()] });
		await tick(run);
		expect(health.isDone()).toBe(true);
		const again = nock(API).get(hooksPath()).reply(200, { webhooks: [hookInfo()] });
		await tick(run);
		expect(again.isDone()).toBe(false);
		expect(run.emitted).toHaveLength(0);
	});

	it('refreshes the webhook well before it expires', async () => {
		const soon = new Date(Date.now() + 5 * 86_400_000).toISOString();
		const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
		const staticData = activeStaticData({ expirationTime: soon, expiryLearnedAt: Date.now() - 2 * 86_400_000 });
		const run = await activate(staticData);
		const scope = nock(API)
			.get(hooksPath())
			.reply(200, { webhooks: [hookInfo({ expirationTime: soon })] })
			.post(`${hooksPath()}/${HOOK}/refresh`)
			.reply(200, { expirationTime: later });
		await tick(run);
		expect(scope.isDone()).toBe(true);
		expect(stored(staticData).expirationTime).toBe(later);
		expect(run.emitted).toHaveLength(0);
	});

	it('turns pings back on, drains what accumulated, and emits it (saving the cursor)', async () => {
		const staticData = activeStaticData();
		const run = await activate(staticData);
		const scope = nock(API)
			.get(hooksPath())
			.reply(200, { webhooks: [hookInfo({ areNotificationsEnabled: false, cursorForNextPayload: 7 })] })
			.post(`${hooksPath()}/${HOOK}/enableNotifications`, { enable: true })
			.reply(200, {})
			.get(`${hooksPath()}/${HOOK}/payloads`)
			.query({ cursor: 5, limit: 50 })
			.reply(200, payloadsReply(5, [created('recA0000000000001', 'A'), created('recB0000000000001', 'B')]))
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, SCHEMA);
		await tick(run);
		expect(scope.isDone()).toBe(true);
		expect(run.emitted).toHaveLength(1);
		expect(json(run.emitted[0][0]).map((item) => item.recordId)).toEqual(['recA0000000000001', 'recB0000000000001']);
		expect(stored(staticData).cursor).toBe(7);
	});

	it('delivers what a stopped webhook still holds, replaces it, and emits a notice that also saves the new id', async () => {
		const newSecret = Buffer.from('recreated').toString('base64');
		const staticData = activeStaticData();
		const run = await activate(staticData);
		const scope = nock(API)
			.get(hooksPath())
			.reply(200, { webhooks: [hookInfo({ isHookEnabled: false, cursorForNextPayload: 7 })] })
			.get(`${hooksPath()}/${HOOK}/payloads`)
			.query(true)
			.reply(200, payloadsReply(5, [created('recA0000000000001', 'A'), errorPayload('INVALID_HOOK')]))
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, SCHEMA)
			.get(hooksPath())
			.reply(200, { webhooks: [hookInfo({ isHookEnabled: false, cursorForNextPayload: 7 })] })
			.delete(`${hooksPath()}/${HOOK}`)
			.reply(200, {})
			.post(hooksPath())
			.reply(200, { id: 'achNew00000000001', macSecretBase64: newSecret, expirationTime: '2030-01-01T00:00:00.000Z' });
		await tick(run);
		expect(scope.isDone()).toBe(true);
		const items = json(run.emitted[0]?.[0]);
		expect(items.map((item) => item.event)).toEqual(['record.created', 'webhook.recreated']);
		expect(String(items[1].reason)).toContain('INVALID_HOOK');
		expect(stored(staticData)).toMatchObject({ webhookId: 'achNew00000000001', macSecretBase64: newSecret, cursor: 1 });
		expect(run.staticDataChanged()).toBe(true);
	});

	it('recreates a webhook deleted behind its back', async () => {
		const staticData = activeStaticData();
		const run = await activate(staticData);
		nock(API)
			.get(hooksPath())
			.reply(200, { webhooks: [] })
			.get(hooksPath())
			.reply(200, { webhooks: [] })
			.post(hooksPath())
			.reply(200, { id: 'achNew00000000001', macSecretBase64: SECRET, expirationTime: '2030-01-01T00:00:00.000Z' });
		await tick(run);
		expect(json(run.emitted[0]?.[0])).toEqual([
			expect.objectContaining({ event: 'webhook.recreated', previousWebhookId: HOOK, webhookId: 'achNew00000000001' }),
		]);
		expect(stored(staticData)).toMatchObject({ webhookId: 'achNew00000000001', cursor: 1 });
	});

	it('reports a webhook it cannot replace once, then backs off', async () => {
		const staticData = activeStaticData();
		const run = await activate(staticData);
		nock(API)
			.get(hooksPath())
			.reply(200, { webhooks: [] })
			.get(hooksPath())
			.reply(200, { webhooks: [] })
			.post(hooksPath())
			.reply(422, { error: { type: 'INVALID_FILTERS', message: 'Unknown table' } });
		await tick(run);
		expect(json(run.emitted[0]?.[0])).toEqual([expect.objectContaining({ event: 'webhook.failed', webhookId: null })]);
		const retry = nock(API).get(hooksPath()).reply(200, { webhooks: [] });
		await tick(run);
		expect(retry.isDone()).toBe(false);
		expect(run.emitted).toHaveLength(1);
	});

	it('drains a webhook retired at activation, emits its changes, then deletes it', async () => {
		const staticData = activeStaticData({ retired: [{ webhookId: 'achOld00000000001', cursor: 3 }] });
		const run = await activate(staticData);
		const scope = nock(API)
			.get(`${hooksPath()}/achOld00000000001/payloads`)
			.query({ cursor: 3, limit: 50 })
			.reply(200, payloadsReply(3, [created('recLate0000000001', 'Late')]))
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, SCHEMA)
			.delete(`${hooksPath()}/achOld00000000001`)
			.reply(200, {})
			.get(hooksPath())
			.reply(200, { webhooks: [hookInfo()] });
		await tick(run);
		expect(scope.isDone()).toBe(true);
		expect(json(run.emitted[0]?.[0]).map((item) => item.recordId)).toEqual(['recLate0000000001']);
		expect(stored(staticData).retired).toEqual([]);
	});

	it('still emits changes it drained when Airtable fails later in the pass', async () => {
		const staticData = activeStaticData({ retired: [{ webhookId: 'achOld00000000001', cursor: 3 }] });
		const run = await activate(staticData);
		nock(API)
			.get(`${hooksPath()}/achOld00000000001/payloads`)
			.query(true)
			.reply(200, payloadsReply(3, [created('recLate0000000001', 'Late')]))
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, SCHEMA)
			.delete(`${hooksPath()}/achOld00000000001`)
			.reply(200, {})
			.get(hooksPath())
			.reply(403, { error: { type: 'INVALID_PERMISSIONS', message: 'nope' } });
		await tick(run);
		expect(json(run.emitted[0]?.[0]).map((item) => item.recordId)).toEqual(['recLate0000000001']);
		const retry = nock(API).get(hooksPath()).reply(200, { webhooks: [hookInfo()] });
		await tick(run);
		expect(retry.isDone()).toBe(false);
	});

	it('waits for activation to finish creating the webhook (one lock), then looks after the new one', async () => {
		const run = await activate(activeStaticData({ webhookId: 'achBefore00000001' }));
		const scope = nock(API)
			.get(hooksPath())
			.reply(200, { webhooks: [] })
			.post(hooksPath())
			.delay(300)
			.reply(200, { id: HOOK, macSecretBase64: SECRET, expirationTime: '2030-01-08T00:00:00.000Z' });
		const creating = callWebhookMethod(new AirtableInstantTrigger(), 'create', {
			parameters: parameters(),
			credentials,
			staticData: {},
		});
		await new Promise((resolve) => setTimeout(resolve, 100));
		// The tick fires while create holds the node's lock: it waits, and then checks the webhook
		// activation created, not the one the timer started with (which it would have replaced).
		const health = nock(API).get(hooksPath()).reply(200, { webhooks: [hookInfo()] });
		await tick(run);
		await expect(creating).resolves.toMatchObject({ result: true });
		expect(scope.isDone()).toBe(true);
		expect(health.isDone()).toBe(true);
		expect(run.emitted).toHaveLength(0);
		expect(stored(run.staticData)).toMatchObject({ webhookId: HOOK, cursor: 1 });
	});

	it('catch-up: drains whenever Airtable holds payloads past the delivered cursor, even after a successful ping, and logs one line', async () => {
		const staticData = activeStaticData({ cursor: 5 });
		const run = await activate(staticData);
		clearEngineLog();
		nock(API)
			.get(hooksPath())
			.reply(200, {
				webhooks: [
					hookInfo({
						cursorForNextPayload: 7,
						lastNotificationResult: { success: true, completionTimestamp: '2024-05-01T10:00:00.000Z', durationMs: 5, retryNumber: 0 },
					}),
				],
			})
			.get(`${hooksPath()}/${HOOK}/payloads`)
			.query({ cursor: 5, limit: 50 })
			.reply(200, payloadsReply(5, [created('recLost000000001A', 'Lost A'), created('recLost000000001B', 'Lost B')]))
			.get(`/v0/meta/bases/${BASE}/tables`)
			.reply(200, SCHEMA);
		await tick(run);
		expect(json(run.emitted[0]?.[0]).map((item) => item.recordId)).toEqual(['recLost000000001A', 'recLost000000001B']);
		expect(stored(run.staticData)).toMatchObject({ cursor: 7 });
		const lines = engineLog.filter((entry) => entry.message.includes('catch-up drain'));
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatchObject({ level: 'info' });
		expect(lines[0].message).toContain(HOOK);
		// No secret and no cell value in what the trigger logs.
		const everything = engineLog.map((entry) => `${entry.message} ${JSON.stringify(entry.metadata ?? {})}`).join('\n');
		expect(everything).not.toContain(SECRET);
		expect(everything).not.toContain('Lost A');
	});

	it('continues a drain a ping left at its cap', async () => {
		// A ping drains 250 payloads at most; the rest waits for the next tick.
		const staticData = activeStaticData({ cursor: 1 });
		const many = Array.from({ length: 251 }, (_, i) => created(`rec${String(i).padStart(14, '0')}`, `n${i}`));
		nock(API).get(`/v0/meta/bases/${BASE}/tables`).reply(200, SCHEMA);
		for (let start = 0; start < 251; start += 50) {
			const page = many.slice(start, start + 50);
			nock(API)
				.get(`${hooksPath()}/${HOOK}/payloads`)
				.query({ cursor: start + 1, limit: 50 })
				.reply(200, payloadsReply(start + 1, page, start + 50 < 251));
		}
		const run = await activate(staticData);
		const first = await ping(staticData);
		expect(json(first.response.workflowData?.[0])).toHaveLength(250);
		nock(API).get(hooksPath()).reply(200, { webhooks: [hookInfo({ cursorForNextPayload: 252 })] });
		await tick(run);
		expect(json(run.emitted[0]?.[0]).map((item) => item.cursor)).toEqual([251]);
	});
});
