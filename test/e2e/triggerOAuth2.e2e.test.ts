import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';

import { outputOf, type Execution } from './runtime/api';
import { DEMO_BASE_ID, DEMO_IDS, lastSeq, OAUTH2_CREDENTIAL, requestsSince, setupContext, type E2eContext } from './support/context';
import { authorizeWithPkce, OAUTH_CLIENT_ID, OAUTH_SCOPE } from './support/oauth';
import { instantTriggerNode, TRIGGER_NODE } from './support/trigger';

/*
 * The Instant Trigger's keep-alive with the OAuth2 credential, in a real n8n 2.41. The
 * keep-alive cron runs outside any execution; this proves n8n can still sign its requests with
 * the OAuth2 credential there and, when the access token has expired, refresh it from inside
 * the cron (and store the rotated tokens, which the later ping and deactivation depend on:
 * the emulator, like Airtable, accepts a refresh token only once).
 *
 * Timing: webhooks live 7 minutes here (refresh due after a seventh, ~1 minute of real time)
 * and access tokens 3 minutes. Right after activation the emulator clock jumps 3 minutes, so
 * the token is expired for every cron tick while the webhook still has ~4 minutes to live.
 */

const NODE = TRIGGER_NODE;
const WEBHOOK_LIFETIME_MS = 7 * 60_000;
const ACCESS_TOKEN_LIFETIME_MS = 3 * 60_000;

let ctx: E2eContext;

interface EmulatorHook {
	id: string;
	notificationUrl: string | null;
	isHookEnabled: boolean;
	areNotificationsEnabled: boolean;
	expirationTime: string;
}

beforeAll(async () => {
	ctx = await setupContext('trigger-oauth2', {
		pings: { debounceMs: 50 },
		webhookLifetimeMs: WEBHOOK_LIFETIME_MS,
		oauth: { accessTokenLifetimeMs: ACCESS_TOKEN_LIFETIME_MS },
	});
});

