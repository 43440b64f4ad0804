/**
 * One measured variant, run in its own Node process by common.runChild(). The job comes as
 * JSON in argv[2]; the result goes to stdout as one JSON line. Requests, 429s and records
 * landed are counted by the parent from the emulator, never trusted from here.
 */
import Airtable from 'airtable';

import { AirtableClient } from '../../nodes/client/AirtableClient';
import type { TableHandle } from '../../nodes/client/records/records';
import { changedFields } from '../../nodes/client/sync/syncCompare';
import type { Fields } from '../../nodes/client/types';
import { loadHostRedis } from '../../nodes/shared/queueMode/hostRedis';
import { closeRedisLimitStores, redisLimitStore } from '../../nodes/shared/queueMode/redisStore';
import { item, items, MERGE_FIELD, TABLE, tableId, TOKEN, type BenchFields } from './common';

export type WriteImpl = 'ours' | 'ajs-seq' | 'ajs-par';
export type ReadImpl = 'ours-stream' | 'ours-all' | 'ajs-all' | 'ajs-eachPage';
export type SyncImpl = 'before' | 'after';

export type Job =
	| { kind: 'write'; impl: WriteImpl; op: 'create' | 'upsert'; url: string; baseId: string; count: number; generation?: number }
	| { kind: 'read'; impl: ReadImpl; url: string; baseId: string }
	| { kind: 'multi'; url: string; baseIds: string[]; count: number }
	| { kind: 'resync'; url: string; baseId: string; count: number; changed: number }
	| { kind: 'sync'; impl: SyncImpl; url: string; baseId: string; inputCount: number; stride: number; changed: number }
	/** One of several processes writing into one base (gated: started with common.startChild). */
	| { kind: 'process'; url: string; baseId: string; count: number; offset: number; redisUrl?: string };

export interface WorkerResult {
	ok: boolean;
	error?: string;
	wallMs: number;
	records?: number;
	/** Our client's own counters (ours only). */
	clientStats?: { requests: number; retries: number; rateLimited: number; throttledMs: number };
	/** Heap, in MiB above the baseline taken after a forced GC (read jobs). */
	peakHeapMiB?: number;
	baselineHeapMiB?: number;
	perBaseWallMs?: number[];
	/** How table.sync read the existing records (sync jobs). */
	readPlan?: string;
	/** The Batch Upsert node's summary item (resync jobs). */
	summary?: Record<string, unknown>;
}

