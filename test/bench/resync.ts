/** Re-sync: the same records again through the Batch Upsert node with Skip Unchanged. */
import type { Options } from './bench';
import { baseId, benchBase, round, runChild, say, seedRecords } from './common';
import { emulator, observe } from './emulator';
import type { Job, WorkerResult } from './worker';

export interface ResyncRow {
	records: number;
	changed: number;
	writeRequests: number;
	writeRequestsPerRecord: number;
	totalRequests: number;
	wallS: number;
	rateLimited: number;
	unchangedReported: number;
	ok: boolean;
	note?: string;
}

export async function resyncBench(options: Options): Promise<{ how: string; rows: ResyncRow[] }> {
	say('Re-sync: unchanged records through the Airtable Batch Upsert node (n8n-core engine), Skip Unchanged on');
	const count = options.quick ? 300 : 3000;
	const rows: ResyncRow[] = [];
	for (const changed of [0, count / 100]) {
		const id = baseId(1);
		const emu = await emulator([benchBase(id, seedRecords(count))], options.rtt);
		try {
			const outcome = await runChild<WorkerResult>({ kind: 'resync', url: emu.url, baseId: id, count, changed } satisfies Job, 300_000);
			const seen = observe(emu, [id]);
			const summary = outcome.result?.summary ?? {};
			const ok = outcome.result?.ok === true && seen.rows === count && seen.distinctKeys === count;
			const row: ResyncRow = {
				records: count,
				changed,
				writeRequests: seen.writeRequests,
				writeRequestsPerRecord: round(seen.writeRequests / count, 4),
				totalRequests: seen.requests,
				wallS: round((outcome.result?.wallMs ?? outcome.wallMs) / 1000),
				rateLimited: seen.rateLimited,
				unchangedReported: Number(summary.unchanged ?? NaN),
				ok,
				...(ok ? {} : { note: outcome.result?.error ?? outcome.stderr.slice(-300) }),
			};
			say(
				`  ${count} records, ${changed} changed: ${row.writeRequests} write requests (${row.writeRequestsPerRecord} per record), ` +
					`${row.totalRequests} requests in all, ${row.wallS} s, ${row.rateLimited} × 429, node reported ${row.unchangedReported} unchanged${row.note ? ` — ${row.note}` : ''}`,
			);
			rows.push(row);
		} finally {
			await emu.close();
		}
	}
	return { how: 'Airtable Batch Upsert node run by n8n-core\'s WorkflowExecute (test harness), Skip Unchanged on, merge on Key', rows };
}
