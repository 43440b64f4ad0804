/**
 * Converting webhook payload cell values (Airtable's V2 format) into the REST (V1) shape the other
 * nodes output.
 */

import type { FieldSchema } from '../client/types';

/**
 * Webhook payloads carry cell values in Airtable's "V2" format; the REST API (and so every
 * other node of this package) uses "V1". Converting here lets downstream nodes see one shape:
 * select -> option name, links -> record ids, collaborators -> { id, email, name }, lookups ->
 * the flat list REST gives. Types whose V2 form is the REST form (text, numbers, dates,
 * attachments, checkboxes…) pass through, and so do shapes this code does not know.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionName(value: unknown): unknown {
	return isObject(value) && typeof value.name === 'string' ? value.name : value;
}

function recordId(value: unknown): unknown {
	return isObject(value) && typeof value.id === 'string' ? value.id : value;
}

function collaborator(value: unknown): unknown {
	if (!isObject(value) || typeof value.id !== 'string') return value;
	const result: Json = { id: value.id };
	if (value.email !== undefined) result.email = value.email;
	if (value.name !== undefined) result.name = value.name;
	return result;
}

function idStartsWith(value: unknown, prefix: string): boolean {
	return isObject(value) && typeof value.id === 'string' && value.id.startsWith(prefix);
}

/** How one element (a cell, or one entry of an array cell) of a field type becomes REST. */
function elementConverter(type: string | undefined): (value: unknown) => unknown {
	switch (type) {
		case 'singleSelect':
		case 'multipleSelects':
		case 'externalSyncSource':
			return optionName;
		case 'multipleRecordLinks':
			return recordId;
		case 'singleCollaborator':
		case 'multipleCollaborators':
		case 'createdBy':
		case 'lastModifiedBy':
			return collaborator;
		case undefined:
			return elementByShape;
		default:
			return (value) => value;
	}
}

/** No schema entry (a brand-new field, or schema unreadable): recognise V2 objects by their ids. */
function elementByShape(value: unknown): unknown {
	if (idStartsWith(value, 'sel')) return optionName(value);
	if (idStartsWith(value, 'rec')) return recordId(value);
	if (idStartsWith(value, 'usr')) return collaborator(value);
	if (isLookup(value)) return lookupValues(value, undefined);
	return value;
}

function isLookup(value: unknown): value is Json & { linkedRecordIds: unknown[] } {
	return isObject(value) && Array.isArray(value.linkedRecordIds);
}

/**
 * `{linkedRecordIds, valuesByLinkedRecordId}` -> the REST lookup: every linked record's values,
 * in link order, one flat list. Each record's entry holds the looked-up field's own V2 values
 * (for array fields, one option / link / collaborator / attachment each), so every element is
 * converted by the looked-up field's type (`options.result.type` in the schema).
 */
function lookupValues(value: unknown, resultType: string | undefined): unknown {
	if (!isLookup(value)) return value;
	const byRecord = isObject(value.valuesByLinkedRecordId) ? value.valuesByLinkedRecordId : {};
	const convert = resultType === 'multipleLookupValues' ? elementByShape : elementConverter(resultType);
	const flat: unknown[] = [];
	for (const id of value.linkedRecordIds) {
		const values = byRecord[String(id)];
		if (values === undefined || values === null) continue;
		for (const entry of Array.isArray(values) ? values : [values]) {
			// Defensive: an array element (one record's whole array cell) is flattened like REST does.
			if (Array.isArray(entry)) flat.push(...entry.map(convert));
			else flat.push(convert(entry));
		}
	}
	return flat;
}

function lookupResultType(field: FieldSchema | undefined): string | undefined {
	const result = field?.options?.result;
	return isObject(result) && typeof result.type === 'string' ? result.type : undefined;
}

/** One webhook (V2) cell value in the REST (V1) shape. A cleared cell stays `null`. */
export function toRestCellValue(value: unknown, field: FieldSchema | undefined): unknown {
	if (value === null || value === undefined) return null;
	const type = field?.type;
	if (type === 'multipleLookupValues') return lookupValues(value, lookupResultType(field));
	const convert = elementConverter(type);
	if (Array.isArray(value)) return value.map(convert);
	return convert(value);
}
