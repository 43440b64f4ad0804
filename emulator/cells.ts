/**
 * Validating and converting written cell values per field type, as Airtable does (with and without
 * typecast).
 */

import { apiError, ApiError } from './errors';
import { parseDateLoose } from './datetime';
import { newId } from './ids';
import { choicesOf, isComputed, locateRecord, primaryField, type BaseData, type FieldDef, type SelectChoice } from './model';

const TEXT_TYPES = new Set(['singleLineText', 'multilineText', 'richText', 'email', 'url', 'phoneNumber']);
const NUMBER_TYPES = new Set(['number', 'currency', 'percent', 'rating', 'duration']);
const CHOICE_COLORS = ['blueLight2', 'cyanLight2', 'tealLight2', 'greenLight2', 'yellowLight2', 'orangeLight2', 'redLight2', 'pinkLight2', 'purpleLight2', 'grayLight2'];

export interface WriteContext {
	base: BaseData;
	typecast: boolean;
	/** Reads a linked record's display name, used when typecasting links given by name. */
	displayName(tableId: string, recordId: string): string;
}

function cannotAccept(field: FieldDef): ApiError {
	return apiError(422, 'INVALID_VALUE_FOR_COLUMN', `Field "${field.name}" cannot accept the provided value`);
}

function cannotParse(field: FieldDef, value: unknown): ApiError {
	return apiError(422, 'INVALID_VALUE_FOR_COLUMN', `Cannot parse value "${String(value)}" for field ${field.name}`);
}

export function isEmptyCell(value: unknown): boolean {
	return value === undefined || value === null || value === '' || value === false || (Array.isArray(value) && value.length === 0);
}

/**
 * Validates (and with typecast converts) one written value into the stored REST format.
 * Returns undefined for "clear the cell". Typecast may add select options to the field.
 */
