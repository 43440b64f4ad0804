/**
 * Formula values and their conversions: truthiness, text, numbers, dates and the #ERROR! marker.
 */

import { parseDateLoose } from '../datetime';

/** Marker for #ERROR! results: falsy, so a filter drops the record instead of failing the request. */
export class ErrorValue {
	constructor(readonly reason: string) {}
}

export type Value = string | number | boolean | null | Date | ErrorValue | Value[];

export function isError(v: Value): v is ErrorValue {
	return v instanceof ErrorValue;
}

/** Airtable keeps a record unless the result is 0, false, "", NaN, [], blank or an error. */
export function truthy(v: Value): boolean {
	if (v === null || v instanceof ErrorValue) return false;
	if (Array.isArray(v)) return v.length > 0;
	if (v instanceof Date) return !Number.isNaN(v.getTime());
	if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
	if (typeof v === 'string') return v !== '';
	return v;
}

export function toText(v: Value): string {
	if (v === null || v instanceof ErrorValue) return '';
	if (Array.isArray(v)) return v.map(toText).join(', ');
	if (v instanceof Date) return v.toISOString();
	if (typeof v === 'boolean') return v ? '1' : '0';
	return String(v);
}

/** Numeric view of a value; NaN when it has none (e.g. non-numeric text). */
export function toNumber(v: Value): number {
	if (v === null) return 0;
	if (typeof v === 'number') return v;
	if (typeof v === 'boolean') return v ? 1 : 0;
	if (v instanceof Date) return v.getTime();
	if (typeof v === 'string') {
		const trimmed = v.trim();
		return trimmed === '' ? 0 : Number(trimmed);
	}
	if (Array.isArray(v)) return v.length === 1 ? toNumber(v[0]) : NaN;
	return NaN;
}

export function toDate(v: Value): Date | null {
	if (v instanceof Date) return v;
	if (typeof v === 'string') return parseDateLoose(v);
	if (typeof v === 'number') return new Date(v);
	if (Array.isArray(v) && v.length === 1) return toDate(v[0]);
	return null;
}

function isBlank(v: Value): boolean {
	return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** -1/0/1, or null when the two values cannot be compared. */
export function compareValues(a: Value, b: Value): number | null {
	if (a instanceof ErrorValue || b instanceof ErrorValue) return null;
	if (a instanceof Date || b instanceof Date) {
		if (isBlank(a) || isBlank(b)) return isBlank(a) && isBlank(b) ? 0 : isBlank(a) ? -1 : 1;
		const da = toDate(a);
		const db = toDate(b);
		if (!da || !db) return null;
		return Math.sign(da.getTime() - db.getTime());
	}
	const numericSide = (v: Value) => typeof v === 'number' || typeof v === 'boolean';
	if (numericSide(a) || numericSide(b)) {
		const na = toNumber(a);
		const nb = toNumber(b);
		if (!Number.isNaN(na) && !Number.isNaN(nb)) return Math.sign(na - nb);
	}
	const ta = toText(a);
	const tb = toText(b);
	return ta < tb ? -1 : ta > tb ? 1 : 0;
}

export function equalValues(a: Value, b: Value): boolean {
	// A blank cell equals BLANK(), "" and 0/FALSE() (Airtable treats an empty number or checkbox as 0).
	if (a === null || b === null) {
		const other = a === null ? b : a;
		return other === null || isBlank(other) || other === 0 || other === false;
	}
	return compareValues(a, b) === 0;
}
