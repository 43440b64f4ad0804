/**
 * Building the webhook payloads each hook sees for a change, including error payloads when its
 * specification breaks.
 */

import type { BaseData, FieldDef, TableData } from '../model';
import type { ChangeSet, RecordChange } from '../mutations';
import type { CellReader } from '../read';
import type { Webhook } from './types';

type Cells = Record<string, unknown>;

interface TableChanged {
	createdRecordsById?: Record<string, { createdTime: string; cellValuesByFieldId: Cells }>;
	changedRecordsById?: Record<string, { current: { cellValuesByFieldId: Cells }; previous?: { cellValuesByFieldId: Cells }; unchanged?: { cellValuesByFieldId: Cells } }>;
	destroyedRecordIds?: string[];
	createdFieldsById?: Record<string, { name: string; type: string }>;
	changedFieldsById?: Record<string, { current: Record<string, unknown>; previous?: Record<string, unknown> }>;
	destroyedFieldIds?: string[];
	changedViewsById?: Record<string, Omit<TableChanged, 'changedViewsById'>>;
}

function header(change: ChangeSet): Record<string, unknown> {
	const { actor } = change;
	const sourceMetadata = actor.user ? { user: { ...actor.user } } : { ...(actor.sourceMetadata ?? {}) };
	return {
		timestamp: new Date(change.timestamp).toISOString(),
		baseTransactionNumber: change.transactionNumber,
		payloadFormat: 'v0',
		actionMetadata: { source: actor.source, sourceMetadata },
	};
}

/**
 * The error payload for a change that broke the hook's spec (a watched field, or the scope
 * table/view, was deleted), or undefined when the spec still holds.
 */
export function errorPayload(hook: Webhook, change: ChangeSet): Record<string, unknown> | undefined {
	const filters = hook.specification.options.filters;
	const scope = filters.recordChangeScope;
	if (scope && (change.destroyedTableIds.includes(scope) || change.destroyedViewIds.includes(scope))) {
		return { ...header(change), error: true, code: 'INVALID_HOOK', ...(change.destroyedTableIds.length ? { destroyedTableIds: [...change.destroyedTableIds] } : {}) };
	}
	// Deleting a table also reports its fields as destroyed, so watched fields catch both cases.
	const destroyedFields = change.fields.filter((f) => f.kind === 'destroy').map((f) => f.fieldId);
	const watched = [...(filters.watchDataInFieldIds ?? []), ...(filters.watchSchemasOfFieldIds ?? [])];
	if (watched.some((id) => destroyedFields.includes(id))) return { ...header(change), error: true, code: 'INVALID_FILTERS' };
	return undefined;
}

