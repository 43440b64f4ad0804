/**
 * What a cassette must never hold: the token (and any other secret the caller names), webhook
 * MAC secrets, OAuth tokens, personal access tokens wherever they appear, and e-mail addresses.
 * The same function runs over live requests before they are matched against a recording, so a
 * request that carried an address at record time still matches at replay.
 */

export const REDACTED = '[redacted]';
export const REDACTED_EMAIL = 'redacted@example.invalid';

/** Keys whose values are secrets whatever they look like. */
const SECRET_KEYS = new Set([
	'macsecretbase64',
	'access_token',
	'accesstoken',
	'refresh_token',
	'refreshtoken',
	'id_token',
	'client_secret',
	'clientsecret',
	'authorization',
	'password',
	'token',
]);

/** Airtable personal access tokens: `pat` + an id (14 characters today), a dot, a long hex secret. */
const PERSONAL_ACCESS_TOKEN = /\bpat[A-Za-z0-9]{10,24}\.[a-f0-9]{32,}/g;
const EMAIL_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export type Redactor = <T>(value: T) => T;

/** A redactor for these known secrets (tokens, identities); at least 8 characters each. */
export function createRedactor(secrets: ReadonlyArray<string | undefined>): Redactor {
	const known = secrets.filter((secret): secret is string => !!secret && secret.length >= 8);
	const redactText = (text: string): string =>
		known
			.reduce((clean, secret) => clean.split(secret).join(REDACTED), text)
			.replace(PERSONAL_ACCESS_TOKEN, REDACTED)
			.replace(EMAIL_ADDRESS, REDACTED_EMAIL);
	const walk = (value: unknown): unknown => {
		if (typeof value === 'string') return redactText(value);
		if (Array.isArray(value)) return value.map(walk);
		if (value && typeof value === 'object') {
			return Object.fromEntries(
				Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
					redactText(key),
					SECRET_KEYS.has(key.toLowerCase()) && inner !== null && inner !== undefined ? REDACTED : walk(inner),
				]),
			);
		}
		return value;
	};
	return <T>(value: T): T => walk(value) as T;
}
