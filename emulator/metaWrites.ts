/**
 * Schema writes of the metadata API: create table, create field, update field (name,
 * description, and a select field's choices). Only a base the token may create in (permission
 * level `create`) accepts them; otherwise the usual 403. Errors use the bodies Airtable sends
 * (test/contract/fixtures/schemaWrites.json names the sources): DUPLICATE_OR_EMPTY_FIELD_NAME
 * without a message, INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE for missing or surplus options,
 * INVALID_REQUEST_UNKNOWN for the rest.
 */
import { visibleBase } from './auth';
import { apiError, modelNotFound } from './errors';
import { jsonBody, ok, type ApiRequest, type ApiResponse, type CallInfo } from './http';
import { newId } from './ids';
import { fieldSchema, tableSchema } from './meta';
import { choicesOf, findTable, isComputed, type BaseData, type FieldDef, type TableData } from './model';
import { createField as materializeField } from './seed/materialize';
import type { EmulatorApp } from './state';

const INVALID = 'Invalid request: parameter validation failed. Check your request data.';

/** Options each creatable type must carry (what Airtable's create refuses a field without). */
const REQUIRED_OPTIONS: Record<string, string[]> = {
	number: ['precision'],
	percent: ['precision'],
	currency: ['precision', 'symbol'],
	rating: ['max'],
	checkbox: ['icon', 'color'],
	date: ['dateFormat'],
	dateTime: ['dateFormat', 'timeFormat', 'timeZone'],
	duration: ['durationFormat'],
	singleSelect: ['choices'],
	multipleSelects: ['choices'],
	multipleRecordLinks: ['linkedTableId'],
};

/** Types that take no options at all: sending any (even `{}`) is refused. */
const NO_OPTIONS = new Set(['singleLineText', 'multilineText', 'richText', 'email', 'url', 'phoneNumber']);

const CREATABLE = new Set([
	...Object.keys(REQUIRED_OPTIONS),
	...NO_OPTIONS,
	'multipleAttachments',
	'singleCollaborator',
	'multipleCollaborators',
	'barcode',
]);

function invalid(): never {
	throw apiError(422, 'INVALID_REQUEST_UNKNOWN', INVALID);
}

function duplicateOrEmpty(): never {
	throw apiError(422, 'DUPLICATE_OR_EMPTY_FIELD_NAME');
}

function badOptions(table: string, field: string, problem: string): never {
	throw apiError(422, 'INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE', `Invalid options for ${table}.${field}: Failed schema validation: ${problem}`);
}

function creatorBase(req: ApiRequest, call: CallInfo, app: EmulatorApp): BaseData {
	const base = visibleBase(app, call.token!, req.params.baseId);
	if (base.permissionLevel !== 'create') throw modelNotFound();
	return base;
}

function tableIn(base: BaseData, idOrName: string): TableData {
	const table = findTable(base, idOrName);
	if (!table) throw modelNotFound();
	return table;
}

function nameTaken(fields: Array<{ name: string }>, name: string, except?: FieldDef): boolean {
	const lower = name.toLowerCase();
	return fields.some((field) => field !== except && field.name.toLowerCase() === lower);
}

/** A field config of a create, checked the way Airtable checks it, as live field data. */
function newField(base: BaseData, tableName: string, siblings: Array<{ name: string }>, config: unknown): FieldDef {
	if (!config || typeof config !== 'object' || Array.isArray(config)) invalid();
	const { name, type, description, options } = config as Record<string, unknown>;
	if (typeof name !== 'string' || !name.trim() || nameTaken(siblings, name)) duplicateOrEmpty();
	if (typeof type !== 'string' || !CREATABLE.has(type)) invalid();
	if (description !== undefined && typeof description !== 'string') invalid();
	if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) invalid();
	const given = (options ?? undefined) as Record<string, unknown> | undefined;
	if (NO_OPTIONS.has(type) && given !== undefined) badOptions(tableName, name, `options is not included in the ${name}.(type=${type}) schema`);
	for (const key of REQUIRED_OPTIONS[type] ?? []) {
		if (given?.[key] === undefined) badOptions(tableName, name, given ? `${name}.options.${key} is missing` : `${name}.options is missing`);
	}
	if (type === 'multipleRecordLinks' && !base.tables.some((t) => t.id === given?.linkedTableId)) invalid();
	const field = materializeField({ name, type, ...(description ? { description } : {}), ...(given ? { options: given } : {}) });
	if (type === 'multipleRecordLinks') field.options = { linkedTableId: given!.linkedTableId, isReversed: false, prefersSingleRecordLink: false };
	return field;
}

