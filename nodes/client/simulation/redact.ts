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

/** Objects whose every value is a cell value (records' `fields`, webhook payloads' cells). */
const CELL_CONTAINERS = new Set(['fields', 'cellvaluesbyfieldid']);
/** Keys whose value is a formula, which quotes cell values. */
const FORMULA_KEYS = new Set(['filterbyformula']);

/**
 * Same type, no content: matching still works (both sides are redacted alike) and the replayed
 * answers keep their shape, but no value of the base survives.
 */
function placeholderFor(value: unknown): unknown {
	if (typeof value === 'string') return REDACTED;
	if (typeof value === 'number') return 0;
	if (typeof value === 'boolean') return false;
	if (Array.isArray(value)) return value.map(placeholderFor);
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, placeholderFor(inner)]));
	}
	return value;
}

export interface RedactionOptions {
	/** Also replace every cell value and formula by a placeholder of the same type. */
	cellValues?: boolean;
}

/** A redactor for these known secrets (tokens, identities); at least 8 characters each. */
export function createRedactor(secrets: ReadonlyArray<string | undefined>, options: RedactionOptions = {}): Redactor {
	const known = secrets.filter((secret): secret is string => !!secret && secret.length >= 8);
	const redactText = (text: string): string =>
		known
			.reduce((clean, secret) => clean.split(secret).join(REDACTED), text)
			.replace(PERSONAL_ACCESS_TOKEN, REDACTED)
			.replace(EMAIL_ADDRESS, REDACTED_EMAIL);
	const walkEntry = (key: string, inner: unknown): unknown => {
		const name = key.toLowerCase();
		if (SECRET_KEYS.has(name) && inner !== null && inner !== undefined) return REDACTED;
		if (options.cellValues && FORMULA_KEYS.has(name) && typeof inner === 'string') return REDACTED;
		if (options.cellValues && CELL_CONTAINERS.has(name) && inner && typeof inner === 'object' && !Array.isArray(inner)) {
			return Object.fromEntries(Object.entries(inner as Record<string, unknown>).map(([field, cell]) => [redactText(field), placeholderFor(cell)]));
		}
		return walk(inner);
	};
	const walk = (value: unknown): unknown => {
		if (typeof value === 'string') return redactText(value);
		if (Array.isArray(value)) {
			// Query pairs ([name, value]) carry formulas too.
			if (value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
				return [redactText(value[0]), walkEntry(value[0], value[1])];
			}
			return value.map(walk);
		}
		if (value && typeof value === 'object') {
			return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [redactText(key), walkEntry(key, inner)]));
		}
		return value;
	};
	return <T>(value: T): T => walk(value) as T;
}
