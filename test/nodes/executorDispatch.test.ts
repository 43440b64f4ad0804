import nock from 'nock';
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { createN8nExecutor } from '../../nodes/shared/executor';
import { TOKEN_CREDENTIAL_TYPE } from '../../nodes/shared/properties';
import { TestCredentialsHelper } from './harness/credentials-helper';
import { runNode } from './harness/run-node';

/*
 * Issue 13 §2: inside n8n a request leaves only after n8n resolved the credential, so the
 * limiter must count it from the dispatch the executor reports. These runs go through
 * n8n-core's real httpRequestWithAuthentication and axios.
 */

const API = 'https://api.dispatch.test';
const events: string[] = [];

/** A node whose execute() sends one request through the n8n executor and records the order of events. */
class DispatchProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dispatch Probe',
		name: 'dispatchProbe',
		group: ['transform'],
		version: 1,
		description: 'test only',
		defaults: { name: 'Dispatch Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: TOKEN_CREDENTIAL_TYPE, required: true }],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const executor = createN8nExecutor(this, TOKEN_CREDENTIAL_TYPE, API);
		const response = await executor.send({
			method: 'GET',
			path: '/v0/appX/tblY',
			onDispatch: () => events.push('dispatched'),
		});
		return [[{ json: { status: response.status, signals: executor.signalsDispatch === true } }]];
	}
}

afterEach(() => nock.cleanAll());

it('reports the dispatch after n8n resolved the credential and before the request arrives', async () => {
	events.length = 0;
	const credentials = new TestCredentialsHelper({ [TOKEN_CREDENTIAL_TYPE]: { accessToken: 'patDispatch.secret', baseUrl: API } });
	const getDecrypted = credentials.getDecrypted.bind(credentials);
	credentials.getDecrypted = async (...args: Parameters<typeof getDecrypted>) => {
		events.push('credential resolving');
		const data = await getDecrypted(...args);
		events.push('credential resolved');
		return data;
	};
	nock(API)
		.get('/v0/appX/tblY')
		.reply(() => {
			events.push('arrived');
			return [200, { records: [] }];
		});

	const result = await runNode(new DispatchProbe(), { credentialsHelper: credentials });
	expect(result.error).toBeUndefined();
	expect(result.output[0][0].json).toEqual({ status: 200, signals: true });
	expect(events).toEqual(['credential resolving', 'credential resolved', 'dispatched', 'arrived']);
});