function emit(result: WorkerResult): void {
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

function ajsTable(url: string, baseId: string) {
	// requestTimeout: 5 min like its default; no other option exists to tame its retries.
	const airtable = new Airtable({ apiKey: TOKEN, endpointUrl: url });
	return airtable.base(baseId).table(TABLE);
}

function chunk<T>(list: T[], size = 10): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

async function ajsWrite(
	table: ReturnType<typeof ajsTable>,
	op: 'create' | 'upsert',
	records: BenchFields[],
): Promise<void> {
	const payload = records.map((fields) => ({ fields }));
	if (op === 'create') await table.create(payload as never);
	else await table.update(payload as never, { performUpsert: { fieldsToMergeOn: [MERGE_FIELD] } } as never);
}

async function write(job: Extract<Job, { kind: 'write' }>): Promise<WorkerResult> {
	const records = items(job.count, job.generation ?? 0);
	const started = Date.now();
	if (job.impl === 'ours') {
		const client = new AirtableClient({ token: TOKEN, baseUrl: job.url });
		const table = client.base(job.baseId).table(TABLE);
		if (job.op === 'create') await table.create(records);
		else await table.upsert(records, { fieldsToMergeOn: [MERGE_FIELD] });
		return { ok: true, wallMs: Date.now() - started, records: records.length, clientStats: client.stats() };
	}
	const table = ajsTable(job.url, job.baseId);
	const chunks = chunk(records);
	if (job.impl === 'ajs-seq') {
		for (const part of chunks) await ajsWrite(table, job.op, part);
	} else {
		await Promise.all(chunks.map((part) => ajsWrite(table, job.op, part)));
	}
	return { ok: true, wallMs: Date.now() - started, records: records.length };
}

/** Samples heapUsed every 5 ms and on demand; peak is reported above a post-GC baseline. */
class HeapProbe {
	private peak = 0;
	private readonly timer: NodeJS.Timeout;
	readonly baseline: number;

	constructor() {
		const gc = (globalThis as { gc?: () => void }).gc;
		gc?.();
		this.baseline = process.memoryUsage().heapUsed;
		this.timer = setInterval(() => this.sample(), 5);
	}

	sample(): void {
		this.peak = Math.max(this.peak, process.memoryUsage().heapUsed);
	}

	stop(): { peakHeapMiB: number; baselineHeapMiB: number } {
		clearInterval(this.timer);
		this.sample();
		return { peakHeapMiB: (this.peak - this.baseline) / 2 ** 20, baselineHeapMiB: this.baseline / 2 ** 20 };
	}
}

async function read(job: Extract<Job, { kind: 'read' }>): Promise<WorkerResult> {
	// Node loads fetch (undici) on its first use, airtable.js loads its HTTP stack on import: one
	// request outside the base (whoami) first, so neither baseline nor time includes loading code.
	const ours = job.impl === 'ours-stream' || job.impl === 'ours-all';
	const client = ours ? new AirtableClient({ token: TOKEN, baseUrl: job.url }) : undefined;
	await client?.whoami();
	const probe = new HeapProbe();
	const started = Date.now();
	let count = 0;
	// Each variant touches every record the same way so the work per record is equal.
	let checksum = 0;
	const touch = (fields: Record<string, unknown>) => {
		count++;
		checksum += Number(fields.Value ?? 0);
	};
	if (client) {
		const query = client.base(job.baseId).table(TABLE).list();
		if (job.impl === 'ours-stream') {
			for await (const record of query) {
				touch(record.fields);
				if (count % 100 === 0) probe.sample();
			}
		} else {
			const all = await query.all();
			probe.sample();
			for (const record of all) touch(record.fields);
		}
		const heap = probe.stop();
		return { ok: checksum > 0, wallMs: Date.now() - started, records: count, clientStats: client.stats(), ...heap };
	}
	const table = ajsTable(job.url, job.baseId);
	if (job.impl === 'ajs-all') {
		const all = await table.select({ pageSize: 100 }).all();
		probe.sample();
		for (const record of all) touch(record.fields);
	} else {
		await table.select({ pageSize: 100 }).eachPage((records, next) => {
			for (const record of records) touch(record.fields);
			probe.sample();
			next();
		});
	}
	const heap = probe.stop();
	return { ok: checksum > 0, wallMs: Date.now() - started, records: count, ...heap };
}

async function multi(job: Extract<Job, { kind: 'multi' }>): Promise<WorkerResult> {
	const client = new AirtableClient({ token: TOKEN, baseUrl: job.url });
	const started = Date.now();
	const perBaseWallMs = await Promise.all(
		job.baseIds.map(async (id) => {
			await client.base(id).table(TABLE).create(items(job.count));
			return Date.now() - started;
		}),
	);
	return {
		ok: true,
		wallMs: Date.now() - started,
		records: job.count * job.baseIds.length,
		clientStats: client.stats(),
		perBaseWallMs,
	};
}

/**
 * One "n8n worker process": creates records k-offset … into the shared base, with the limits
 * shared through Redis (redisUrl) or in this process's memory only. Warms up first (a fresh
 * process's first fetch is slow; the warm-up endpoint is outside the base's limit and, shared,
 * connects to Redis), prints "ready", and starts when the parent writes a line on stdin.
 */
async function writerProcess(job: Extract<Job, { kind: 'process' }>): Promise<WorkerResult> {
	if (job.redisUrl) await loadHostRedis();
	const client = new AirtableClient({
		token: TOKEN,
		baseUrl: job.url,
		sharedLimits: job.redisUrl
			? redisLimitStore({ redis: job.redisUrl, logger: { warn: (message) => process.emitWarning(message) } })
			: undefined,
	});
	await client.whoami();
	process.stdout.write('ready\n');
	await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
	const started = Date.now();
	try {
		await client.base(job.baseId).table(TABLE).create(items(job.count, 0, job.offset));
	} finally {
		closeRedisLimitStores();
	}
	return { ok: true, wallMs: Date.now() - started, records: job.count, clientStats: client.stats() };
}

/**
 * Re-sync through the Airtable Batch Upsert node inside n8n-core's engine (the test harness):
 * the same records again, `changed` of them with a new Value, Skip Unchanged on.
 */
async function resync(job: Extract<Job, { kind: 'resync' }>): Promise<WorkerResult> {
	const [{ runNode, jsonItems }, { AirtableBatchUpsert }] = await Promise.all([
		import('../nodes/harness/run-node'),
		import('../../nodes/AirtableBatchUpsert/AirtableBatchUpsert.node'),
	]);
	const column = (id: string, type: 'string' | 'number') => ({
		id,
		displayName: id,
		required: false,
		defaultMatch: false,
		display: true,
		canBeUsedToMatch: true,
		type,
	});
	const input = jsonItems(...items(job.count).map((fields, i) => (i < job.changed ? { ...fields, Value: -1 - i } : fields)));
	const started = Date.now();
	const result = await runNode(new AirtableBatchUpsert(), {
		parameters: {
			base: { __rl: true, mode: 'id', value: job.baseId },
			table: { __rl: true, mode: 'id', value: tableId(job.baseId) },
			columns: {
				mappingMode: 'defineBelow',
				value: { Name: '={{ $json.Name }}', Key: '={{ $json.Key }}', Value: '={{ $json.Value }}', Note: '={{ $json.Note }}' },
				matchingColumns: [MERGE_FIELD],
				schema: [column('Name', 'string'), column('Key', 'string'), column('Value', 'number'), column('Note', 'string')],
			},
			skipUnchanged: true,
			options: { output: 'summary' },
		},
		credentials: { airtableSyncTokenApi: { accessToken: TOKEN, baseUrl: job.url } },
		input,
	});
	const wallMs = Date.now() - started;
	if (result.error) return { ok: false, error: `${result.error.name}: ${result.error.message}`, wallMs };
	return { ok: true, wallMs, records: job.count, summary: result.output[0]?.[0]?.json as Record<string, unknown> };
}

/** Today's plan (until table.sync): read the whole table, compare, upsert what differs. */
async function syncBefore(table: TableHandle, rows: Fields[]): Promise<void> {
	const existing = await table.list({ fields: ['Name', 'Key', 'Value', 'Note'] }).all();
	const byKey = new Map(existing.map((record) => [record.fields[MERGE_FIELD], record]));
	const toSend = rows.filter((row) => {
		const current = byKey.get(row[MERGE_FIELD]);
		return !current || changedFields(row, current.fields).length > 0;
	});
	if (toSend.length) await table.upsertSettled(toSend, { fieldsToMergeOn: [MERGE_FIELD] });
}

async function sync(job: Extract<Job, { kind: 'sync' }>): Promise<WorkerResult> {
	const rows: Fields[] = Array.from({ length: job.inputCount }, (_, j) => {
		const fields = item(j * job.stride);
		return j < job.changed ? { ...fields, Value: -1 - j } : fields;
	});
	const client = new AirtableClient({ token: TOKEN, baseUrl: job.url });
	const table = client.base(job.baseId).table(TABLE);
	// Open the connections of a first burst before measuring: the rows compare read plans, and a
	// fresh process's first connections are slow on a busy machine (whoami is outside the base's limit).
	await Promise.all(Array.from({ length: 5 }, () => client.whoami()));
	const probe = new HeapProbe();
	const started = Date.now();
	if (job.impl === 'before') {
		await syncBefore(table, rows);
		return { ok: true, wallMs: Date.now() - started, clientStats: client.stats(), ...probe.stop() };
	}
	const result = await table.sync(rows, { fieldsToMergeOn: [MERGE_FIELD], skipUnchanged: true });
	const wallMs = Date.now() - started;
	const ok = result.counts.failed === 0 && result.counts.unchanged === job.inputCount - job.changed;
	return { ok, wallMs, clientStats: client.stats(), readPlan: result.readPlan, ...probe.stop(), ...(ok ? {} : { error: JSON.stringify(result.counts) }) };
}

async function main(): Promise<void> {
	const job = JSON.parse(process.argv[2] ?? '{}') as Job;
	const started = Date.now();
	try {
		if (job.kind === 'write') emit(await write(job));
		else if (job.kind === 'read') emit(await read(job));
		else if (job.kind === 'multi') emit(await multi(job));
		else if (job.kind === 'resync') emit(await resync(job));
		else if (job.kind === 'sync') emit(await sync(job));
		else if (job.kind === 'process') emit(await writerProcess(job));
		else throw new Error(`Unknown job ${JSON.stringify(job)}`);
	} catch (error) {
		emit({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), wallMs: Date.now() - started });
	}
	process.exit(0);
}

void main();
