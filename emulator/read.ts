/**
 * Reading cells at one instant: stored and computed values, the string cell format, formulas and
 * the webhook V2 format.
 */

import { formatDatePart, formatDateTime } from './datetime';
import { compileFormula, type CompiledFormula } from './formula/evaluator';
import type { EvalContext } from './formula/functions';
import { ErrorValue, toDate, toText, type Value } from './formula/values';
import { choicesOf, findField, primaryField, type BaseData, type FieldDef, type RecordData, type TableData } from './model';
import { isEmptyCell } from './cells';

export interface StringFormat {
	timeZone: string;
	userLocale: string;
}

const DEFAULT_STRING_FORMAT: StringFormat = { timeZone: 'UTC', userLocale: 'en-us' };
const compiledFormulaFields = new WeakMap<FieldDef, CompiledFormula | null>();

/**
 * Reads cells of one base at one instant: stored values, computed fields, the string cell
 * format, formula values and the webhook ("V2") format. Built per request, cheap.
 */
export class CellReader {
	private depth = 0;

	constructor(
		readonly base: BaseData,
		readonly now: number,
	) {}

	/** REST ("V1") value, undefined when the cell is empty. */
	value(table: TableData, record: RecordData, field: FieldDef): unknown {
		switch (field.type) {
			case 'createdTime':
				return new Date(record.createdTime).toISOString();
			case 'lastModifiedTime': {
				const referenced = (field.options?.referencedFieldIds as string[] | undefined) ?? [];
				if (referenced.length === 0) return new Date(record.lastModifiedTime).toISOString();
				const times = referenced.map((id) => record.fieldModifiedTimes[id]).filter((t) => t !== undefined);
				return times.length ? new Date(Math.max(...times)).toISOString() : undefined;
			}
			case 'autoNumber':
				return record.autoNumber;
			case 'formula': {
				const result = this.formulaValue(table, record, field);
				if (result instanceof ErrorValue) return { error: '#ERROR!' };
				const json = toJson(result);
				return isEmptyCell(json) ? undefined : json;
			}
			case 'count': {
				const linkFieldId = String(field.options?.recordLinkFieldId ?? '');
				const links = record.cells[linkFieldId];
				return Array.isArray(links) ? links.length : 0;
			}
			case 'multipleLookupValues': {
				const values = this.lookup(table, record, field);
				return values.length ? values : undefined;
			}
			default: {
				const stored = record.cells[field.id];
				return isEmptyCell(stored) ? undefined : stored;
			}
		}
	}

	/** All non-empty cells of a record keyed by field id (computed fields included). */
	allCells(table: TableData, record: RecordData): Record<string, unknown> {
		const out: Record<string, unknown> = {};
		for (const field of table.fields) {
			const v = this.value(table, record, field);
			if (v !== undefined) out[field.id] = v;
		}
		return out;
	}

	/** cellFormat=string rendering. */
	asString(table: TableData, record: RecordData, field: FieldDef, format: StringFormat): string | undefined {
		const v = this.value(table, record, field);
		if (v === undefined) return undefined;
		return this.renderString(field, v, format);
	}

