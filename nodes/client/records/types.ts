/**
 * Record shapes: the cells, records and the options of every record call (read, write, upsert,
 * list). A leaf: imports nothing, so any module may use it.
 */

/** Cell values as the REST API reads and writes them ("V1" cell format). */
export type FieldValue = unknown;
export type Fields = Record<string, FieldValue>;

export interface AirtableRecord {
	id: string;
	createdTime: string;
	fields: Fields;
	commentCount?: number;
}

export interface DeletedRecord {
	id: string;
	deleted: boolean;
	/**
	 * The record was already gone when a delete re-sent after a lost answer arrived: most likely
	 * the first attempt deleted it. Counted as deleted.
	 */
	alreadyGone?: boolean;
}

/* ------------------------------------------------------------------ records */

export interface WriteOptions {
	typecast?: boolean;
	returnFieldsByFieldId?: boolean;
}

export interface UpdateOptions extends WriteOptions {
	/** PUT instead of PATCH: fields not sent are cleared. */
	replace?: boolean;
}

export interface UpsertOptions extends UpdateOptions {
	/** 1 to 3 field names or ids forming the external key. */
	fieldsToMergeOn: string[];
}

export interface RecordUpdate {
	id: string;
	fields: Fields;
}

export interface UpsertResult {
	/** One record per input record, in input order. */
	records: AirtableRecord[];
	createdRecords: string[];
	updatedRecords: string[];
	/**
	 * Records Airtable reported as updated in its answer to a re-send after a lost answer: the
	 * lost attempt may have created them. Empty unless an answer was lost.
	 */
	createdOrUpdatedRecords: string[];
}

/**
 * Per-item outcome of a "settled" write: a chunk rejected with a validation error is split
 * until the bad items are isolated, so good items still land and each bad one gets its own error.
 */
export type SettledResult<T> =
	| { ok: true; index: number; value: T }
	| { ok: false; index: number; error: Error };

export interface UpsertSettledValue {
	record: AirtableRecord;
	/**
	 * true = created, false = updated, null = cannot tell: Airtable answered a re-send (the first
	 * attempt's answer was lost) with "updated", and the lost attempt may have created it.
	 */
	created: boolean | null;
}

export interface GetOptions {
	cellFormat?: 'json' | 'string';
	timeZone?: string;
	userLocale?: string;
	returnFieldsByFieldId?: boolean;
}

export interface SortSpec {
	field: string;
	direction?: 'asc' | 'desc';
}

export interface ListOptions extends GetOptions {
	filterByFormula?: string;
	sort?: SortSpec[];
	fields?: string[];
	view?: string;
	/** 1..100, default 100. */
	pageSize?: number;
	maxRecords?: number;
	recordMetadata?: Array<'commentCount'>;
}

export interface RecordPage {
	records: AirtableRecord[];
	/** 0-based index of this page in the listing. */
	pageIndex: number;
}

/** Returned by `table.list()`: iterate records with `for await`, or use `all()` / `pages()`. */
export interface RecordQuery extends AsyncIterable<AirtableRecord> {
	all(): Promise<AirtableRecord[]>;
	pages(): AsyncIterable<RecordPage>;
}

