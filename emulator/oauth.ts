/**
 * The emulator's OAuth2 server: authorization code with PKCE, token and refresh endpoints.
 */
import { createHash, timingSafeEqual } from 'crypto';
import { ApiError } from './errors';
import type { ApiRequest, ApiResponse } from './http';
import { base64Url, newId, newSecret } from './ids';
import type { OAuthClientConfig } from './options';
import type { EmulatorWorld } from './world';

interface AuthCode {
	code: string;
	clientId: string;
	redirectUri: string;
	scopes: string[];
	challenge: string;
	expiresAt: number;
}

interface Grant {
	id: string;
	clientId: string;
	scopes: string[];
	revoked: boolean;
	accessToken?: string;
	refreshToken?: string;
}

interface RefreshToken {
	grantId: string;
	expiresAt: number;
	used: boolean;
}

function oauthError(status: number, error: string, description: string): ApiError {
	return new ApiError(status, { error, error_description: description });
}

/**
 * Airtable's OAuth flow without a person: authorize approves at once and redirects with a code;
 * the token endpoint checks PKCE (S256) and rotates refresh tokens (single use; reuse revokes
 * the grant, as on Airtable).
 */
export class OAuthService {
	private readonly codes = new Map<string, AuthCode>();
	private readonly grants = new Map<string, Grant>();
	private readonly refreshTokens = new Map<string, RefreshToken>();

	constructor(private readonly app: EmulatorWorld) {}

	private client(clientId: string | undefined): OAuthClientConfig | undefined {
		return this.app.options.oauth.clients.find((c) => c.clientId === clientId);
	}

	authorize(req: ApiRequest): ApiResponse {
		const q = req.query;
		const client = this.client(q.get('client_id') ?? undefined);
		const redirectUri = q.get('redirect_uri') ?? '';
		// Like Airtable: a bad client or redirect URI is never redirected to.
		if (!client) throw oauthError(400, 'invalid_client', 'Unknown client_id');
		if (!redirectUri || (client.redirectUris?.length && !client.redirectUris.includes(redirectUri))) {
			throw oauthError(400, 'invalid_request', 'redirect_uri is missing or not registered for this client');
		}
		let target: URL;
		try {
			target = new URL(redirectUri);
		} catch {
			throw oauthError(400, 'invalid_request', 'redirect_uri is not a valid URL');
		}
		const state = q.get('state');
		if (state !== null) target.searchParams.set('state', state);
		const fail = (error: string, description: string): ApiResponse => {
			target.searchParams.set('error', error);
			target.searchParams.set('error_description', description);
			return { status: 302, headers: { location: target.toString() } };
		};
		if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
		const challenge = q.get('code_challenge');
		if (!challenge || q.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge with code_challenge_method=S256 is required');
		const scopes = (q.get('scope') ?? '').split(/\s+/).filter(Boolean);
		if (scopes.length === 0) return fail('invalid_scope', 'At least one scope is required');
		const code = base64Url(newSecret(24));
		this.codes.set(code, { code, clientId: client.clientId, redirectUri, scopes, challenge, expiresAt: this.app.clock.now() + this.app.options.oauth.codeLifetimeMs });
		target.searchParams.set('code', code);
		return { status: 302, headers: { location: target.toString() } };
	}

	token(req: ApiRequest): ApiResponse {
		const form = new URLSearchParams(req.rawBody.toString('utf8'));
		const clientId = this.authenticateClient(req, form);
		const grantType = form.get('grant_type');
		if (grantType === 'authorization_code') return this.exchangeCode(form, clientId);
		if (grantType === 'refresh_token') return this.refresh(form, clientId);
		throw oauthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
	}

	private authenticateClient(req: ApiRequest, form: URLSearchParams): string {
		const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
		let clientId = form.get('client_id') ?? undefined;
		let secret: string | undefined;
		if (basic) {
			const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
			const colon = decoded.indexOf(':');
			clientId = decodeURIComponent(decoded.slice(0, colon));
			secret = decodeURIComponent(decoded.slice(colon + 1));
		}
		const client = this.client(clientId);
		if (!client) throw oauthError(401, 'invalid_client', 'Unknown client');
		if (client.clientSecret !== undefined && client.clientSecret !== secret) throw oauthError(401, 'invalid_client', 'Client authentication failed');
		return client.clientId;
	}

	private exchangeCode(form: URLSearchParams, clientId: string): ApiResponse {
		const code = this.codes.get(form.get('code') ?? '');
		// Codes are single use: delete before any check, so a failed attempt cannot be retried.
		if (code) this.codes.delete(code.code);
		if (!code || code.expiresAt <= this.app.clock.now() || code.clientId !== clientId) {
			throw oauthError(400, 'invalid_grant', 'The authorization code is invalid, expired or already used');
		}
		if (form.get('redirect_uri') !== code.redirectUri) throw oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorize request');
		const verifier = form.get('code_verifier') ?? '';
		const expected = Buffer.from(code.challenge);
		const actual = Buffer.from(base64Url(createHash('sha256').update(verifier).digest()));
		if (!verifier || expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
			throw oauthError(400, 'invalid_grant', 'code_verifier does not match code_challenge');
		}
		const grant: Grant = { id: newId('gra'), clientId, scopes: code.scopes, revoked: false };
		this.grants.set(grant.id, grant);
		return this.issue(grant);
	}

	private refresh(form: URLSearchParams, clientId: string): ApiResponse {
		const value = form.get('refresh_token') ?? '';
		const stored = this.refreshTokens.get(value);
		const grant = stored ? this.grants.get(stored.grantId) : undefined;
		if (!stored || !grant || grant.clientId !== clientId || grant.revoked || stored.expiresAt <= this.app.clock.now()) {
			throw oauthError(400, 'invalid_grant', 'The refresh token is invalid or expired');
		}
		if (stored.used) {
			// Reuse of a rotated refresh token: Airtable treats it as theft and revokes the grant.
			this.revoke(grant);
			throw oauthError(400, 'invalid_grant', 'The refresh token has already been used; the grant was revoked');
		}
		stored.used = true;
		return this.issue(grant);
	}

	private revoke(grant: Grant): void {
		grant.revoked = true;
		if (grant.accessToken) this.app.tokens.delete(grant.accessToken);
	}

	private issue(grant: Grant): ApiResponse {
		const config = this.app.options.oauth;
		const now = this.app.clock.now();
		if (grant.accessToken) this.app.tokens.delete(grant.accessToken);
		const accessToken = `oaa${base64Url(newSecret(32))}`;
		const refreshToken = `oar${base64Url(newSecret(32))}`;
		grant.accessToken = accessToken;
		grant.refreshToken = refreshToken;
		this.app.tokens.set(accessToken, {
			token: accessToken,
			userId: config.user.id,
			email: config.user.email,
			name: config.user.name,
			kind: 'oauth',
			scopes: grant.scopes,
			bases: config.bases,
			expiresAt: now + config.accessTokenLifetimeMs,
			clientId: grant.clientId,
		});
		this.refreshTokens.set(refreshToken, { grantId: grant.id, expiresAt: now + config.refreshTokenLifetimeMs, used: false });
		return {
			status: 200,
			body: {
				access_token: accessToken,
				refresh_token: refreshToken,
				token_type: 'Bearer',
				scope: grant.scopes.join(' '),
				expires_in: Math.round(config.accessTokenLifetimeMs / 1000),
				refresh_expires_in: Math.round(config.refreshTokenLifetimeMs / 1000),
			},
		};
	}
}
