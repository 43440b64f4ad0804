/** Markdown for the README from a bench results file. */
import type { BenchResults } from './bench';

function pct(ratio: number): string {
	return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '–';
}

function table(header: string[], rows: Array<Array<string | number>>): string {
	const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function markdown(r: BenchResults): string {
	const m = r.machine;
	const out: string[] = [];
	out.push(`### Benchmarks${r.quick ? ' (quick sizes)' : ''}`);
	out.push('');
	out.push(
		`Reproduce: \`${r.command}\` — ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${r.durationS} s. ` +
			`${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}; n8n-nodes-airtable-sync ${m.packageVersion}; airtable.js ${m.airtableJsVersion}. ` +
			`Load average before/after: ${m.loadAverage[0]} / ${r.machineAfter.loadAverage[0]} (other work shared the machine; the figures are bound by the rate limit, not the CPU).`,
	);
	out.push('');
	out.push(
		`Local emulator with Airtable's limits: 5 req/s per base, 50 req/s per token, 30 s lock-out after a 429. ` +
			`Simulated round trip per request: ${r.rtt.latencyMs}–${r.rtt.latencyMs + r.rtt.latencyJitterMs} ms (added after the limiter admits the request). ` +
			'Every variant runs against a fresh emulator in its own Node process.',
	);
	if (r.remeasured) {
		const again = r.remeasured;
		out.push('');
		out.push(
			`Sections ${again.sections.join(', ')} come from a separate run, \`${again.command}\` at ${again.startedAt.slice(0, 16).replace('T', ' ')} UTC ` +
				`(load average ${again.loadAverage[0]}), same machine and emulator settings.`,
		);
	}
	if (r.write) {
		out.push('');
		out.push(
			'**Write** (pace of the ceiling = the fastest span for n successful requests, (n − 5) ÷ 5 s since 5 may start at once, ÷ the span between the first and the last arrival at the emulator; never above 100 %; target for ours ≥ 95 %, zero 429s)',
		);
		out.push('');
		out.push(
			table(
				['Operation', 'Records', 'Client', 'Wall time', 'Requests', '429s', 'Pace of ceiling', 'Rows / duplicates'],
				r.write.map((w) => [
					w.op,
					w.records.toLocaleString('en-US'),
					w.client,
					w.completed ? `${w.wallS} s` : `> ${w.wallS} s (${w.note ?? 'did not finish'})`,
					w.requests,
					w.rateLimited,
					pct(w.paceOfCeiling),
					`${w.rows} / ${w.duplicates}`,
				]),
			),
		);
	}
	if (r.read) {
		out.push('');
		out.push(
			'**Read** (list every record; ideal = (pages − 5) ÷ 5 s, the fastest the limit allows; "of ideal" = ideal ÷ the span of the page requests\' arrivals — pages are sequential, each offset comes from the page before, so the round trip, not the limit, sets the pace; heap = peak above a post-GC baseline, each variant in its own process)',
		);
		out.push('');
		out.push(
			table(
				['Records', 'Client / API', 'RTT', 'Wall time', 'Ideal', 'Of ideal', 'Requests', '429s', 'Peak heap'],
				r.read.map((x) => [
					x.records.toLocaleString('en-US'),
					x.client,
					x.rtt,
					x.completed ? `${x.wallS} s` : `> ${x.wallS} s (${x.note ?? 'did not finish'})`,
					`${x.idealS} s`,
					pct(x.paceOfIdeal),
					x.requests,
					x.rateLimited,
					`${x.peakHeapMiB} MiB`,
				]),
			),
		);
	}
	if (r.sync) {
		out.push('');
		out.push(`**Sync at table scale** (${r.sync.how}; pace = (requests − 5) ÷ 5 s over the span of their arrivals)`);
		out.push('');
		out.push(
			table(
				['Case', 'Plan', 'Wall time', 'Reads', 'Writes', '429s', 'Pace of ceiling', 'Peak heap', 'Read plan'],
				r.sync.rows.map((x) => [
					x.case,
					x.plan,
					x.completed ? `${x.wallS} s` : `> ${x.wallS} s (${x.note ?? 'did not finish'})`,
					x.reads,
					x.writes,
					x.rateLimited,
					pct(x.paceOfCeiling),
					`${x.peakHeapMiB} MiB`,
					x.readPlan ?? '–',
				]),
			),
		);
	}
	if (r.resync) {
		const s = r.resync;
		out.push('');
		out.push(`**Re-sync** (${s.how}; target ≤ 0.01 write requests per record)`);
		out.push('');
		out.push(
			table(
				['Records', 'Changed', 'Write requests', 'Write requests / record', 'Total requests', 'Wall time', '429s', 'Unchanged items reported'],
				s.rows.map((x) => [x.records, x.changed, x.writeRequests, x.writeRequestsPerRecord, x.totalRequests, `${x.wallS} s`, x.rateLimited, x.unchangedReported]),
			),
		);
	}
	if (r.multi) {
		out.push('');
		out.push('**Several bases in parallel** (one token; ceiling = min(5 × bases, 50) req/s)');
		out.push('');
		out.push(
			table(
				['Bases', 'Records per base', 'Wall time', 'Requests', 'Aggregate req/s', 'Ceiling', 'Pace of ceiling', '429s'],
				r.multi.map((x) => [x.bases, x.recordsPerBase, `${x.wallS} s`, x.requests, x.requestsPerSecond, x.ceilingPerSecond, pct(x.paceOfCeiling), x.rateLimited]),
			),
		);
	}
	if (r.processes) {
		const p = r.processes;
		out.push('');
		out.push(`**Several processes, one base** (n8n queue mode: ${p.how}; ceiling 5 req/s for the base, max in 1 s counted from the emulator's request log by arrival time)`);
		if (p.command !== r.command) {
			out.push('');
			out.push(`This section was measured separately: \`${p.command}\` at ${p.startedAt.slice(0, 16).replace('T', ' ')} UTC, same machine and emulator settings.`);
		}
		out.push('');
		out.push(
			table(
				['Processes × records', 'Limiter', 'Wall time', 'Requests', '429s', 'Max requests in 1 s', 'Aggregate req/s', 'Pace of ceiling', 'Rows / duplicates'],
				p.rows.map((x) => [
					`${x.processes} × ${x.recordsPerProcess}`,
					x.limiter,
					x.completed ? `${x.wallS} s` : `> ${x.wallS} s (${x.note ?? 'did not finish'})`,
					x.requests,
					x.rateLimited,
					x.maxInAnySecond,
					x.requestsPerSecond,
					pct(x.paceOfCeiling),
					`${x.rows} / ${x.duplicates}`,
				]),
			),
		);
	}
	if (r.trigger) {
		const t = r.trigger;
		out.push('');
		out.push(`**Trigger** (${t.how})`);
		out.push('');
		out.push(
			table(
				['Scenario', 'Changes', 'Delivered', 'Duplicates', 'In order', 'p50', 'p95', 'Drain time', 'Requests'],
				t.rows.map((x) => [x.scenario, x.changes, x.delivered, x.duplicates, x.inOrder ? 'yes' : 'NO', x.p50Ms === undefined ? '–' : `${x.p50Ms} ms`, x.p95Ms === undefined ? '–' : `${x.p95Ms} ms`, x.drainS === undefined ? '–' : `${x.drainS} s`, x.requests]),
			),
		);
	}
	out.push('');
	return out.join('\n');
}
