/**
 * Attachment upload bench: 100 files of 1 MB uploaded into 100 records of one base through the
 * client, with the nodes' bounded concurrency (`--lanes=` to try another), against the emulator at
 * Airtable's real limits (5 requests/s per base). Reports the pace against that ceiling and the
 * uploading process's peak memory (it runs in its own Node process, the emulator does not).
 *
 * `npx tsc -p test/bench/tsconfig.json && node build/bench/test/bench/attachments.js [--rtt=200,100] [--files=100]`
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { AirtableClient } from '../../index';
import { UPLOAD_CONCURRENCY } from '../../nodes/shared/attachments/attachmentWrites';
import { forEachBounded } from '../../nodes/shared/attachments/binary';
import { machine, paceOfCeiling, pct, round, say, tokenConfig, TOKEN } from './common';
import { emulator, observe } from './emulator';

const BASE = 'appBenchFiles0001';
const TABLE = 'Files';
const FILE_BYTES = 1024 * 1024;

interface ChildJob {
	url: string;
	recordIds: string[];
	lanes: number;
}

interface ChildResult {
	ok: boolean;
	uploaded: number;
	wallMs: number;
	peakRssMiB: number;
	peakHeapUsedMiB: number;
	peakArrayBuffersMiB: number;
	baselineRssMiB: number;
	stats: { requests: number; retries: number; rateLimited: number };
	error?: string;
}

const MiB = 1024 * 1024;

/** One file's bytes, made when its upload starts (as the node reads a binary property right before it). */
function fileBytes(index: number): Buffer {
	const data = Buffer.alloc(FILE_BYTES);
	for (let i = 0; i < data.length; i += 4096) data[i] = (index + i) & 0xff;
	return data;
}

async function child(job: ChildJob): Promise<ChildResult> {
	global.gc?.();
	const baseline = process.memoryUsage();
	const peak = { rss: baseline.rss, heapUsed: baseline.heapUsed, arrayBuffers: baseline.arrayBuffers };
	const sampler = setInterval(() => {
		const now = process.memoryUsage();
		peak.rss = Math.max(peak.rss, now.rss);
		peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
		peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
	}, 20);
	const client = new AirtableClient({ token: TOKEN, baseUrl: job.url });
	const table = client.base(BASE).table(TABLE);
	const started = Date.now();
	let uploaded = 0;
	let error: string | undefined;
	try {
		await forEachBounded(
			job.recordIds.map((id, index) => ({ id, index })),
			job.lanes,
			async ({ id, index }) => {
				await table.uploadAttachment(id, 'File', { data: fileBytes(index), filename: `file-${index}.bin`, contentType: 'application/octet-stream' });
				uploaded++;
			},
		);
	} catch (caught) {
		error = caught instanceof Error ? caught.message : String(caught);
	}
	const wallMs = Date.now() - started;
	clearInterval(sampler);
	return {
		ok: !error && uploaded === job.recordIds.length,
		uploaded,
		wallMs,
		peakRssMiB: round(peak.rss / MiB, 1),
		peakHeapUsedMiB: round(peak.heapUsed / MiB, 1),
		peakArrayBuffersMiB: round(peak.arrayBuffers / MiB, 1),
		baselineRssMiB: round(baseline.rss / MiB, 1),
		stats: client.stats(),
		...(error ? { error } : {}),
	};
}

