import { createHash, randomBytes } from 'crypto';
import { BASE, startHarness, type Harness, type Json } from './helpers';

const b64url = (buf: Buffer) => buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const REDIRECT = 'http://localhost:5678/rest/oauth2-credential/callback';

describe('emulator OAuth', () => {
	let h: Harness;
	beforeEach(async () => {
		h = await startHarness({ oauth: { clients: [{ clientId: 'cid', redirectUris: [REDIRECT] }, { clientId: 'secretive', clientSecret: 's3cret' }], accessTokenLifetimeMs: 60_000 } });
	});
	afterEach(() => h.emu.close());

	async function authorize(clientId = 'cid', scope = 'data.records:read schema.bases:read webhook:manage user.email:read') {
		const verifier = b64url(randomBytes(64));
		const challenge = b64url(createHash('sha256').update(verifier).digest());
		const query = new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope, state: 'st4te', code_challenge: challenge, code_challenge_method: 'S256' });
		const res = await fetch(`${h.emu.url}/oauth2/v1/authorize?${query}`, { redirect: 'manual' });
		expect(res.status).toBe(302);
		const location = new URL(res.headers.get('location')!);
		expect(location.origin + location.pathname).toBe(REDIRECT);
		expect(location.searchParams.get('state')).toBe('st4te');
		return { code: location.searchParams.get('code')!, verifier };
	}

	async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
		const res = await fetch(`${h.emu.url}/oauth2/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
		return { status: res.status, body: (await res.json()) as Json };
	}

	it('authorize redirects with a code; the code and PKCE verifier buy tokens that work', async () => {
		const { code, verifier } = await authorize();
		const r = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'cid' });
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({ token_type: 'Bearer', scope: 'data.records:read schema.bases:read webhook:manage user.email:read', expires_in: 60, refresh_expires_in: 60 * 24 * 3600 });
		const who = await h.api('/v0/meta/whoami', { token: r.body.access_token });
		expect(who.body).toEqual({ id: 'usrDemoUser000001', email: 'demo@example.com', scopes: ['data.records:read', 'schema.bases:read', 'webhook:manage', 'user.email:read'] });
		expect((await h.api(`/v0/${BASE}/Contacts`, { token: r.body.access_token })).status).toBe(200);
		// Scopes are enforced: no data.records:write.
		expect((await h.api(`/v0/${BASE}/Contacts`, { token: r.body.access_token, body: { fields: { Name: 'x' } } })).status).toBe(403);
		// The code is single use.
		expect((await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'cid' })).body.error).toBe('invalid_grant');
	});

	it('rejects a wrong verifier, a wrong redirect URI and an unknown client', async () => {
		const first = await authorize();
		expect((await token({ grant_type: 'authorization_code', code: first.code, code_verifier: 'wrong', redirect_uri: REDIRECT, client_id: 'cid' })).body).toMatchObject({ error: 'invalid_grant' });
		const second = await authorize();
		expect((await token({ grant_type: 'authorization_code', code: second.code, code_verifier: second.verifier, redirect_uri: 'http://evil/', client_id: 'cid' })).status).toBe(400);
		expect((await token({ grant_type: 'authorization_code', code: 'x', code_verifier: 'y', redirect_uri: REDIRECT, client_id: 'nobody' })).status).toBe(401);
		const bad = await fetch(`${h.emu.url}/oauth2/v1/authorize?client_id=cid&redirect_uri=${encodeURIComponent('http://evil/')}`, { redirect: 'manual' });
		expect(bad.status).toBe(400);
		const noPkce = await fetch(`${h.emu.url}/oauth2/v1/authorize?client_id=cid&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=x`, { redirect: 'manual' });
		expect(new URL(noPkce.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
	});

	it('requires Basic auth for a client with a secret', async () => {
		const { code, verifier } = await authorize('secretive');
		const form = { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT };
		expect((await token({ ...form, client_id: 'secretive' })).status).toBe(401);
		const { code: code2, verifier: verifier2 } = await authorize('secretive');
		const ok = await token({ ...form, code: code2, code_verifier: verifier2 }, { authorization: `Basic ${Buffer.from('secretive:s3cret').toString('base64')}` });
		expect(ok.status).toBe(200);
	});

	it('rotates refresh tokens; reusing one answers invalid_grant and revokes the grant', async () => {
		const { code, verifier } = await authorize();
		const first = (await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'cid' })).body;
		const second = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'cid' });
		expect(second.status).toBe(200);
		expect(second.body.refresh_token).not.toBe(first.refresh_token);
		expect((await h.api('/v0/meta/whoami', { token: first.access_token })).status).toBe(401);
		expect((await h.api('/v0/meta/whoami', { token: second.body.access_token })).status).toBe(200);
		const reuse = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'cid' });
		expect(reuse).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: expect.any(String) } });
		expect((await h.api('/v0/meta/whoami', { token: second.body.access_token })).status).toBe(401);
		expect((await token({ grant_type: 'refresh_token', refresh_token: second.body.refresh_token, client_id: 'cid' })).status).toBe(400);
	});

	it('drill: the answer to a refresh is lost after rotation, so the old refresh token is now spent', async () => {
		const { code, verifier } = await authorize();
		const t = (await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'cid' })).body;
		// API-wide faults never touch the OAuth endpoints; ones naming /oauth2/ do.
		await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'status', status: 500 }, { kind: 'dropAfter', match: { path: '/oauth2/v1/token' } }] });
		await expect(token({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'cid' })).rejects.toThrow();
		const retry = await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'cid' });
		expect(retry.body.error).toBe('invalid_grant');
		expect((await h.api('/v0/meta/whoami')).status).toBe(500);
	});

	it('expires access tokens after their lifetime (401)', async () => {
		const { code, verifier } = await authorize();
		const t = (await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'cid' })).body;
		await h.admin('/clock/advance', 'POST', { ms: 61_000 });
		const r = await h.api('/v0/meta/whoami', { token: t.access_token });
		expect(r.status).toBe(401);
		expect(r.body.error.type).toBe('AUTHENTICATION_REQUIRED');
		expect((await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'cid' })).status).toBe(200);
	});

	it('OAuth integrations see only their own webhooks, at most 2 per base', async () => {
		const { code, verifier } = await authorize('cid', 'data.records:read webhook:manage');
		const t = (await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'cid' })).body.access_token;
		const body = { specification: { options: { filters: { dataTypes: ['tableData'] } } } };
		await h.api(`/v0/bases/${BASE}/webhooks`, { body });
		expect((await h.api(`/v0/bases/${BASE}/webhooks`, { body, token: t })).status).toBe(200);
		expect((await h.api(`/v0/bases/${BASE}/webhooks`, { body, token: t })).status).toBe(200);
		const third = await h.api(`/v0/bases/${BASE}/webhooks`, { body, token: t });
		expect(third.body.error.type).toBe('TOO_MANY_WEBHOOKS_BY_OAUTH_INTEGRATION_IN_BASE');
		expect((await h.api(`/v0/bases/${BASE}/webhooks`, { token: t })).body.webhooks).toHaveLength(2);
		expect((await h.api(`/v0/bases/${BASE}/webhooks`)).body.webhooks).toHaveLength(3);
	});
});
