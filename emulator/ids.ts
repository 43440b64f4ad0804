/** Airtable-looking ids and random secrets for the emulator. */

import { randomBytes } from 'crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Airtable-looking id: 3-char prefix + 14 alphanumerics (e.g. `recAbc…`). */
export function newId(prefix: string): string {
	const bytes = randomBytes(14);
	let out = prefix;
	for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
	return out;
}

/** Opaque random secret, returned base64-encoded like Airtable's macSecretBase64. */
export function newSecret(bytes = 32): Buffer {
	return randomBytes(bytes);
}

export function base64Url(buf: Buffer): string {
	return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
