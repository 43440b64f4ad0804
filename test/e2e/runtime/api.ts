import { randomUUID } from 'crypto';

import type { N8nConnection } from './n8n';

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	continueOnFail?: boolean;
	onError?: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
}

export type Connections = Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;

export interface WorkflowDefinition {
	name: string;
	nodes: WorkflowNode[];
	connections: Connections;
	settings?: Record<string, unknown>;
}

export interface NodeRun {
	startTime: number;
	executionTime: number;
	executionStatus?: string;
	error?: { message: string; description?: string; [key: string]: unknown };
	data?: { main: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }> | null> };
}

export interface Execution {
	id: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string;
	stoppedAt?: string;
	workflowId: string;
	data?: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: { message: string; [key: string]: unknown };
			lastNodeExecuted?: string;
		};
	};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Items of one output of a node's (first, unless `run` says otherwise) run. */
export function outputOf(execution: Execution, node: string, output = 0, run = 0): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData.runData[node];
	if (!runs?.[run]) throw new Error(`Node "${node}" did not run in execution ${execution.id} (${execution.status}): ${JSON.stringify(execution.data?.resultData.error ?? null)}`);
	return (runs[run].data?.main[output] ?? []).map((item) => item.json);
}

export function nodeError(execution: Execution, node: string): NodeRun['error'] | undefined {
	return execution.data?.resultData.runData[node]?.[0]?.error;
}

/** n8n's public API (X-N8N-API-KEY) plus the few editor REST calls the public API lacks. */
export class N8nApi {
	constructor(readonly connection: N8nConnection) {}

	get url(): string {
		return this.connection.url;
	}

	async public<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.url}/api/v1${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'X-N8N-API-KEY': this.connection.apiKey },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`n8n ${method} /api/v1${path} -> ${response.status}: ${text.slice(0, 1000)}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	async rest<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.url}/rest${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'browser-id': 'e2e', cookie: this.connection.cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`n8n ${method} /rest${path} -> ${response.status}: ${text.slice(0, 1000)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<{ id: string; name: string }> {
		const created = await this.public<{ id: string; name: string }>('POST', '/credentials', { name, type, data });
		return { id: created.id, name: created.name };
	}

	async createWorkflow(definition: WorkflowDefinition): Promise<{ id: string; versionId: string }> {
		const nodes = definition.nodes.map((n) => ({ id: n.id ?? randomUUID(), ...n }));
		return await this.public('POST', '/workflows', { settings: { executionOrder: 'v1' }, ...definition, nodes });
	}

	async getWorkflow(id: string): Promise<WorkflowDefinition & { id: string; active: boolean; staticData?: unknown }> {
		return await this.public('GET', `/workflows/${id}`);
	}

	/** n8n 2.x calls activation "publish" (`/activate` is its deprecated alias). */
	async activate(id: string): Promise<void> {
		await this.public('POST', `/workflows/${id}/publish`, {});
	}

	async deactivate(id: string): Promise<void> {
		await this.public('POST', `/workflows/${id}/unpublish`, {});
	}

	async deleteWorkflow(id: string): Promise<void> {
		await this.public('DELETE', `/workflows/${id}`);
	}

	async executions(workflowId: string): Promise<Execution[]> {
		const page = await this.public<{ data: Execution[] }>('GET', `/executions?workflowId=${workflowId}&includeData=true&limit=100`);
		return page.data;
	}

	async execution(id: string): Promise<Execution> {
		return await this.public('GET', `/executions/${id}?includeData=true`);
	}

	/** Waits until the workflow has at least `count` finished executions (newest first). */
	async waitForExecutions(workflowId: string, count = 1, timeoutMs = 60_000): Promise<Execution[]> {
		const deadline = Date.now() + timeoutMs;
		let last: Execution[] = [];
		while (Date.now() < deadline) {
			last = (await this.executions(workflowId)).filter((e) => e.status !== 'running' && e.status !== 'new' && e.status !== 'waiting');
			if (last.length >= count) return last;
			await sleep(300);
		}
		throw new Error(`Expected ${count} execution(s) of workflow ${workflowId}, saw ${last.length}`);
	}

	/** POSTs to a production webhook path. */
	async callWebhook(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
		const response = await fetch(`${this.url}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// plain text answer
		}
		return { status: response.status, body: parsed };
	}
}

/**
 * A workflow that starts from a Webhook (POST, answers when the last node is done) and turns
 * `body.items` into items, so a test can run `nodes` once with any input and read the result.
 */
export function webhookWorkflow(
	name: string,
	nodes: WorkflowNode[],
	extraConnections: Connections = {},
): { definition: WorkflowDefinition; path: string } {
	const path = `e2e-${randomUUID()}`;
	const first = nodes[0];
	const definition: WorkflowDefinition = {
		name,
		nodes: [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
			},
			{
				name: 'Items',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.items', include: 'noOtherFields', options: {} },
			},
			...nodes,
		],
		connections: {
			Webhook: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: first.name, type: 'main', index: 0 }]] },
			...extraConnections,
		},
	};
	return { definition, path };
}

/** Creates, activates and runs a webhook workflow once per `run()` call. */
export class WorkflowRunner {
	private constructor(
		readonly api: N8nApi,
		readonly id: string,
		readonly path: string,
	) {}

	static async create(api: N8nApi, name: string, nodes: WorkflowNode[], connections: Connections = {}): Promise<WorkflowRunner> {
		const { definition, path } = webhookWorkflow(name, nodes, connections);
		const created = await api.createWorkflow(definition);
		await api.activate(created.id);
		return new WorkflowRunner(api, created.id, path);
	}

	/** Runs the workflow with these input items; resolves with the finished execution. */
	async run(items: Array<Record<string, unknown>>): Promise<Execution> {
		const before = new Set((await this.api.executions(this.id)).map((e) => e.id));
		// Publishing returns before n8n has registered the webhook (about a second later).
		let answer = await this.api.callWebhook(this.path, { items });
		for (let attempt = 0; answer.status === 404 && attempt < 100; attempt++) {
			await sleep(300);
			answer = await this.api.callWebhook(this.path, { items });
		}
		const deadline = Date.now() + 60_000;
		while (Date.now() < deadline) {
			const done = (await this.api.executions(this.id)).find((e) => !before.has(e.id) && e.status !== 'running' && e.status !== 'new');
			if (done) return done;
			await sleep(200);
		}
		throw new Error(`No execution of workflow ${this.id} after webhook answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
	}
}
