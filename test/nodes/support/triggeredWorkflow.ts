import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { AirtableInstantTrigger } from '../../../nodes/AirtableInstantTrigger/AirtableInstantTrigger.node';
import { callWebhook, callWebhookMethod } from '../harness';

/**
 * A stand-in for one active n8n workflow that starts with the Instant Trigger: Airtable's (the
 * emulator's) pings arrive over HTTP at a local server that calls the node's webhook() in
 * n8n-core's contexts, static data is saved only when an execution starts (as n8n does), and
 * each execution's items go to `then` — the rest of the workflow. No keep-alive timer: these
 * tests are about what pings deliver.
 */
export interface TriggeredWorkflowSetup {
	apiUrl: string;
	token: string;
	baseId: string;
	tableId: string;
	/** The trigger's Options collection. */
	options?: IDataObject;
	/** The workflow after the trigger. */
	then(items: INodeExecutionData[]): Promise<void>;
}

export class TriggeredWorkflow {
	readonly executions: IDataObject[][] = [];
	/** What went wrong inside a delivery (a ping the harness could not hand over, a failing workflow). */
	readonly errors: unknown[] = [];
	private saved: IDataObject = {};
	private server?: http.Server;
	private busy = 0;

	constructor(private readonly setup: TriggeredWorkflowSetup) {}

	get credentials() {
		return { airtableSyncTokenApi: { accessToken: this.setup.token, baseUrl: this.setup.apiUrl } };
	}

	private get parameters(): INodeParameters {
		return {
			base: { __rl: true, mode: 'id', value: this.setup.baseId },
			table: { __rl: true, mode: 'id', value: this.setup.tableId },
			events: ['created', 'updated'],
			options: this.setup.options ?? {},
		} as INodeParameters;
	}

	/** Starts the local webhook endpoint and registers the Airtable webhook (workflow activation). */
	async activate(): Promise<void> {
		this.server = http.createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => void this.deliver(Buffer.concat(chunks), request.headers as Record<string, string>, response));
		});
		await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
		const webhookUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook/harness-webhook-id/webhook`;
		const staticData: IDataObject = {};
		const created = await callWebhookMethod(new AirtableInstantTrigger(), 'create', {
			parameters: this.parameters,
			credentials: this.credentials,
			webhookUrl,
			staticData,
		});
		if (!created.result) throw new Error('the trigger did not register its webhook');
		this.saved = JSON.parse(JSON.stringify(staticData)) as IDataObject;
	}

	private async deliver(rawBody: Buffer, headers: Record<string, string>, response: http.ServerResponse): Promise<void> {
		this.busy++;
		try {
			const staticData = JSON.parse(JSON.stringify(this.saved)) as IDataObject;
			const result = await callWebhook(new AirtableInstantTrigger(), {
				parameters: this.parameters,
				credentials: this.credentials,
				staticData,
				rawBody,
				headers,
			});
			response.writeHead(result.written.statusCode);
			response.end();
			const items = result.response.workflowData?.[0];
			if (!items) return;
			this.saved = staticData;
			this.executions.push(items.map((item) => item.json));
			await this.setup.then(items);
		} catch (error) {
			this.errors.push(error);
			if (!response.headersSent) {
				response.writeHead(500);
				response.end();
			}
		} finally {
			this.busy--;
		}
	}

	get idle(): boolean {
		return this.busy === 0;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}

/** Waits until none of the workflows has a ping in flight or a new execution for `quietMs`. */
export async function settle(workflows: TriggeredWorkflow[], quietMs = 600): Promise<void> {
	const count = () => workflows.reduce((sum, workflow) => sum + workflow.executions.length, 0);
	let seen = -1;
	let quietSince = Date.now();
	while (Date.now() - quietSince < quietMs) {
		await new Promise((resolve) => setTimeout(resolve, 25));
		if (!workflows.every((workflow) => workflow.idle) || count() !== seen) {
			seen = count();
			quietSince = Date.now();
		}
	}
}
