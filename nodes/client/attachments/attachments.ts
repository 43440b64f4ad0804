/**
 * Uploading files into attachment fields and downloading attachment files, within Airtable's size
 * limits.
 */

import {
	AirtableError,
	AirtableInputError,
	AirtableUnknownOutcomeError,
	isAirtableError,
	type ErrorContext,
} from '../errors';
import type { RequestRunner } from '../transport/request';
import type { AirtableRecord } from '../records/types';

/** Airtable's upload endpoint takes at most 5 MB of file bytes per request. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** One attachment as Airtable returns it in a `multipleAttachments` cell. */
export interface AttachmentCell {
	id: string;
	url: string;
	filename: string;
	size?: number;
	type?: string;
	width?: number;
	height?: number;
	thumbnails?: Record<string, { url: string; width?: number; height?: number }>;
}

/** A file to upload: its bytes at once (`data`) or as a stream (read up to the 5 MB limit). */
export interface UploadInput {
	data?: Uint8Array;
	stream?: AsyncIterable<Uint8Array | string>;
	filename: string;
	/** MIME type; default application/octet-stream. */
	contentType?: string;
}

export interface UploadedAttachment {
	recordId: string;
	/** The field's id (Airtable answers uploads keyed by field id). */
	fieldId: string;
	/** The uploaded file's attachment (the last one in the cell). */
	attachment: AttachmentCell;
	/** The whole cell after the upload. */
	attachments: AttachmentCell[];
}

export interface DownloadOptions {
	/** Refuse files larger than this (checked against the cell's size first, then while reading). */
	maxBytes?: number;
	/** With `recordId` and `field`: an expired URL is replaced by re-reading the record once. */
	recordId?: string;
	field?: string;
}

export interface DownloadedAttachment {
	data: Buffer;
	filename: string;
	contentType: string;
	size: number;
	attachment: AttachmentCell;
}

/** Where a table's attachment calls run and what they may re-read. */
export interface AttachmentTarget {
	runner: RequestRunner;
	baseId: string;
	table: string;
	/** Re-reads one record (the table's own throttled get). */
	getRecord(recordId: string, byFieldId: boolean): Promise<AirtableRecord>;
}

/** Statuses the file host answers for a signed URL that expired or whose file is gone. */
const EXPIRED_URL_STATUSES = new Set([401, 403, 404, 410]);

/**
 * A file Airtable cannot take or give: too large for the upload endpoint, larger than the
 * caller's limit, or a download URL that no longer works. Same family (and kind) as a 422.
 */
export class AirtableAttachmentError extends AirtableInputError {}

export function isAttachmentCell(value: unknown): value is AttachmentCell {
	if (!value || typeof value !== 'object') return false;
	const cell = value as Partial<AttachmentCell>;
	return typeof cell.id === 'string' && typeof cell.url === 'string' && typeof cell.filename === 'string';
}