afterAll(async () => {
	await ctx?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function hooks(): Promise<EmulatorHook[]> {
	return (await ctx.admin<{ webhooks: EmulatorHook[] }>('GET', '/webhooks')).webhooks;
}

async function waitForHooks(what: string, check: (current: EmulatorHook[]) => boolean, timeoutMs = 30_000): Promise<EmulatorHook[]> {
	const deadline = Date.now() + timeoutMs;
	let current: EmulatorHook[] = [];
	while (Date.now() < deadline) {
		current = await hooks();
		if (check(current)) return current;
		await sleep(200);
	}
	throw new Error(`Timed out waiting for ${what}; webhooks: ${JSON.stringify(current)}`);
}

function n8nLogTail(lines = 60): string {
	try {
		return readFileSync(ctx.n8n.connection.logFile, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no n8n log)';
	}
}

function recordIds(executions: Execution[]): unknown[] {
	return executions.flatMap((execution) => outputOf(execution, NODE).map((item) => item.recordId));
}

describe('Airtable Instant Trigger keep-alive with the OAuth2 credential in n8n', () => {
	it('refreshes the expired access token from the keep-alive cron, refreshes the webhook, and still delivers a change once', async () => {
		const tokens = await authorizeWithPkce(ctx);
		const credential = await ctx.n8n.createCredential('trigger oauth2 e2e', OAUTH2_CREDENTIAL, {
			clientId: OAUTH_CLIENT_ID,
			clientSecret: '',
			oauthServerUrl: ctx.emulator.url,
			baseUrl: ctx.emulator.url,
			scope: OAUTH_SCOPE,
			oauthTokenData: { access_token: tokens.access_token, refresh_token: tokens.refresh_token, token_type: 'Bearer', scope: OAUTH_SCOPE, expires_in: tokens.expires_in },
		});
		const webhookId = randomUUID();
		const trigger = instantTriggerNode({ [OAUTH2_CREDENTIAL]: credential }, webhookId, { authentication: 'oAuth2', fieldValues: 'all', options: {} });
		const created = await ctx.n8n.createWorkflow({ name: 'E2E Instant Trigger OAuth2 keep-alive', nodes: [trigger], connections: {} });
		await ctx.n8n.activate(created.id);
		const url = `${ctx.n8n.url}/webhook/${webhookId}/webhook`;
		const [hook] = await waitForHooks('the webhook', (c) => c.length === 1 && c[0].notificationUrl === url);
		const activatedAt = Date.now();

		// The access token expires (emulator clock +3 min); the webhook has ~4 of its 7 minutes left.
		const seq = await lastSeq(ctx);
		await ctx.admin('POST', '/clock/advance', { ms: ACCESS_TOKEN_LIFETIME_MS + 5_000 });
		const stale = await fetch(`${ctx.emulator.url}/v0/meta/whoami`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
		expect(stale.status).toBe(401);

		// The cron ticks once a minute: a health check on its first tick, the webhook refresh once
		// a seventh of its life (1 min) has passed — at the latest ~2 min after activation.
		const deadline = activatedAt + 150_000;
		// n8n's requests only (not this test's whoami check).
		const fromN8n = async () => (await requestsSince(ctx, seq)).filter((r) => r.endpoint !== 'meta.whoami');
		let log = await fromN8n();
		while (Date.now() < deadline && !log.some((r) => r.endpoint === 'webhooks.refresh' && r.status === 200)) {
			await sleep(1000);
			log = await fromN8n();
		}
		const summary = log.map((r) => `${r.endpoint}:${r.status}`);
		if (!log.some((r) => r.endpoint === 'webhooks.refresh' && r.status === 200)) {
			throw new Error(`The keep-alive did not refresh the webhook; requests since the clock jump: ${JSON.stringify(summary)}\nn8n log:\n${n8nLogTail()}`);
		}

		// The cron's first request met the expired token (401); n8n refreshed it at the token
		// endpoint and repeated the request; the webhook refresh went through with the new token.
		process.stdout.write(`[triggerOAuth2] requests from n8n after the clock jump: ${summary.join(' ')}\n`);
		const first401 = log.findIndex((r) => r.status === 401);
		const tokenCall = log.findIndex((r) => r.endpoint === 'oauth.token' && r.status === 200);
		const webhookRefresh = log.findIndex((r) => r.endpoint === 'webhooks.refresh' && r.status === 200);
		expect(first401).toBeGreaterThanOrEqual(0);
		expect(log[first401].endpoint).toBe('webhooks.list');
		expect(tokenCall).toBeGreaterThan(first401);
		expect(webhookRefresh).toBeGreaterThan(tokenCall);
		// One refresh: later ticks sign with the token n8n stored after it (no second 401).
		expect(log.filter((r) => r.endpoint === 'oauth.token')).toHaveLength(1);
		expect(log.filter((r) => r.status === 401)).toHaveLength(1);
		expect(log.filter((r) => r.endpoint === 'webhooks.create')).toEqual([]);

		// Kept alive: the same webhook, enabled, its expiry pushed a full lifetime past the emulator's now.
		const clock = await ctx.admin<{ now: string }>('GET', '/clock');
		const [after] = await hooks();
		expect(after.id).toBe(hook.id);
		expect(after).toMatchObject({ isHookEnabled: true, areNotificationsEnabled: true, notificationUrl: url });
		expect(Date.parse(after.expirationTime) - Date.parse(clock.now)).toBeGreaterThan(WEBHOOK_LIFETIME_MS - 90_000);

		// A change made afterwards arrives as exactly one execution. Its payload fetch signs with
		// the credential as n8n stored it after the cron's refresh (a reused refresh token fails).
		const beforeChange = await lastSeq(ctx);
		const record = await ctx.admin<{ records: Array<{ id: string }> }>('POST', `/bases/${DEMO_BASE_ID}/tables/${DEMO_IDS.contacts}/records`, {
			fields: { Name: 'E2E OAuth2 After Refresh', Status: 'Lead' },
		});
		const recordId = record.records[0].id;
		const changeDeadline = Date.now() + 30_000;
		let executions: Execution[] = [];
		while (Date.now() < changeDeadline) {
			executions = (await ctx.n8n.executions(created.id)).filter((e) => e.status !== 'running' && e.status !== 'new');
			if (executions.some((e) => e.status === 'success' && recordIds([e]).includes(recordId))) break;
			await sleep(300);
		}
		await sleep(1000);
		executions = await ctx.n8n.executions(created.id);
		const delivery = (await requestsSince(ctx, beforeChange)).map((r) => `${r.endpoint}:${r.status}`);
		expect({ executions: executions.map((e) => `${e.mode}:${e.status}`), delivery }).toEqual({
			executions: ['webhook:success'],
			delivery: expect.arrayContaining(['webhooks.payloads:200']),
		});
		expect(delivery.filter((r) => r.endsWith(':401') || r.startsWith('oauth.token'))).toEqual([]);
		expect(recordIds(executions)).toEqual([recordId]);
		expect(outputOf(executions[0], NODE)[0]).toMatchObject({ event: 'record.created', fields: expect.objectContaining({ Name: 'E2E OAuth2 After Refresh' }) });

		await ctx.n8n.deactivate(created.id);
		await waitForHooks('the webhook to be deleted', (c) => c.length === 0);
		await ctx.n8n.deleteWorkflow(created.id);
	}, 240_000);
});
