import nock from 'nock';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	JsonObject,
	ResourceMapperFields,
} from 'n8n-workflow';

import { AirtableSyncOAuth2Api } from '../../credentials/AirtableSyncOAuth2Api.credentials';

import {
	callListSearch,
	callLoadOptions,
	callResourceMapping,
	jsonItems,
	nodeStaticData,
	runNode,
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
