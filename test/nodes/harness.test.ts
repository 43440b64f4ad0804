import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import nock from 'nock';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
	JsonObject,
	ResourceMapperFields,
} from 'n8n-workflow';

import { AirtableSyncOAuth2Api } from '../../credentials/AirtableSyncOAuth2Api.credentials';

import {
	callListSearch,
	callLoadOptions,
	callResourceMapping,
	callWebhook,
	callWebhookMethod,
	jsonItems,
	nodeStaticData,
	runNode,
	runTrigger,
	TestCredentialsHelper,
} from './harness';

const API = 'https://api.airtable.test';
const OAUTH2 = new AirtableSyncOAuth2Api().name;
const AUTH_SERVER = 'https://auth.airtable.test';

/** A node shaped like ours: one request per item through httpRequestWithAuthentication. */
class DummyRecords implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dummy Records',
		name: 'dummyRecords',
		group: ['transform'],
		version: [1, 2],
		description: 'Reads a table per item',
		usableAsTool: true,
		defaults: { name: 'Dummy Records' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'airtableSyncTokenApi',
				required: true,
				displayOptions: { show: { authentication: ['airtableSyncTokenApi'] } },
			},
			{
				name: 'airtableSyncOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['airtableSyncOAuth2Api'] } },
			},
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Access Token', value: 'airtableSyncTokenApi' },
					{ name: 'OAuth2', value: 'airtableSyncOAuth2Api' },
				],
				default: 'airtableSyncTokenApi',
			},
			{
				displayName: 'Base',
				name: 'base',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				modes: [
					{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchBases' } },
					{ displayName: 'ID', name: 'id', type: 'string' },
				],
			},
			{ displayName: 'Table', name: 'table', type: 'string', default: 'tblDefault' },
		],
	};

	methods = {
		listSearch: {
			async searchBases(
				this: ILoadOptionsFunctions,
				filter?: string,
				paginationToken?: string,
			): Promise<INodeListSearchResult> {
				const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('airtableSyncTokenApi');
				const page = (await this.helpers.httpRequestWithAuthentication.call(this, 'airtableSyncTokenApi', {
					method: 'GET',
					url: `${baseUrl}/v0/meta/bases`,
					qs: paginationToken ? { offset: paginationToken } : {},
					json: true,
				})) as { bases: Array<{ id: string; name: string }>; offset?: string };
				return {
					results: page.bases
						.filter((base) => !filter || base.name.toLowerCase().includes(filter.toLowerCase()))
						.map((base) => ({ name: base.name, value: base.id, url: `https://airtable.com/${base.id}` })),
					paginationToken: page.offset,
				};
			},
		},
		loadOptions: {
			async getTables(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const base = this.getCurrentNodeParameter('base', { extractValue: true }) as string;
				const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('airtableSyncTokenApi');
				const schema = (await this.helpers.httpRequestWithAuthentication.call(this, 'airtableSyncTokenApi', {
					method: 'GET',
					url: `${baseUrl}/v0/meta/bases/${base}/tables`,
					json: true,
				})) as { tables: Array<{ id: string; name: string }> };
				return schema.tables.map((table) => ({ name: table.name, value: table.id }));
			},
		},
		resourceMapping: {
			async getFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
				const table = this.getCurrentNodeParameter('table') as string;
				return {
					fields: [
						{
							id: `${table}.Name`,
							displayName: 'Name',
							required: true,
							defaultMatch: false,
							display: true,
							type: 'string',
						},
					],
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentialType = this.getNodeParameter('authentication', 0) as string;
		const { baseUrl } = await this.getCredentials<{ baseUrl: string }>(credentialType);
		const staticData = this.getWorkflowStaticData('node');
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const table = this.getNodeParameter('table', itemIndex) as string;
			let failure: NodeOperationError | NodeApiError | undefined;
			let response: IDataObject = {};
			if (table === '') {
				failure = new NodeOperationError(this.getNode(), 'Table is empty', { itemIndex });
			} else {
				try {
					response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
						method: 'GET',
						url: `${baseUrl}/v0/app1/${encodeURIComponent(table)}`,
						json: true,
					})) as IDataObject;
				} catch (error) {
					failure = new NodeApiError(this.getNode(), error as JsonObject, { itemIndex });
				}
			}
			if (failure) {
				if (!this.continueOnFail()) throw failure;
				returnData.push({ json: { error: failure.message }, pairedItem: { item: itemIndex } });
				continue;
			}
			staticData.lastTable = table;
			staticData.reads = ((staticData.reads as number | undefined) ?? 0) + 1;
			returnData.push({
				json: { ...response, typeVersion: this.getNode().typeVersion },
				pairedItem: { item: itemIndex },
			});
		}
		return [returnData];
	}
}