function runChildProcess(job: ChildJob): Promise<ChildResult> {
	return new Promise((resolve, reject) => {
		const proc = spawn(process.execPath, ['--expose-gc', __filename, '--child', JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		proc.on('error', reject);
		proc.on('close', () => {
			const line = out.trim().split('\n').pop() ?? '';
			try {
				resolve(JSON.parse(line) as ChildResult);
			} catch {
				reject(new Error(`bench child gave no result: ${out.slice(-300)}`));
			}
		});
	});
}

async function main(): Promise<void> {
	const argv = process.argv.slice(2);
	const rttArg = argv.find((a) => a.startsWith('--rtt='));
	const [latencyMs, latencyJitterMs] = (rttArg ? rttArg.slice(6) : '200,100').split(',').map(Number);
	const filesArg = argv.find((a) => a.startsWith('--files='));
	const files = filesArg ? Number(filesArg.slice(8)) : 100;
	const lanesArg = argv.find((a) => a.startsWith('--lanes='));
	const lanes = lanesArg ? Number(lanesArg.slice(8)) : UPLOAD_CONCURRENCY;
	const records = Array.from({ length: files }, (_, i) => ({ fields: { Name: `record ${i}` } }));
	const emu = await emulator(
		[{ id: BASE, name: 'Bench files', tables: [{ name: TABLE, fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'File', type: 'multipleAttachments' }], records }] }],
		{ latencyMs: latencyMs || 0, latencyJitterMs: latencyJitterMs || 0 },
		{ tokens: [tokenConfig()] },
	);
	try {
		const table = emu.state.bases.get(BASE)!.tables[0];
		const recordIds = [...table.records.keys()];
		say(`Attachments: ${files} files of 1 MB uploaded into ${files} records of one base, ${lanes} at a time (RTT ${latencyMs}–${latencyMs + latencyJitterMs} ms)`);
		const result = await runChildProcess({ url: emu.url, recordIds, lanes });
		const fileField = table.fields.find((f) => f.name === 'File')!;
		const stored = [...table.records.values()].filter((r) => Array.isArray(r.cells[fileField.id]) && (r.cells[fileField.id] as Array<{ size: number }>)[0]?.size === FILE_BYTES).length;
		const metrics = emu.state.metrics.snapshot();
		const seen = observe(emu, [BASE]);
		const uploadsPerS = result.uploaded / (result.wallMs / 1000);
		const row = {
			files,
			fileBytes: FILE_BYTES,
			concurrency: lanes,
			rtt: `${latencyMs}–${latencyMs + latencyJitterMs} ms`,
			wallS: round(result.wallMs / 1000),
			uploadsPerS: round(uploadsPerS),
			// Every upload is one request against the base's ceiling: 5 at once, then 5 per second.
			paceOfCeiling: round(paceOfCeiling(seen.reads + seen.writes, seen.arrivalSpanMs), 4),
			requests: metrics.requests.total,
			rateLimited: metrics.requests.byStatus['429'] ?? 0,
			storedInEmulator: stored,
			peakRssMiB: result.peakRssMiB,
			baselineRssMiB: result.baselineRssMiB,
			peakHeapUsedMiB: result.peakHeapUsedMiB,
			peakArrayBuffersMiB: result.peakArrayBuffersMiB,
			ok: result.ok && stored === files,
			...(result.error ? { error: result.error } : {}),
		};
		say(
			`  ${row.files} × 1 MB: ${row.wallS} s, ${row.uploadsPerS} uploads/s, ${pct(row.paceOfCeiling)} of the ceiling, ` +
				`${row.requests} requests, ${row.rateLimited} × 429, peak RSS ${row.peakRssMiB} MiB (baseline ${row.baselineRssMiB}), ` +
				`peak heap ${row.peakHeapUsedMiB} MiB, peak buffers ${row.peakArrayBuffersMiB} MiB, ${row.storedInEmulator}/${row.files} stored${row.ok ? '' : ' — FAILED'}`,
		);
		const out = path.join(__dirname, '..', '..', '..', '..', 'test', 'bench', 'results');
		writeFileSync(path.join(out, 'attachments.json'), `${JSON.stringify({ machine: machine(), when: new Date().toISOString(), row }, null, 2)}\n`);
		writeFileSync(
			path.join(out, 'attachments.md'),
			[
				'# Attachment uploads',
				'',
				`${files} files of 1 MB, each uploaded into its own record through \`table.uploadAttachment\` with ${lanes} uploads in flight (the nodes use ${UPLOAD_CONCURRENCY}), `,
				`against the emulator at Airtable's limits (5 requests/s per base), RTT ${row.rtt}. The uploading process runs alone (the emulator is in another process).`,
				'Pace of the ceiling = (requests − 5) ÷ 5 s, the fastest the limit allows, ÷ the span between the first and the last arrival at the emulator.',
				'',
				'| files | wall | uploads/s | pace of the ceiling | requests | 429s | peak RSS | baseline RSS | peak heap | peak buffers | stored |',
				'|---|---|---|---|---|---|---|---|---|---|---|',
				`| ${files} × 1 MB | ${row.wallS} s | ${row.uploadsPerS} | ${pct(row.paceOfCeiling)} | ${row.requests} | ${row.rateLimited} | ${row.peakRssMiB} MiB | ${row.baselineRssMiB} MiB | ${row.peakHeapUsedMiB} MiB | ${row.peakArrayBuffersMiB} MiB | ${row.storedInEmulator}/${files} |`,
				'',
			].join('\n'),
		);
		if (!row.ok) process.exitCode = 1;
	} finally {
		await emu.close();
	}
}

if (process.argv[2] === '--child') {
	void child(JSON.parse(process.argv[3]) as ChildJob).then((result) => {
		process.stdout.write(`${JSON.stringify(result)}\n`);
		process.exit(0);
	});
} else {
	void main();
}
