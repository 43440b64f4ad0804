/** Turning a seed base into live emulator data: ids, fields, views, records and link inverses. */

import { normalizeCellWrite } from '../cells';
import { newId } from '../ids';
import { findField, findTable, isComputed, type BaseData, type FieldDef, type RecordData, type TableData } from '../model';
import { CellReader } from '../read';
import type { SeedBase, SeedChoice, SeedField, SeedTable } from './types';

const DEFAULT_COLORS = ['blueLight2', 'cyanLight2', 'tealLight2', 'greenLight2', 'yellowLight2', 'orangeLight2', 'redLight2', 'pinkLight2', 'purpleLight2', 'grayLight2'];

/** Turns a seed into live base data: ids, link inverses, name references resolved. */
export function materializeBase(seed: SeedBase, now: number): BaseData {
	const base: BaseData = {
		id: seed.id ?? newId('app'),
		name: seed.name,
		permissionLevel: seed.permissionLevel ?? 'create',
		tables: [],
		transactionNumber: 0,
	};
	for (const seedTable of seed.tables) base.tables.push(createTable(seedTable));
	base.tables.forEach((table) => resolveFieldOptions(base, table));
	seed.tables.forEach((seedTable, i) => resolveViews(base.tables[i], seedTable));
	const records = seed.tables.map((seedTable, i) => createRecords(base.tables[i], seedTable, now));
	seed.tables.forEach((seedTable, i) => writeCells(base, base.tables[i], seedTable, records[i], now));
	reconcileInverseLinks(base);
	return base;
}

function createTable(seed: SeedTable): TableData {
	const fields: FieldDef[] = seed.fields.map((f) => createField(f));
	const primary = seed.primaryField ? fields.find((f) => f.id === seed.primaryField || f.name === seed.primaryField) : fields[0];
	return {
		id: seed.id ?? newId('tbl'),
		name: seed.name,
		...(seed.description ? { description: seed.description } : {}),
		primaryFieldId: (primary ?? fields[0]).id,
		fields,
		views: [],
		records: new Map(),
		nextAutoNumber: 1,
	};
}

export function createField(seed: SeedField): FieldDef {
	const field: FieldDef = { id: seed.id ?? newId('fld'), name: seed.name, type: seed.type };
	if (seed.description) field.description = seed.description;
	if (seed.options) field.options = { ...seed.options };
	if ((seed.type === 'singleSelect' || seed.type === 'multipleSelects') && field.options?.choices) {
		const choices = field.options.choices as Array<string | SeedChoice>;
		field.options.choices = choices.map((c, i) => {
			const choice = typeof c === 'string' ? { name: c } : c;
			return { id: choice.id ?? newId('sel'), name: choice.name, color: choice.color ?? DEFAULT_COLORS[i % DEFAULT_COLORS.length] };
		});
	}
	if ((seed.type === 'singleSelect' || seed.type === 'multipleSelects') && !field.options?.choices) {
		field.options = { ...(field.options ?? {}), choices: [] };
	}
	return field;
}

function resolveFieldOptions(base: BaseData, table: TableData): void {
	for (const field of table.fields) {
		const options = field.options ?? {};
		if (field.type === 'multipleRecordLinks') {
			const target = findTable(base, String(options.linkedTableId ?? options.linkedTable ?? ''));
			if (!target) throw new Error(`Seed: link field ${table.name}.${field.name} has no linked table`);
			const inverseName = options.inverseName as string | false | undefined;
			const inverseId = options.inverseId as string | undefined;
			delete options.linkedTable;
			delete options.inverseName;
			delete options.inverseId;
			options.linkedTableId = target.id;
			options.isReversed = options.isReversed ?? false;
			options.prefersSingleRecordLink = options.prefersSingleRecordLink ?? false;
			if (!options.inverseLinkFieldId && inverseName !== false && target !== table) {
				const inverse: FieldDef = {
					id: inverseId ?? newId('fld'),
					name: uniqueName(target, inverseName ?? table.name),
					type: 'multipleRecordLinks',
					options: { linkedTableId: table.id, inverseLinkFieldId: field.id, isReversed: false, prefersSingleRecordLink: false },
				};
				target.fields.push(inverse);
				options.inverseLinkFieldId = inverse.id;
			}
			field.options = options;
		}
		if (field.type === 'count' || field.type === 'multipleLookupValues' || field.type === 'rollup') {
			const link = findField(table, String(options.recordLinkFieldId ?? options.recordLinkField ?? ''));
			if (link) options.recordLinkFieldId = link.id;
			delete options.recordLinkField;
			const linked = base.tables.find((t) => t.id === link?.options?.linkedTableId);
			const inLinked = linked && findField(linked, String(options.fieldIdInLinkedTable ?? options.fieldInLinkedTable ?? ''));
			if (inLinked) options.fieldIdInLinkedTable = inLinked.id;
			delete options.fieldInLinkedTable;
			options.isValid = true;
			// Airtable's schema gives a lookup the looked-up field's type and options as its result.
			if (field.type === 'multipleLookupValues' && inLinked && !options.result) {
				options.result = { type: inLinked.type, ...(inLinked.options ? { options: structuredClone(inLinked.options) } : {}) };
			}
			field.options = options;
		}
		if (field.type === 'lastModifiedTime' || field.type === 'createdTime') {
			const refs = (options.referencedFieldIds ?? options.referencedFields ?? []) as string[];
			delete options.referencedFields;
			options.referencedFieldIds = refs.map((r) => findField(table, r)?.id ?? r);
			options.isValid = true;
			options.result = options.result ?? { type: 'dateTime', options: { dateFormat: { name: 'local', format: 'l' }, timeFormat: { name: '12hour', format: 'h:mma' }, timeZone: 'client' } };
			field.options = options;
		}
		if (field.type === 'formula') {
			options.isValid = true;
			field.options = options;
		}
	}
}

