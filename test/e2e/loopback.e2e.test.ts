import { WorkflowRunner } from './runtime/api';
import { egressAttempts, PROBE_HOST, unexpectedEgress } from './runtime/egressGuard';
import { connectN8n } from './support/context';

/*
 * Loopback only (issue 13): the suite's n8n runs with every outbound HTTP(S) request routed to
 * a local guard that refuses and records it (runtime/egressGuard.ts), and with n8n's calls
 * home switched off. This file proves the guard is really in n8n's path (a deliberate request
 * to an outside host is caught) and that nothing else tried to leave; globalTeardown checks
 * the same again once every test file has run.
 */

describe('nothing leaves 127.0.0.1', () => {
	it('n8n reaches an outside host only through the refusing guard', async () => {
		const n8n = connectN8n();
		const runner = await WorkflowRunner.create(n8n, 'E2E egress probe', [
			{
				name: 'Probe',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [300, 0],
				onError: 'continueRegularOutput',
				parameters: { method: 'GET', url: `http://${PROBE_HOST}/`, options: { timeout: 5000 } },
			},
		]);
		await runner.run([{ probe: true }]);
		expect(egressAttempts().some((attempt) => attempt.target.startsWith(PROBE_HOST))).toBe(true);
		await n8n.deleteWorkflow(runner.id).catch(() => undefined);
	});

	it('and nothing else tried to leave so far (n8n start-up included)', () => {
		expect(unexpectedEgress()).toEqual([]);
	});
});
