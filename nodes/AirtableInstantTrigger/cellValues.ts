import type { FieldSchema } from '../client/types';

/**
 * Webhook payloads carry cell values in Airtable's "V2" format; the REST API (and so every
 * other node of this package) uses "V1". Converting here lets downstream nodes see one shape:
 * select -> option name, links -> record ids, lookups -> flat value list, collaborators ->
 * { id, email, name }. Unknown shapes pass through unchanged.
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

function lookupValues(value: unknown, resultType: string | undefined): unknown {
	if (!isObject(value) || !Array.isArray(value.linkedRecordIds)) return value;
	const byRecord = isObject(value.valuesByLinkedRecordId) ? value.valuesByLinkedRecordId : {};
	const flat: unknown[] = [];
	for (const id of value.linkedRecordIds) {
		const values = byRecord[String(id)];
		if (Array.isArray(values)) flat.push(...values);
		else if (values !== undefined) flat.push(values);
	}
	return flat.map((entry) => convertByType(entry, resultType));
}

function idStartsWith(value: unknown, prefix: string): boolean {
	return isObject(value) && typeof value.id === 'string' && value.id.startsWith(prefix);
}

/** No schema entry (a brand-new field, or schema unreadable): recognise the V2 shapes by their ids. */
function convertByShape(value: unknown): unknown {
	if (Array.isArray(value)) {
		if (value.length && value.every((entry) => idStartsWith(entry, 'sel'))) return value.map(optionName);
		if (value.length && value.every((entry) => idStartsWith(entry, 'rec'))) return value.map(recordId);
		if (value.length && value.every((entry) => idStartsWith(entry, 'usr'))) return value.map(collaborator);
		return value;
	}
	if (idStartsWith(value, 'sel')) return optionName(value);
	if (idStartsWith(value, 'usr')) return collaborator(value);
	if (isObject(value) && Array.isArray(value.linkedRecordIds)) return lookupValues(value, undefined);
	return value;
}

function convertByType(value: unknown, type: string | undefined): unknown {
	switch (type) {
		case 'singleSelect':
		case 'externalSyncSource':
			return optionName(value);
		case 'multipleSelects':
			return Array.isArray(value) ? value.map(optionName) : value;
		case 'multipleRecordLinks':
			return Array.isArray(value) ? value.map(recordId) : value;
		case 'singleCollaborator':
		case 'createdBy':
		case 'lastModifiedBy':
			return collaborator(value);
		case 'multipleCollaborators':
			return Array.isArray(value) ? value.map(collaborator) : value;
		case 'multipleLookupValues':
			return lookupValues(value, undefined);
		case undefined:
			return convertByShape(value);
		default:
			return value;
	}
}

function lookupResultType(field: FieldSchema | undefined): string | undefined {
	const result = field?.options?.result;
	return isObject(result) && typeof result.type === 'string' ? result.type : undefined;
}

/** One webhook (V2) cell value in the REST (V1) shape. A cleared cell stays `null`. */
export function toRestCellValue(value: unknown, field: FieldSchema | undefined): unknown {
	if (value === null || value === undefined) return null;
	if (field?.type === 'multipleLookupValues') return lookupValues(value, lookupResultType(field));
	return convertByType(value, field?.type);
}
