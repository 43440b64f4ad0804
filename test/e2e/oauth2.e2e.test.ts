import { outputOf, WorkflowRunner } from './runtime/api';
import { DEMO_IDS, lastSeq, locators, OAUTH2_CREDENTIAL, PKG, requestsSince, setupContext, type E2eContext } from './support/context';
import { authorizeWithPkce, OAUTH_CLIENT_ID, OAUTH_SCOPE } from './support/oauth';

let ctx: E2eContext;

beforeAll(async () => {
	ctx = await setupContext('oauth2');
});

afterAll(async () => {
	await ctx?.close();
});

describe('OAuth2 (PKCE) credential in n8n', () => {
	it('an expired access token is refreshed by n8n against the token endpoint and the call succeeds', async () => {
		const tokens = await authorizeWithPkce(ctx);
		const credential = await ctx.n8n.createCredential('oauth2 e2e', OAUTH2_CREDENTIAL, {
			clientId: OAUTH_CLIENT_ID,
			clientSecret: '',
			oauthServerUrl: ctx.emulator.url,
			baseUrl: ctx.emulator.url,
			scope: OAUTH_SCOPE,
			oauthTokenData: { access_token: tokens.access_token, refresh_token: tokens.refresh_token, token_type: 'Bearer', scope: OAUTH_SCOPE, expires_in: tokens.expires_in },
		});
		// Two hours later (emulator clock): the hourly access token has expired.
		await ctx.admin('POST', '/clock/advance', { ms: 2 * 60 * 60 * 1000 });
		const stale = await fetch(`${ctx.emulator.url}/v0/meta/whoami`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
		expect(stale.status).toBe(401);

		const get = await WorkflowRunner.create(ctx.n8n, 'E2E OAuth2 get', [
			{
				name: 'Airtable Records',
				type: `${PKG}.airtableRecords`,
				typeVersion: 1,
				position: [440, 0],
				credentials: { [OAUTH2_CREDENTIAL]: credential },
				parameters: { authentication: 'oAuth2', ...locators(DEMO_IDS.contacts, 'Contacts'), operation: 'get', recordId: '={{ $json.id }}', options: {} },
			},
		]);
		const seq = await lastSeq(ctx);
		const execution = await get.run([{ id: DEMO_IDS.ada }, { id: DEMO_IDS.grace }]);

		expect(execution.status).toBe('success');
		expect(outputOf(execution, 'Airtable Records').map((r) => r.id)).toEqual([DEMO_IDS.ada, DEMO_IDS.grace]);
		const log = await requestsSince(ctx, seq);
		const refreshes = log.filter((r) => r.endpoint === 'oauth.token');
		expect(refreshes).toHaveLength(1);
		expect(refreshes[0].status).toBe(200);
		const first401 = log.findIndex((r) => r.status === 401);
		expect(first401).toBeGreaterThanOrEqual(0);
		expect(log.indexOf(refreshes[0])).toBeGreaterThan(first401);
		expect(log.filter((r) => r.status === 200 && r.endpoint !== 'oauth.token').length).toBeGreaterThanOrEqual(2);

		// n8n stored the rotated refresh token: a second run needs no refresh (the new access token is valid).
		const seq2 = await lastSeq(ctx);
		const again = await get.run([{ id: DEMO_IDS.alan }]);
		expect(again.status).toBe('success');
		expect((await requestsSince(ctx, seq2)).filter((r) => r.endpoint === 'oauth.token' || r.status === 401)).toHaveLength(0);
	});
});
