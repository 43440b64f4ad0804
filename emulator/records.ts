/**
 * The emulator's record endpoints: get, create, update or replace (one or many, with
 * performUpsert) and delete.
 */

import { visibleBase } from './auth';
import { apiError, modelNotFound, notFound } from './errors';
import { jsonBody, ok, type ApiRequest, type ApiResponse, type CallInfo } from './http';
import { fieldOrUnknown } from './list';
import { findTable, isComputed, type BaseData, type FieldDef, type RecordData, type TableData } from './model';
import { createRecord, deleteRecord, prepareFields, updateRecord, type Actor, type PreparedFields } from './mutations';
import { recordJson, stringFormatFrom } from './output';
import { queryBool } from './query';
import { CellReader } from './read';
import type { EmulatorApp } from './state';

const MAX_RECORDS = 10;
const INVALID = 'Invalid request: parameter validation failed. Check your request data.';

function target(app: EmulatorApp, req: ApiRequest, call: CallInfo): { base: BaseData; table: TableData } {
	const base = visibleBase(app, call.token!, req.params.baseId);
	const table = findTable(base, req.params.table);
	if (!table) throw modelNotFound();
	return { base, table };
}

/** The user a public-API change is attributed to in webhook payloads. */
export function apiActor(call: CallInfo, base: BaseData): Actor {
	const token = call.token!;
	return {
		source: 'publicApi',
		user: { id: token.userId, ...(token.email ? { email: token.email } : {}), permissionLevel: base.permissionLevel, ...(token.name ? { name: token.name } : {}) },
	};
}

function requireWriteAccess(base: BaseData, table: TableData, verb: string): void {
	if (base.permissionLevel === 'read' || base.permissionLevel === 'comment' || base.permissionLevel === 'none') {
		throw apiError(403, 'INVALID_PERMISSIONS', `You are not permitted to ${verb} records in table ${table.name}`);
	}
}

function tooMany(count: number, verb: string) {
	return apiError(422, 'INVALID_RECORDS', `A maximum of ${MAX_RECORDS} records can be ${verb} per request but you have provided ${count}.`);
}

export function getRecord(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const { base, table } = target(app, req, call);
	const record = table.records.get(req.params.recordId);
	if (!record) throw notFound();
	const stringFormat = stringFormatFrom(req.query.get('cellFormat') ?? undefined, req.query.get('timeZone') ?? undefined, req.query.get('userLocale') ?? undefined);
	call.records = 1;
	const reader = new CellReader(base, app.clock.now());
	return ok(recordJson(reader, table, record, { byFieldId: queryBool(req.query.get('returnFieldsByFieldId')), stringFormat }));
}

export function createRecords(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const { base, table } = target(app, req, call);
	const body = jsonBody(req);
	requireWriteAccess(base, table, 'create');
	const typecast = body.typecast === true;
	const byFieldId = body.returnFieldsByFieldId === true;
	const single = body.records === undefined;
	const inputs = single ? [body] : body.records;
	if (!Array.isArray(inputs) || inputs.length === 0) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', INVALID);
	if (inputs.length > MAX_RECORDS) throw tooMany(inputs.length, 'created');
	const reader = new CellReader(base, app.clock.now());
	const prepared = inputs.map((r) => prepareFields(base, table, (r as { fields?: unknown })?.fields ?? {}, typecast, reader));
	const tx = app.transaction(base, apiActor(call, base));
	const created = prepared.map((p) => createRecord(tx, table, p));
	app.commit(tx);
	call.records = created.length;
	const after = new CellReader(base, app.clock.now());
	const out = created.map((r) => recordJson(after, table, r, { byFieldId }));
	return ok(single ? out[0] : { records: out });
}

export function updateOne(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const { base, table } = target(app, req, call);
	const body = jsonBody(req);
	requireWriteAccess(base, table, 'update');
	const record = table.records.get(req.params.recordId);
	if (!record) throw notFound();
	const reader = new CellReader(base, app.clock.now());
	const prepared = prepareFields(base, table, body.fields ?? {}, body.typecast === true, reader);
	const tx = app.transaction(base, apiActor(call, base));
	updateRecord(tx, table, record, prepared, req.method === 'PUT');
	app.commit(tx);
	call.records = 1;
	return ok(recordJson(new CellReader(base, app.clock.now()), table, record, { byFieldId: body.returnFieldsByFieldId === true }));
}

interface PlannedUpdate {
	record?: RecordData;
	prepared: PreparedFields;
}