/** A new link field gets its inverse in the linked table, as in Airtable. */
function addInverse(base: BaseData, table: TableData, field: FieldDef): void {
	if (field.type !== 'multipleRecordLinks') return;
	const target = base.tables.find((t) => t.id === field.options?.linkedTableId);
	if (!target || target === table) return;
	let name = table.name;
	for (let i = 2; nameTaken(target.fields, name); i++) name = `${table.name} ${i}`;
	const inverse: FieldDef = {
		id: newId('fld'),
		name,
		type: 'multipleRecordLinks',
		options: { linkedTableId: table.id, inverseLinkFieldId: field.id, isReversed: false, prefersSingleRecordLink: false },
	};
	target.fields.push(inverse);
	field.options = { ...field.options, inverseLinkFieldId: inverse.id };
}

export function createTable(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const base = creatorBase(req, call, app);
	const body = jsonBody(req);
	const { name, description, fields } = body;
	if (typeof name !== 'string' || !name.trim() || findTable(base, name)) invalid();
	if (description !== undefined && (typeof description !== 'string' || !description || description.length > 20_000)) invalid();
	if (!Array.isArray(fields) || fields.length === 0) invalid();
	const created: FieldDef[] = [];
	for (const config of fields) created.push(newField(base, name, created, config));
	if (isComputed(created[0])) invalid();
	const table: TableData = {
		id: newId('tbl'),
		name,
		...(typeof description === 'string' ? { description } : {}),
		primaryFieldId: created[0].id,
		fields: created,
		views: [{ id: newId('viw'), name: 'Grid view', type: 'grid' }],
		records: new Map(),
		nextAutoNumber: 1,
	};
	base.tables.push(table);
	for (const field of created) addInverse(base, table, field);
	call.records = 0;
	return ok(tableSchema(table, false));
}

export function createFieldRoute(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const base = creatorBase(req, call, app);
	const table = tableIn(base, req.params.tableId);
	const field = newField(base, table.name, table.fields, jsonBody(req));
	table.fields.push(field);
	addInverse(base, table, field);
	call.records = 0;
	return ok(fieldSchema(field));
}

/** New choices of a select: existing ones keep their ids (matched by id, then by name). */
function revisedChoices(field: FieldDef, choices: unknown): Array<{ id: string; name: string; color?: string }> {
	if (!Array.isArray(choices)) invalid();
	const current = choicesOf(field);
	return choices.map((choice) => {
		if (!choice || typeof choice !== 'object' || typeof (choice as { name?: unknown }).name !== 'string') invalid();
		const { id, name, color } = choice as { id?: unknown; name: string; color?: unknown };
		const kept = current.find((c) => c.id === id) ?? current.find((c) => c.name === name);
		if (id !== undefined && !kept) invalid();
		return { id: kept?.id ?? newId('sel'), name, ...(typeof color === 'string' ? { color } : kept?.color ? { color: kept.color } : {}) };
	});
}

export function updateField(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const base = creatorBase(req, call, app);
	const table = tableIn(base, req.params.tableId);
	const field = table.fields.find((candidate) => candidate.id === req.params.fieldId);
	if (!field) throw modelNotFound();
	const { name, description, options } = jsonBody(req);
	if (name === undefined && description === undefined && options === undefined) invalid();
	if (name !== undefined && (typeof name !== 'string' || !name.trim() || nameTaken(table.fields, name, field))) duplicateOrEmpty();
	if (description !== undefined && typeof description !== 'string') invalid();
	let choices: ReturnType<typeof revisedChoices> | undefined;
	if (options !== undefined) {
		const isSelect = field.type === 'singleSelect' || field.type === 'multipleSelects';
		if (!isSelect || !options || typeof options !== 'object' || Object.keys(options).some((key) => key !== 'choices')) invalid();
		choices = revisedChoices(field, (options as { choices?: unknown }).choices);
	}
	if (typeof name === 'string') field.name = name;
	if (typeof description === 'string') {
		if (description) field.description = description;
		else delete field.description;
	}
	if (choices) field.options = { ...field.options, choices };
	call.records = 0;
	return ok(fieldSchema(field));
}
