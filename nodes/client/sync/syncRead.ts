/**
 * What `table.sync` reads before writing, and how little of it.
 *
 * Skip Unchanged needs the records whose merge keys occur in the input; the table's size is
 * unknown up front. Rule (k = distinct keys, one key read asks for up to 100 keys, so
 * G = ⌈k / 100⌉ key reads):
 * - G ≤ 4: read by keys only. They all start in the first burst (5 requests may start at once),
 *   and no whole-table read can cost fewer requests than one.
 * - G > 4: the first burst is page 1 of the whole table (the probe) plus 4 key reads taken from
 *   the end of the input. If page 1 holds the whole table (fewer than 100 records), the other
 *   key reads are never sent: a small table costs 5 reads, however long the input. Otherwise the
 *   remaining keys are read by key, all in parallel at the base's full pace: keys page 1 already
 *   answered need only a check that no second record shares them (0 rows expected, so they ride
 *   along in the other reads), keys page 1 showed to be ambiguous need no read at all (they are
 *   written). Cost: at most one request more than reading by keys alone, usually none (page 1's
 *   keys come off the key reads), and never a sequential page chain through a large table.
 * Mirror-delete must see every key of the table, so it reads the whole table (merge fields, plus
 * the compared fields with Skip Unchanged); its cost follows the table's size.
 *
 * Memory follows the input: pages are streamed and only records whose key occurs in the input
 * are kept (plus, for the mirror, the id and merge fields of records about to be deleted).
 */
import { and, or, recordIdNotIn, textsInSet } from '../records/formula';
import { exactKeyOf, keyCandidatesFormula, keySetTexts, looseKeyOf, type KeyTypes } from './keyMatch';
import type { SyncTable } from './syncTable';
import type { AirtableRecord, Fields, ListOptions } from '../records/types';

/** Keys per key read: each existing key is about one record, and a page holds 100. */
export const KEYS_PER_READ = 100;
/** Keys per key read, counting checks that expect no record. */
const CONDITIONS_PER_READ = 200;
/** Requests that may start at once (Airtable: 5 per base); the probe takes one of them. */
const FIRST_BURST = 5;

export type ReadPlan = 'none' | 'keys' | 'probe+keys' | 'table';

export interface ReadSpec {
	table: SyncTable;
	mergeFields: string[];
	types: KeyTypes;
	/** Fields to read; undefined reads every field (Replace compares whole records). */
	fields: string[] | undefined;
	returnFieldsByFieldId?: boolean;
}

/** One input key to look up: its texts for a shared lookup, or a formula of its own. */
export interface KeyTarget {
	loose: string;
	exact: string;
	texts?: string[];
	formula?: string;
}

export interface ExistingRecords {
	/** Loose key → the records that carry it (by id). */
	candidates: Map<string, Map<string, AirtableRecord>>;
	/** Loose keys whose read failed: their rows are written, the upsert decides. */
	unread: Set<string>;
	/** Records whose exact key is in no input row (mirror-delete reads only). */
	others: AirtableRecord[];
	reads: number;
	plan: ReadPlan;
}

function emptyExisting(plan: ReadPlan): ExistingRecords {
	return { candidates: new Map(), unread: new Set(), others: [], reads: 0, plan };
}

/** The targets of the given rows, one per loose key; rows whose key no formula can find are left out. */
export function keyTargets(rows: Fields[], mergeFields: string[], types: KeyTypes): KeyTarget[] {
	const targets = new Map<string, KeyTarget>();
	for (const fields of rows) {
		const loose = looseKeyOf(fields, mergeFields, types);
		if (loose === undefined || targets.has(loose)) continue;
		const exact = exactKeyOf(fields, mergeFields, types);
		const texts = keySetTexts(fields, mergeFields, types);
		if (texts) {
			targets.set(loose, { loose, exact, texts });
			continue;
		}
		const formula = keyCandidatesFormula(fields, mergeFields, types);
		if (formula) targets.set(loose, { loose, exact, formula });
	}
	return [...targets.values()];
}

function listOptions(spec: ReadSpec, filterByFormula?: string): ListOptions {
	return {
		...(spec.fields ? { fields: spec.fields } : {}),
		...(spec.returnFieldsByFieldId ? { returnFieldsByFieldId: true } : {}),
		...(filterByFormula ? { filterByFormula } : {}),
	};
}

function keep(existing: ExistingRecords, spec: ReadSpec, wanted: Set<string>, record: AirtableRecord): void {
	const loose = looseKeyOf(record.fields ?? {}, spec.mergeFields, spec.types);
	if (loose === undefined || !wanted.has(loose)) return;
	const records = existing.candidates.get(loose) ?? new Map<string, AirtableRecord>();
	records.set(record.id, record);
	existing.candidates.set(loose, records);
}

/** Mirror-delete: every record of the table, streamed; keeps candidates and the records to delete. */
export async function readWholeTable(
	spec: ReadSpec,
	targets: KeyTarget[],
	inputExactKeys: Set<string>,
): Promise<ExistingRecords> {
	const existing = emptyExisting('table');
	const wanted = new Set(targets.map((target) => target.loose));
	for await (const page of spec.table.list(listOptions(spec)).pages()) {
		existing.reads++;
		for (const record of page.records) {
			keep(existing, spec, wanted, record);
			if (inputExactKeys.has(exactKeyOf(record.fields ?? {}, spec.mergeFields, spec.types))) continue;
			const keyFields: Fields = {};
			for (const field of spec.mergeFields) if (field in record.fields) keyFields[field] = record.fields[field];
			existing.others.push({ id: record.id, createdTime: record.createdTime, fields: keyFields });
		}
	}
	return existing;
}

