import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { EGRESS_LOG_ENV } from './egressGuard';
import { launchN8n, type N8nConnection } from './n8n';
import { buildAndPack, ensureRuntime, installPackage } from './pack';

export const STATE_ENV = 'AIRTABLE_SYNC_E2E_STATE';

/**
 * jest globalSetup of the e2e project: ONE n8n server for the whole suite (starting one costs
 * ~15 s). Builds and packs the package, installs it as a community package into a fresh user
 * folder, starts n8n on free ports and hands the connection to the test files through a file
 * named in an environment variable (workers inherit it).
 */
export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	ensureRuntime();
	const workDir = mkdtempSync(join(tmpdir(), 'airtable-sync-e2e-'));
	// Every n8n of the suite (this one, and those test files start) logs escape attempts here.
	process.env[EGRESS_LOG_ENV] = join(workDir, 'egress.jsonl');
	const tarball = buildAndPack(workDir);
	const userFolder = join(workDir, 'user');
	installPackage(userFolder, tarball);
	const connection: N8nConnection = await launchN8n({ userFolder });
	const stateFile = join(workDir, 'connection.json');
	writeFileSync(stateFile, JSON.stringify({ ...connection, workDir }, null, 2));
	process.env[STATE_ENV] = stateFile;
	(globalThis as { airtableSyncE2e?: unknown }).airtableSyncE2e = { pid: connection.pid, workDir };
	process.stdout.write(`\n[e2e] n8n ${connection.url} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (log ${connection.logFile})\n`);
}
