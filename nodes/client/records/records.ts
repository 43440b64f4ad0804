/**
 * Records of one table (`base(id).table(name)`): get, list, create, update, upsert, delete and
 * sync, chunked by 10 and settled per item, plus attachment upload and download for the table.
 */
import {
	downloadAttachment,
	uploadAttachment,
	type AttachmentCell,
	type AttachmentTarget,
	type DownloadedAttachment,
	type DownloadOptions,
	type UploadedAttachment,
	type UploadInput,
} from '../attachments/attachments';
import { runChunks, settleChunks, type Chunk } from './batch';
import { RecordCommentsHandle } from '../comments/comments';
import { AirtableError, AirtableInputError, type ErrorContext } from '../errors';
import { recordIdIn } from './formula';
import {
	listPageRequest,
	MAX_PAGE_SIZE,
	readQueryPairs,
	RecordListing,
	validateListOptions,
	validateReadOptions,
	withQuery,
	type ListResponse,
} from './list';
import type { RequestRunner } from '../transport/request';
import type { RequestSafety } from '../transport/retry';
import { syncTable, type SyncOptions, type SyncResult } from '../sync/sync';
import { checkUpsertItems, validateMergeFields } from './upsert';
import type {
	AirtableRecord,
	DeletedRecord,
	Fields,
	GetOptions,
	ListOptions,
	RecordQuery,
	RecordUpdate,
	SettledResult,
	UpdateOptions,
	UpsertOptions,
	UpsertResult,
	UpsertSettledValue,
	WriteOptions,
} from './types';
import type { HttpMethod } from '../transport/types';

interface RecordsResponse {
	records?: AirtableRecord[];
	createdRecords?: string[];
	updatedRecords?: string[];
}

/** Records of one table. Any number of items per call; requests carry 10 each. */
export class TableHandle {
	/** Path of the table's records endpoint; names are URL-encoded. */
	readonly path: string;

	constructor(
		private readonly runner: RequestRunner,
		readonly baseId: string,
		/** Table id or name, as the caller gave it. */
		readonly table: string,
	) {
		if (!table) throw new AirtableInputError('A table id or name is required', { baseId });
		this.path = `/v0/${encodeURIComponent(baseId)}/${encodeURIComponent(table)}`;
	}

	/** The comments of one record of this table. */
	comments(recordId: string): RecordCommentsHandle {
		return new RecordCommentsHandle(this.runner, this.baseId, this.table, recordId, this.path);
	}

	/* ---------------------------------------------------------------- reads */

	async get(recordId: string, options: GetOptions = {}): Promise<AirtableRecord> {
		requireId(recordId, 'record id', this.baseId, this.table);
		validateReadOptions(options);
		return await this.runner.call<AirtableRecord>({
			method: 'GET',
			path: withQuery(`${this.path}/${encodeURIComponent(recordId)}`, readQueryPairs(options)),
			operation: 'get',
			baseId: this.baseId,
			table: this.table,
			safety: 'repeatable',
		});
	}

	list(options: ListOptions = {}): RecordQuery {
		validateListOptions(options);
		const fetchPage = async (offset: string | undefined) => {
			const request = listPageRequest(this.path, options, offset);
			return await this.runner.call<ListResponse>({
				...request,
				operation: 'list',
				baseId: this.baseId,
				table: this.table,
				safety: 'repeatable',
			});
		};
		return new RecordListing(fetchPage, options.maxRecords);
	}

	/* ---------------------------------------------------------------- writes */

	async create(fieldsList: Fields[], options: WriteOptions = {}): Promise<AirtableRecord[]> {
		this.checkEach(fieldsList, checkFields);
		return await runChunks(fieldsList, this.createWorker(options));
	}

	async createSettled(
		fieldsList: Fields[],
		options: WriteOptions = {},
	): Promise<Array<SettledResult<AirtableRecord>>> {
		return await settleChunks(
			fieldsList,
			this.createWorker(options),
			this.failures(fieldsList, checkFields),
			(fields) => fields,
		);
	}

	async update(updates: RecordUpdate[], options: UpdateOptions = {}): Promise<AirtableRecord[]> {
		this.checkEach(updates, checkUpdate);
		return await runChunks(updates, this.updateWorker(options));
	}

