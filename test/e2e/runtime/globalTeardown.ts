import { rmSync } from 'fs';

import { stopN8n } from './n8n';

/** Stops the suite's n8n by PID and removes its temporary folder (kept when E2E_KEEP=1). */
export default async function globalTeardown(): Promise<void> {
	const state = (globalThis as { airtableSyncE2e?: { pid: number; workDir: string } }).airtableSyncE2e;
	if (!state) return;
	await stopN8n(state.pid);
	if (process.env.E2E_KEEP !== '1') rmSync(state.workDir, { recursive: true, force: true });
}