	renderString(field: FieldDef, v: unknown, format: StringFormat): string {
		const precision = typeof field.options?.precision === 'number' ? field.options.precision : undefined;
		const number = (n: number, digits = precision) =>
			new Intl.NumberFormat(format.userLocale, digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
		switch (field.type) {
			case 'number':
				return number(v as number);
			case 'currency':
				return `${String(field.options?.symbol ?? '$')}${number(v as number, precision ?? 2)}`;
			case 'percent':
				return `${number((v as number) * 100, precision ?? 0)}%`;
			case 'checkbox':
				return 'checked';
			case 'multipleRecordLinks': {
				const linked = String(field.options?.linkedTableId ?? '');
				return (v as string[]).map((id) => this.displayName(linked, id)).join(', ');
			}
			case 'date': {
				const [year, month, day] = String(v).split('-').map(Number);
				return formatDatePart({ year, month, day }, dateFormatName(field));
			}
			case 'dateTime':
			case 'createdTime':
			case 'lastModifiedTime':
				return formatDateTime(new Date(String(v)), format.timeZone, dateFormatName(field), timeFormatName(field));
			case 'multipleAttachments':
				return (v as Array<{ filename: string; url: string }>).map((a) => `${a.filename} (${a.url})`).join(', ');
			case 'singleCollaborator':
				return collaboratorName(v);
			case 'multipleCollaborators':
				return (v as unknown[]).map(collaboratorName).join(', ');
			default:
				if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
				if (v && typeof v === 'object') return toText((v as { text?: string }).text ?? JSON.stringify(v));
				return String(v);
		}
	}

	/** The primary field of a record as a string: how links and webhook link names show it. */
	displayName(tableId: string, recordId: string): string {
		const table = this.base.tables.find((t) => t.id === tableId);
		const record = table?.records.get(recordId);
		if (!table || !record) return '';
		const primary = primaryField(table);
		return this.asString(table, record, primary, DEFAULT_STRING_FORMAT) ?? '';
	}

	/**
	 * Webhook payload ("V2") value of a REST value. `cells` are the record's REST cells (by
	 * field id), which a lookup needs: its V2 form lists the linked records and, per record,
	 * the looked-up field's own V2 values.
	 */
	toV2(field: FieldDef, v: unknown, table?: TableData, cells?: Record<string, unknown>): unknown {
		if (v === undefined) return null;
		switch (field.type) {
			case 'singleSelect':
				return choiceObject(field, v as string);
			case 'multipleSelects':
				return (v as string[]).map((name) => choiceObject(field, name));
			case 'multipleRecordLinks': {
				const linked = String(field.options?.linkedTableId ?? '');
				return (v as string[]).map((id) => ({ id, name: this.displayName(linked, id) }));
			}
			case 'singleCollaborator':
				return collaboratorV2(v);
			case 'multipleCollaborators':
				return (v as unknown[]).map(collaboratorV2);
			case 'multipleLookupValues':
				return table && cells ? this.lookupV2(table, field, cells) : v;
			default:
				return v;
		}
	}

	private lookupV2(table: TableData, field: FieldDef, cells: Record<string, unknown>): unknown {
		const linkField = table.fields.find((f) => f.id === field.options?.recordLinkFieldId);
		const linkedTable = this.base.tables.find((t) => t.id === linkField?.options?.linkedTableId);
		const target = linkedTable?.fields.find((f) => f.id === field.options?.fieldIdInLinkedTable);
		const ids = linkField ? ((cells[linkField.id] as string[] | undefined) ?? []) : [];
		const valuesByLinkedRecordId: Record<string, unknown[]> = {};
		for (const id of ids) {
			const linked = linkedTable?.records.get(id);
			if (!linkedTable || !linked || !target) continue;
			const value = this.value(linkedTable, linked, target);
			if (value === undefined) continue;
			const v2 = this.toV2(target, value, linkedTable, this.allCells(linkedTable, linked));
			valuesByLinkedRecordId[id] = Array.isArray(v2) ? v2 : [v2];
		}
		return { linkedRecordIds: [...ids], valuesByLinkedRecordId };
	}

	/** A field's value as seen inside a formula. */
	formulaFieldValue(table: TableData, record: RecordData, field: FieldDef): Value {
		if (field.type === 'formula') return this.formulaValue(table, record, field);
		const v = this.value(table, record, field);
		if (field.type === 'checkbox') return v === true;
		if (v === undefined) return null;
		switch (field.type) {
			case 'date':
			case 'dateTime':
			case 'createdTime':
			case 'lastModifiedTime':
				return toDate(String(v)) ?? null;
			case 'multipleRecordLinks': {
				const linked = String(field.options?.linkedTableId ?? '');
				return (v as string[]).map((id) => this.displayName(linked, id));
			}
			case 'multipleAttachments':
				return (v as Array<{ filename: string }>).map((a) => a.filename);
			case 'singleCollaborator':
				return collaboratorName(v);
			case 'multipleCollaborators':
				return (v as unknown[]).map(collaboratorName);
			default:
				if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : (x as Value)));
				if (typeof v === 'object' && v !== null) return JSON.stringify(v);
				return v as Value;
		}
	}

	evalContext(table: TableData, record: RecordData): EvalContext {
		return {
			field: (name) => {
				const field = findField(table, name);
				return field ? this.formulaFieldValue(table, record, field) : null;
			},
			recordId: record.id,
			createdTime: new Date(record.createdTime),
			lastModifiedTime: (names) => {
				if (names.length === 0) return new Date(record.lastModifiedTime);
				const times = names
					.map((n) => findField(table, n))
					.map((f) => (f ? record.fieldModifiedTimes[f.id] : undefined))
					.filter((t): t is number => t !== undefined);
				return new Date(times.length ? Math.max(...times) : record.createdTime);
			},
			now: new Date(this.now),
		};
	}

	private formulaValue(table: TableData, record: RecordData, field: FieldDef): Value {
		let compiled = compiledFormulaFields.get(field);
		if (compiled === undefined) {
			try {
				compiled = compileFormula(String(field.options?.formula ?? ''), (n) => findField(table, n) !== undefined);
			} catch {
				compiled = null;
			}
			compiledFormulaFields.set(field, compiled);
		}
		// Formula fields referring to each other in a cycle would recurse forever.
		if (!compiled || this.depth > 10) return new ErrorValue('invalid formula');
		this.depth++;
		try {
			return compiled.evaluate(this.evalContext(table, record));
		} finally {
			this.depth--;
		}
	}

	private lookup(table: TableData, record: RecordData, field: FieldDef): unknown[] {
		const linkField = table.fields.find((f) => f.id === field.options?.recordLinkFieldId);
		const linkedTable = this.base.tables.find((t) => t.id === linkField?.options?.linkedTableId);
		const target = linkedTable?.fields.find((f) => f.id === field.options?.fieldIdInLinkedTable);
		if (!linkField || !linkedTable || !target) return [];
		const ids = (record.cells[linkField.id] as string[] | undefined) ?? [];
		return ids.flatMap((id) => {
			const linked = linkedTable.records.get(id);
			const v = linked ? this.value(linkedTable, linked, target) : undefined;
			return v === undefined ? [] : Array.isArray(v) ? v : [v];
		});
	}
}

