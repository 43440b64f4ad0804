import { createHash, randomBytes } from 'crypto';

import type { E2eContext } from './context';

/** The emulator's default OAuth client (any redirect URI, no secret). */
export const OAUTH_CLIENT_ID = 'emulator-oauth-client';
export const OAUTH_SCOPE = 'data.records:read data.records:write schema.bases:read webhook:manage';

export interface OAuthTokens {
	access_token: string;
	refresh_token: string;
	expires_in: number;
}

const base64Url = (buffer: Buffer) => buffer.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The authorization-code + PKCE (S256) exchange a person does once in the editor, done without one. */
export async function authorizeWithPkce(ctx: E2eContext): Promise<OAuthTokens> {
	const verifier = base64Url(randomBytes(32));
	const challenge = base64Url(createHash('sha256').update(verifier).digest());
	const redirectUri = `${ctx.n8n.url}/rest/oauth2-credential/callback`;
	const authorizeUrl = new URL(`${ctx.emulator.url}/oauth2/v1/authorize`);
	const query = {
		client_id: OAUTH_CLIENT_ID,
		redirect_uri: redirectUri,
		response_type: 'code',
		code_challenge: challenge,
		code_challenge_method: 'S256',
		scope: OAUTH_SCOPE,
		state: 'e2e',
	};
	for (const [key, value] of Object.entries(query)) authorizeUrl.searchParams.set(key, value);
	const redirect = await fetch(authorizeUrl, { redirect: 'manual' });
	const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code');
	if (!code) throw new Error(`The emulator's authorize step gave no code (status ${redirect.status})`);
	const token = await fetch(`${ctx.emulator.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'authorization_code',
			code,
			redirect_uri: redirectUri,
			code_verifier: verifier,
			client_id: OAUTH_CLIENT_ID,
		}).toString(),
	});
	if (token.status !== 200) throw new Error(`The token exchange failed with ${token.status}: ${await token.text()}`);
	return (await token.json()) as OAuthTokens;
}
