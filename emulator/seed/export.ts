/**
 * A base exported as seed JSON (every id kept), so a test can save and load an emulator's data.
 */
import { isComputed, type BaseData } from '../model';
import { fieldSchema } from '../meta';
import type { SeedBase } from './types';

/** Base data → seed JSON with every id, loadable again by materializeBase. */
export function exportBase(base: BaseData): SeedBase {
	return {
		id: base.id,
		name: base.name,
		permissionLevel: base.permissionLevel,
		tables: base.tables.map((table) => ({
			id: table.id,
			name: table.name,
			...(table.description ? { description: table.description } : {}),
			primaryField: table.primaryFieldId,
			fields: table.fields.map(fieldSchema),
			views: table.views.map((v) => ({
				id: v.id,
				name: v.name,
				type: v.type,
				...(v.filterByFormula ? { filterByFormula: v.filterByFormula } : {}),
				...(v.sort ? { sort: v.sort.map((s) => ({ field: s.fieldId, direction: s.direction })) } : {}),
				...(v.visibleFieldIds ? { visibleFields: [...v.visibleFieldIds] } : {}),
			})),
			records: [...table.records.values()].map((r) => {
				const fields: Record<string, unknown> = {};
				for (const f of table.fields) {
					if (!isComputed(f) && r.cells[f.id] !== undefined) fields[f.id] = structuredClone(r.cells[f.id]);
				}
				return {
					id: r.id,
					createdTime: new Date(r.createdTime).toISOString(),
					lastModifiedTime: new Date(r.lastModifiedTime).toISOString(),
					fields,
				};
			}),
		})),
	};
}