	async updateSettled(
		updates: RecordUpdate[],
		options: UpdateOptions = {},
	): Promise<Array<SettledResult<AirtableRecord>>> {
		return await settleChunks(
			updates,
			this.updateWorker(options),
			this.failures(updates, checkUpdate),
			(update) => update.fields,
		);
	}

	/**
	 * Creates or updates by merge key. Everything is checked before the first request (merge
	 * fields present in every record, no key twice in one call), so a bad input never leaves
	 * the table half-written.
	 */
	async upsert(fieldsList: Fields[], options: UpsertOptions): Promise<UpsertResult> {
		const mergeFields = validateMergeFields(options?.fieldsToMergeOn, this.context());
		const problems = checkUpsertItems(fieldsList, mergeFields, this.context());
		const first = problems.values().next();
		if (!first.done) throw first.value;
		const values = await runChunks(fieldsList, this.upsertWorker(options, mergeFields));
		return combineUpserts(values);
	}

	async upsertSettled(
		fieldsList: Fields[],
		options: UpsertOptions,
	): Promise<Array<SettledResult<UpsertSettledValue>>> {
		const mergeFields = validateMergeFields(options?.fieldsToMergeOn, this.context());
		const problems = checkUpsertItems(fieldsList, mergeFields, this.context());
		return await settleChunks(fieldsList, this.upsertWorker(options, mergeFields), problems, (fields) => fields);
	}

	async delete(ids: string[]): Promise<DeletedRecord[]> {
		this.checkEach(ids, checkRecordId);
		return await runChunks(ids, this.deleteWorker());
	}

	async deleteSettled(ids: string[]): Promise<Array<SettledResult<DeletedRecord>>> {
		return await settleChunks(ids, this.deleteWorker(), this.failures(ids, checkRecordId));
	}

	/* ---------------------------------------------------------------- attachments */

	/** Uploads one file (≤ 5 MB) into an attachment field of an existing record; see attachments.ts. */
	async uploadAttachment(recordId: string, field: string, input: UploadInput): Promise<UploadedAttachment> {
		return await uploadAttachment(this.attachmentTarget(), recordId, field, input);
	}

	/** Downloads one attachment's file; with `recordId` + `field`, an expired URL is refreshed once. */
	async downloadAttachment(attachment: AttachmentCell, options: DownloadOptions = {}): Promise<DownloadedAttachment> {
		return await downloadAttachment(this.attachmentTarget(), attachment, options);
	}

	private attachmentTarget(): AttachmentTarget {
		return {
			runner: this.runner,
			baseId: this.baseId,
			table: this.table,
			getRecord: async (recordId, byFieldId) => await this.get(recordId, { returnFieldsByFieldId: byFieldId }),
		};
	}

	/**
	 * Upserts rows by merge key with Skip Unchanged, duplicate-key policy and mirror-delete;
	 * one result per row (see sync.ts).
	 */
	async sync(rows: Fields[], options: SyncOptions): Promise<SyncResult> {
		return await syncTable(this, rows, options, () => this.runner.stats.requests);
	}

	/* ---------------------------------------------------------------- workers */

	private createWorker(options: WriteOptions) {
		return async (chunk: Chunk<Fields>, isCancelled: () => boolean) => {
			const body = {
				records: chunk.items.map((fields) => ({ fields })),
				...writeFlags(options),
			};
			const response = await this.send('POST', this.path, body, 'create', 'create', chunk, isCancelled);
			return recordsOf(response, chunk, this.context('create'));
		};
	}

	private updateWorker(options: UpdateOptions) {
		return async (chunk: Chunk<RecordUpdate>, isCancelled: () => boolean) => {
			const body = {
				records: chunk.items.map(({ id, fields }) => ({ id, fields })),
				...writeFlags(options),
			};
			const method = options.replace ? 'PUT' : 'PATCH';
			const operation = options.replace ? 'replace' : 'update';
			const response = await this.send(method, this.path, body, operation, 'repeatable', chunk, isCancelled);
			return recordsOf(response, chunk, this.context(operation));
		};
	}

