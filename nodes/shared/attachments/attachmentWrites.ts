/**
 * Attachment writes for Records and Batch Upsert: files checked before the first write, then
 * URLs sent with the record and binary files uploaded once the record exists.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { AirtableError, isAirtableError } from '../../client/errors';
import {
	AirtableAttachmentError,
	attachmentsIn,
	formatBytes,
	MAX_UPLOAD_BYTES,
	type AttachmentCell,
} from '../../client/attachments/attachments';
import type { TableHandle } from '../../client/records/records';
import type { AirtableRecord, Fields, SettledResult } from '../../client/types';
import { attachmentInputsFor } from './attachmentProperties';
import type { AttachmentInput, PlannedFiles, WriteKind } from './attachmentTypes';
import { fileNameOfUrl, filesStillToWrite } from './attachmentReconcile';
import {
	forEachBounded,
	selectedBinaryProperties,
	uploadInputFromBinary,
} from './binary';

/** Uploads of one node run in flight at once: the base's 5 concurrent requests, and at most 5 files in memory. */
export const UPLOAD_CONCURRENCY = 5;


/**
 * Checks one item's files before anything is written: every named binary property exists and
 * is at most 5 MB (n8n knows the size without reading the file), URLs are http(s). Throws the
 * item's error, naming file and size, so the record is never written half-way.
 */
export function planItemFiles(ctx: IExecuteFunctions, itemIndex: number, inputs: AttachmentInput[]): PlannedFiles[] {
	return inputs
		.filter((input) => input.field)
		.map((input) => {
			const uploads = selectedBinaryProperties(ctx, itemIndex, input.binary).map((property) => {
				const meta = ctx.helpers.assertBinaryData(itemIndex, property);
				const filename = meta.fileName || property;
				if (typeof meta.bytes === 'number' && meta.bytes > MAX_UPLOAD_BYTES) {
					throw new AirtableAttachmentError(
						`File "${filename}" (binary property "${property}") is ${formatBytes(meta.bytes)}: Airtable's upload ` +
							`endpoint takes at most 5 MB per file. Give it to field "${input.field}" as a public URL instead ` +
							'(Airtable fetches files up to 1 GB by URL)',
						{ field: input.field },
					);
				}
				return { property, filename, bytes: knownSize(meta) };
			});
			const urls = input.urls.map((url) => {
				if (!/^https?:\/\//i.test(url)) {
					throw new AirtableAttachmentError(`"${url}" is not an http(s) URL Airtable can fetch for field "${input.field}"`, {
						field: input.field,
					});
				}
				const filename = fileNameOfUrl(url);
				return filename ? { url, filename } : { url };
			});
			return { field: input.field, mode: input.mode, uploads, urls };
		});
}

/** The file's size in bytes, when n8n recorded it or the bytes are in the item itself (memory mode). */
function knownSize(meta: { bytes?: number; id?: string; data?: string }): number | undefined {
	if (typeof meta.bytes === 'number') return meta.bytes;
	return !meta.id && typeof meta.data === 'string' ? Buffer.byteLength(meta.data, 'base64') : undefined;
}

/**
 * The attachment cells to send with the record write itself. New records and PUT get the URLs
 * (PUT clears what it is not sent anyway); Replace mode on PATCH/upsert sets the cell to the URLs
 * (or empties it) so uploads land in a clean cell; Append mode leaves the cell out of the write.
 */
export function attachmentFieldsForWrite(plans: PlannedFiles[], kind: WriteKind): Fields {
	const fields: Fields = {};
	for (const plan of plans) {
		if (kind === 'create' || kind === 'replace') {
			if (plan.urls.length) fields[plan.field] = plan.urls;
		} else if (plan.mode === 'replace') {
			fields[plan.field] = plan.urls;
		}
	}
	return fields;
}

/** A record that exists by now: its id, and its cells as last read or returned. */
export type RecordCells = Pick<AirtableRecord, 'id' | 'fields'>;

export interface WrittenRecord {
	itemIndex: number;
	record: RecordCells;
	plans: PlannedFiles[];
}

/**
 * After the records exist: URLs appended to kept attachments (one batched update, 10 per
 * request), then binary files uploaded into them — several records at a time, one record's
 * files in order, each file read from n8n only right before its upload, so memory holds a few
 * files, not the batch. Each record's output gets its final attachment cells. Returns the errors
 * per item index; the record itself was written in every case.
 */
export async function applyFilesAfterWrite(
	ctx: IExecuteFunctions,
	table: TableHandle,
	written: WrittenRecord[],
	kind: WriteKind,
): Promise<Map<number, Error>> {
	const errors = new Map<number, Error>();
	const cellWrites = written
		.map((target) => ({ target, fields: cellsBeforeUploads(target, kind) }))
		.filter(({ fields }) => Object.keys(fields).length > 0);
	if (cellWrites.length) {
		const results = await table.updateSettled(cellWrites.map(({ target, fields }) => ({ id: target.record.id, fields })));
		for (const result of results) {
			const { target } = cellWrites[result.index];
			if (result.ok) target.record.fields = { ...target.record.fields, ...result.value.fields };
			else errors.set(target.itemIndex, filesFailed(target.record.id, result.error));
		}
	}
	const jobs = written.filter(({ itemIndex, plans }) => !errors.has(itemIndex) && plans.some((p) => p.uploads.length));
	await forEachBounded(jobs, UPLOAD_CONCURRENCY, async ({ itemIndex, record, plans }) => {
		try {
			for (const plan of plans) {
				for (const upload of plan.uploads) {
					const input = await uploadInputFromBinary(ctx, itemIndex, upload.property);
					const result = await table.uploadAttachment(record.id, plan.field, input);
					record.fields = { ...record.fields, [plan.field]: result.attachments as AttachmentCell[] };
				}
			}
		} catch (error) {
			errors.set(itemIndex, filesFailed(record.id, error));
		}
	});
	return errors;
}