function uniqueName(table: TableData, wanted: string): string {
	let name = wanted;
	for (let i = 2; table.fields.some((f) => f.name === name); i++) name = `${wanted} ${i}`;
	return name;
}

function resolveViews(table: TableData, seed: SeedTable): void {
	const views = seed.views && seed.views.length ? seed.views : [{ name: 'Grid view' }];
	table.views = views.map((v) => ({
		id: v.id ?? newId('viw'),
		name: v.name,
		type: v.type ?? 'grid',
		...(v.filterByFormula ? { filterByFormula: v.filterByFormula } : {}),
		...(v.sort ? { sort: v.sort.map((s) => ({ fieldId: findField(table, s.field)?.id ?? s.field, direction: s.direction ?? 'asc' })) } : {}),
		...(v.visibleFields ? { visibleFieldIds: v.visibleFields.map((f) => findField(table, f)?.id ?? f) } : {}),
	}));
}

/** Pass 1: every record exists (so links can point anywhere) before any cell is written. */
function createRecords(table: TableData, seed: SeedTable, now: number): RecordData[] {
	return (seed.records ?? []).map((seedRecord) => {
		const created = seedRecord.createdTime ? Date.parse(seedRecord.createdTime) : now;
		const record: RecordData = {
			id: seedRecord.id ?? newId('rec'),
			createdTime: created,
			lastModifiedTime: seedRecord.lastModifiedTime ? Date.parse(seedRecord.lastModifiedTime) : created,
			fieldModifiedTimes: {},
			cells: {},
			autoNumber: table.nextAutoNumber++,
		};
		table.records.set(record.id, record);
		return record;
	});
}

/** Pass 2: cells, leniently typecast (seeds name select options instead of listing them). */
function writeCells(base: BaseData, table: TableData, seed: SeedTable, records: RecordData[], now: number): void {
	const reader = new CellReader(base, now);
	(seed.records ?? []).forEach((seedRecord, i) => {
		const record = records[i];
		for (const [key, value] of Object.entries(seedRecord.fields)) {
			const field = findField(table, key);
			if (!field) throw new Error(`Seed: unknown field "${key}" in table ${table.name}`);
			if (isComputed(field)) continue;
			const stored = normalizeCellWrite(field, value, { base, typecast: true, displayName: (t, r) => reader.displayName(t, r) });
			if (stored !== undefined) {
				record.cells[field.id] = stored;
				record.fieldModifiedTimes[field.id] = record.lastModifiedTime;
			}
		}
	});
}

/**
 * Makes both sides of every two-way link agree (union), so a seed may list a link on either
 * side and exported state (which has both sides) loads unchanged.
 */
function reconcileInverseLinks(base: BaseData): void {
	for (const table of base.tables) {
		for (const field of table.fields) {
			if (field.type !== 'multipleRecordLinks') continue;
			const target = base.tables.find((t) => t.id === field.options?.linkedTableId);
			const inverseId = field.options?.inverseLinkFieldId as string | undefined;
			if (!target || !inverseId) continue;
			for (const record of table.records.values()) {
				for (const linkedId of (record.cells[field.id] as string[] | undefined) ?? []) {
					const linked = target.records.get(linkedId);
					if (!linked) continue;
					const back = (linked.cells[inverseId] as string[] | undefined) ?? [];
					if (!back.includes(record.id)) linked.cells[inverseId] = [...back, record.id];
				}
			}
		}
	}
}
