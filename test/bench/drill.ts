/**
 * `npm run drill` — fault drills against the emulator's fault injection. Each drill prints
 * what it tried and what was lost (must be nothing); the process exits 1 if anything was.
 * Limits are Airtable's real ones (5/s per base, 50/s per token, 30 s lock-out) in every drill.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { RunningEmulator } from '../../emulator';
import { AirtableClient } from '../../nodes/client/AirtableClient';
import { AirtableError } from '../../nodes/client/errors';
import type { AirtableRecord, SettledResult } from '../../nodes/client/types';
import { checkBeforeWrite } from '../../nodes/client/schema/validate';
import {
	baseId,
	benchBase,
	item,
	items,
	machine,
	MERGE_FIELD,
	round,
	say,
	seedRecords,
	sleep,
	TABLE,
	TOKEN,
} from './common';
import { emulator, observe } from './emulator';
import { checkDeliveries, Receiver } from './receiver';
import { triggerClusterDrill } from './triggerCluster';

interface DrillResult {
	name: string;
	tried: string;
	outcome: string;
	lost: number;
	passed: boolean;
	details: Record<string, unknown>;
	seconds: number;
}

const quick = process.argv.includes('--quick');
const NO_RTT = { latencyMs: 0, latencyJitterMs: 0 };

function client(emu: RunningEmulator): AirtableClient {
	return new AirtableClient({ token: TOKEN, baseUrl: emu.url });
}

/** Value per key as the table holds it now, with how many rows carry each key. */
function tableState(emu: RunningEmulator, id: string): Map<string, { count: number; value: unknown }> {
	const table = emu.state.bases.get(id)!.tables.find((t) => t.name === TABLE)!;
	const keyField = table.fields.find((f) => f.name === MERGE_FIELD)!;
	const valueField = table.fields.find((f) => f.name === 'Value')!;
	const state = new Map<string, { count: number; value: unknown }>();
	for (const record of table.records.values()) {
		const key = String(record.cells[keyField.id]);
		const entry = state.get(key) ?? { count: 0, value: undefined };
		entry.count++;
		entry.value = record.cells[valueField.id];
		state.set(key, entry);
	}
	return state;
}

