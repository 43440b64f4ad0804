/**
 * Who is calling the emulator and what they may see: bearer tokens, their scopes and bases.
 */
import { apiError, modelNotFound } from './errors';
import type { ApiRequest } from './http';
import type { BaseData } from './model';
import type { TokenConfig } from './options';
import type { EmulatorWorld } from './world';

export function authenticate(req: ApiRequest, app: EmulatorWorld): TokenConfig {
	const header = req.headers.authorization ?? '';
	const match = /^Bearer\s+(.+)$/i.exec(header);
	const token = match ? app.tokens.get(match[1].trim()) : undefined;
	if (!token || (token.expiresAt !== undefined && token.expiresAt <= app.clock.now())) {
		throw apiError(401, 'AUTHENTICATION_REQUIRED', 'Authentication required');
	}
	return token;
}

export function hasScope(token: TokenConfig, scope: string): boolean {
	return token.scopes === undefined || token.scopes.includes(scope);
}

export function requireScope(token: TokenConfig, scope: string | undefined): void {
	if (scope && !hasScope(token, scope)) throw modelNotFound();
}

export function canSeeBase(token: TokenConfig, baseId: string): boolean {
	return token.bases === '*' || token.bases.includes(baseId);
}

/** Unknown and invisible bases are deliberately indistinguishable (403), as on Airtable. */
export function visibleBase(app: EmulatorWorld, token: TokenConfig, baseId: string): BaseData {
	const base = app.bases.get(baseId);
	if (!base || !canSeeBase(token, baseId)) throw modelNotFound();
	return base;
}
