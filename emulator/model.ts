/**
 * In-memory data model of the emulator. Cells are stored by field id in REST ("V1") format.
 * Kept apart from the client's schema types (nodes/client/schema/types.ts) on purpose: the
 * emulator is an independent stand-in for Airtable and never imports the code it tests.
 */

export interface SelectChoice {
	id: string;
	name: string;
	color?: string;
}

export interface FieldDef {
	id: string;
	name: string;
	type: string;
	description?: string;
	options?: Record<string, unknown>;
}

export interface ViewSort {
	fieldId: string;
	direction: 'asc' | 'desc';
}

export interface ViewDef {
	id: string;
	name: string;
	type: string;
	/** Emulator-only: which records the view shows (Airtable's UI filters, as a formula). */
	filterByFormula?: string;
	sort?: ViewSort[];
	visibleFieldIds?: string[];
}

export interface RecordData {
	id: string;
	createdTime: number;
	lastModifiedTime: number;
	/** Per-field last change time, for lastModifiedTime fields with referencedFieldIds. */
	fieldModifiedTimes: Record<string, number>;
	cells: Record<string, unknown>;
	autoNumber: number;
}

export interface TableData {
	id: string;
	name: string;
	description?: string;
	primaryFieldId: string;
	fields: FieldDef[];
	views: ViewDef[];
	/** Map keeps insertion order, which is the default record order. */
	records: Map<string, RecordData>;
	nextAutoNumber: number;
}

export interface BaseData {
	id: string;
	name: string;
	permissionLevel: string;
	tables: TableData[];
	transactionNumber: number;
}

export const COMPUTED_TYPES = new Set([
	'aiText',
	'autoNumber',
	'button',
	'count',
	'createdBy',
	'createdTime',
	'formula',
	'lastModifiedBy',
	'lastModifiedTime',
	'multipleLookupValues',
	'rollup',
	'externalSyncSource',
]);

export function isComputed(field: FieldDef): boolean {
	return COMPUTED_TYPES.has(field.type);
}

export function findTable(base: BaseData, idOrName: string): TableData | undefined {
	return base.tables.find((t) => t.id === idOrName) ?? base.tables.find((t) => t.name === idOrName);
}

export function findField(table: TableData, idOrName: string): FieldDef | undefined {
	return table.fields.find((f) => f.id === idOrName) ?? table.fields.find((f) => f.name === idOrName);
}

export function findView(table: TableData, idOrName: string): ViewDef | undefined {
	return table.views.find((v) => v.id === idOrName) ?? table.views.find((v) => v.name === idOrName);
}

export function primaryField(table: TableData): FieldDef {
	return table.fields.find((f) => f.id === table.primaryFieldId) ?? table.fields[0];
}

export function choicesOf(field: FieldDef): SelectChoice[] {
	const choices = field.options?.choices;
	return Array.isArray(choices) ? (choices as SelectChoice[]) : [];
}

/** Which table and record hold a given record id (record ids are unique per base). */
export function locateRecord(
	base: BaseData,
	recordId: string,
): { table: TableData; record: RecordData } | undefined {
	for (const table of base.tables) {
		const record = table.records.get(recordId);
		if (record) return { table, record };
	}
	return undefined;
}