	/**
	 * An upsert is safe to re-send, but its answer then describes the re-send: a record the lost
	 * first attempt created comes back as "updated". After a re-send, records reported updated
	 * are therefore `created: null` (created by the lost attempt, or updated: cannot tell).
	 */
	private upsertWorker(options: UpsertOptions, fieldsToMergeOn: string[]) {
		return async (chunk: Chunk<Fields>, isCancelled: () => boolean): Promise<UpsertSettledValue[]> => {
			const body = {
				performUpsert: { fieldsToMergeOn },
				records: chunk.items.map((fields) => ({ fields })),
				...writeFlags(options),
			};
			const method = options.replace ? 'PUT' : 'PATCH';
			let resent = false;
			const response = await this.send(method, this.path, body, 'upsert', 'repeatable', chunk, isCancelled, () => {
				resent = true;
			});
			const created = new Set(response?.createdRecords ?? []);
			return recordsOf(response, chunk, this.context('upsert')).map((record) => ({
				record,
				created: created.has(record.id) ? true : resent ? null : false,
			}));
		};
	}

	/**
	 * A delete re-sent after a lost answer finds the records the first attempt deleted gone
	 * (404 / ROW_DOES_NOT_EXIST): they count as deleted (`alreadyGone: true`), not as failures.
	 * A chunk's 404 does not say which of its ids was gone, and Airtable applies a chunk as a
	 * whole (nothing of the re-send was deleted), so one read of the chunk's ids tells which are
	 * still there, and only those are deleted again: at most two requests more than the re-send,
	 * where asking the ids one by one cost up to ten. Should that delete meet a 404 once more
	 * (someone else deleted them in between), its ids are asked one by one.
	 */
	private deleteWorker() {
		const deleteChunk = async (
			chunk: Chunk<string>,
			isCancelled: () => boolean,
			resolution: 'none' | 'read' | 'singles',
		): Promise<DeletedRecord[]> => {
			const query = chunk.items.map((id) => `records[]=${encodeURIComponent(id)}`).join('&');
			const outcome = await this.send('DELETE', `${this.path}?${query}`, undefined, 'delete', 'repeatable', chunk, isCancelled).then(
				(response) => ({ response: response as { records?: DeletedRecord[] } | undefined }),
				(error: unknown) => ({ error }),
			);
			if ('response' in outcome) {
				return chunk.items.map((id, position) => outcome.response?.records?.[position] ?? { id, deleted: true });
			}
			const { error } = outcome;
			if (!isRecordGone(error) || !(resolution !== 'none' || error.afterLostAnswer)) throw error;
			if (chunk.items.length === 1) return [{ id: chunk.items[0], deleted: true, alreadyGone: true }];
			if (resolution === 'read') {
				const singles = chunk.items.map((id, position) => ({ items: [id], indexes: [chunk.indexes[position]] }));
				return (await Promise.all(singles.map(async (single) => deleteChunk(single, isCancelled, 'singles')))).flat();
			}
			const present = await this.existingIds(chunk.items);
			const left: Chunk<string> = { items: [], indexes: [] };
			chunk.items.forEach((id, position) => {
				if (!present.has(id)) return;
				left.items.push(id);
				left.indexes.push(chunk.indexes[position]);
			});
			const deletedNow = left.items.length ? await deleteChunk(left, isCancelled, 'read') : [];
			const byId = new Map(deletedNow.map((record) => [record.id, record]));
			return chunk.items.map((id) => byId.get(id) ?? { id, deleted: true, alreadyGone: true });
		};
		return async (chunk: Chunk<string>, isCancelled: () => boolean) => deleteChunk(chunk, isCancelled, 'none');
	}

	/** Which of these record ids the table still holds: one list request per 100 ids. */
	private async existingIds(ids: string[]): Promise<Set<string>> {
		const present = new Set<string>();
		for (let start = 0; start < ids.length; start += MAX_PAGE_SIZE) {
			const filterByFormula = recordIdIn(ids.slice(start, start + MAX_PAGE_SIZE));
			for await (const record of this.list({ filterByFormula, pageSize: MAX_PAGE_SIZE })) present.add(record.id);
		}
		return present;
	}

