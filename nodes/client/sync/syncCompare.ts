/**
 * Decides whether a record already holds the values an item would write ("Skip Unchanged").
 * Every rule errs towards "changed": a needless write costs one record in a request, while a
 * change mistaken for "unchanged" would silently leave the table wrong.
 */

/** Airtable leaves empty cells (and unticked checkboxes) out of a record's fields. */
export function isEmptyCell(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		value === '' ||
		value === false ||
		(Array.isArray(value) && value.length === 0)
	);
}

/** ISO date-time with a time and an explicit zone: only such strings name one instant. */
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

const RECORD_ID = /^rec[a-zA-Z0-9]{14}$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameNumber(a: unknown, b: unknown): boolean {
	const toNumber = (value: unknown): number | undefined => {
		if (typeof value === 'number') return value;
		if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
		return undefined;
	};
	const left = toNumber(a);
	const right = toNumber(b);
	return left !== undefined && left === right;
}

function sameString(a: string, b: string): boolean {
	if (a === b) return true;
	// "2024-05-01T10:00:00Z" and "2024-05-01T10:00:00.000Z" are the same instant.
	return ZONED_DATE_TIME.test(a) && ZONED_DATE_TIME.test(b) && Date.parse(a) === Date.parse(b);
}

/**
 * Arrays of names (multiple selects) compare as sets with multiplicity: Airtable may return the
 * options in its own order. Linked record ids, attachments and collaborators keep their order,
 * since reordering those is a change the user can see.
 */
function sameArray(desired: unknown[], existing: unknown[]): boolean {
	if (desired.length !== existing.length) return false;
	const unordered = [...desired, ...existing].every(
		(value) => (typeof value === 'string' && !RECORD_ID.test(value)) || typeof value === 'number',
	);
	if (!unordered) return desired.every((value, index) => sameCell(value, existing[index]));
	const remaining = [...existing];
	for (const value of desired) {
		const match = remaining.findIndex((candidate) => sameCell(value, candidate));
		if (match < 0) return false;
		remaining.splice(match, 1);
	}
	return true;
}

/**
 * Whether writing `desired` into a cell that holds `existing` (as the API reads it) would
 * leave it as it is. Objects compare on the keys the item gives: a collaborator written as
 * `{ email }` matches the `{ id, email, name }` Airtable returns.
 */
export function sameCell(desired: unknown, existing: unknown): boolean {
	if (isEmptyCell(desired) || isEmptyCell(existing)) return isEmptyCell(desired) && isEmptyCell(existing);
	if (typeof desired === 'number' || typeof existing === 'number') return sameNumber(desired, existing);
	if (typeof desired === 'boolean' || typeof existing === 'boolean') {
		return String(desired).toLowerCase() === String(existing).toLowerCase();
	}
	if (typeof desired === 'string' && typeof existing === 'string') return sameString(desired, existing);
	if (Array.isArray(desired) && Array.isArray(existing)) return sameArray(desired, existing);
	if (isPlainObject(desired) && isPlainObject(existing)) {
		return Object.entries(desired).every(([key, value]) => sameCell(value, existing[key]));
	}
	return false;
}

/** The fields (of those written) whose values would change; empty when the write is a no-op. */
export function changedFields(desired: Record<string, unknown>, existing: Record<string, unknown>): string[] {
	return Object.keys(desired).filter((field) => !sameCell(desired[field], existing[field]));
}
