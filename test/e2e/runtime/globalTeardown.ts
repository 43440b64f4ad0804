import { rmSync } from 'fs';

import { unexpectedEgress } from './egressGuard';
import { stopN8n } from './n8n';

/**
 * Stops the suite's n8n by PID and removes its temporary folder (kept when E2E_KEEP=1). Fails
 * the run if any n8n of the suite tried to reach beyond loopback (see egressGuard.ts).
 */
export default async function globalTeardown(): Promise<void> {
	const state = (globalThis as { airtableSyncE2e?: { pid: number; workDir: string } }).airtableSyncE2e;
	if (!state) return;
	await stopN8n(state.pid);
	const escaped = unexpectedEgress();
	if (process.env.E2E_KEEP !== '1') rmSync(state.workDir, { recursive: true, force: true });
	if (escaped.length) {
		throw new Error(`n8n tried to reach beyond 127.0.0.1 during the e2e suite (refused): ${JSON.stringify(escaped)}`);
	}
}
