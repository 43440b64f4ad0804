/**
 * The emulator's list records endpoint (GET and POST): filters, views, sort, fields and paging
 * with offsets.
 */

import { visibleBase } from './auth';
import { apiError, modelNotFound } from './errors';
import { FormulaSyntaxError } from './formula/errors';
import { tryCompileFormula } from './formula/evaluator';
import { truthy } from './formula/values';
import { jsonBody, ok, type ApiRequest, type ApiResponse, type CallInfo } from './http';
import { newId } from './ids';
import { choicesOf, findField, findTable, findView, type FieldDef, type RecordData, type TableData } from './model';
import { recordInView } from './mutations';
import { queryBool, parseBracketQuery } from './query';
import { CellReader } from './read';
import { recordJson, stringFormatFrom } from './output';
import type { EmulatorApp } from './state';

interface ListParams {
	pageSize?: unknown;
	maxRecords?: unknown;
	offset?: unknown;
	view?: unknown;
	fields?: unknown;
	sort?: unknown;
	filterByFormula?: unknown;
	cellFormat?: unknown;
	returnFieldsByFieldId?: unknown;
	recordMetadata?: unknown;
}

const INVALID = 'Invalid request: parameter validation failed. Check your request data.';

export function listRecordsGet(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const q = parseBracketQuery(req.query) as ListParams & { limit?: unknown };
	// airtable.js's deprecated list() sends the page size as `limit`; only the GET parser maps it.
	if (q.pageSize === undefined && q.limit !== undefined) q.pageSize = q.limit;
	return listRecords(req, call, app, q);
}

export function listRecordsPost(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	// The POST form reads options (offset included) from the body only; timeZone/userLocale stay in the query.
	return listRecords(req, call, app, jsonBody(req) as ListParams);
}

function listRecords(req: ApiRequest, call: CallInfo, app: EmulatorApp, p: ListParams): ApiResponse {
	const base = visibleBase(app, call.token!, req.params.baseId);
	const table = findTable(base, req.params.table);
	if (!table) throw modelNotFound();
	const now = app.clock.now();
	const reader = new CellReader(base, now);

	const pageSize = optionalInt(p.pageSize, 'pageSize') ?? 100;
	if (pageSize < 1 || pageSize > 100) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', `Invalid pageSize: ${pageSize}. It must be between 1 and 100.`);
	const maxRecords = optionalInt(p.maxRecords, 'maxRecords');
	const only = p.fields === undefined ? undefined : asStringList(p.fields, 'fields').map((name) => fieldOrUnknown(table, name));
	const stringFormat = stringFormatFrom(p.cellFormat, req.query.get('timeZone') ?? undefined, req.query.get('userLocale') ?? undefined);
	const byFieldId = queryBool(p.returnFieldsByFieldId);
	const commentCount = p.recordMetadata !== undefined && asStringList(p.recordMetadata, 'recordMetadata').includes('commentCount');

	let iterator;
	if (p.offset !== undefined && p.offset !== '') {
		iterator = resumeIterator(app, String(p.offset), base.id, table.id, now);
	} else {
		const ids = queryRecordIds(reader, table, p).slice(0, maxRecords ?? undefined);
		iterator = { id: newId('itr'), baseId: base.id, tableId: table.id, recordIds: ids, position: 0, lastUsed: now };
	}

	const slice = iterator.recordIds.slice(iterator.position, iterator.position + pageSize);
	const records = slice
		.map((id) => table.records.get(id))
		.filter((r): r is RecordData => r !== undefined)
		.map((r) => recordJson(reader, table, r, { byFieldId, stringFormat, only, commentCount }));
	const nextPosition = iterator.position + pageSize;
	const body: { records: unknown[]; offset?: string } = { records };
	if (nextPosition < iterator.recordIds.length) {
		iterator.position = nextPosition;
		iterator.lastUsed = now;
		app.iterators.set(iterator.id, iterator);
		body.offset = `${iterator.id}/${iterator.recordIds[nextPosition]}`;
	} else {
		app.iterators.delete(iterator.id);
	}
	call.records = records.length;
	return ok(body);
}

