/**
 * Reading a resource mapper's value per item: the mapped fields, converted to what Airtable
 * expects per column type.
 */

import type { FieldType, IDataObject, IExecuteFunctions, ResourceMapperField } from 'n8n-workflow';

import type { Fields } from '../../client/types';

export const AUTO_MAP_MODE = 'autoMapInputData';

/** The parts of a resource mapper's stored value the nodes read. */
interface StoredMapperValue {
	mappingMode?: string;
	value?: IDataObject | null;
	matchingColumns?: string[];
	schema?: ResourceMapperField[];
}

function readMapper(ctx: IExecuteFunctions, parameter: string, itemIndex: number): StoredMapperValue {
	return (ctx.getNodeParameter(parameter, itemIndex, {}) ?? {}) as StoredMapperValue;
}

/** "a, b ,c" → ['a', 'b', 'c']; used for "Fields to Ignore". */
export function parseFieldList(text: unknown): string[] {
	if (Array.isArray(text)) return text.map(String).map((name) => name.trim()).filter(Boolean);
	if (typeof text !== 'string') return [];
	return text
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
}

function isDateLike(value: unknown): value is { toISO: () => string | null } {
	return typeof value === 'object' && value !== null && typeof (value as { toISO?: unknown }).toISO === 'function';
}

/**
 * Converts what an expression produced into what Airtable expects for the column's type.
 * Only unambiguous conversions: anything else is sent as is and Airtable (or typecast) decides,
 * so its error names the field instead of a guess hiding the problem.
 */
export function toCellValue(value: unknown, type: FieldType | undefined): unknown {
	if (value instanceof Date) return value.toISOString();
	if (isDateLike(value)) return value.toISO();
	if (typeof value !== 'string') return value;
	const text = value.trim();
	switch (type) {
		case 'number':
			if (text === '') return null;
			return Number.isFinite(Number(text)) ? Number(text) : value;
		case 'boolean':
			if (text.toLowerCase() === 'true') return true;
			if (text.toLowerCase() === 'false' || text === '') return false;
			return value;
		case 'array':
		case 'object':
			if (text.startsWith('[') || text.startsWith('{')) {
				try {
					return JSON.parse(text) as unknown;
				} catch {
					return value;
				}
			}
			return value;
		default:
			return value;
	}
}

export interface MappedItem {
	fields: Fields;
	/** Column ids the user mapped (defineBelow) or the keys taken from the item (auto-map). */
	mappedFields: string[];
}

export interface MapOptions {
	/** Input keys never sent in auto-map mode ("Fields to Ignore"). */
	ignoreFields?: string[];
	/** Keys never sent in either mode, e.g. the record id of an update. */
	exclude?: string[];
}

/**
 * The fields one input item writes: the mapped columns ("Map Each Column Manually", with
 * expressions resolved for this item) or the item's own keys ("Auto-Map Input Data").
 * Read-only and removed columns are never sent; values are converted per column type.
 */
export function mappedFieldsOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: MapOptions = {},
	parameter = 'columns',
): MappedItem {
	const mapper = readMapper(ctx, parameter, itemIndex);
	const exclude = new Set(options.exclude ?? []);
	const columns = new Map((mapper.schema ?? []).map((column) => [column.id, column]));
	const fields: Fields = {};

	if (mapper.mappingMode === AUTO_MAP_MODE) {
		const ignore = new Set([...(options.ignoreFields ?? []), ...exclude]);
		const json = ctx.getInputData()[itemIndex]?.json ?? {};
		for (const [key, value] of Object.entries(json)) {
			if (ignore.has(key) || value === undefined) continue;
			const column = columns.get(key);
			if (column?.readOnly) continue;
			fields[key] = toCellValue(value, column?.type);
		}
		return { fields, mappedFields: Object.keys(fields) };
	}

	for (const [key, value] of Object.entries(mapper.value ?? {})) {
		const column = columns.get(key);
		if (exclude.has(key) || value === undefined || column?.readOnly || column?.removed) continue;
		fields[key] = toCellValue(value, column?.type);
	}
	return { fields, mappedFields: Object.keys(fields) };
}

/** One mapped value as the item resolves it, e.g. the record id column of an update mapping. */
export function mappedValueOf(ctx: IExecuteFunctions, itemIndex: number, key: string, parameter = 'columns'): unknown {
	return readMapper(ctx, parameter, itemIndex).value?.[key];
}
