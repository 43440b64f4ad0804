import { readFileSync } from 'fs';

import { DEMO_BASE_ID, DEMO_TOKEN, startEmulator, type EmulatorOptions, type MetricsSnapshot, type RunningEmulator } from '../../../emulator';
import { N8nApi, type WorkflowNode } from '../runtime/api';
import type { N8nConnection } from '../runtime/n8n';

export const PKG = 'n8n-nodes-airtable-sync';
export const TOKEN_CREDENTIAL = 'airtableSyncTokenApi';
export const OAUTH2_CREDENTIAL = 'airtableSyncOAuth2Api';

/** The suite's n8n server (started once by globalSetup). */
export function connectN8n(): N8nApi {
	const file = process.env.AIRTABLE_SYNC_E2E_STATE;
	if (!file) throw new Error('AIRTABLE_SYNC_E2E_STATE is not set: run the e2e tests through jest (globalSetup starts n8n)');
	return new N8nApi(JSON.parse(readFileSync(file, 'utf8')) as N8nConnection);
}

export interface E2eContext {
	n8n: N8nApi;
	emulator: RunningEmulator;
	credential: { id: string; name: string };
	/** `credentials` entry for a node using the token credential. */
	credentials: WorkflowNode['credentials'];
	metrics(sinceSeq?: number): Promise<MetricsSnapshot>;
	admin<T>(method: string, path: string, body?: unknown): Promise<T>;
	close(): Promise<void>;
}

/**
 * One emulator per test file (the demo base, on a free port) and a token credential in the
 * shared n8n pointing at it. Tests act as "a person in the UI" through the emulator's admin API.
 */
export async function setupContext(name: string, options: EmulatorOptions = {}, credentialName = `${name} token`): Promise<E2eContext> {
	const n8n = connectN8n();
	const emulator = await startEmulator({ seed: 'demo', log: false, ...options });
	const credential = await n8n.createCredential(credentialName, TOKEN_CREDENTIAL, { accessToken: DEMO_TOKEN, baseUrl: emulator.url });
	const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
		const response = await fetch(`${emulator.url}/_emulator${path}`, {
			method,
			headers: { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`emulator ${method} ${path} -> ${response.status}: ${text}`);
		return JSON.parse(text) as T;
	};
	return {
		n8n,
		emulator,
		credential,
		credentials: { [TOKEN_CREDENTIAL]: credential },
		metrics: async (sinceSeq?: number) => await admin<MetricsSnapshot>('GET', `/metrics${sinceSeq === undefined ? '' : `?sinceSeq=${sinceSeq}`}`),
		admin,
		close: async () => await emulator.close(),
	};
}

/** Base and table as resource-locator values picked "from the list". */
export function locators(table: string, tableName = table): Record<string, unknown> {
	return {
		base: { __rl: true, mode: 'list', value: DEMO_BASE_ID, cachedResultName: 'Demo CRM' },
		table: { __rl: true, mode: 'list', value: table, cachedResultName: tableName },
	};
}

interface ExportedTable {
	id: string;
	name: string;
	fields: Array<{ id: string; name: string }>;
	records: Array<{ id: string; fields: Record<string, unknown> }>;
}

/** A table's records as the emulator holds them (admin API, not counted), fields by name. */
export async function tableRecords(ctx: E2eContext, table: string): Promise<Array<{ id: string; fields: Record<string, unknown> }>> {
	const base = await ctx.admin<{ tables: ExportedTable[] }>('GET', `/bases/${DEMO_BASE_ID}`);
	const found = base.tables.find((t) => t.name === table || t.id === table);
	if (!found) throw new Error(`No table ${table}`);
	const names = new Map(found.fields.map((f) => [f.id, f.name]));
	return found.records.map((r) => ({ id: r.id, fields: Object.fromEntries(Object.entries(r.fields).map(([id, v]) => [names.get(id) ?? id, v])) }));
}

/** The last request sequence number so far, to read only what a step sent. */
export async function lastSeq(ctx: E2eContext): Promise<number> {
	const snapshot = await ctx.metrics();
	return snapshot.log.length ? snapshot.log[snapshot.log.length - 1].seq : 0;
}

/** Requests the emulator answered since `seq`, API only (admin calls are not logged). */
export async function requestsSince(ctx: E2eContext, seq: number): Promise<MetricsSnapshot['log']> {
	return (await ctx.metrics(seq)).log;
}

export { DEMO_BASE_ID, DEMO_TOKEN };
export { DEMO_IDS } from '../../../emulator';