	private async send<T>(
		method: HttpMethod,
		path: string,
		body: unknown,
		operation: string,
		safety: RequestSafety,
		chunk: Chunk<T>,
		isCancelled: () => boolean,
		onResendAfterLostAnswer?: () => void,
	): Promise<RecordsResponse | undefined> {
		return await this.runner.call<RecordsResponse | undefined>({
			method,
			path,
			body,
			operation,
			baseId: this.baseId,
			table: this.table,
			safety,
			itemIndexes: chunk.indexes,
			isCancelled,
			onResendAfterLostAnswer,
		});
	}

	/* ---------------------------------------------------------------- input checks */

	private context(operation?: string): ErrorContext {
		return { operation, baseId: this.baseId, table: this.table };
	}

	private checkEach<T>(items: T[], check: ItemCheck<T>): void {
		const first = this.failures(items, check).values().next();
		if (!first.done) throw first.value;
	}

	private failures<T>(items: T[], check: ItemCheck<T>): Map<number, Error> {
		if (!Array.isArray(items)) {
			throw new AirtableInputError('Expected a list of items', this.context());
		}
		const failures = new Map<number, Error>();
		items.forEach((item, index) => {
			const problem = check(item);
			if (problem) failures.set(index, new AirtableInputError(problem, { ...this.context(), itemIndexes: [index] }));
		});
		return failures;
	}
}

/** Returns a description of what is wrong with one input item, or undefined. */
type ItemCheck<T> = (item: T) => string | undefined;

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const checkFields: ItemCheck<Fields> = (fields) =>
	isPlainObject(fields) ? undefined : 'Each record must be an object of field names (or ids) to values';

const checkUpdate: ItemCheck<RecordUpdate> = (update) => {
	if (!isPlainObject(update) || typeof update.id !== 'string' || !update.id) {
		return 'Each update needs the record id (rec…) of the record to change';
	}
	return isPlainObject(update.fields) ? undefined : `Update of ${update.id} needs a fields object`;
};

const checkRecordId: ItemCheck<string> = (id) =>
	typeof id === 'string' && id ? undefined : 'Each item needs the record id (rec…) to delete';

function requireId(id: string, what: string, baseId: string, table: string): void {
	if (typeof id !== 'string' || !id) throw new AirtableInputError(`A ${what} is required`, { baseId, table });
}

function writeFlags(options: WriteOptions): Record<string, boolean> {
	const flags: Record<string, boolean> = {};
	if (options.typecast !== undefined) flags.typecast = options.typecast;
	if (options.returnFieldsByFieldId !== undefined) flags.returnFieldsByFieldId = options.returnFieldsByFieldId;
	return flags;
}

/** Airtable answers with one record per sent record, in the sent order. */
function recordsOf<T>(
	response: RecordsResponse | undefined,
	chunk: Chunk<T>,
	context: ErrorContext,
): AirtableRecord[] {
	const records = Array.isArray(response?.records) ? response.records : [];
	if (records.length !== chunk.items.length) {
		throw new AirtableError(
			'unknown-outcome',
			`Airtable answered with ${records.length} records for ${chunk.items.length} sent, so the ` +
				'results cannot be matched to the items; check the table before running them again',
			{ ...context, itemIndexes: chunk.indexes },
		);
	}
	return records;
}

function combineUpserts(values: UpsertSettledValue[]): UpsertResult {
	const createdRecords: string[] = [];
	const updatedRecords: string[] = [];
	const createdOrUpdatedRecords: string[] = [];
	const seen = new Set<string>();
	for (const { record, created } of values) {
		if (seen.has(record.id)) continue;
		seen.add(record.id);
		if (created === null) createdOrUpdatedRecords.push(record.id);
		else (created ? createdRecords : updatedRecords).push(record.id);
	}
	return { records: values.map((value) => value.record), createdRecords, updatedRecords, createdOrUpdatedRecords };
}

/** The answer of a delete whose record no longer exists (the shapes are in test/contract). */
function isRecordGone(error: unknown): error is AirtableError {
	return (
		error instanceof AirtableError &&
		(error.status === 404 || error.type === 'ROW_DOES_NOT_EXIST' || error.type === 'NOT_FOUND')
	);
}
