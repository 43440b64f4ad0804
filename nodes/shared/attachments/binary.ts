/**
 * Between attachment cells and n8n binary data: which binary properties an item offers, turning
 * one into an upload, and downloading cells into items' binary data with bounded concurrency.
 */
import type {
	IBinaryData,
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
} from 'n8n-workflow';

import {
	AirtableAttachmentError,
	attachmentsIn,
	formatBytes,
	MAX_UPLOAD_BYTES,
	type AttachmentCell,
	type UploadInput,
} from '../../client/attachments/attachments';
import type { TableHandle } from '../../client/records/records';

/** Files of one node run downloaded at the same time: enough to keep the base's pace busy, bounded memory. */
export const DOWNLOAD_CONCURRENCY = 4;
/** Default Max File Size for downloads, in MB. */
export const DEFAULT_MAX_FILE_SIZE_MB = 100;


/* ------------------------------------------------------------------ download to binary */

/** What a node needs to turn attachment cells into binary data. */
export interface BinaryWriter {
	helpers: { prepareBinaryData(data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> };
}

export interface DownloadSettings {
	/** Attachment fields to download, as keyed in the records' `fields` (names, or ids with Use Field IDs). */
	fields: string[];
	/** Files larger than this fail their item. */
	maxFileSizeBytes: number;
	concurrency?: number;
}

/** An output item holding a record (`{id, fields}` or flattened), or a page of them (`{records}`). */
export interface RecordItem {
	json: IDataObject;
	binary?: IBinaryKeyData;
}

/** `<field>_<index>`, with characters n8n's expressions trip over replaced. */
export function binaryPropertyName(field: string, index: number): string {
	return `${field.trim().replace(/[^\w-]+/g, '_')}_${index}`;
}

interface RecordInItem {
	recordId?: string;
	fields: Record<string, unknown>;
	/** Binary property name of the record's `index`-th file of `field`. */
	name(field: string, index: number): string;
}

/** The records an output item carries; a page item's files are named `<field>_<record>_<index>`. */
export function recordsInItem(json: IDataObject): RecordInItem[] {
	const one = (record: IDataObject, name: RecordInItem['name']): RecordInItem => ({
		recordId: typeof record.id === 'string' ? record.id : undefined,
		fields: (record.fields && typeof record.fields === 'object' ? record.fields : record) as Record<string, unknown>,
		name,
	});
	if (Array.isArray(json.records)) {
		return (json.records as IDataObject[]).map((record, position) =>
			one(record, (field, index) => binaryPropertyName(`${field}_${position}`, index)),
		);
	}
	return [one(json, binaryPropertyName)];
}

/**
 * Downloads every attachment of `settings.fields` in each item's record into the item's binary
 * data, a few at a time (the client paces them with the base's other requests). Written through
 * n8n's binary helpers, so filesystem and S3 binary modes keep the bytes out of memory after
 * each file. Returns one entry per item: undefined, or the error that failed that item.
 */
export async function downloadAttachmentsToItems(
	ctx: BinaryWriter,
	table: TableHandle,
	items: RecordItem[],
	settings: DownloadSettings,
): Promise<Array<Error | undefined>> {
	const errors: Array<Error | undefined> = items.map(() => undefined);
	const jobs: Array<{ itemIndex: number; field: string; name: string; attachment: AttachmentCell; recordId?: string }> = [];
	items.forEach((item, itemIndex) => {
		for (const { recordId, fields, name } of recordsInItem(item.json)) {
			for (const field of settings.fields) {
				attachmentsIn(fields[field]).forEach((attachment, position) =>
					jobs.push({ itemIndex, field, name: name(field, position), attachment, recordId }),
				);
			}
		}
	});
	await forEachBounded(jobs, settings.concurrency ?? DOWNLOAD_CONCURRENCY, async (job) => {
		if (errors[job.itemIndex]) return;
		try {
			const file = await table.downloadAttachment(job.attachment, {
				maxBytes: settings.maxFileSizeBytes,
				recordId: job.recordId,
				field: job.field,
			});
			const binary = await ctx.helpers.prepareBinaryData(file.data, file.filename, file.contentType);
			const item = items[job.itemIndex];
			item.binary = { ...(item.binary ?? {}), [job.name]: binary };
		} catch (error) {
			errors[job.itemIndex] = error instanceof Error ? error : new Error(String(error));
		}
	});
	return errors;
}

/** Runs `work` over `jobs` with at most `limit` in flight. */
export async function forEachBounded<T>(jobs: T[], limit: number, work: (job: T) => Promise<void>): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < jobs.length) {
			const job = jobs[next++];
			await work(job);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, lane));
}

/* ------------------------------------------------------------------ binary to upload */

/** "all" = every binary property of the item. */
export type BinarySelection = string[] | 'all';

/** Parses a comma-separated list of binary property names; `*` alone means all of them. */
export function parseBinarySelection(text: string): BinarySelection {
	const names = text
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	return names.length === 1 && names[0] === '*' ? 'all' : names;
}

/** Names of the item's binary properties the selection picks, in the order given. */
export function selectedBinaryProperties(ctx: IExecuteFunctions, itemIndex: number, selection: BinarySelection): string[] {
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	return selection === 'all' ? Object.keys(binary) : selection;
}

/**
 * One item's binary property as an upload: refused before reading when n8n already knows it is
 * over 5 MB (no point loading it), otherwise read through n8n's helper, which works the same in
 * memory, filesystem and S3 binary modes.
 */
export async function uploadInputFromBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
): Promise<UploadInput> {
	const meta = ctx.helpers.assertBinaryData(itemIndex, property);
	const filename = meta.fileName || `${property}${meta.fileExtension ? `.${meta.fileExtension}` : ''}`;
	if (typeof meta.bytes === 'number' && meta.bytes > MAX_UPLOAD_BYTES) throw tooLarge(filename, meta.bytes);
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	if (data.byteLength > MAX_UPLOAD_BYTES) throw tooLarge(filename, data.byteLength);
	return { data, filename, contentType: meta.mimeType || 'application/octet-stream' };
}

function tooLarge(filename: string, size: number): AirtableAttachmentError {
	return new AirtableAttachmentError(
		`File "${filename}" is ${formatBytes(size)}: Airtable's upload endpoint takes at most 5 MB per file. ` +
			'Give the file as a public URL instead (Airtable fetches files up to 1 GB by URL)',
	);
}