/** Builds the v0 payload this hook sees for a change, or null when its filters exclude everything. */
export function buildPayload(hook: Webhook, change: ChangeSet, base: BaseData, reader: CellReader): Record<string, unknown> | null {
	const { filters, includes } = hook.specification.options;
	if (filters.fromSources && !filters.fromSources.includes(change.actor.source)) return null;
	const scope = filters.recordChangeScope;
	const scopeTable = scope ? base.tables.find((t) => t.id === scope || t.views.some((v) => v.id === scope)) : undefined;
	const scopeView = scopeTable && scope !== scopeTable.id ? scope : undefined;
	const changedTablesById: Record<string, TableChanged> = {};
	const tableEntry = (tableId: string) => (changedTablesById[tableId] ??= {});

	if (filters.dataTypes.includes('tableData')) {
		for (const rc of change.records) {
			if (scopeTable && rc.tableId !== scopeTable.id) continue;
			const table = base.tables.find((t) => t.id === rc.tableId);
			if (!table || !passesRecordFilters(hook, rc)) continue;
			if (scopeView) {
				const inBefore = rc.viewsBefore.includes(scopeView);
				const inAfter = rc.viewsAfter.includes(scopeView);
				if (!inBefore && !inAfter) continue;
				const viewChanges = ((tableEntry(table.id).changedViewsById ??= {})[scopeView] ??= {});
				if (!inBefore) addCreated(viewChanges, table, rc, reader);
				else if (!inAfter) (viewChanges.destroyedRecordIds ??= []).push(rc.recordId);
				else addRecordChange(viewChanges, table, rc, reader, includes);
			}
			addRecordChange(tableEntry(table.id), table, rc, reader, includes);
		}
	}
	if (filters.dataTypes.includes('tableFields')) {
		for (const fc of change.fields) {
			if (scopeTable && fc.tableId !== scopeTable.id) continue;
			if (change.destroyedTableIds.includes(fc.tableId)) continue;
			if (filters.watchSchemasOfFieldIds && !filters.watchSchemasOfFieldIds.includes(fc.fieldId)) continue;
			const entry = tableEntry(fc.tableId);
			if (fc.kind === 'create') (entry.createdFieldsById ??= {})[fc.fieldId] = { name: fc.current?.name ?? '', type: fc.current?.type ?? '' };
			else if (fc.kind === 'destroy') (entry.destroyedFieldIds ??= []).push(fc.fieldId);
			else {
				(entry.changedFieldsById ??= {})[fc.fieldId] = {
					current: { ...fc.current },
					...(includes?.includePreviousFieldDefinitions ? { previous: { ...fc.previous } } : {}),
				};
			}
		}
	}
	const destroyedTableIds = scopeTable ? [] : change.destroyedTableIds;
	if (Object.keys(changedTablesById).length === 0 && destroyedTableIds.length === 0) return null;
	return {
		...header(change),
		...(Object.keys(changedTablesById).length ? { changedTablesById } : {}),
		...(destroyedTableIds.length ? { destroyedTableIds: [...destroyedTableIds] } : {}),
	};
}

function passesRecordFilters(hook: Webhook, rc: RecordChange): boolean {
	const { changeTypes, watchDataInFieldIds } = hook.specification.options.filters;
	const type = rc.kind === 'create' ? 'add' : rc.kind === 'destroy' ? 'remove' : 'update';
	if (changeTypes && !changeTypes.includes(type)) return false;
	if (rc.kind === 'update' && watchDataInFieldIds && !rc.changedFieldIds.some((id) => watchDataInFieldIds.includes(id))) return false;
	return true;
}

function v2Cells(table: TableData, cells: Cells, fieldIds: string[], reader: CellReader): Cells {
	const out: Cells = {};
	for (const id of fieldIds) {
		const field: FieldDef | undefined = table.fields.find((f) => f.id === id);
		if (field) out[id] = reader.toV2(field, cells[id], table, cells);
	}
	return out;
}

function addCreated(entry: Omit<TableChanged, 'changedViewsById'>, table: TableData, rc: RecordChange, reader: CellReader): void {
	const cells = rc.after ?? rc.before ?? {};
	(entry.createdRecordsById ??= {})[rc.recordId] = {
		createdTime: new Date(rc.createdTime).toISOString(),
		cellValuesByFieldId: v2Cells(table, cells, Object.keys(cells), reader),
	};
}

function addRecordChange(
	entry: Omit<TableChanged, 'changedViewsById'>,
	table: TableData,
	rc: RecordChange,
	reader: CellReader,
	includes: Webhook['specification']['options']['includes'],
): void {
	if (rc.kind === 'create') return addCreated(entry, table, rc, reader);
	if (rc.kind === 'destroy') {
		(entry.destroyedRecordIds ??= []).push(rc.recordId);
		return;
	}
	const include = includes?.includeCellValuesInFieldIds;
	const includeIds = include === 'all' ? table.fields.map((f) => f.id) : (include ?? []);
	const unchangedIds = includeIds.filter((id) => !rc.changedFieldIds.includes(id) && table.fields.some((f) => f.id === id));
	(entry.changedRecordsById ??= {})[rc.recordId] = {
		current: { cellValuesByFieldId: v2Cells(table, rc.after ?? {}, rc.changedFieldIds, reader) },
		...(includes?.includePreviousCellValues ? { previous: { cellValuesByFieldId: v2Cells(table, rc.before ?? {}, rc.changedFieldIds, reader) } } : {}),
		...(unchangedIds.length ? { unchanged: { cellValuesByFieldId: v2Cells(table, rc.after ?? {}, unchangedIds, reader) } } : {}),
	};
}
