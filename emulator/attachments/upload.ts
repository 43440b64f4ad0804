/**
 * The emulator's uploadAttachment endpoint: stores the uploaded bytes and appends them to the
 * record's attachment cell.
 */

import { visibleBase } from '../auth';
import { apiError, notFound } from '../errors';
import { jsonBody, ok, type ApiRequest, type ApiResponse, type CallInfo } from '../http';
import { newId } from '../ids';
import { findField, locateRecord, type FieldDef } from '../model';
import { updateRecord } from '../mutations';
import { apiActor } from '../records';
import type { EmulatorApp } from '../state';
import { filesOf, type StoredFile } from './files';
import { imageSize } from './imageSize';

/** Airtable's limit for the upload endpoint: 5 MB of file bytes. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** The JSON body around 5 MB of base64 is about 7 MB; the server admits this much on the upload path. */
export const MAX_UPLOAD_BODY_BYTES = 8 * 1024 * 1024;

const UPLOAD_PATH = /^\/v0\/[^/]+\/[^/]+\/[^/]+\/uploadAttachment\/?$/;

export function isUploadPath(pathname: string): boolean {
	return UPLOAD_PATH.test(pathname);
}

/** An attachment cell for stored bytes: size, MIME type, and pixel size + thumbnails for images. */
export function attachmentCell(id: string, file: StoredFile): Record<string, unknown> {
	const cell: Record<string, unknown> = { id, url: `/_files/${id}`, filename: file.filename, size: file.data.byteLength, type: file.type };
	const size = file.type.startsWith('image/') ? imageSize(file.data) : undefined;
	if (size) {
		cell.width = size.width;
		cell.height = size.height;
		// Thumbnails are the file itself here; Airtable scales them (small 36 px high, large up to 512).
		const scaled = (height: number) => ({ url: cell.url, width: Math.max(1, Math.round((size.width * height) / Math.max(1, size.height))), height });
		cell.thumbnails = {
			small: scaled(Math.min(36, size.height)),
			large: scaled(Math.min(512, size.height)),
			full: { url: cell.url, width: size.width, height: size.height },
		};
	}
	return cell;
}

/**
 * `POST /v0/{baseId}/{recordId}/{attachmentFieldIdOrName}/uploadAttachment` (content.airtable.com
 * on Airtable; on the emulator the same port as the API): body `{contentType, file (base64),
 * filename}`; appends the file to the cell; answers the record with that field keyed by field id.
 */
export function uploadAttachment(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const base = visibleBase(app, call.token!, req.params.baseId);
	const located = locateRecord(base, req.params.recordId);
	if (!located) throw notFound();
	const { table, record } = located;
	const field = findField(table, req.params.field);
	if (!field) throw apiError(422, 'UNKNOWN_FIELD_NAME', `Unknown field name: "${req.params.field}"`);
	if (field.type !== 'multipleAttachments') {
		throw apiError(422, 'INVALID_VALUE_FOR_COLUMN', `Field "${field.name}" cannot accept the provided value: it is not an attachment field`);
	}
	if (base.permissionLevel === 'read' || base.permissionLevel === 'comment' || base.permissionLevel === 'none') {
		throw apiError(403, 'INVALID_PERMISSIONS', `You are not permitted to write cell values in field ${field.name}`);
	}
	const file = uploadedFile(jsonBody(req));
	const id = newId('att');
	filesOf(app).put(id, file);
	const current = Array.isArray(record.cells[field.id]) ? (record.cells[field.id] as unknown[]) : [];
	const tx = app.transaction(base, apiActor(call, base));
	updateRecord(tx, table, record, new Map<FieldDef, unknown>([[field, [...current, attachmentCell(id, file)]]]), false);
	app.commit(tx);
	call.records = 1;
	return ok({
		id: record.id,
		createdTime: new Date(record.createdTime).toISOString(),
		fields: { [field.id]: record.cells[field.id] },
	});
}

function uploadedFile(body: Record<string, unknown>): StoredFile {
	const { contentType, file, filename } = body;
	if (typeof file !== 'string' || !file || typeof filename !== 'string' || !filename || typeof contentType !== 'string' || !contentType) {
		throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'Invalid request: parameter validation failed. Check your request data. (contentType, file and filename are required)');
	}
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(file)) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'file must be base64-encoded');
	const data = Buffer.from(file, 'base64');
	if (data.byteLength > MAX_UPLOAD_BYTES) {
		throw apiError(413, 'INVALID_FILE_TOO_LARGE', `The file is ${data.byteLength} bytes; uploads are limited to ${MAX_UPLOAD_BYTES} bytes (5 MB)`);
	}
	return { data, filename, type: contentType };
}