function describeError(error: unknown): string {
	return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/* ------------------------------------------------------------------ drills */

async function serverErrors(): Promise<DrillResult> {
	const count = quick ? 300 : 3000;
	const id = baseId(101);
	// Half the keys exist already: the upsert updates 50 % and creates 50 %.
	const emu = await emulator([benchBase(id, seedRecords(count / 2))], NO_RTT, {
		faults: { seed: 7, errorRates: { '502': 0.075, '503': 0.075 } },
	});
	try {
		const c = client(emu);
		let error: unknown;
		await c.base(id).table(TABLE).upsert(items(count, 1), { fieldsToMergeOn: [MERGE_FIELD] }).catch((e: unknown) => (error = e));
		const state = tableState(emu, id);
		let lost = 0;
		let duplicated = 0;
		let stale = 0;
		for (let i = 0; i < count; i++) {
			const entry = state.get(item(i).Key);
			if (!entry) lost++;
			else if (entry.count > 1) duplicated += entry.count - 1;
			else if (entry.value !== item(i, 1).Value) stale++;
		}
		const m = emu.state.metrics.snapshot();
		const faults = (m.requests.byStatus['502'] ?? 0) + (m.requests.byStatus['503'] ?? 0);
		return {
			name: '15 % 502/503 during an upsert',
			tried: `upsert ${count} records (half new) while 7.5 % of requests answer 502 and 7.5 % 503 (seeded)`,
			outcome: `${m.requests.total} requests, ${faults} answered 5xx and were retried, ${m.rateLimited} × 429; table holds ${state.size} keys; ${duplicated} duplicates, ${stale} stale${error ? `; error: ${describeError(error)}` : ''}`,
			lost: lost + duplicated + stale + (error ? 1 : 0),
			passed: !error && lost + duplicated + stale === 0 && m.rateLimited === 0,
			details: { requests: m.requests.total, faults5xx: faults, retries: c.stats().retries, rows: [...state.values()].reduce((s, e) => s + e.count, 0), duplicated, stale, lost },
			seconds: 0,
		};
	} finally {
		await emu.close();
	}
}

async function droppedAfterWrite(): Promise<DrillResult> {
	const count = quick ? 200 : 500;
	const upsertBase = baseId(102);
	const createBase = baseId(103);
	const emu = await emulator([benchBase(upsertBase), benchBase(createBase)], NO_RTT, {
		faults: { seed: 11, dropAfterWriteRate: 0.1 },
	});
	try {
		const c = client(emu);
		// Idempotent: upsert retries after a lost answer and matches the record it created.
		let upsertError: unknown;
		await c.base(upsertBase).table(TABLE).upsert(items(count), { fieldsToMergeOn: [MERGE_FIELD] }).catch((e: unknown) => (upsertError = e));
		const upserted = tableState(emu, upsertBase);
		const upsertMissing = items(count).filter((f) => !upserted.has(f.Key)).length;
		const upsertDuplicates = [...upserted.values()].reduce((s, e) => s + e.count - 1, 0);
		// Not idempotent: a create whose answer was lost must not be sent again.
		const settled = await c.base(createBase).table(TABLE).createSettled(items(count));
		const created = tableState(emu, createBase);
		const okKeys = settled.filter((r) => r.ok).map((r) => item(r.index).Key);
		const unknown = settled.filter((r) => !r.ok && r.error instanceof AirtableError && r.error.kind === 'unknown-outcome');
		const otherFailures = settled.filter((r) => !r.ok).length - unknown.length;
		const createDuplicates = [...created.values()].reduce((s, e) => s + e.count - 1, 0);
		const okMissing = okKeys.filter((k) => created.get(k)?.count !== 1).length;
		const unknownLanded = unknown.filter((r) => created.has(item(r.index).Key)).length;
		const m = emu.state.metrics.snapshot();
		const lost = upsertMissing + upsertDuplicates + createDuplicates + okMissing + otherFailures + (upsertError ? 1 : 0);
		const sample = unknown[0] && !unknown[0].ok ? unknown[0].error.message : '';
		return {
			name: 'connections dropped after the write was applied',
			tried: `10 % of write requests are applied, then the connection is closed unanswered: upsert ${count} records, then create ${count} records (settled)`,
			outcome:
				`upsert: ${upserted.size}/${count} keys, ${upsertDuplicates} duplicates${upsertError ? `, error ${describeError(upsertError)}` : ''}; ` +
				`create: ${okKeys.length} reported created (${okMissing} missing), ${unknown.length} reported "unknown outcome" (${unknownLanded} of them did land, as the dropped answers hid), ` +
				`${createDuplicates} duplicates, ${otherFailures} other failures; ${m.faults} connections dropped`,
			lost,
			passed: lost === 0,
			details: { dropped: m.faults, upsertDuplicates, createDuplicates, unknownOutcome: unknown.length, unknownLanded, sampleMessage: sample },
			seconds: 0,
		};
	} finally {
		await emu.close();
	}
}

async function rateLimitStorm(): Promise<DrillResult> {
	const id = baseId(104);
	const emu = await emulator([benchBase(id)], NO_RTT);
	try {
		// Another client (another workflow, a script) hammers the base: it locks the base for 30 s.
		const other = await Promise.all(
			Array.from({ length: 20 }, () =>
				fetch(`${emu.url}/v0/${id}/${TABLE}?pageSize=1`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.status),
			),
		);
		const lockStart = Date.now();
		const stormEnd = emu.state.metrics.snapshot().log.length;
		const c = client(emu);
		const records = 50;
		let error: unknown;
		await c.base(id).table(TABLE).create(items(records)).catch((e: unknown) => (error = e));
		const log = emu.state.metrics.snapshot().log.slice(stormEnd).filter((e) => e.method === 'POST');
		const into = log.filter((e) => e.status === 429);
		const firstOk = log.find((e) => e.status === 200);
		const lastRefused = into[into.length - 1];
		const heldMs = firstOk && lastRefused ? firstOk.timeMs - lastRefused.timeMs : NaN;
		const rows = observe(emu, [id]).rows;
		const passed = !error && rows === records && into.length <= 2 && heldMs >= 30_000;
		return {
			name: '429 storm from another client',
			tried: `another client sends 20 requests at once (${other.filter((s) => s === 429).length} answered 429: base locked 30 s); ours then creates ${records} records`,
			outcome:
				`ours sent ${into.length} request(s) into the lock, then held ${round(heldMs / 1000, 1)} s before the next request; ` +
				`${rows}/${records} records landed, ${log.length} write requests in all, finished ${round((Date.now() - lockStart) / 1000, 1)} s after the lock began${error ? `; error: ${describeError(error)}` : ''}`,
			lost: records - rows + (error ? 1 : 0),
			passed,
			details: { requestsIntoLock: into.length, heldMs, target: '≤ 2 requests into the lock, hold ≥ 30 s' },
			seconds: 0,
		};
	} finally {
		await emu.close();
	}
}

async function quotaExhausted(): Promise<DrillResult> {
	const id = baseId(105);
	const emu = await emulator([benchBase(id)], NO_RTT, { limits: { monthlyQuota: 0 } as never });
	try {
		const c = client(emu);
		const started = Date.now();
		let listError: unknown;
		await c.base(id).table(TABLE).list().all().catch((e: unknown) => (listError = e));
		const listRequests = emu.state.metrics.snapshot().requests.total;
		let createError: unknown;
		await c.base(id).table(TABLE).create(items(100)).catch((e: unknown) => (createError = e));
		const createRequests = emu.state.metrics.snapshot().requests.total - listRequests;
		const seconds = (Date.now() - started) / 1000;
		const clear = [listError, createError].every((e) => e instanceof AirtableError && /quota/i.test(e.message));
		return {
			name: 'monthly quota exhausted',
			tried: 'the workspace quota is used up (429 PUBLIC_API_BILLING_LIMIT_EXCEEDED): list a table, then create 100 records',
			outcome: `list: ${listRequests} request, create of 10 chunks: ${createRequests} request(s) (the chunks already in flight), failed in ${round(seconds, 2)} s; message: "${listError instanceof Error ? listError.message : String(listError)}"`,
			lost: 0,
			passed: clear && listRequests === 1 && createRequests <= 5 && seconds < 5,
			details: { listRequests, createRequests, kind: listError instanceof AirtableError ? listError.kind : undefined },
			seconds: 0,
		};
	} finally {
		await emu.close();
	}
}

/** 80 writes carry the 800 good items; one schema read; a little room, no bisecting. */
const REQUEST_TARGET = 90;

async function malformedItems(): Promise<DrillResult> {
	const id = baseId(106);
	const emu = await emulator([benchBase(id)], NO_RTT);
	try {
		const c = client(emu);
		const total = 1000;
		const bad = new Set<number>();
		const input: unknown[] = items(total).map((fields, i) => {
			if (i % 5 !== 3) return fields;
			bad.add(i);
			const kind = (i / 5) % 4 | 0;
			if (kind === 0) return `not an object ${i}`; // caught before sending
			if (kind === 1) return { ...fields, Valeu: 1 }; // unknown field name
			if (kind === 2) return { ...fields, Value: `abc ${i}` }; // text into a number field
			return { ...fields, Value: { nested: true } }; // object into a number field
		});
		// The field check before the first write (one schema read) keeps the bad items out of
		// the requests; the write call then never sends them (its preset failures).
		const check = await checkBeforeWrite(c.base(id), TABLE, input, { typecast: false }, { operation: 'create' });
		const sendable = [...input.keys()].filter((i) => !check.failures.has(i));
		const sent = await c.base(id).table(TABLE).createSettled(sendable.map((i) => input[i]) as never, { typecast: false });
		const results = new Array<SettledResult<AirtableRecord>>(total);
		for (const [i, error] of check.failures) results[i] = { ok: false, index: i, error };
		for (const r of sent) {
			const index = sendable[r.index];
			if (r.ok) results[index] = { ...r, index };
			else results[index] = { ok: false, index, error: r.error instanceof AirtableError ? r.error.withItemIndexes([index]) : r.error };
		}
		const state = tableState(emu, id);
		const goodMissing = [...Array(total).keys()].filter((i) => !bad.has(i) && state.get(item(i).Key)?.count !== 1).length;
		const badLanded = [...bad].filter((i) => state.has(item(i).Key)).length;
		const badErrors = results.filter((r) => !r.ok && bad.has(r.index));
		const clearErrors = badErrors.filter((r) => !r.ok && r.error instanceof AirtableError && (r.error.itemIndexes ?? []).join() === String(r.index));
		const goodFailed = results.filter((r) => !r.ok && !bad.has(r.index)).length;
		const m = emu.state.metrics.snapshot();
		const samples = [3, 8, 13, 18].map((i) => {
			const r = results[i];
			return !r.ok ? `#${i}: ${r.error.message}` : `#${i}: ok?!`;
		});
		const lost = goodMissing + badLanded + (bad.size - clearErrors.length) + goodFailed;
		return {
			name: '200 malformed items among good ones',
			tried: `field check against the schema, then createSettled: ${total} items, ${bad.size} malformed (not an object, unknown field, text / object into a number field); target ≤ ${REQUEST_TARGET} requests`,
			outcome: `${total - bad.size - goodMissing}/${total - bad.size} good items landed once, ${clearErrors.length}/${bad.size} bad items got their own error (item index set; ${check.failures.size} caught before sending), ${badLanded} bad items landed, ${m.requests.total} requests (${m.requests.byEndpoint['meta.tables'] ?? 0} schema read, ${m.writes.requests} writes, ${m.requests.byStatus['422'] ?? 0} × 422, ${m.rateLimited} × 429)`,
			lost,
			passed: lost === 0 && m.rateLimited === 0 && m.requests.total <= REQUEST_TARGET,
			details: { requests: m.requests.total, writes: m.writes.requests, rejected422: m.requests.byStatus['422'] ?? 0, caughtBeforeSending: check.failures.size, samples },
			seconds: 0,
		};
	} finally {
		await emu.close();
	}
}

async function pingFaults(): Promise<DrillResult> {
	const id = baseId(107);
	const emu = await emulator([benchBase(id)], NO_RTT, {
		pings: { duplicate: true, reorderJitterMs: 300, retryBaseMs: 200, retryMaxMs: 2000 },
	});
	const receiver = new Receiver(emu, id, { loseEvery: 3 });
	try {
		await receiver.start();
		const changes = quick ? 60 : 200;
		const made: string[] = [];
		for (let i = 0; i < changes; i++) {
			made.push((await receiver.change({ Name: `change ${i}`, Key: `c-${i}`, Value: i })).id);
			if (i % 20 === 0) {
				await fetch(`${emu.url}/_emulator/webhooks/${receiver.id}/ping`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ forged: true }),
				});
			}
			await sleep(i % 10 === 0 ? 400 : 20);
		}
		await receiver.waitFor(changes, 60_000);
		await sleep(1500);
		const check = checkDeliveries(made, receiver);
		const forgedSent = Math.ceil(changes / 20);
		const lost = check.missing + check.duplicates + (check.inOrder ? 0 : 1) + (receiver.pingsForged === forgedSent ? 0 : 1);
		return {
			name: 'trigger pings duplicated / reordered / forged / lost',
			tried: `${changes} UI changes; every ping sent twice, 0–300 ms reorder jitter, every 3rd valid ping lost (connection dropped, Airtable retries), ${forgedSent} forged pings (wrong MAC)`,
			outcome: `${check.distinct}/${changes} changes delivered, ${check.duplicates} duplicates, in order: ${check.inOrder}; ${receiver.pingsValid} valid pings (${receiver.pingsLost} lost), ${receiver.pingsForged}/${forgedSent} forged refused with 401, ${receiver.drains} drains`,
			lost,
			passed: lost === 0,
			details: { ...check, pingsValid: receiver.pingsValid, pingsLost: receiver.pingsLost, forgedRefused: receiver.pingsForged, forgedSent, drains: receiver.drains },
			seconds: 0,
		};
	} finally {
		await receiver.close();
		await emu.close();
	}
}

