import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';

import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, startEmulator } from '../../../emulator';
import { N8nApi } from '../runtime/api';
import { egressAttempts, egressLogFile, EGRESS_LOG_ENV } from '../runtime/egressGuard';
import { launchN8n, OWNER, stopN8n } from '../runtime/n8n';
import { buildAndPack, ensureRuntime, installPackage, PACKAGE_NAME, ROOT } from '../runtime/pack';
import { freePort } from '../runtime/processes';
import { waitUntilPublished } from '../runtime/publication';
import { importDemoWorkflows, withNode } from '../runtime/workflows';
import { mcpEndpoint, MCP_TRIGGER_TYPE } from '../support/mcp';

/**
 * `npm run demo`: the package inside a real n8n against the Airtable emulator, ready to click.
 * Emulator on 4010, n8n on 5678 (EMULATOR_PORT / N8N_PORT override), everything under
 * .cache/demo (fresh every run). Ctrl-C stops both.
 */

const out = (line = '') => process.stdout.write(`${line}\n`);
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT ?? 4010);
const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);

async function portFree(port: number): Promise<boolean> {
	try {
		await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
		return false;
	} catch {
		return true;
	}
}

async function main(): Promise<void> {
	const started = Date.now();
	for (const [what, port] of [['emulator', EMULATOR_PORT], ['n8n', N8N_PORT]] as const) {
		if (!(await portFree(port))) throw new Error(`Port ${port} (${what}) is in use: stop what runs there, or set ${what === 'n8n' ? 'N8N_PORT' : 'EMULATOR_PORT'}`);
	}
	out('== n8n runtime (first run installs n8n 2.41.1 into .cache/n8n-runtime: a few minutes, ~3 GB)');
	ensureRuntime();

	const workDir = join(ROOT, '.cache', 'demo');
	rmSync(workDir, { recursive: true, force: true });
	mkdirSync(workDir, { recursive: true });
	process.env[EGRESS_LOG_ENV] = join(workDir, 'egress.jsonl');
	out('== build and pack the package');
	const tarball = buildAndPack(workDir);
	const userFolder = join(workDir, 'n8n-user');
	installPackage(userFolder, tarball);
	out(`   installed ${PACKAGE_NAME} into ${userFolder}/.n8n/nodes (the community-package way)`);

	out(`== Airtable emulator on ${EMULATOR_PORT} (seeded demo base)`);
	const logLines: string[] = [];
	const emulator = await startEmulator({ port: EMULATOR_PORT, seed: 'demo', log: (line) => logLines.push(line) });

	out(`== n8n on ${N8N_PORT} (about 15 s)`);
	const running: { n8nPid?: number } = {};
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		out('\n== stopping n8n and the emulator');
		if (running.n8nPid) await stopN8n(running.n8nPid);
		await emulator.close();
		const escaped = egressAttempts();
		out(escaped.length ? `   n8n tried to leave 127.0.0.1 ${escaped.length} time(s), all refused: ${escaped.map((a) => a.target).join(', ')}` : '   nothing tried to leave 127.0.0.1');
		writeFileSync(join(workDir, 'emulator.log'), `${logLines.join('\n')}\n`);
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	const connection = await launchN8n({ userFolder, port: N8N_PORT, env: { N8N_RUNNERS_BROKER_PORT: String(await freePort()) } });
	running.n8nPid = connection.pid;
	const api = new N8nApi(connection);
	const credential = await api.createCredential('Airtable emulator (demo token)', 'airtableSyncTokenApi', { accessToken: DEMO_TOKEN, baseUrl: emulator.url });
	const workflows = await importDemoWorkflows(api, credential);
	const trigger = withNode(workflows, `${PACKAGE_NAME}.airtableInstantTrigger`);
	await api.activate(trigger.id);
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline && emulator.state.webhooks.hooks.size === 0) await new Promise((resolve) => setTimeout(resolve, 250));
	const registered = emulator.state.webhooks.hooks.size > 0;
	const mcp = withNode(workflows, MCP_TRIGGER_TYPE);
	await api.activate(mcp.id);
	await waitUntilPublished(api, mcp.id);
	const endpoint = mcpEndpoint(connection.url, mcp.definition);

	const editor = connection.url;
	const admin = `${emulator.url}/_emulator/bases/${DEMO_BASE_ID}/tables/Contacts/records`;
	out();
	out(`Ready in ${Math.round((Date.now() - started) / 1000)} s.`);
	out();
	out(`  n8n editor   ${editor}`);
	out(`  login        ${OWNER.email} / ${OWNER.password}`);
	out(`  emulator     ${emulator.url}  (token ${DEMO_TOKEN}, base ${DEMO_BASE_ID} "Demo CRM": Contacts, Orders, feature_flags)`);
	out();
	out('  Workflows (open one, then "Execute workflow"):');
	for (const w of workflows) out(`    ${editor}/workflow/${w.id}   ${w.name}${w.id === trigger.id ? (registered ? '  [active: webhook registered]' : '  [active: webhook NOT registered yet, see n8n log]') : ''}${w.id === mcp.id ? '  [active]' : ''}`);
	out();
	out('  Try the trigger: edit a contact as if in the Airtable UI ...');
	out(`    curl -X PATCH ${admin} \\`);
	out(`      -H 'content-type: application/json' -d '{"records":[{"id":"${DEMO_IDS.ada}","fields":{"Score":99}}]}'`);
	out(`  ... or add one:`);
	out(`    curl -X POST ${admin} \\`);
	out(`      -H 'content-type: application/json' -d '{"fields":{"Name":"Radia Perlman","Status":"Lead"}}'`);
	out(`  ... and see the execution it starts: ${editor}/workflow/${trigger.id}/executions`);
	out();
	out('  Use the contacts from an AI assistant (Demo 6): add this MCP server to your MCP client');
	out(`    ${endpoint}   (Streamable HTTP or SSE, no authentication; five tools: search, get, create, update, upsert)`);
	out();
	out(`  Read the table: curl -H 'Authorization: Bearer ${DEMO_TOKEN}' ${emulator.url}/v0/${DEMO_BASE_ID}/Contacts`);
	out(`  Request log and counters: curl ${emulator.url}/_emulator/metrics`);
	out(`  n8n log: ${connection.logFile}`);
	out(`  Loopback only: n8n's outbound HTTP(S) goes to a local guard that refuses it (attempts: ${egressLogFile()})`);
	out();
	out('Ctrl-C stops everything.');
}

main().catch((error: unknown) => {
	process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