export function normalizeCellWrite(field: FieldDef, value: unknown, ctx: WriteContext): unknown {
	if (isComputed(field)) {
		throw apiError(422, 'INVALID_VALUE_FOR_COLUMN', `Field "${field.name}" cannot accept a value because the field is computed`);
	}
	if (value === null || value === undefined) return undefined;
	const { typecast } = ctx;
	if (TEXT_TYPES.has(field.type)) {
		if (typeof value === 'string') return value === '' ? undefined : value;
		if (typecast && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
		throw cannotAccept(field);
	}
	if (NUMBER_TYPES.has(field.type)) {
		if (typeof value === 'number' && Number.isFinite(value)) return value;
		if (typecast && typeof value === 'string') {
			if (value.trim() === '') return undefined;
			const parsed = Number(value.replace(/[,\s$€£%]/g, ''));
			if (Number.isFinite(parsed)) return parsed;
			throw cannotParse(field, value);
		}
		throw cannotAccept(field);
	}
	switch (field.type) {
		case 'checkbox':
			if (typeof value === 'boolean') return value || undefined;
			if (typecast && (typeof value === 'string' || typeof value === 'number')) {
				return ['true', '1', 'yes', 'checked', 'on', 'y'].includes(String(value).trim().toLowerCase()) || undefined;
			}
			throw cannotAccept(field);
		case 'singleSelect': {
			if (typeof value !== 'string' && !(typecast && typeof value === 'number')) throw cannotAccept(field);
			const name = String(value);
			return name === '' ? undefined : resolveChoice(field, name, typecast).name;
		}
		case 'multipleSelects': {
			let names: unknown[];
			if (Array.isArray(value)) names = value;
			else if (typecast && typeof value === 'string') names = value.split(',').map((s) => s.trim()).filter(Boolean);
			else throw cannotAccept(field);
			if (!names.every((n) => typeof n === 'string')) throw cannotAccept(field);
			const resolved = [...new Set((names as string[]).map((n) => resolveChoice(field, n, typecast).name))];
			return resolved.length ? resolved : undefined;
		}
		case 'multipleRecordLinks':
			return normalizeLinks(field, value, ctx);
		case 'date':
		case 'dateTime': {
			if (typeof value !== 'string') throw cannotAccept(field);
			if (value === '') return undefined;
			const parsed = parseDateLoose(value);
			if (!parsed || (!typecast && !/^\d{4}-\d{2}-\d{2}/.test(value))) throw cannotParse(field, value);
			return field.type === 'date' ? parsed.toISOString().slice(0, 10) : parsed.toISOString();
		}
		case 'multipleAttachments':
			return normalizeAttachments(field, value);
		case 'singleCollaborator':
			return normalizeCollaborator(field, value);
		case 'multipleCollaborators':
			if (!Array.isArray(value)) throw cannotAccept(field);
			return value.length ? value.map((v) => normalizeCollaborator(field, typeof v === 'string' ? { id: v } : v)) : undefined;
		case 'barcode':
			if (value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string') return value;
			throw cannotAccept(field);
		default:
			return isEmptyCell(value) ? undefined : value;
	}
}

function resolveChoice(field: FieldDef, name: string, typecast: boolean): SelectChoice {
	const choices = choicesOf(field);
	const found = choices.find((c) => c.name === name);
	if (found) return found;
	if (!typecast) {
		throw apiError(422, 'INVALID_MULTIPLE_CHOICE_OPTIONS', `Insufficient permissions to create new select option ""${name}""`);
	}
	const choice: SelectChoice = { id: newId('sel'), name, color: CHOICE_COLORS[choices.length % CHOICE_COLORS.length] };
	field.options = { ...(field.options ?? {}), choices: [...choices, choice] };
	return choice;
}

function normalizeLinks(field: FieldDef, value: unknown, ctx: WriteContext): string[] | undefined {
	const linkedTableId = String(field.options?.linkedTableId ?? '');
	const linkedTable = ctx.base.tables.find((t) => t.id === linkedTableId);
	let items: unknown[];
	if (Array.isArray(value)) items = value;
	else if (ctx.typecast && typeof value === 'string') items = value.split(',').map((s) => s.trim()).filter(Boolean);
	else throw cannotAccept(field);
	const ids: string[] = [];
	for (const item of items) {
		if (typeof item !== 'string') throw cannotAccept(field);
		if (linkedTable?.records.has(item)) {
			ids.push(item);
			continue;
		}
		if (ctx.typecast && linkedTable) {
			const primary = primaryField(linkedTable);
			const match = [...linkedTable.records.values()].find((r) => ctx.displayName(linkedTable.id, r.id) === item || r.cells[primary.id] === item);
			if (match) {
				ids.push(match.id);
				continue;
			}
		}
		if (/^rec/.test(item) && !locateRecord(ctx.base, item)) {
			throw apiError(422, 'ROW_DOES_NOT_EXIST', `Record ID ${item} does not exist in this table`);
		}
		throw cannotAccept(field);
	}
	const unique = [...new Set(ids)];
	return unique.length ? unique : undefined;
}

function normalizeAttachments(field: FieldDef, value: unknown): unknown {
	if (!Array.isArray(value)) throw cannotAccept(field);
	const out = value.map((item) => {
		if (!item || typeof item !== 'object') throw cannotAccept(field);
		const a = item as Record<string, unknown>;
		if (typeof a.url === 'string') {
			const filename = typeof a.filename === 'string' ? a.filename : a.url.split('/').pop() || 'file';
			return { id: typeof a.id === 'string' ? a.id : newId('att'), url: a.url, filename, size: 0, type: guessMime(filename) };
		}
		if (typeof a.id === 'string') return { ...a };
		throw cannotAccept(field);
	});
	return out.length ? out : undefined;
}

function guessMime(filename: string): string {
	const ext = filename.toLowerCase().split('.').pop() ?? '';
	const known: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', json: 'application/json' };
	return known[ext] ?? 'application/octet-stream';
}

function normalizeCollaborator(field: FieldDef, value: unknown): unknown {
	if (!value || typeof value !== 'object') throw cannotAccept(field);
	const c = value as { id?: unknown; email?: unknown; name?: unknown };
	if (typeof c.id !== 'string' && typeof c.email !== 'string') throw cannotAccept(field);
	return { id: typeof c.id === 'string' ? c.id : newId('usr'), ...(typeof c.email === 'string' ? { email: c.email } : {}), ...(typeof c.name === 'string' ? { name: c.name } : {}) };
}