async function triggerQueueMode(): Promise<DrillResult> {
	const changes = quick ? 100 : 500;
	const r = await triggerClusterDrill(changes);
	return {
		name: 'Instant Trigger in queue mode, every ping to two webhook processes',
		tried: `real n8n 2.41: main (no production webhooks) + 1 worker + 2 \`n8n webhook\` processes behind a proxy that sends every ping to both, Redis, ${changes} changes`,
		outcome: `${r.delivered}/${r.changes} delivered, ${r.duplicates} duplicates, ${r.pingsForwarded} pings (each to both processes), ${r.payloadRequests} payload requests, ${r.rateLimited} × 429, ${r.seconds} s`,
		lost: r.missing,
		passed: r.missing === 0 && r.duplicates === 0,
		details: { ...r },
		seconds: 0,
	};
}

/* ------------------------------------------------------------------ main */

const DRILLS: Array<[string, () => Promise<DrillResult>]> = [
	['5xx', serverErrors],
	['drop', droppedAfterWrite],
	['storm', rateLimitStorm],
	['quota', quotaExhausted],
	['malformed', malformedItems],
	['pings', pingFaults],
	['trigger-queue', triggerQueueMode],
];

async function main(): Promise<void> {
	const onlyArg = process.argv.find((a) => a.startsWith('--only='));
	const only = onlyArg ? new Set(onlyArg.slice(7).split(',')) : undefined;
	const info = machine();
	say(`Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB; Node ${info.node}; n8n-nodes-airtable-sync ${info.packageVersion}`);
	say("Emulator limits in every drill: Airtable's real ones (5 req/s per base, 50 per token, 30 s lock-out)");
	const started = Date.now();
	const results: DrillResult[] = [];
	for (const [key, drill] of DRILLS) {
		if (only && !only.has(key)) continue;
		const t0 = Date.now();
		let result: DrillResult;
		try {
			result = await drill();
		} catch (error) {
			result = { name: key, tried: '(drill crashed)', outcome: describeError(error), lost: 1, passed: false, details: {}, seconds: 0 };
		}
		result.seconds = round((Date.now() - t0) / 1000, 1);
		say('');
		say(`${result.passed ? 'PASS' : 'FAIL'} ${result.name} (${result.seconds} s)`);
		say(`  tried: ${result.tried}`);
		say(`  outcome: ${result.outcome}`);
		say(`  lost: ${result.lost}`);
		results.push(result);
	}
	const failed = results.filter((r) => !r.passed);
	const md = [
		'### Fault drills',
		'',
		`Reproduce: \`npm run drill\` — ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${round((Date.now() - started) / 1000, 1)} s; Node ${info.node}. Emulator with Airtable's real limits.`,
		'',
		'| Drill | What it tried | Outcome | Lost | Result |',
		'| --- | --- | --- | --- | --- |',
		...results.map((r) => `| ${r.name} | ${r.tried} | ${r.outcome.replace(/\|/g, '\\|')} | ${r.lost} | ${r.passed ? 'pass' : '**FAIL**'} |`),
		'',
	].join('\n');
	const dir = path.resolve(__dirname, '../../../../test/bench/results');
	mkdirSync(dir, { recursive: true });
	const full = !only && !quick;
	writeFileSync(path.join(dir, full ? 'drills.json' : 'drills-partial.json.tmp'), `${JSON.stringify({ kind: 'drill', machine: info, startedAt: new Date(started).toISOString(), results }, null, 2)}\n`);
	writeFileSync(path.join(dir, full ? 'drills.md' : 'drills-partial.md.tmp'), md);
	say('');
	say(md);
	say(failed.length ? `${failed.length} drill(s) FAILED: ${failed.map((f) => f.name).join(', ')}` : 'All drills passed: nothing lost.');
	process.exit(failed.length ? 1 : 0);
}

void main();