const tokenCredentials = { airtableSyncTokenApi: { accessToken: 'pat-123', baseUrl: API } };

afterEach(() => {
	nock.cleanAll();
});

describe('runNode', () => {
	it('runs the node in WorkflowExecute with the token credential, parameters and paired items', async () => {
		const api = nock(API, { reqheaders: { authorization: 'Bearer pat-123' } })
			.get('/v0/app1/tblA')
			.reply(200, { records: [{ id: 'rec1' }] })
			.get('/v0/app1/tblB')
			.reply(200, { records: [{ id: 'rec2' }] });

		const result = await runNode(new DummyRecords(), {
			parameters: { table: '={{ $json.table }}' },
			credentials: tokenCredentials,
			input: jsonItems({ table: 'tblA' }, { table: 'tblB' }),
			typeVersion: 1,
		});

		expect(result.error).toBeUndefined();
		expect(result.output).toEqual([
			[
				{ json: { records: [{ id: 'rec1' }], typeVersion: 1 }, pairedItem: { item: 0 } },
				{ json: { records: [{ id: 'rec2' }], typeVersion: 1 }, pairedItem: { item: 1 } },
			],
		]);
		api.done();
	});

	it('keeps workflow static data between runs and reports whether a run changed it', async () => {
		nock(API).get('/v0/app1/tblA').times(2).reply(200, { records: [] });
		const staticData: IDataObject = {};

		const first = await runNode(new DummyRecords(), {
			parameters: { table: 'tblA' },
			credentials: tokenCredentials,
			staticData,
		});
		expect(first.staticDataChanged).toBe(true);
		expect(first.output[0][0].json.typeVersion).toBe(2);
		expect(nodeStaticData(staticData, 'Dummy Records')).toEqual({ lastTable: 'tblA', reads: 1 });

		const second = await runNode(new DummyRecords(), {
			parameters: { table: 'tblA' },
			credentials: tokenCredentials,
			staticData,
		});
		expect(second.staticData).toBe(staticData);
		expect(nodeStaticData(staticData, 'Dummy Records')).toEqual({ lastTable: 'tblA', reads: 2 });
	});

	it('turns a failing item into an error item with continueOnFail, and fails the node without it', async () => {
		nock(API).get('/v0/app1/tblA').reply(200, { records: [] });
		const input = jsonItems({ table: 'tblA' }, { table: '' });
		const parameters = { table: '={{ $json.table }}' };

		const continued = await runNode(new DummyRecords(), {
			parameters,
			credentials: tokenCredentials,
			input,
			continueOnFail: true,
		});
		expect(continued.error).toBeUndefined();
		expect(continued.output[0]).toEqual([
			{ json: { records: [], typeVersion: 2 }, pairedItem: { item: 0 } },
			{ json: { error: 'Table is empty' }, pairedItem: { item: 1 } },
		]);

		nock(API).get('/v0/app1/tblA').reply(200, { records: [] });
		const failed = await runNode(new DummyRecords(), { parameters, credentials: tokenCredentials, input });
		expect(failed.output).toEqual([]);
		expect(failed.error).toBeInstanceOf(NodeOperationError);
		expect(failed.error?.message).toBe('Table is empty');
		expect(failed.executionError?.message).toBe('Table is empty');
		expect(failed.run.status).toBe('error');
	});

	it('reaches a real server on 127.0.0.1 (SSRF protection does not block the local emulator)', async () => {
		const seen: Array<{ url?: string; authorization?: string }> = [];
		const server = createServer((request, response) => {
			seen.push({ url: request.url, authorization: request.headers.authorization });
			response.setHeader('content-type', 'application/json');
			response.end(JSON.stringify({ records: [{ id: 'recLocal' }] }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const result = await runNode(new DummyRecords(), {
				parameters: { table: 'tblLocal' },
				credentials: { airtableSyncTokenApi: { accessToken: 'pat-local', baseUrl: `http://127.0.0.1:${port}` } },
			});

			expect(result.error).toBeUndefined();
			expect(result.output[0][0].json.records).toEqual([{ id: 'recLocal' }]);
			expect(seen).toEqual([{ url: '/v0/app1/tblLocal', authorization: 'Bearer pat-local' }]);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('surfaces an API failure as NodeApiError with the HTTP status', async () => {
		nock(API).get('/v0/app1/tblMissing').reply(404, { error: { type: 'TABLE_NOT_FOUND' } });

		const result = await runNode(new DummyRecords(), {
			parameters: { table: 'tblMissing' },
			credentials: tokenCredentials,
		});

		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('404');
	});
});

describe('OAuth2 credential', () => {
	const oauthCredentials = {
		clientId: 'client-1',
		clientSecret: 'secret-1',
		oauthServerUrl: `${AUTH_SERVER}/`,
		baseUrl: API,
		oauthTokenData: { access_token: 'old-access', refresh_token: 'refresh-1', token_type: 'Bearer' },
	};

	it('refreshes the token on 401 against the credential token URL, retries, and stores the new token', async () => {
		const api = nock(API)
			.get('/v0/app1/tblA')
			.matchHeader('authorization', 'Bearer old-access')
			.reply(401, { error: 'AUTHENTICATION_REQUIRED' })
			.get('/v0/app1/tblA')
			.matchHeader('authorization', 'Bearer new-access')
			.reply(200, { records: [{ id: 'rec1' }] });
		let tokenRequestBody = '';
		const tokenEndpoint = nock(AUTH_SERVER)
			.post('/oauth2/v1/token', (body: string) => {
				tokenRequestBody = typeof body === 'string' ? body : new URLSearchParams(body).toString();
				return true;
			})
			.matchHeader('authorization', `Basic ${Buffer.from('client-1:secret-1').toString('base64')}`)
			.matchHeader('content-type', /application\/x-www-form-urlencoded/)
			.reply(200, {
				access_token: 'new-access',
				refresh_token: 'refresh-2',
				token_type: 'Bearer',
				expires_in: 3600,
			});
		const credentialsHelper = new TestCredentialsHelper({ airtableSyncOAuth2Api: oauthCredentials });

		const result = await runNode(new DummyRecords(), {
			parameters: { authentication: OAUTH2, table: 'tblA' },
			credentialsHelper,
		});

		expect(result.error).toBeUndefined();
		expect(result.output[0][0].json).toEqual({ records: [{ id: 'rec1' }], typeVersion: 2 });
		expect(new URLSearchParams(tokenRequestBody).get('grant_type')).toBe('refresh_token');
		expect(new URLSearchParams(tokenRequestBody).get('refresh_token')).toBe('refresh-1');
		expect(credentialsHelper.oauthTokenUpdates).toHaveLength(1);
		expect(credentialsHelper.oauthTokenUpdates[0]).toMatchObject({
			type: 'airtableSyncOAuth2Api',
			oauthTokenData: { access_token: 'new-access', refresh_token: 'refresh-2' },
		});
		expect(credentialsHelper.getStoredCredentials('airtableSyncOAuth2Api')?.oauthTokenData).toMatchObject({
			access_token: 'new-access',
		});
		api.done();
		tokenEndpoint.done();
	});

	it('signs the next run with the stored refreshed token', async () => {
		const credentialsHelper = new TestCredentialsHelper({
			airtableSyncOAuth2Api: {
				...oauthCredentials,
				oauthTokenData: { access_token: 'new-access', refresh_token: 'refresh-2' },
			},
		});
		const api = nock(API, { reqheaders: { authorization: 'Bearer new-access' } })
			.get('/v0/app1/tblA')
			.reply(200, { records: [] });

		const result = await runNode(new DummyRecords(), {
			parameters: { authentication: OAUTH2, table: 'tblA' },
			credentialsHelper,
		});

		expect(result.error).toBeUndefined();
		expect(credentialsHelper.oauthTokenUpdates).toEqual([]);
		api.done();
	});
});

describe('editor methods', () => {
	it('calls a listSearch method with filter and pagination token, through the real LoadOptionsContext', async () => {
		const api = nock(API, { reqheaders: { authorization: 'Bearer pat-123' } })
			.get('/v0/meta/bases')
			.query({ offset: 'page2' })
			.reply(200, {
				bases: [
					{ id: 'appSales', name: 'Sales CRM' },
					{ id: 'appOps', name: 'Operations' },
				],
				offset: 'page3',
			});

		const result = await callListSearch(new DummyRecords(), 'searchBases', tokenCredentials, {}, 'sales', 'page2');

		expect(result).toEqual({
			results: [{ name: 'Sales CRM', value: 'appSales', url: 'https://airtable.com/appSales' }],
			paginationToken: 'page3',
		});
		api.done();
	});

	it('calls a loadOptions method that reads the current resource locator value', async () => {
		const api = nock(API, { reqheaders: { authorization: 'Bearer pat-123' } })
			.get('/v0/meta/bases/appSales/tables')
			.reply(200, { tables: [{ id: 'tblDeals', name: 'Deals' }] });

		const options = await callLoadOptions(new DummyRecords(), 'getTables', tokenCredentials, {
			base: { __rl: true, mode: 'id', value: 'appSales' },
		});

		expect(options).toEqual([{ name: 'Deals', value: 'tblDeals' }]);
		api.done();
	});

	it('calls a resourceMapping method with the current parameters', async () => {
		const mapping = await callResourceMapping(new DummyRecords(), 'getFields', tokenCredentials, {
			table: 'tblDeals',
		});

		expect(mapping.fields.map((field) => field.id)).toEqual(['tblDeals.Name']);
	});

	it('rejects a method the node does not have', async () => {
		await expect(callLoadOptions(new DummyRecords(), 'getViews', tokenCredentials, {})).rejects.toThrow(
			'has no loadOptions method "getViews"',
		);
	});
});

interface WebhookState extends IDataObject {
	webhookId?: string;
	macSecret?: string;
	pings?: number;
	refreshes?: number;
	closed?: boolean;
}

async function hookRequest(this: IHookFunctions, method: 'GET' | 'POST' | 'DELETE', path: string, body?: IDataObject) {
	const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('airtableSyncTokenApi');
	const base = this.getNodeParameter('base') as string;
	return (await this.helpers.httpRequestWithAuthentication.call(this, 'airtableSyncTokenApi', {
		method,
		url: `${baseUrl}/v0/bases/${base}/webhooks${path}`,
		body,
		json: true,
	})) as IDataObject;
}

/** A webhook trigger shaped like the Instant Trigger: remote webhook lifecycle, MAC-checked pings, a keep-alive cron. */
class DummyWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dummy Webhook Trigger',
		name: 'dummyWebhookTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts on signed pings',
		defaults: { name: 'Dummy Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'airtableSyncTokenApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [{ displayName: 'Base ID', name: 'base', type: 'string', default: '' }],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as WebhookState;
				if (!state.webhookId) return false;
				const { webhooks } = (await hookRequest.call(this, 'GET', '')) as { webhooks: Array<{ id: string }> };
				return webhooks.some((webhook) => webhook.id === state.webhookId);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as WebhookState;
				const created = await hookRequest.call(this, 'POST', '', {
					notificationUrl: this.getNodeWebhookUrl('default'),
				});
				state.webhookId = created.id as string;
				state.macSecret = created.macSecretBase64 as string;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as WebhookState;
				await hookRequest.call(this, 'DELETE', `/${state.webhookId}`);
				delete state.webhookId;
				delete state.macSecret;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const state = this.getWorkflowStaticData('node') as WebhookState;
		const rawBody = this.getRequestObject().rawBody as Buffer;
		const expected = createHmac('sha256', Buffer.from(state.macSecret ?? '', 'base64'))
			.update(rawBody)
			.digest('hex');
		if (this.getHeaderData()['x-airtable-content-mac'] !== `hmac-sha256=${expected}`) {
			this.getResponseObject().status(401).send('invalid signature');
			return { noWebhookResponse: true };
		}
		state.pings = (state.pings ?? 0) + 1;
		return { workflowData: [[{ json: { ...this.getBodyData(), ping: state.pings } }]] };
	}

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const state = this.getWorkflowStaticData('node') as WebhookState;
		this.helpers.registerCron({ expression: '0 0 */6 * * *' }, () => {
			state.refreshes = (state.refreshes ?? 0) + 1;
			this.emit([[{ json: { refreshed: state.refreshes } }]]);
		});
		return {
			closeFunction: async () => {
				state.closed = true;
			},
		};
	}
}

describe('webhook trigger support', () => {
	const macSecret = Buffer.from('mac-secret').toString('base64');
	const sign = (rawBody: Buffer) =>
		`hmac-sha256=${createHmac('sha256', Buffer.from(macSecret, 'base64')).update(rawBody).digest('hex')}`;
	const setup = { parameters: { base: 'appSales' }, credentials: tokenCredentials };

	it('runs the activation lifecycle and webhook requests against one persisted static data', async () => {
		const staticData: IDataObject = {};
		const state = () => nodeStaticData(staticData, 'Dummy Webhook Trigger') as WebhookState;

		const before = await callWebhookMethod(new DummyWebhookTrigger(), 'checkExists', { ...setup, staticData });
		expect(before.result).toBe(false);
		expect(before.webhookUrl).toBe('http://localhost:5678/webhook/harness-webhook-id/webhook');

		const api = nock(API, { reqheaders: { authorization: 'Bearer pat-123' } })
			.post('/v0/bases/appSales/webhooks', {
				notificationUrl: 'http://localhost:5678/webhook/harness-webhook-id/webhook',
			})
			.reply(200, { id: 'achHook1', macSecretBase64: macSecret })
			.get('/v0/bases/appSales/webhooks')
			.reply(200, { webhooks: [{ id: 'achHook1' }] });
		const created = await callWebhookMethod(new DummyWebhookTrigger(), 'create', { ...setup, staticData });
		expect(created.result).toBe(true);
		expect(created.staticDataChanged).toBe(true);
		expect(state()).toEqual({ webhookId: 'achHook1', macSecret });
		const after = await callWebhookMethod(new DummyWebhookTrigger(), 'checkExists', { ...setup, staticData });
		expect(after.result).toBe(true);
		api.done();

		// Signed over the exact bytes received: the spacing would not survive re-serialising the body.
		const rawBody = Buffer.from('{ "base":  {"id": "appSales"} }');
		const first = await callWebhook(new DummyWebhookTrigger(), {
			...setup,
			staticData,
			headers: { 'X-Airtable-Content-MAC': sign(rawBody) },
			rawBody,
		});
		expect(first.response).toEqual({ workflowData: [[{ json: { base: { id: 'appSales' }, ping: 1 } }]] });
		expect(first.written.ended).toBe(false);

		const forged = await callWebhook(new DummyWebhookTrigger(), {
			...setup,
			staticData,
			headers: { 'x-airtable-content-mac': sign(Buffer.from('{"base":{"id":"appSales"}}')) },
			rawBody,
		});
		expect(forged.response).toEqual({ noWebhookResponse: true });
		expect(forged.written).toMatchObject({ statusCode: 401, body: 'invalid signature', ended: true });

		const second = await callWebhook(new DummyWebhookTrigger(), {
			...setup,
			staticData,
			headers: { 'x-airtable-content-mac': sign(rawBody) },
			rawBody,
		});
		expect(second.response.workflowData?.[0][0].json.ping).toBe(2);
		expect(state().pings).toBe(2);

		nock(API).delete('/v0/bases/appSales/webhooks/achHook1').reply(200, {});
		const deleted = await callWebhookMethod(new DummyWebhookTrigger(), 'delete', { ...setup, staticData });
		expect(deleted.result).toBe(true);
		expect(state()).toEqual({ pings: 2 });
	});

	it('gives the test URL in manual mode and honours a forced webhook URL', async () => {
		const manual = await callWebhookMethod(new DummyWebhookTrigger(), 'checkExists', { ...setup, mode: 'manual' });
		expect(manual.webhookUrl).toBe('http://localhost:5678/webhook-test/harness-webhook-id/webhook');

		nock(API)
			.post('/v0/bases/appSales/webhooks', { notificationUrl: 'http://127.0.0.1:4567/hook' })
			.reply(200, { id: 'achHook2', macSecretBase64: macSecret });
		const forced = await callWebhookMethod(new DummyWebhookTrigger(), 'create', {
			...setup,
			webhookUrl: 'http://127.0.0.1:4567/hook',
		});
		expect(forced.webhookUrl).toBe('http://127.0.0.1:4567/hook');
	});

	it('activates trigger(): records emits from a fired cron and runs closeFunction on close', async () => {
		const staticData: IDataObject = {};
		const activated = await runTrigger(new DummyWebhookTrigger(), { ...setup, staticData });

		expect(activated.crons.map((registered) => registered.cron.expression)).toEqual(['0 0 */6 * * *']);
		expect(activated.emitted).toEqual([]);
		activated.crons[0].fire();
		activated.crons[0].fire();
		expect(activated.emitted).toEqual([[[{ json: { refreshed: 1 } }]], [[{ json: { refreshed: 2 } }]]]);

		await activated.close();
		activated.crons[0].fire();
		expect(activated.emitted).toHaveLength(2);
		expect(nodeStaticData(staticData, 'Dummy Webhook Trigger')).toEqual({ refreshes: 2, closed: true });
	});

	it('in manual mode hands the first emit after trigger() to manualTriggerResponse, as n8n does', async () => {
		const tested = await runTrigger(new DummyWebhookTrigger(), { ...setup, mode: 'manual' });
		expect(tested.response?.manualTriggerResponse).toBeInstanceOf(Promise);

		tested.crons[0].fire();

		await expect(tested.response?.manualTriggerResponse).resolves.toEqual([[{ json: { refreshed: 1 } }]]);
		expect(tested.emitted).toEqual([]);
		await tested.close();
	});
});
