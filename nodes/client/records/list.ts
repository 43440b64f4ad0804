/**
 * Building get and list requests: option checks, query parameters, and GET-or-POST by URL length.
 */

import { AirtableInputError } from '../errors';
import type { AirtableRecord, GetOptions, ListOptions, RecordPage, RecordQuery } from './types';
import type { HttpMethod } from '../transport/types';

/** airtable.js's threshold: Airtable refuses URLs of 16,000 characters or more. */
export const MAX_GET_PATH_LENGTH = 15_000;
export const MAX_PAGE_SIZE = 100;

/** Rejects option combinations Airtable would refuse, before anything is sent. */
export function validateReadOptions(options: GetOptions): void {
	const { cellFormat, timeZone, userLocale } = options;
	if (cellFormat !== undefined && cellFormat !== 'json' && cellFormat !== 'string') {
		throw new AirtableInputError(`cellFormat must be 'json' or 'string', not '${String(cellFormat)}'`);
	}
	if (cellFormat === 'string' && (!timeZone || !userLocale)) {
		throw new AirtableInputError(
			"cellFormat 'string' needs both timeZone (e.g. 'Europe/Berlin') and userLocale (e.g. 'en-gb')",
		);
	}
}

export function validateListOptions(options: ListOptions): void {
	validateReadOptions(options);
	const { pageSize, maxRecords, sort, fields, recordMetadata } = options;
	if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= MAX_PAGE_SIZE)) {
		throw new AirtableInputError(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, not ${pageSize}`);
	}
	if (maxRecords !== undefined && !(Number.isInteger(maxRecords) && maxRecords >= 1)) {
		throw new AirtableInputError(`maxRecords must be a whole number of at least 1, not ${maxRecords}`);
	}
	for (const [position, spec] of (sort ?? []).entries()) {
		if (!spec || typeof spec.field !== 'string' || !spec.field) {
			throw new AirtableInputError(`sort[${position}] needs a field name or id`);
		}
		if (spec.direction !== undefined && spec.direction !== 'asc' && spec.direction !== 'desc') {
			throw new AirtableInputError(`sort[${position}].direction must be 'asc' or 'desc'`);
		}
	}
	if (fields?.some((field) => typeof field !== 'string' || !field)) {
		throw new AirtableInputError('fields must be a list of non-empty field names or ids');
	}
	if (recordMetadata?.some((entry) => entry !== 'commentCount')) {
		throw new AirtableInputError("recordMetadata supports only 'commentCount'");
	}
}

type QueryPair = [string, string];

function encodePairs(pairs: QueryPair[]): string {
	// Bracket keys stay literal (`fields[]`, `sort[0][field]`): Airtable's documented form.
	return pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
}

/** Query pairs shared by get and list: cell format, its locale, field keys. */
export function readQueryPairs(options: GetOptions): QueryPair[] {
	const pairs: QueryPair[] = [];
	if (options.cellFormat) pairs.push(['cellFormat', options.cellFormat]);
	if (options.timeZone) pairs.push(['timeZone', options.timeZone]);
	if (options.userLocale) pairs.push(['userLocale', options.userLocale]);
	if (options.returnFieldsByFieldId) pairs.push(['returnFieldsByFieldId', 'true']);
	return pairs;
}

export function withQuery(path: string, pairs: QueryPair[]): string {
	return pairs.length ? `${path}?${encodePairs(pairs)}` : path;
}

function listQueryPairs(options: ListOptions, offset: string | undefined): QueryPair[] {
	const pairs: QueryPair[] = [];
	if (options.pageSize !== undefined) pairs.push(['pageSize', String(options.pageSize)]);
	if (options.maxRecords !== undefined) pairs.push(['maxRecords', String(options.maxRecords)]);
	if (options.view) pairs.push(['view', options.view]);
	for (const field of options.fields ?? []) pairs.push(['fields[]', field]);
	if (options.filterByFormula) pairs.push(['filterByFormula', options.filterByFormula]);
	options.sort?.forEach((spec, position) => {
		pairs.push([`sort[${position}][field]`, spec.field]);
		pairs.push([`sort[${position}][direction]`, spec.direction ?? 'asc']);
	});
	pairs.push(...readQueryPairs(options));
	for (const entry of options.recordMetadata ?? []) pairs.push(['recordMetadata[]', entry]);
	if (offset) pairs.push(['offset', offset]);
	return pairs;
}

/** The JSON body of POST …/listRecords: the same options, arrays as plain JSON, offset included. */
function listBody(options: ListOptions, offset: string | undefined): Record<string, unknown> {
	const body: Record<string, unknown> = {};
	if (options.pageSize !== undefined) body.pageSize = options.pageSize;
	if (options.maxRecords !== undefined) body.maxRecords = options.maxRecords;
	if (options.view) body.view = options.view;
	if (options.fields) body.fields = options.fields;
	if (options.filterByFormula) body.filterByFormula = options.filterByFormula;
	if (options.sort) {
		body.sort = options.sort.map((spec) => ({ field: spec.field, direction: spec.direction ?? 'asc' }));
	}
	if (options.cellFormat) body.cellFormat = options.cellFormat;
	if (options.returnFieldsByFieldId) body.returnFieldsByFieldId = true;
	if (options.recordMetadata) body.recordMetadata = options.recordMetadata;
	if (offset) body.offset = offset;
	return body;
}

export interface PageRequest {
	method: HttpMethod;
	path: string;
	body?: unknown;
}

/**
 * GET while the URL stays short; past 15,000 characters POST …/listRecords with the options
 * (and the offset) in the body. timeZone and userLocale stay in the query string there too,
 * because Airtable's body parser ignores them.
 */
export function listPageRequest(tablePath: string, options: ListOptions, offset: string | undefined): PageRequest {
	const getPath = withQuery(tablePath, listQueryPairs(options, offset));
	if (getPath.length <= MAX_GET_PATH_LENGTH) return { method: 'GET', path: getPath };
	const localePairs: QueryPair[] = [];
	if (options.timeZone) localePairs.push(['timeZone', options.timeZone]);
	if (options.userLocale) localePairs.push(['userLocale', options.userLocale]);
	return {
		method: 'POST',
		path: withQuery(`${tablePath}/listRecords`, localePairs),
		body: listBody(options, offset),
	};
}

export interface ListResponse {
	records?: AirtableRecord[];
	offset?: string;
}

export type PageFetcher = (offset: string | undefined) => Promise<ListResponse>;

/**
 * A lazy listing: a page is requested only when the consumer asks for more, and iteration
 * stops once maxRecords records came back. Each iteration starts a fresh listing.
 */
export class RecordListing implements RecordQuery {
	constructor(
		private readonly fetchPage: PageFetcher,
		private readonly maxRecords: number | undefined,
	) {}

	async *pages(): AsyncGenerator<RecordPage> {
		let remaining = this.maxRecords ?? Number.POSITIVE_INFINITY;
		let offset: string | undefined;
		let pageIndex = 0;
		do {
			const page = await this.fetchPage(offset);
			let records = Array.isArray(page?.records) ? page.records : [];
			if (records.length > remaining) records = records.slice(0, remaining);
			remaining -= records.length;
			yield { records, pageIndex: pageIndex++ };
			offset = typeof page?.offset === 'string' && page.offset ? page.offset : undefined;
		} while (offset && remaining > 0);
	}

	async *[Symbol.asyncIterator](): AsyncGenerator<AirtableRecord> {
		for await (const page of this.pages()) yield* page.records;
	}

	async all(): Promise<AirtableRecord[]> {
		const records: AirtableRecord[] = [];
		for await (const page of this.pages()) records.push(...page.records);
		return records;
	}
}
