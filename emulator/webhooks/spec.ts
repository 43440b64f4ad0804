/** Validating a webhook create request's specification against the base. */

import { apiError } from '../errors';
import type { BaseData } from '../model';
import type { WebhookSpec } from './types';

const DATA_TYPES = ['tableData', 'tableFields', 'tableMetadata'];
const CHANGE_TYPES = ['add', 'remove', 'update'];

function invalid(message: string) {
	return apiError(422, 'INVALID_REQUEST_UNKNOWN', `Invalid webhook specification: ${message}`);
}

function isStringArray(v: unknown): v is string[] {
	return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Checks a create request's specification against the base (ids must exist). */
export function validateSpec(base: BaseData, raw: unknown): WebhookSpec {
	const options = (raw as { options?: unknown } | undefined)?.options as Record<string, unknown> | undefined;
	const filters = options?.filters as Record<string, unknown> | undefined;
	if (!filters || typeof filters !== 'object') throw invalid('specification.options.filters is required');
	const dataTypes = filters.dataTypes;
	if (!isStringArray(dataTypes) || dataTypes.length === 0 || dataTypes.some((d) => !DATA_TYPES.includes(d))) {
		throw invalid(`filters.dataTypes must be a non-empty array of ${DATA_TYPES.join(', ')}`);
	}
	const allFieldIds = new Set(base.tables.flatMap((t) => t.fields.map((f) => f.id)));
	let scopeFieldIds = allFieldIds;
	if (filters.recordChangeScope !== undefined) {
		const scope = filters.recordChangeScope;
		const table = base.tables.find((t) => t.id === scope || t.views.some((v) => v.id === scope));
		if (typeof scope !== 'string' || !table) throw invalid(`recordChangeScope ${String(scope)} is not a table or view id in this base`);
		scopeFieldIds = new Set(table.fields.map((f) => f.id));
	}
	if (filters.changeTypes !== undefined && (!isStringArray(filters.changeTypes) || filters.changeTypes.some((c) => !CHANGE_TYPES.includes(c)))) {
		throw invalid(`filters.changeTypes must contain only ${CHANGE_TYPES.join(', ')}`);
	}
	if (filters.fromSources !== undefined && !isStringArray(filters.fromSources)) throw invalid('filters.fromSources must be an array of strings');
	for (const key of ['watchDataInFieldIds', 'watchSchemasOfFieldIds'] as const) {
		const ids = filters[key];
		if (ids === undefined) continue;
		if (!isStringArray(ids)) throw invalid(`filters.${key} must be an array of field ids`);
		const unknown = ids.find((id) => !scopeFieldIds.has(id));
		if (unknown) throw invalid(`filters.${key} contains ${unknown}, which is not a field id in scope`);
	}
	const includes = options?.includes as Record<string, unknown> | undefined;
	if (includes !== undefined) {
		const cells = includes.includeCellValuesInFieldIds;
		if (cells !== undefined && cells !== 'all' && !isStringArray(cells)) {
			throw invalid('includes.includeCellValuesInFieldIds must be "all" or an array of field ids');
		}
	}
	return structuredClone(raw) as WebhookSpec;
}