function toJson(v: Value): unknown {
	if (v instanceof Date) return v.toISOString();
	if (Array.isArray(v)) return v.map(toJson);
	if (typeof v === 'number' && !Number.isFinite(v)) return { specialValue: 'NaN' };
	return v;
}

function choiceObject(field: FieldDef, name: string): unknown {
	const choice = choicesOf(field).find((c) => c.name === name);
	return choice ? { id: choice.id, name: choice.name, ...(choice.color ? { color: choice.color } : {}) } : { id: null, name };
}

/** Webhook payloads show collaborators with two keys REST does not have. */
function collaboratorV2(v: unknown): unknown {
	const c = v as { id?: string; email?: string; name?: string };
	return { ...c, permissionLevel: 'edit', profilePicUrl: `https://dl.airtable.test/profile/${c.id ?? 'unknown'}.png` };
}

function collaboratorName(v: unknown): string {
	const c = v as { name?: string; email?: string; id?: string };
	return c.name ?? c.email ?? c.id ?? '';
}

function dateFormatName(field: FieldDef): string {
	const own = field.options?.dateFormat as { format?: string } | undefined;
	const result = (field.options?.result as { options?: { dateFormat?: { format?: string } } } | undefined)?.options?.dateFormat;
	return own?.format ?? result?.format ?? 'l';
}

function timeFormatName(field: FieldDef): string {
	const own = field.options?.timeFormat as { format?: string } | undefined;
	return own?.format ?? 'h:mma';
}