function resumeIterator(app: EmulatorApp, offset: string, baseId: string, tableId: string, now: number) {
	const [iteratorId, recordId] = offset.split('/');
	const iterator = app.iterators.get(iteratorId);
	const expired = !iterator || now - iterator.lastUsed > app.options.iteratorIdleMs;
	if (expired || iterator.baseId !== baseId || iterator.tableId !== tableId) {
		if (iterator && expired) app.iterators.delete(iteratorId);
		throw apiError(422, 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
	}
	// A repeated offset (a retried page) resumes at the record it names, not where we stopped.
	const index = iterator.recordIds.indexOf(recordId);
	if (index >= 0) iterator.position = index;
	return iterator;
}

/** The ordered record ids a query selects: view filter AND formula, then sort or view order. */
export function queryRecordIds(reader: CellReader, table: TableData, p: ListParams): string[] {
	const view = p.view === undefined || p.view === '' ? undefined : findView(table, String(p.view));
	if (p.view !== undefined && p.view !== '' && !view) throw apiError(422, 'VIEW_NAME_NOT_FOUND', `Could not find view ${String(p.view)} in table ${table.name}`);
	let formula;
	if (p.filterByFormula !== undefined && p.filterByFormula !== '') {
		const compiled = tryCompileFormula(String(p.filterByFormula), (n) => findField(table, n) !== undefined);
		if (compiled instanceof FormulaSyntaxError) {
			throw apiError(422, 'INVALID_FILTER_BY_FORMULA', `The formula for filtering records is invalid: ${compiled.message}`);
		}
		formula = compiled;
	}
	let records = [...table.records.values()];
	if (view) records = records.filter((r) => recordInView(reader, table, view, r));
	if (formula) records = records.filter((r) => truthy(formula.evaluate(reader.evalContext(table, r))));
	const sort = p.sort !== undefined ? parseSort(table, p.sort) : (view?.sort ?? []).map((s) => ({ field: table.fields.find((f) => f.id === s.fieldId), direction: s.direction }));
	const keys = sort.filter((s): s is { field: FieldDef; direction: 'asc' | 'desc' } => s.field !== undefined);
	if (keys.length) {
		records.sort((a, b) => {
			for (const { field, direction } of keys) {
				const cmp = compareCells(reader, table, field, a, b);
				if (cmp !== 0) return direction === 'desc' ? -cmp : cmp;
			}
			return 0;
		});
	}
	return records.map((r) => r.id);
}

function parseSort(table: TableData, raw: unknown): Array<{ field: FieldDef; direction: 'asc' | 'desc' }> {
	const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : null;
	if (!list) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', INVALID);
	return list.map((entry) => {
		const s = entry as { field?: unknown; direction?: unknown };
		if (typeof s?.field !== 'string') throw apiError(422, 'INVALID_REQUEST_UNKNOWN', INVALID);
		const direction = s.direction ?? 'asc';
		if (direction !== 'asc' && direction !== 'desc') throw apiError(422, 'INVALID_SORT_DIRECTION', `Invalid sort direction: ${String(direction)}`);
		return { field: fieldOrUnknown(table, s.field), direction };
	});
}

/** Airtable order: empty first, numbers numerically, selects in option order, text case-insensitively. */
function compareCells(reader: CellReader, table: TableData, field: FieldDef, a: RecordData, b: RecordData): number {
	const va = reader.value(table, a, field);
	const vb = reader.value(table, b, field);
	if (va === undefined || vb === undefined) return va === vb ? 0 : va === undefined ? -1 : 1;
	if (typeof va === 'number' && typeof vb === 'number') return va - vb;
	if (typeof va === 'boolean' || typeof vb === 'boolean') return Number(va === true) - Number(vb === true);
	if (field.type === 'singleSelect') {
		const names = choicesOf(field).map((c) => c.name);
		return names.indexOf(String(va)) - names.indexOf(String(vb));
	}
	const ta = reader.renderString(field, va, { timeZone: 'UTC', userLocale: 'en-us' });
	const tb = reader.renderString(field, vb, { timeZone: 'UTC', userLocale: 'en-us' });
	if (['date', 'dateTime', 'createdTime', 'lastModifiedTime'].includes(field.type)) return String(va) < String(vb) ? -1 : String(va) > String(vb) ? 1 : 0;
	return ta.localeCompare(tb, 'en', { sensitivity: 'base', numeric: true });
}

export function fieldOrUnknown(table: TableData, name: string): FieldDef {
	const field = findField(table, name);
	if (!field) throw apiError(422, 'UNKNOWN_FIELD_NAME', `Unknown field name: "${name}"`);
	return field;
}

function optionalInt(value: unknown, name: string): number | undefined {
	if (value === undefined || value === '') return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', `Invalid ${name}: ${String(value)}`);
	return n;
}

function asStringList(value: unknown, name: string): string[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value) : null;
	if (!list || !list.every((v) => typeof v === 'string')) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', `Invalid ${name}`);
	return list as string[];
}
