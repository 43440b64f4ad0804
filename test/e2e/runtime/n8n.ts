import { closeSync, mkdirSync, openSync, readFileSync } from 'fs';
import { join } from 'path';

import { loopbackEnv, startEgressGuard } from './egressGuard';
import { N8N_BIN, NODE_BIN, projectEnv } from './pack';
import { freePort, isAlive, spawnGroup, stopGroup, stopOnExit, forgetOnExit } from './processes';

export const OWNER = {
	email: 'owner@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Airtable-Sync-Demo-1',
};

export interface StartOptions {
	userFolder: string;
	/** Default: a free port. */
	port?: number;
	/** Default: <userFolder>/n8n.log */
	logFile?: string;
	env?: NodeJS.ProcessEnv;
	/** Default 300 s (first start runs the database migrations; minutes on a busy machine). */
	readyTimeoutMs?: number;
	/**
	 * `worker`: a queue-mode worker (`n8n worker`, for the queue-mode e2e test); `port` is then
	 * its health-check server's, which is what readiness is checked on. Default `start`.
	 */
	command?: 'start' | 'worker' | 'webhook';
	/** Extra command-line arguments, e.g. `--concurrency=1` for a worker. */
	args?: string[];
}

/** What a test process needs to talk to a running n8n (serializable: globalSetup hands it over). */
export interface N8nConnection {
	url: string;
	port: number;
	pid: number;
	userFolder: string;
	logFile: string;
	apiKey: string;
	cookie: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, pid: number, logFile: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (!isAlive(pid)) throw new Error(`n8n exited before ${what}; log ${logFile}:\n${tail(logFile)}`);
		try {
			if (await check()) return;
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
	throw new Error(`n8n: timed out waiting for ${what}; log ${logFile}:\n${tail(logFile)}`);
}

export function tail(file: string, lines = 40): string {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/** Starts `n8n start` (or `n8n worker`, see `command`) in its own process group and waits until the REST API is ready. */
export async function startN8n(options: StartOptions): Promise<{ url: string; port: number; pid: number; logFile: string }> {
	mkdirSync(options.userFolder, { recursive: true });
	const command = options.command ?? 'start';
	const port = options.port ?? (await freePort());
	const brokerPort = await freePort();
	const logFile = options.logFile ?? join(options.userFolder, 'n8n.log');
	const url = `http://127.0.0.1:${port}`;
	const proxy = await startEgressGuard();
	const env = projectEnv({
		...loopbackEnv(proxy),
		// jest sets NODE_ENV=test, under which n8n does not start its server.
		NODE_ENV: 'production',
		N8N_USER_FOLDER: options.userFolder,
		DB_TYPE: 'sqlite',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_WEBHOOK_URL: `${url}/`,
		N8N_EDITOR_BASE_URL: `${url}/`,
		N8N_ENCRYPTION_KEY: 'airtable-sync-e2e-encryption-key',
		N8N_SECURE_COOKIE: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		// A worker has no REST API: its health-check server (on `port`) answers /healthz/readiness.
		...(command === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' } : {}),
		...options.env,
	});
	const fd = openSync(logFile, 'a');
	const pid = spawnGroup(NODE_BIN, [N8N_BIN, command, ...(options.args ?? [])], { cwd: options.userFolder, env, stdio: ['ignore', fd, fd] });
	closeSync(fd);
	stopOnExit(pid);
	const timeout = options.readyTimeoutMs ?? 300_000;
	await waitFor('/healthz/readiness', async () => (await fetch(`${url}/healthz/readiness`)).ok, timeout, pid, logFile);
	return { url, port, pid, logFile };
}

/** A queue-mode worker (`n8n worker`) sharing the main process's database, Redis and encryption key (all through `env`). */
export async function startWorker(options: Omit<StartOptions, 'command'>): Promise<{ url: string; port: number; pid: number; logFile: string }> {
	return await startN8n({ ...options, command: 'worker' });
}

export async function stopN8n(pid: number): Promise<void> {
	await stopGroup(pid);
	forgetOnExit(pid);
}

async function rest<T>(url: string, method: string, path: string, body?: unknown, cookie?: string): Promise<{ data: T; setCookie: string[] }> {
	const response = await fetch(`${url}/rest${path}`, {
		method,
		headers: { 'content-type': 'application/json', 'browser-id': 'e2e', ...(cookie ? { cookie } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`n8n ${method} /rest${path} -> ${response.status}: ${text.slice(0, 500)}`);
	return { data: (JSON.parse(text) as { data: T }).data, setCookie: response.headers.getSetCookie() };
}

/** Owner account (fresh instance) or login (existing one), then an API key with every scope. */
export async function setupOwner(url: string): Promise<{ cookie: string; apiKey: string }> {
	try {
		await rest(url, 'POST', '/owner/setup', OWNER);
	} catch (error) {
		if (!/40[03]/.test(String(error))) throw error;
	}
	const login = await rest(url, 'POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
	const cookie = login.setCookie.map((c) => c.split(';')[0]).join('; ');
	const scopes = (await rest<string[]>(url, 'GET', '/api-keys/scopes', undefined, cookie)).data;
	const key = await rest<{ rawApiKey: string }>(url, 'POST', '/api-keys', { label: `e2e-${Date.now()}`, scopes, expiresAt: null }, cookie);
	return { cookie, apiKey: key.data.rawApiKey };
}

/** Starts n8n in `userFolder` (the package must already be installed there) and logs in. */
export async function launchN8n(options: StartOptions): Promise<N8nConnection> {
	const started = await startN8n(options);
	try {
		const { cookie, apiKey } = await setupOwner(started.url);
		return { ...started, userFolder: options.userFolder, cookie, apiKey };
	} catch (error) {
		await stopN8n(started.pid);
		throw error;
	}
}
