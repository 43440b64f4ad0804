/**
 * Attachments written by URL: the emulator fetches loopback and data: URLs only and drops the
 * others, as Airtable fails silently.
 */

import { locateRecord } from '../model';
import type { EmulatorApp } from '../state';
import { attachmentCell } from './upload';
import { decodeDataUrl, filesOf, type StoredFile } from './files';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const MAX_URL_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Attachments written as `{url}`: Airtable fetches them in the background and fails silently.
 * The emulator fetches only from loopback (nothing it does may leave the machine) and drops
 * any other URL from the cell, the silent failure Airtable shows for unreachable files.
 * `data:` URLs (used by seeds) are decoded on the spot.
 */
export function settleUrlAttachments(app: EmulatorApp, baseId: string | undefined, body: unknown): void {
	const base = baseId ? app.bases.get(baseId) : undefined;
	if (!base) return;
	const store = filesOf(app);
	for (const record of recordsIn(body)) {
		const located = locateRecord(base, record.id);
		if (!located) continue;
		for (const field of located.table.fields) {
			if (field.type !== 'multipleAttachments') continue;
			const cell = located.record.cells[field.id];
			if (!Array.isArray(cell)) continue;
			for (const attachment of cell as Array<Record<string, unknown>>) {
				const id = String(attachment.id ?? '');
				const url = String(attachment.url ?? '');
				const known = store.get(id);
				// `{id}` keeps an existing file: the cell gets its full description back, as on Airtable.
				if (known && !url) located.record.cells[field.id] = (located.record.cells[field.id] as Array<Record<string, unknown>>).map((a) => (a.id === id ? attachmentCell(id, known) : a));
				if (!id || known || store.pending.has(id) || url.startsWith('/_files/')) continue;
				const filename = String(attachment.filename ?? 'file');
				const replace = (file: StoredFile) => {
					store.put(id, file);
					const current = located.record.cells[field.id];
					if (!Array.isArray(current)) return;
					located.record.cells[field.id] = current.map((a: Record<string, unknown>) => (a.id === id ? attachmentCell(id, file) : a));
				};
				const drop = () => {
					const current = located.record.cells[field.id];
					if (!Array.isArray(current)) return;
					const rest = current.filter((a: Record<string, unknown>) => a.id !== id);
					if (rest.length) located.record.cells[field.id] = rest;
					else delete located.record.cells[field.id];
				};
				if (url.startsWith('data:')) {
					const decoded = decodeDataUrl(url, filename);
					if (decoded) replace(decoded);
					else drop();
					continue;
				}
				if (!isLoopback(url)) {
					drop();
					continue;
				}
				const work = fetchLoopback(url, filename)
					.then((file) => (file ? replace(file) : drop()))
					.finally(() => store.pending.delete(id));
				store.pending.set(id, work);
			}
		}
	}
}

/** Records in an API answer: a record, `{records: […]}`, or neither. */
function recordsIn(body: unknown): Array<{ id: string }> {
	if (!body || typeof body !== 'object') return [];
	const records = (body as { records?: unknown }).records;
	const list = Array.isArray(records) ? records : [body];
	return list.filter((r): r is { id: string } => !!r && typeof (r as { id?: unknown }).id === 'string');
}

function isLoopback(url: string): boolean {
	try {
		const parsed = new URL(url);
		return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK_HOSTS.has(parsed.hostname);
	} catch {
		return false;
	}
}

async function fetchLoopback(url: string, filename: string): Promise<StoredFile | undefined> {
	try {
		// No redirects: a loopback URL must not bounce the emulator to another host.
		const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
		if (response.status < 200 || response.status >= 300) return undefined;
		const data = Buffer.from(await response.arrayBuffer());
		if (data.byteLength > MAX_URL_FILE_BYTES) return undefined;
		const type = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0].trim();
		return { data, filename, type };
	} catch {
		return undefined;
	}
}