/** The attachments in a cell value (anything else in it is ignored). */
export function attachmentsIn(value: unknown): AttachmentCell[] {
	return Array.isArray(value) ? value.filter(isAttachmentCell) : [];
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Uploads one file into an attachment field of an existing record (appended to the cell).
 * The request is paced and retried like any other; a lost answer is settled by re-reading the
 * record (the file is there -> done, it is not -> sent once more) instead of failing or
 * blindly uploading a second copy.
 */
export async function uploadAttachment(
	target: AttachmentTarget,
	recordId: string,
	field: string,
	input: UploadInput,
): Promise<UploadedAttachment> {
	const context: ErrorContext = { operation: 'attachment.upload', baseId: target.baseId, table: target.table };
	if (typeof recordId !== 'string' || !recordId) throw new AirtableInputError('Uploading a file needs the record id (rec…)', context);
	if (typeof field !== 'string' || !field) throw new AirtableInputError('Uploading a file needs the attachment field (name or id)', context);
	const filename = typeof input?.filename === 'string' && input.filename ? input.filename : '';
	if (!filename) throw new AirtableInputError('Uploading a file needs a file name', context);
	const data = await uploadBytes(input, filename, context);
	const body = {
		contentType: input.contentType || 'application/octet-stream',
		file: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
		filename,
	};
	const path = `/v0/${encodeURIComponent(target.baseId)}/${encodeURIComponent(recordId)}/${encodeURIComponent(field)}/uploadAttachment`;
	const send = async () =>
		await target.runner.call<AirtableRecord | undefined>({
			method: 'POST',
			path,
			body,
			host: 'content',
			heavyBody: true,
			operation: 'attachment.upload',
			baseId: target.baseId,
			table: target.table,
			// Each accepted upload appends a file, so a lost answer must not be re-sent blindly.
			safety: 'create',
		});
	const lostAnswer = (error: unknown) => error instanceof AirtableUnknownOutcomeError;
	const first = await settle(send());
	if ('value' in first) return uploadResult(first.value, recordId, field, context);
	if (!lostAnswer(first.error)) throw first.error;
	const landed = await findLanded(target, recordId, field, filename, data.byteLength);
	return landed ?? uploadResult(await send(), recordId, field, context);
}

/** Bytes of the input, refusing more than the endpoint takes (a stream is cut short, not drained). */
async function uploadBytes(input: UploadInput, filename: string, context: ErrorContext): Promise<Uint8Array> {
	if (input.data) {
		if (input.data.byteLength > MAX_UPLOAD_BYTES) throw tooLargeToUpload(filename, input.data.byteLength, context);
		return input.data;
	}
	if (!input.stream) throw new AirtableInputError(`File "${filename}" has no data to upload`, context);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of input.stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		size += buffer.byteLength;
		if (size > MAX_UPLOAD_BYTES) throw tooLargeToUpload(filename, size, context, true);
		chunks.push(buffer);
	}
	return Buffer.concat(chunks);
}

function tooLargeToUpload(filename: string, size: number, context: ErrorContext, atLeast = false): AirtableAttachmentError {
	return new AirtableAttachmentError(
		`File "${filename}" is ${atLeast ? 'more than' : ''}${atLeast ? ' 5 MB' : formatBytes(size)}: Airtable's upload ` +
			`endpoint takes at most 5 MB per file. Give the file as a public URL instead (Airtable fetches files up to 1 GB by URL)`,
		context,
	);
}

async function findLanded(
	target: AttachmentTarget,
	recordId: string,
	field: string,
	filename: string,
	size: number,
): Promise<UploadedAttachment | undefined> {
	const byFieldId = /^fld/.test(field);
	const record = await target.getRecord(recordId, byFieldId);
	const attachments = attachmentsIn(record.fields?.[field]);
	const attachment = [...attachments].reverse().find((cell) => cell.filename === filename && cell.size === size);
	return attachment ? { recordId, fieldId: field, attachment, attachments } : undefined;
}

function uploadResult(
	response: AirtableRecord | undefined,
	recordId: string,
	field: string,
	context: ErrorContext,
): UploadedAttachment {
	const fields = response?.fields ?? {};
	// Keyed by field id; when the caller named the field, the one attachment cell in the answer is it.
	const entry =
		field in fields
			? ([field, fields[field]] as const)
			: Object.entries(fields).find(([, value]) => attachmentsIn(value).length > 0);
	const attachments = attachmentsIn(entry?.[1]);
	const attachment = attachments[attachments.length - 1];
	if (!entry || !attachment) {
		throw new AirtableError('unknown-outcome', 'Airtable accepted the upload but its answer shows no attachment; check the record', {
			...context,
			status: 200,
		});
	}
	return { recordId: response?.id ?? recordId, fieldId: entry[0], attachment, attachments };
}

