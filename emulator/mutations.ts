/**
 * Changing records inside a transaction that collects the change set webhooks report, with view
 * membership.
 */

import { normalizeCellWrite } from './cells';
import { apiError } from './errors';
import { compileFormula, type CompiledFormula } from './formula/evaluator';
import { truthy } from './formula/values';
import { newId } from './ids';
import { findField, isComputed, type BaseData, type FieldDef, type RecordData, type TableData, type ViewDef } from './model';
import { CellReader } from './read';

/** Who made a change: becomes a webhook payload's actionMetadata. */
export interface Actor {
	source: string;
	user?: { id: string; email?: string; name?: string; permissionLevel?: string };
	/** For sources without a user (formSubmission → { viewId }, automation → { automationId }). */
	sourceMetadata?: Record<string, unknown>;
}

export interface RecordChange {
	tableId: string;
	recordId: string;
	kind: 'create' | 'update' | 'destroy';
	createdTime: number;
	/** All non-empty cells (REST format, by field id) before / after the transaction. */
	before: Record<string, unknown> | null;
	after: Record<string, unknown> | null;
	changedFieldIds: string[];
	viewsBefore: string[];
	viewsAfter: string[];
}

export interface FieldChange {
	tableId: string;
	fieldId: string;
	kind: 'create' | 'update' | 'destroy';
	current?: { name?: string; type?: string };
	previous?: { name?: string; type?: string };
}

export interface ChangeSet {
	baseId: string;
	timestamp: number;
	transactionNumber: number;
	actor: Actor;
	records: RecordChange[];
	fields: FieldChange[];
	destroyedTableIds: string[];
	/** Views that no longer exist (their table was deleted). */
	destroyedViewIds: string[];
}

const compiledViews = new WeakMap<ViewDef, CompiledFormula | null>();

/** Ids of the views a record is visible in (views without a filter show every record). */
export function viewsContaining(reader: CellReader, table: TableData, record: RecordData): string[] {
	return table.views.filter((view) => recordInView(reader, table, view, record)).map((v) => v.id);
}

export function recordInView(reader: CellReader, table: TableData, view: ViewDef, record: RecordData): boolean {
	if (!view.filterByFormula) return true;
	let compiled = compiledViews.get(view);
	if (compiled === undefined) {
		try {
			compiled = compileFormula(view.filterByFormula, (n) => findField(table, n) !== undefined);
		} catch {
			compiled = null;
		}
		compiledViews.set(view, compiled);
	}
	return compiled !== null && truthy(compiled.evaluate(reader.evalContext(table, record)));
}

interface Touched {
	table: TableData;
	recordId: string;
	createdTime: number;
	before: Record<string, unknown> | null;
	viewsBefore: string[];
}

/**
 * Collects every record a request touches (including the far side of two-way links) with its
 * state before the first change, so one request becomes one webhook transaction.
 */
export class Transaction {
	private readonly touched = new Map<string, Touched>();
	readonly fieldChanges: FieldChange[] = [];
	readonly destroyedTableIds: string[] = [];
	readonly destroyedViewIds: string[] = [];
	private readonly beforeReader: CellReader;

	constructor(
		readonly base: BaseData,
		readonly now: number,
		readonly actor: Actor,
	) {
		this.beforeReader = new CellReader(base, now);
	}

	touch(table: TableData, recordId: string): void {
		if (this.touched.has(recordId)) return;
		const record = table.records.get(recordId);
		this.touched.set(recordId, {
			table,
			recordId,
			createdTime: record?.createdTime ?? this.now,
			before: record ? this.beforeReader.allCells(table, record) : null,
			viewsBefore: record ? viewsContaining(this.beforeReader, table, record) : [],
		});
	}

	finish(): ChangeSet | null {
		const reader = new CellReader(this.base, this.now);
		const records: RecordChange[] = [];
		for (const t of this.touched.values()) {
			if (this.destroyedTableIds.includes(t.table.id)) continue;
			const record = t.table.records.get(t.recordId);
			const after = record ? reader.allCells(t.table, record) : null;
			if (!t.before && !after) continue;
			const kind = !t.before ? 'create' : !after ? 'destroy' : 'update';
			const keys = new Set([...Object.keys(t.before ?? {}), ...Object.keys(after ?? {})]);
			const changedFieldIds = [...keys].filter((k) => JSON.stringify(t.before?.[k]) !== JSON.stringify(after?.[k]));
			if (kind === 'update' && changedFieldIds.length === 0) continue;
			records.push({
				tableId: t.table.id,
				recordId: t.recordId,
				kind,
				createdTime: t.createdTime,
				before: t.before,
				after,
				changedFieldIds,
				viewsBefore: t.viewsBefore,
				viewsAfter: record ? viewsContaining(reader, t.table, record) : [],
			});
		}
		if (records.length === 0 && this.fieldChanges.length === 0 && this.destroyedTableIds.length === 0) return null;
		return {
			baseId: this.base.id,
			timestamp: this.now,
			transactionNumber: ++this.base.transactionNumber,
			actor: this.actor,
			records,
			fields: this.fieldChanges,
			destroyedTableIds: this.destroyedTableIds,
			destroyedViewIds: this.destroyedViewIds,
		};
	}
}

