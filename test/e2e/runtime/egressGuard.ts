import { appendFileSync, existsSync, readFileSync } from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * Loopback only: every n8n the tests and the demo start gets this process's egress guard as
 * its HTTP(S) proxy (HTTP_PROXY / HTTPS_PROXY, honoured by Node's http and fetch through
 * NODE_USE_ENV_PROXY, and by n8n's own HTTP helpers), with loopback exempt (NO_PROXY). The
 * guard forwards nothing: it answers 403 to plain proxy requests and refuses CONNECT tunnels,
 * and appends each attempt (time, method, host — never headers or bodies) to a log file that
 * the e2e suite asserts is empty. n8n's own calls home are switched off as well (n8nEnv).
 */
export const EGRESS_LOG_ENV = 'AIRTABLE_SYNC_EGRESS_LOG';

export interface EgressAttempt {
	at: string;
	method: string;
	target: string;
}

let guard: { url: string; server: http.Server } | undefined;

export function egressLogFile(): string {
	const file = process.env[EGRESS_LOG_ENV] ?? join(tmpdir(), `airtable-sync-egress-${process.pid}.jsonl`);
	process.env[EGRESS_LOG_ENV] = file;
	return file;
}

function record(method: string, target: string): void {
	const attempt: EgressAttempt = { at: new Date().toISOString(), method, target };
	appendFileSync(egressLogFile(), `${JSON.stringify(attempt)}\n`);
}

/** The guard of this process (started on first use), as a proxy URL. */
export async function startEgressGuard(): Promise<string> {
	if (guard) return guard.url;
	const server = http.createServer((request, response) => {
		let target = request.url ?? '';
		try {
			target = new URL(target).host;
		} catch {
			target = request.headers.host ?? target;
		}
		record(request.method ?? 'GET', target);
		response.writeHead(403, { 'content-type': 'text/plain' });
		response.end('Refused: tests and the demo stay on 127.0.0.1');
	});
	server.on('connect', (request, socket) => {
		record('CONNECT', request.url ?? '');
		socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	server.unref();
	const { port } = server.address() as AddressInfo;
	guard = { url: `http://127.0.0.1:${port}`, server };
	return guard.url;
}

/** Every attempt to leave the machine recorded so far (by any process using the same log). */
export function egressAttempts(file = egressLogFile()): EgressAttempt[] {
	if (!existsSync(file)) return [];
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as EgressAttempt);
}

/**
 * Environment for an n8n process: outbound HTTP(S) through the guard, loopback direct, and
 * the features that call n8n's servers switched off (telemetry, version checks, templates,
 * the MCP server registry fetched at start-up, community-package catalogue, license renewal).
 */
export function loopbackEnv(proxyUrl: string): NodeJS.ProcessEnv {
	const noProxy = '127.0.0.1,localhost,::1';
	return {
		HTTP_PROXY: proxyUrl,
		HTTPS_PROXY: proxyUrl,
		ALL_PROXY: proxyUrl,
		http_proxy: proxyUrl,
		https_proxy: proxyUrl,
		all_proxy: proxyUrl,
		NO_PROXY: noProxy,
		no_proxy: noProxy,
		NODE_USE_ENV_PROXY: '1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
	};
}

/** The host the loopback e2e test asks n8n to reach on purpose, to prove the guard is in the path. */
export const PROBE_HOST = 'egress-probe.invalid';

/** Attempts other than the deliberate probe: must be none. */
export function unexpectedEgress(file?: string): EgressAttempt[] {
	return egressAttempts(file).filter((attempt) => !attempt.target.startsWith(PROBE_HOST));
}