/**
 * Cells to write once the record exists, before its uploads: URLs appended to the files it
 * keeps (Append on an existing record), or the cell set to the URLs (`clearFirst`).
 */
function cellsBeforeUploads({ record, plans }: WrittenRecord, kind: WriteKind): Fields {
	const fields: Fields = {};
	for (const plan of plans) {
		if (plan.clearFirst) {
			fields[plan.field] = plan.urls;
		} else if (plan.mode === 'append' && plan.urls.length && kind !== 'create' && kind !== 'replace') {
			const kept = attachmentsIn(record.fields?.[plan.field]).map((cell) => ({ id: cell.id }));
			fields[plan.field] = [...kept, ...plan.urls];
		}
	}
	return fields;
}

/** The record was written; say so, so nobody writes it again to get the files in. Keeps the cause's kind. */
function filesFailed(recordId: string, error: unknown): Error {
	const reason = error instanceof Error ? error.message : String(error);
	const summary = `Record ${recordId} was written, but its files were not all attached: ${reason}`;
	if (isAirtableError(error)) {
		return new AirtableError(error.kind, summary, { status: error.status, type: error.type, field: error.field });
	}
	return new AirtableAttachmentError(summary);
}

/**
 * A write node's attachment files across one run: `plan` per item before the write (its cells
 * go into the write), `afterWrite` per group of written records (URL appends, uploads).
 * With `reconcile` (Batch Upsert's Skip Unchanged on PATCH), no cell goes into the write:
 * `afterSync` compares each record's cells with the item's files and writes only what is missing.
 */
export class AttachmentFiles {
	private readonly plans = new Map<number, PlannedFiles[]>();

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly kind: WriteKind,
		private readonly options: { reconcile?: boolean } = {},
	) {}

	/** Checks the item's Attachments parameter; returns the cells to send with its record. Throws for a bad item. */
	plan(itemIndex: number): Fields {
		const plans = planItemFiles(this.ctx, itemIndex, attachmentInputsFor(this.ctx, itemIndex));
		if (!plans.length) return {};
		this.plans.set(itemIndex, plans);
		return this.options.reconcile ? {} : attachmentFieldsForWrite(plans, this.kind);
	}

	/** The attachment fields the planned items give files for (a Skip Unchanged read must include them). */
	fields(): string[] {
		return [...new Set([...this.plans.values()].flat().map((plan) => plan.field))];
	}

	/**
	 * Files of records a sync wrote or found unchanged (`record.fields` as read or returned).
	 * Returns the items whose records got files in this step (an unchanged row that did is
	 * `updated`), and the errors by item. Each record's `fields` gets its final cells.
	 */
	async afterSync(
		table: TableHandle,
		records: Array<{ itemIndex: number; record: RecordCells }>,
	): Promise<{ attached: Set<number>; errors: Map<number, Error> }> {
		const written: WrittenRecord[] = [];
		for (const { itemIndex, record } of records) {
			const planned = this.plans.get(itemIndex);
			if (!planned) continue;
			const plans = this.options.reconcile ? filesStillToWrite(planned, record.fields ?? {}) : planned;
			if (plans.length) written.push({ itemIndex, record, plans });
		}
		const errors = written.length ? await applyFilesAfterWrite(this.ctx, table, written, this.kind) : new Map<number, Error>();
		return { attached: new Set(written.map(({ itemIndex }) => itemIndex)), errors };
	}

	/** Files of the records that landed; `owners[i]` is the item of `results[i].index`. Errors by item. */
	async afterWrite(table: TableHandle, results: Array<SettledResult<unknown>>, owners: number[]): Promise<Map<number, Error>> {
		const written: WrittenRecord[] = [];
		for (const result of results) {
			const itemIndex = owners[result.index];
			const plans = this.plans.get(itemIndex);
			if (!result.ok || !plans) continue;
			const record = recordIn(result.value);
			if (record) written.push({ itemIndex, record, plans });
		}
		return written.length ? await applyFilesAfterWrite(this.ctx, table, written, this.kind) : new Map();
	}
}

/** The record in a settled write value: the record itself, or an upsert's `{ record, created }`. */
function recordIn(value: unknown): AirtableRecord | undefined {
	const candidate = (value as { record?: unknown })?.record ?? value;
	const record = candidate as Partial<AirtableRecord> | undefined;
	return record && typeof record.id === 'string' && record.fields && typeof record.fields === 'object' ? (record as AirtableRecord) : undefined;
}