export type PreparedFields = Map<FieldDef, unknown>;

/** Resolves names/ids and validates every value before anything is written (all-or-nothing). */
export function prepareFields(base: BaseData, table: TableData, input: unknown, typecast: boolean, reader: CellReader): PreparedFields {
	if (!input || typeof input !== 'object' || Array.isArray(input)) {
		throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'Invalid request: parameter validation failed. Check your request data.');
	}
	const prepared: PreparedFields = new Map();
	for (const [key, value] of Object.entries(input)) {
		const field = findField(table, key);
		if (!field) throw apiError(422, 'UNKNOWN_FIELD_NAME', `Unknown field name: "${key}"`);
		prepared.set(field, normalizeCellWrite(field, value, { base, typecast, displayName: (t, r) => reader.displayName(t, r) }));
	}
	return prepared;
}

export function createRecord(tx: Transaction, table: TableData, prepared: PreparedFields): RecordData {
	const record: RecordData = {
		id: newId('rec'),
		createdTime: tx.now,
		lastModifiedTime: tx.now,
		fieldModifiedTimes: {},
		cells: {},
		autoNumber: table.nextAutoNumber++,
	};
	tx.touch(table, record.id);
	table.records.set(record.id, record);
	for (const [field, value] of prepared) setCell(tx, table, record, field, value);
	return record;
}

export function updateRecord(tx: Transaction, table: TableData, record: RecordData, prepared: PreparedFields, replace: boolean): void {
	tx.touch(table, record.id);
	if (replace) {
		// PUT clears every writable field the request does not mention.
		for (const field of table.fields) {
			if (!isComputed(field) && !prepared.has(field)) setCell(tx, table, record, field, undefined);
		}
	}
	for (const [field, value] of prepared) setCell(tx, table, record, field, value);
}

export function deleteRecord(tx: Transaction, table: TableData, record: RecordData): void {
	tx.touch(table, record.id);
	for (const field of table.fields) {
		if (field.type === 'multipleRecordLinks') setCell(tx, table, record, field, undefined);
	}
	table.records.delete(record.id);
}

function setCell(tx: Transaction, table: TableData, record: RecordData, field: FieldDef, value: unknown): void {
	const previous = record.cells[field.id];
	if (JSON.stringify(previous) === JSON.stringify(value)) return;
	if (value === undefined) delete record.cells[field.id];
	else record.cells[field.id] = value;
	record.lastModifiedTime = tx.now;
	record.fieldModifiedTimes[field.id] = tx.now;
	if (field.type === 'multipleRecordLinks') syncInverse(tx, record, field, (previous as string[]) ?? [], (value as string[]) ?? []);
}

/** Keeps the other side of a two-way link in step, as Airtable does. */
function syncInverse(tx: Transaction, record: RecordData, field: FieldDef, before: string[], after: string[]): void {
	const inverseId = field.options?.inverseLinkFieldId as string | undefined;
	const target = tx.base.tables.find((t) => t.id === field.options?.linkedTableId);
	const inverse = target?.fields.find((f) => f.id === inverseId);
	if (!target || !inverse) return;
	const added = after.filter((id) => !before.includes(id));
	const removed = before.filter((id) => !after.includes(id));
	for (const id of [...added, ...removed]) {
		const linked = target.records.get(id);
		if (!linked) continue;
		tx.touch(target, id);
		const current = (linked.cells[inverse.id] as string[] | undefined) ?? [];
		const next = added.includes(id) ? [...current.filter((x) => x !== record.id), record.id] : current.filter((x) => x !== record.id);
		if (next.length) linked.cells[inverse.id] = next;
		else delete linked.cells[inverse.id];
		linked.lastModifiedTime = tx.now;
		linked.fieldModifiedTimes[inverse.id] = tx.now;
	}
}
