import { recordCircuitBreakerState, recordWebhookEvent } from '../../index';
import { resetMetrics } from '../../nodes/client/observability/metrics';
import {
	exposeMetricsToN8n,
	findN8nPromClient,
	mirrorMetricsInto,
	resetN8nMetrics,
	type PromClient,
} from '../../nodes/shared/runtime/n8nMetrics';

/** A stand-in for prom-client's API: records what was registered and every change. */
function fakePromClient() {
	const registered = new Map<string, { type: string; config: Record<string, unknown>; calls: unknown[][] }>();
	const removed: string[] = [];
	const kind = (type: string) =>
		class {
			constructor(config: { name: string }) {
				registered.set(config.name, { type, config, calls: [] });
				const entry = registered.get(config.name) as { calls: unknown[][] };
				for (const method of ['inc', 'set', 'observe'] as const) {
					(this as Record<string, unknown>)[method] = (...args: unknown[]) => entry.calls.push([method, ...args]);
				}
			}
		};
	const client = {
		register: {
			getSingleMetric: (name: string) => registered.get(name),
			removeSingleMetric: (name: string) => {
				removed.push(name);
				registered.delete(name);
			},
			getMetricsAsArray: () => [...registered.values()],
		},
		Counter: kind('counter'),
		Gauge: kind('gauge'),
		Histogram: kind('histogram'),
	} as unknown as PromClient;
	return { client, registered, removed };
}

function moduleCacheWith(entries: Record<string, unknown>): NodeJS.Dict<NodeModule> {
	return Object.fromEntries(Object.entries(entries).map(([path, exports]) => [path, { exports } as NodeModule]));
}

beforeEach(() => {
	resetMetrics();
	resetN8nMetrics();
});
afterAll(() => resetN8nMetrics());

describe("finding n8n's prom-client", () => {
	it('takes the copy already loaded in the module cache, never loading one', () => {
		const { client } = fakePromClient();
		const path = '/usr/lib/node_modules/n8n/node_modules/prom-client/index.js';
		expect(findN8nPromClient(moduleCacheWith({ [path]: client }), undefined)).toBe(client);
		expect(findN8nPromClient(moduleCacheWith({ '/x/node_modules/other/index.js': client }), undefined)).toBeUndefined();
	});

	it("takes the copy n8n's entry script resolves first when two are loaded", () => {
		const n8n = fakePromClient().client;
		const cache = moduleCacheWith({
			'/srv/n8n/node_modules/some-lib/node_modules/prom-client/index.js': fakePromClient().client,
			'/srv/n8n/node_modules/prom-client/index.js': n8n,
		});
		expect(findN8nPromClient(cache, ['/srv/n8n/node_modules/n8n/bin/node_modules', '/srv/n8n/node_modules/n8n/node_modules', '/srv/n8n/node_modules'])).toBe(n8n);
		const windows = moduleCacheWith({ 'C:\\n8n\\node_modules\\prom-client\\index.js': n8n });
		expect(findN8nPromClient(windows, ['C:\\n8n\\node_modules'])).toBe(n8n);
	});

	it('uses none when two copies are loaded and the entry script does not say which is n8n’s', () => {
		const cache = moduleCacheWith({
			'/a/node_modules/prom-client/index.js': fakePromClient().client,
			'/b/node_modules/prom-client/index.js': fakePromClient().client,
		});
		expect(findN8nPromClient(cache, undefined)).toBeUndefined();
	});

	it('ignores a module that is not prom-client-shaped', () => {
		const cache = moduleCacheWith({ '/a/node_modules/prom-client/index.js': { register: {} } });
		expect(findN8nPromClient(cache, undefined)).toBeUndefined();
	});
});

describe('mirroring into prom-client', () => {
	it('registers each family once with its labels and buckets, and forwards every change', () => {
		const { client, registered } = fakePromClient();
		mirrorMetricsInto(client);
		recordWebhookEvent({ baseId: 'appMIRROR00000001', tableId: 'tblMIRROR00000001', type: 'created' }, 2);
		recordWebhookEvent({ baseId: 'appMIRROR00000001', tableId: 'tblMIRROR00000001', type: 'created' });
		recordCircuitBreakerState('appMIRROR00000001', 'open');

		const events = registered.get('airtable_webhook_events_total');
		expect(events?.type).toBe('counter');
		expect(events?.config.labelNames).toEqual(['base', 'table', 'type']);
		expect(events?.calls).toEqual([
			['inc', { base: 'appMIRROR00000001', table: 'tblMIRROR00000001', type: 'created' }, 2],
			['inc', { base: 'appMIRROR00000001', table: 'tblMIRROR00000001', type: 'created' }, 1],
		]);
		expect(registered.get('airtable_circuit_breaker_state')?.calls).toEqual([['set', { base: 'appMIRROR00000001' }, 1]]);
	});

	it('replaces families an earlier load of the package left in the registry', () => {
		const first = fakePromClient();
		mirrorMetricsInto(first.client);
		recordWebhookEvent({ baseId: 'appMIRROR00000001', type: 'ping' });
		resetN8nMetrics();
		mirrorMetricsInto(first.client);
		recordWebhookEvent({ baseId: 'appMIRROR00000001', type: 'ping' });
		expect(first.removed).toEqual(['airtable_webhook_events_total']);
		expect(first.registered.get('airtable_webhook_events_total')?.calls).toHaveLength(1);
	});

	it("mirrors only once n8n's registry holds n8n's metrics (its endpoint is on), and says once when prom-client is missing", () => {
		const info = jest.fn();
		const logger = { warn: jest.fn(), info };
		const { client, registered } = fakePromClient();
		exposeMetricsToN8n(logger, () => client);
		recordWebhookEvent({ baseId: 'appMIRROR00000001', type: 'ping' });
		// n8n's metrics are off: its registry stays empty and nothing of ours lands in it.
		expect(registered.size).toBe(0);
		new client.Gauge({ name: 'n8n_version_info', help: 'n8n version', labelNames: [] });
		exposeMetricsToN8n(logger, () => client);
		recordWebhookEvent({ baseId: 'appMIRROR00000001', type: 'ping' });
		expect(registered.get('airtable_webhook_events_total')?.calls).toHaveLength(1);
		expect(info).toHaveBeenCalledWith(expect.stringMatching(/registered on n8n's \/metrics/));

		resetN8nMetrics();
		info.mockClear();
		exposeMetricsToN8n(logger, () => undefined);
		exposeMetricsToN8n(logger, () => undefined);
		expect(info).toHaveBeenCalledTimes(1);
		expect(info.mock.calls[0][0]).toMatch(/prom-client could not be found/);
		expect(logger.warn).not.toHaveBeenCalled();
	});
});
