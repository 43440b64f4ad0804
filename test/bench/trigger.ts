/** Trigger: change -> ping -> drained latency, and a burst of 1,000 changes. */
import type { Options } from './bench';
import { baseId, benchBase, percentile, round, say, sleep } from './common';
import { emulator } from './emulator';
import { checkDeliveries, Receiver } from './receiver';

export interface TriggerRow {
	scenario: string;
	changes: number;
	delivered: number;
	duplicates: number;
	inOrder: boolean;
	p50Ms?: number;
	p95Ms?: number;
	drainS?: number;
	requests: number;
}

export async function triggerBench(options: Options): Promise<{ how: string; rows: TriggerRow[] }> {
	say('Trigger: change -> signed ping -> MAC check -> drainPayloads');
	const rows: TriggerRow[] = [];
	const spaced = options.quick ? 8 : 25;
	const burst = options.quick ? 200 : 1000;

	for (const scenario of ['spaced', 'burst'] as const) {
		const id = baseId(1);
		const emu = await emulator([benchBase(id)], options.rtt);
		const receiver = new Receiver(emu, id);
		try {
			await receiver.start();
			emu.state.metrics.reset();
			const made: Array<{ id: string; at: number }> = [];
			const count = scenario === 'spaced' ? spaced : burst;
			const started = Date.now();
			for (let i = 0; i < count; i++) {
				made.push(await receiver.change({ Name: `change ${i}`, Key: `c-${i}`, Value: i }));
				if (scenario === 'spaced') await sleep(1000);
			}
			await receiver.waitFor(count, 120_000);
			await sleep(500); // anything delivered twice would arrive now
			const check = checkDeliveries(made.map((m) => m.id), receiver);
			const madeAt = new Map(made.map((m) => [m.id, m.at]));
			const firstDelivery = new Map<string, number>();
			for (const d of receiver.deliveries) if (!firstDelivery.has(d.recordId)) firstDelivery.set(d.recordId, d.at);
			const latencies = [...firstDelivery].map(([rid, at]) => at - (madeAt.get(rid) ?? at));
			const lastAt = Math.max(...firstDelivery.values());
			const metrics = emu.state.metrics.snapshot();
			const row: TriggerRow = {
				scenario: scenario === 'spaced' ? 'one change per second' : `burst of ${count} changes`,
				changes: count,
				delivered: check.distinct,
				duplicates: check.duplicates,
				inOrder: check.inOrder,
				p50Ms: round(percentile(latencies, 50), 0),
				p95Ms: round(percentile(latencies, 95), 0),
				...(scenario === 'burst' ? { drainS: round((lastAt - started) / 1000) } : {}),
				requests: metrics.requests.total,
			};
			say(
				`  ${row.scenario}: ${row.delivered}/${count} delivered, ${row.duplicates} duplicates, in order: ${row.inOrder}, ` +
					`p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms${row.drainS !== undefined ? `, drained in ${row.drainS} s` : ''}, ` +
					`${row.requests} API requests (${receiver.pingsValid} pings)`,
			);
			rows.push(row);
		} finally {
			await receiver.close();
			await emu.close();
		}
	}
	return {
		how: 'client webhooks API: signed ping -> verifyWebhookMac -> drainPayloads from the stored cursor; changes made as UI edits; latency = change made -> record drained; ping debounce 100 ms as the emulator default',
		rows,
	};
}