/**
 * Downloads one attachment's file. Paced and retried like a read; the token is never sent to
 * the file host. A URL that expired (Airtable's last about 2 hours) is replaced once by
 * re-reading the record when `recordId` and `field` are given; after that, a clear error.
 */
export async function downloadAttachment(
	target: AttachmentTarget,
	attachment: AttachmentCell,
	options: DownloadOptions = {},
): Promise<DownloadedAttachment> {
	const context: ErrorContext = { operation: 'attachment.download', baseId: target.baseId, table: target.table };
	if (!isAttachmentCell(attachment)) {
		throw new AirtableInputError('An attachment to download needs id, url and filename, as Airtable returns them', context);
	}
	checkDeclaredSize(attachment, options.maxBytes, context);
	const first = await settle(fetchAttachment(target, attachment, options.maxBytes, context));
	if ('value' in first) return first.value;
	if (!isExpired(first.error)) throw first.error;
	const { recordId, field } = options;
	if (!recordId || !field) throw expiredError(attachment, context, false);
	const record = await target.getRecord(recordId, /^fld/.test(field));
	const fresh = attachmentsIn(record.fields?.[field]).find((cell) => cell.id === attachment.id);
	if (!fresh) {
		throw new AirtableAttachmentError(
			`File "${attachment.filename}" (${attachment.id}) is no longer in field "${field}" of record ${recordId}`,
			context,
		);
	}
	const second = await settle(fetchAttachment(target, fresh, options.maxBytes, context));
	if ('value' in second) return second.value;
	throw isExpired(second.error) ? expiredError(attachment, context, true) : second.error;
}

/** A promise's outcome as a value, so a failure can be looked at before deciding what to do. */
async function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
	return await promise.then(
		(value) => ({ value }),
		(error: unknown) => ({ error }),
	);
}

function checkDeclaredSize(attachment: AttachmentCell, maxBytes: number | undefined, context: ErrorContext): void {
	if (maxBytes !== undefined && typeof attachment.size === 'number' && attachment.size > maxBytes) {
		throw tooLargeToDownload(attachment, attachment.size, maxBytes, context);
	}
}

function tooLargeToDownload(attachment: AttachmentCell, size: number, maxBytes: number, context: ErrorContext) {
	return new AirtableAttachmentError(
		`File "${attachment.filename}" is ${formatBytes(size)}, more than the Max File Size of ${formatBytes(maxBytes)}; ` +
			'raise Max File Size or leave the field out of Download Attachments',
		context,
	);
}

async function fetchAttachment(
	target: AttachmentTarget,
	attachment: AttachmentCell,
	maxBytes: number | undefined,
	context: ErrorContext,
): Promise<DownloadedAttachment> {
	const body = await target.runner.call<unknown>({
		method: 'GET',
		// Only for errors and logs: the signed URL itself is a credential for the file.
		path: `attachment ${attachment.id}`,
		file: { url: attachment.url, maxBytes },
		operation: 'attachment.download',
		baseId: target.baseId,
		table: target.table,
		safety: 'repeatable',
	});
	const data = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : '');
	if (maxBytes !== undefined && data.byteLength > maxBytes) {
		throw tooLargeToDownload(attachment, data.byteLength, maxBytes, context);
	}
	return {
		data,
		filename: attachment.filename,
		contentType: attachment.type || 'application/octet-stream',
		size: data.byteLength,
		attachment,
	};
}

function isExpired(error: unknown): boolean {
	return isAirtableError(error) && error.status !== undefined && EXPIRED_URL_STATUSES.has(error.status);
}

function expiredError(attachment: AttachmentCell, context: ErrorContext, reread: boolean): AirtableAttachmentError {
	return new AirtableAttachmentError(
		`The download URL of file "${attachment.filename}" (${attachment.id}) expired or was refused` +
			(reread
				? ', and so did the fresh URL from re-reading the record; the file may have been removed from Airtable'
				: '; Airtable URLs last about 2 hours, so read the record again and download right away'),
		context,
	);
}
