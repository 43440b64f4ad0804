/**
 * The emulator's attachment file store and /_files URLs, signed and expiring on the virtual clock
 * like Airtable's.
 */

import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import type { EmulatorApp } from '../state';

/** Where the emulator serves attachment files: `/_files/{attId}/{filename}?expires=…&signature=…`. */
export const FILES_PREFIX = '/_files';
/** Airtable's attachment URLs stop working about 2 hours after they were served. */
export const FILE_URL_LIFETIME_MS = 2 * 60 * 60 * 1000;

export interface StoredFile {
	data: Buffer;
	filename: string;
	type: string;
}

/**
 * The bytes behind attachment cells, by attachment id. Cells keep their id; every API answer
 * that carries a cell gets a freshly signed URL that expires on the emulator's virtual clock,
 * so tests advance the clock to see an expired URL and re-read the record to get a working one.
 */
export class FileStore {
	private readonly files = new Map<string, StoredFile>();
	private readonly secret = randomBytes(32);
	/** Attachment ids whose URL fetch (URL attachments) is under way, for tests to await. */
	readonly pending = new Map<string, Promise<void>>();

	put(id: string, file: StoredFile): void {
		this.files.set(id, file);
	}

	get(id: string): StoredFile | undefined {
		return this.files.get(id);
	}

	has(id: string): boolean {
		return this.files.has(id);
	}

	clear(): void {
		this.files.clear();
	}

	signedUrl(origin: string, id: string, filename: string, now: number, variant?: string): string {
		const expires = now + FILE_URL_LIFETIME_MS;
		const name = encodeURIComponent(filename || 'file');
		const variantQuery = variant ? `&variant=${variant}` : '';
		return `${origin}${FILES_PREFIX}/${id}/${name}?expires=${expires}${variantQuery}&signature=${this.signature(id, expires)}`;
	}

	verify(id: string, expires: number, signature: string): boolean {
		const expected = Buffer.from(this.signature(id, expires));
		const given = Buffer.from(signature);
		return expected.length === given.length && timingSafeEqual(expected, given);
	}

	private signature(id: string, expires: number): string {
		return createHmac('sha256', this.secret).update(`${id}:${expires}`).digest('hex').slice(0, 32);
	}
}

/** A `data:` URL's bytes and MIME type. */
export function decodeDataUrl(url: string, filename: string): StoredFile | undefined {
	const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
	if (!match) return undefined;
	const data = match[2] ? Buffer.from(match[3], 'base64') : Buffer.from(decodeURIComponent(match[3]));
	return { data, filename, type: match[1] || 'application/octet-stream' };
}

const stores = new WeakMap<EmulatorApp, FileStore>();

/** The file store of one emulator instance (kept beside the app, so several emulators never share one). */
export function filesOf(app: EmulatorApp): FileStore {
	let store = stores.get(app);
	if (!store) {
		store = new FileStore();
		stores.set(app, store);
	}
	return store;
}

/** The origin clients reached the emulator under: file URLs must work from there. */
export function requestOrigin(req: IncomingMessage, app: EmulatorApp): string {
	const host = req.headers.host ?? `${app.options.host}:${app.options.port}`;
	return `http://${host}`;
}

/**
 * Gives every attachment object in an API answer a fresh, signed URL (and its thumbnails too).
 * Runs on each answer, as Airtable signs URLs when it serves them.
 */
export function presentFileUrls(
	app: EmulatorApp,
	body: unknown,
	origin: string,
	describe: (id: string, file: StoredFile) => Record<string, unknown>,
): unknown {
	const store = filesOf(app);
	const now = app.clock.now();
	const visit = (value: unknown): unknown => {
		if (Array.isArray(value)) return value.map(visit);
		if (!value || typeof value !== 'object') return value;
		const object = value as Record<string, unknown>;
		if (typeof object.id === 'string' && typeof object.url === 'string' && object.url.startsWith('data:') && !store.has(object.id)) {
			// Seeds carry their files inline; they join the store the first time an answer shows them.
			const decoded = decodeDataUrl(object.url, typeof object.filename === 'string' ? object.filename : 'file');
			if (decoded) store.put(object.id, decoded);
		}
		const stored = typeof object.id === 'string' ? store.get(object.id) : undefined;
		if (stored && typeof object.id === 'string' && (typeof object.url !== 'string' || object.url.startsWith('data:'))) {
			// A kept `{id}` in an answer written before the cell was completed: describe the file in full.
			return visit(describe(object.id, stored));
		}
		if (typeof object.id === 'string' && typeof object.url === 'string' && store.has(object.id)) {
			const id = object.id;
			const filename = typeof object.filename === 'string' ? object.filename : 'file';
			const out: Record<string, unknown> = { ...object, url: store.signedUrl(origin, id, filename, now) };
			if (object.thumbnails && typeof object.thumbnails === 'object') {
				const thumbnails: Record<string, unknown> = {};
				for (const [size, thumb] of Object.entries(object.thumbnails as Record<string, Record<string, unknown>>)) {
					thumbnails[size] = { ...thumb, url: store.signedUrl(origin, id, filename, now, size) };
				}
				out.thumbnails = thumbnails;
			}
			return out;
		}
		const out: Record<string, unknown> = {};
		for (const [key, inner] of Object.entries(object)) out[key] = visit(inner);
		return out;
	};
	return visit(body);
}

/**
 * Serves `/_files/…`: the file when the signature is right and the URL has not expired; 410 Gone
 * when it expired (what a stale Airtable URL gives), 404 otherwise. No token: the URL is the key.
 */
export function serveFile(app: EmulatorApp, url: URL, res: ServerResponse): void {
	const store = filesOf(app);
	const [, , id] = url.pathname.split('/');
	const expires = Number(url.searchParams.get('expires'));
	const signature = url.searchParams.get('signature') ?? '';
	const file = id ? store.get(id) : undefined;
	const plain = (status: number, text: string) => {
		res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
		res.end(text);
	};
	if (!file || !Number.isFinite(expires) || !store.verify(id, expires, signature)) return plain(404, 'Not found');
	if (expires <= app.clock.now()) return plain(410, 'This attachment URL has expired');
	res.writeHead(200, {
		'content-type': file.type,
		'content-length': file.data.byteLength,
		'content-disposition': `inline; filename="${encodeURIComponent(file.filename)}"`,
	});
	res.end(file.data);
}