/** PATCH/PUT on the table: update by id, or performUpsert by merge fields. All-or-nothing. */
export function updateMany(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const { base, table } = target(app, req, call);
	const body = jsonBody(req);
	requireWriteAccess(base, table, 'update');
	const inputs = body.records;
	if (!Array.isArray(inputs) || inputs.length === 0) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', INVALID);
	if (inputs.length > MAX_RECORDS) throw tooMany(inputs.length, 'updated');
	const typecast = body.typecast === true;
	const upsert = body.performUpsert as { fieldsToMergeOn?: unknown } | undefined;
	const mergeFields = upsert === undefined ? undefined : mergeFieldsOf(table, upsert);
	const reader = new CellReader(base, app.clock.now());

	const plan: PlannedUpdate[] = inputs.map((input, index) => {
		const r = (input ?? {}) as { id?: unknown; fields?: unknown };
		const prepared = prepareFields(base, table, r.fields ?? {}, typecast, reader);
		if (typeof r.id === 'string') {
			const record = table.records.get(r.id);
			if (!record) throw apiError(422, 'ROW_DOES_NOT_EXIST', `Record ID ${r.id} does not exist in this table`);
			return { record, prepared };
		}
		if (!mergeFields) throw apiError(422, 'INVALID_RECORDS', `Record at index ${index} is missing an id`);
		return { record: matchUpsert(table, mergeFields, prepared, index), prepared };
	});

	const tx = app.transaction(base, apiActor(call, base));
	const createdIds: string[] = [];
	const updatedIds: string[] = [];
	const results = plan.map(({ record, prepared }) => {
		if (record) {
			updateRecord(tx, table, record, prepared, req.method === 'PUT');
			updatedIds.push(record.id);
			return record;
		}
		const created = createRecord(tx, table, prepared);
		createdIds.push(created.id);
		return created;
	});
	app.commit(tx);
	call.records = results.length;
	const after = new CellReader(base, app.clock.now());
	const records = results.map((r) => recordJson(after, table, r, { byFieldId: body.returnFieldsByFieldId === true }));
	return ok(mergeFields ? { records, createdRecords: createdIds, updatedRecords: updatedIds } : { records });
}

function mergeFieldsOf(table: TableData, upsert: { fieldsToMergeOn?: unknown }): FieldDef[] {
	const names = upsert.fieldsToMergeOn;
	if (!Array.isArray(names) || names.length < 1 || names.length > 3 || !names.every((n) => typeof n === 'string')) {
		throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'performUpsert.fieldsToMergeOn must be an array of 1 to 3 field names or ids');
	}
	return names.map((name: string) => {
		const field = fieldOrUnknown(table, name);
		if (isComputed(field)) throw apiError(422, 'INVALID_FIELD_TYPE_FOR_UPSERT', `Field "${field.name}" is computed and cannot be used in fieldsToMergeOn`);
		return field;
	});
}

function matchUpsert(table: TableData, mergeFields: FieldDef[], prepared: PreparedFields, index: number): RecordData | undefined {
	for (const field of mergeFields) {
		if (!prepared.has(field)) {
			throw apiError(422, 'INVALID_RECORDS', `Record at index ${index} is missing a value for merge field "${field.name}"`);
		}
	}
	const matches = [...table.records.values()].filter((record) =>
		mergeFields.every((field) => JSON.stringify(record.cells[field.id]) === JSON.stringify(prepared.get(field))),
	);
	if (matches.length > 1) {
		throw apiError(422, 'INVALID_RECORDS', `Cannot upsert record at index ${index}: ${matches.length} existing records match the fields to merge on`);
	}
	return matches[0];
}

export function deleteOne(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const { base, table } = target(app, req, call);
	requireWriteAccess(base, table, 'delete');
	const record = table.records.get(req.params.recordId);
	if (!record) throw notFound();
	const tx = app.transaction(base, apiActor(call, base));
	deleteRecord(tx, table, record);
	app.commit(tx);
	call.records = 1;
	return ok({ id: record.id, deleted: true });
}

export function deleteMany(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const { base, table } = target(app, req, call);
	requireWriteAccess(base, table, 'delete');
	const ids = [...req.query.getAll('records[]'), ...req.query.getAll('records')];
	if (ids.length === 0) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', INVALID);
	if (ids.length > MAX_RECORDS) throw tooMany(ids.length, 'deleted');
	const records = ids.map((id) => {
		const record = table.records.get(id);
		if (!record) throw apiError(422, 'ROW_DOES_NOT_EXIST', `Record ID ${id} does not exist in this table`);
		return record;
	});
	const tx = app.transaction(base, apiActor(call, base));
	for (const record of records) if (table.records.has(record.id)) deleteRecord(tx, table, record);
	app.commit(tx);
	call.records = records.length;
	return ok({ records: records.map((r) => ({ id: r.id, deleted: true })) });
}