interface Lookup {
	loose: string;
	texts?: string[];
	formula?: string;
	/** A "no second record" check: every record of the key except this one (0 rows expected). */
	exceptId?: string;
	rows: 0 | 1;
}

function lookupOf(target: KeyTarget, exceptId?: string): Lookup {
	return { loose: target.loose, texts: target.texts, formula: target.formula, rows: exceptId ? 0 : 1, ...(exceptId ? { exceptId } : {}) };
}

/** One formula for a read: the shared lookups in one list each, the others one by one. */
function readFormula(mergeFields: string[], lookups: Lookup[]): string {
	const shared = lookups.filter((lookup) => lookup.texts && !lookup.exceptId);
	const checked = lookups.filter((lookup) => lookup.texts && lookup.exceptId);
	const parts: string[] = [];
	if (shared.length) parts.push(textsInSet(mergeFields, shared.map((lookup) => lookup.texts as string[])));
	if (checked.length) {
		parts.push(
			and(
				textsInSet(mergeFields, checked.map((lookup) => lookup.texts as string[])),
				recordIdNotIn(checked.map((lookup) => lookup.exceptId as string)),
			),
		);
	}
	for (const lookup of lookups) {
		if (lookup.texts || !lookup.formula) continue;
		parts.push(lookup.exceptId ? and(lookup.formula, recordIdNotIn([lookup.exceptId])) : lookup.formula);
	}
	return or(...parts);
}

function packReads(lookups: Lookup[]): Lookup[][] {
	const reads: Lookup[][] = [];
	let current: Lookup[] = [];
	let rows = 0;
	for (const lookup of lookups) {
		if (current.length && (rows + lookup.rows > KEYS_PER_READ || current.length >= CONDITIONS_PER_READ)) {
			reads.push(current);
			current = [];
			rows = 0;
		}
		current.push(lookup);
		rows += lookup.rows;
	}
	if (current.length) reads.push(current);
	return reads;
}

/** One key read: every page of OR(lookups); a failed read leaves its keys unread (they are written). */
async function readLookups(spec: ReadSpec, existing: ExistingRecords, lookups: Lookup[]): Promise<void> {
	const wanted = new Set(lookups.map((lookup) => lookup.loose));
	const formula = readFormula(spec.mergeFields, lookups);
	try {
		for await (const page of spec.table.list(listOptions(spec, formula)).pages()) {
			existing.reads++;
			for (const record of page.records) keep(existing, spec, wanted, record);
		}
	} catch {
		for (const key of wanted) existing.unread.add(key);
	}
}

/** Page 1 of the whole table; undefined when the read failed (then it tells nothing). */
async function readFirstPage(spec: ReadSpec, existing: ExistingRecords, wanted: Set<string>): Promise<{ complete: boolean } | undefined> {
	try {
		for await (const page of spec.table.list({ ...listOptions(spec), pageSize: KEYS_PER_READ }).pages()) {
			existing.reads++;
			for (const record of page.records) keep(existing, spec, wanted, record);
			// Pages are full until the last: a short first page is the whole table.
			return { complete: page.records.length < KEYS_PER_READ };
		}
		return { complete: true };
	} catch {
		return undefined;
	}
}

/** Skip Unchanged without mirror-delete: reads by key, with the probe described above. */
export async function readByKeys(spec: ReadSpec, targets: KeyTarget[]): Promise<ExistingRecords> {
	const lookups: Lookup[] = targets.map((target) => lookupOf(target));
	if (!lookups.length) return emptyExisting('none');
	const burstReads = FIRST_BURST - 1;
	if (Math.ceil(lookups.length / KEYS_PER_READ) <= burstReads) {
		const existing = emptyExisting('keys');
		await Promise.all(packReads(lookups).map((read) => readLookups(spec, existing, read)));
		return existing;
	}

	const existing = emptyExisting('probe+keys');
	const firstCount = burstReads * KEYS_PER_READ;
	// Page 1 holds the table's first records; inputs often come in the table's order, so the
	// key reads sent beside it take the input's last keys.
	const first = lookups.slice(lookups.length - firstCount);
	const rest = targets.slice(0, targets.length - firstCount);
	const wanted = new Set(targets.map((target) => target.loose));
	const [probe] = await Promise.all([
		readFirstPage(spec, existing, wanted),
		...packReads(first).map((read) => readLookups(spec, existing, read)),
	]);
	if (probe?.complete) return existing;

	const later: Lookup[] = [];
	const checks: Lookup[] = [];
	for (const target of rest) {
		const seen = [...(existing.candidates.get(target.loose)?.values() ?? [])];
		if (seen.length === 0) {
			later.push(lookupOf(target));
		} else if (seen.length === 1 && exactKeyOf(seen[0].fields, spec.mergeFields, spec.types) === target.exact) {
			checks.push(lookupOf(target, seen[0].id));
		}
		// Several candidates, or one that is not exact: the row is written anyway, nothing to read.
	}
	await Promise.all(packReads(interleave(later, checks)).map((read) => readLookups(spec, existing, read)));
	return existing;
}

/** Spreads the "no second record" checks evenly over the reads that carry real lookups. */
function interleave(lookups: Lookup[], checks: Lookup[]): Lookup[] {
	if (!lookups.length) return checks;
	const reads = Math.ceil(lookups.length / KEYS_PER_READ);
	const perRead = Math.ceil(checks.length / reads);
	const result: Lookup[] = [];
	for (let read = 0; read < reads; read++) {
		result.push(...lookups.slice(read * KEYS_PER_READ, (read + 1) * KEYS_PER_READ));
		result.push(...checks.slice(read * perRead, (read + 1) * perRead));
	}
	return result;
}
