/**
 * Safe building blocks for filterByFormula. Values are always escaped and fields always
 * referenced through fieldRef, so user data can never change the shape of a formula.
 */
import { AirtableInputError } from '../errors';

/** Escapes text for use inside a quoted formula string literal (without the quotes). */
export function escapeFormulaString(text: string): string {
	return String(text)
		.replace(/\\/g, '\\\\')
		.replace(/'/g, "\\'")
		.replace(/"/g, '\\"')
		.replace(/\n/g, '\\n')
		.replace(/\r/g, '\\r')
		.replace(/\t/g, '\\t');
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A date as a formula expression: DATETIME_PARSE('…') of its ISO form. */
export function formulaDate(value: Date | string): string {
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw new AirtableInputError('Invalid date in formula');
		return `DATETIME_PARSE('${value.toISOString()}')`;
	}
	if (typeof value === 'string' && ISO_DATE.test(value.trim())) {
		return `DATETIME_PARSE('${escapeFormulaString(value.trim())}')`;
	}
	throw new AirtableInputError(`Expected a date or an ISO 8601 date string, got ${JSON.stringify(value)}`);
}

/**
 * A JavaScript value as a formula literal: strings quoted and escaped, finite numbers as is,
 * booleans as TRUE()/FALSE(), Dates as DATETIME_PARSE('…'), null/undefined as BLANK().
 * Strings that look like dates stay strings here (a text field may hold "2024-01-01");
 * date operators and formulaDate parse them.
 */
export function formulaValue(value: unknown): string {
	if (value === null || value === undefined) return 'BLANK()';
	if (typeof value === 'string') return `'${escapeFormulaString(value)}'`;
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new AirtableInputError(`Cannot use ${value} in a formula`);
		return String(value);
	}
	if (typeof value === 'boolean') return value ? 'TRUE()' : 'FALSE()';
	if (value instanceof Date) return formulaDate(value);
	throw new AirtableInputError(`Cannot use a value of type ${typeof value} in a formula; pass text, a number, a boolean or a date`);
}

/**
 * `{Field name}`. Airtable formulas have no escape for `}` inside a reference, so such names
 * are refused rather than silently producing a different formula: use the field id instead.
 */
export function fieldRef(nameOrId: string): string {
	if (typeof nameOrId !== 'string' || !nameOrId.trim()) {
		throw new AirtableInputError('A field name or id is required in a formula');
	}
	if (nameOrId.includes('}')) {
		throw new AirtableInputError(
			`The field name "${nameOrId}" contains "}", which cannot be written in an Airtable formula; ` +
				'use the field id (fld…) instead, or rename the field',
			{ field: nameOrId },
		);
	}
	return `{${nameOrId}}`;
}

export type ConditionOperator =
	| 'equals'
	| 'notEquals'
	| 'contains'
	| 'notContains'
	| 'startsWith'
	| 'endsWith'
	| 'greaterThan'
	| 'greaterOrEqual'
	| 'lessThan'
	| 'lessOrEqual'
	| 'isEmpty'
	| 'isNotEmpty'
	| 'isAfter'
	| 'isBefore';

export const CONDITION_OPERATORS: readonly ConditionOperator[] = [
	'equals',
	'notEquals',
	'contains',
	'notContains',
	'startsWith',
	'endsWith',
	'greaterThan',
	'greaterOrEqual',
	'lessThan',
	'lessOrEqual',
	'isEmpty',
	'isNotEmpty',
	'isAfter',
	'isBefore',
];

const COMPARISONS: Partial<Record<ConditionOperator, string>> = {
	equals: '=',
	notEquals: '!=',
	greaterThan: '>',
	greaterOrEqual: '>=',
	lessThan: '<',
	lessOrEqual: '<=',
};

/** `& ''` turns numbers, arrays and blanks into text, so text functions work on any field. */
function asText(field: string): string {
	return `LOWER(${field} & '')`;
}

function textValue(value: unknown): string {
	if (value === null || value === undefined) {
		throw new AirtableInputError('This operator needs a value');
	}
	return `LOWER(${formulaValue(typeof value === 'string' ? value : String(value))})`;
}

/**
 * One condition on one field. Text operators (contains, notContains, startsWith, endsWith)
 * are case-insensitive: both sides go through LOWER(). isEmpty / isNotEmpty test the cell's
 * text length, so 0 and FALSE count as values. isAfter / isBefore take a Date or ISO string.
 */
export function condition(field: string, operator: ConditionOperator, value?: unknown): string {
	const ref = fieldRef(field);
	const comparison = COMPARISONS[operator];
	if (comparison) {
		if (value instanceof Date && operator === 'equals') return `IS_SAME(${ref}, ${formulaDate(value)})`;
		return `${ref} ${comparison} ${formulaValue(value)}`;
	}
	switch (operator) {
		case 'contains':
			return `FIND(${textValue(value)}, ${asText(ref)}) > 0`;
		case 'notContains':
			return `FIND(${textValue(value)}, ${asText(ref)}) = 0`;
		case 'startsWith':
			return `LEFT(${asText(ref)}, LEN(${textValue(value)})) = ${textValue(value)}`;
		case 'endsWith':
			return `RIGHT(${asText(ref)}, LEN(${textValue(value)})) = ${textValue(value)}`;
		case 'isEmpty':
			return `LEN(${ref} & '') = 0`;
		case 'isNotEmpty':
			return `LEN(${ref} & '') > 0`;
		case 'isAfter':
			return `IS_AFTER(${ref}, ${formulaDate(value as Date | string)})`;
		case 'isBefore':
			return `IS_BEFORE(${ref}, ${formulaDate(value as Date | string)})`;
		default:
			throw new AirtableInputError(`Unknown condition operator "${String(operator)}"`);
	}
}

function combine(name: 'AND' | 'OR', parts: string[], empty: string): string {
	const present = parts.filter((part) => typeof part === 'string' && part.trim());
	if (present.length === 0) return empty;
	if (present.length === 1) return present[0];
	return `${name}(${present.join(', ')})`;
}

/** All conditions hold; with none, TRUE() (matches every record). */
export function and(...conditions: string[]): string {
	return combine('AND', conditions, 'TRUE()');
}

/** Any condition holds; with none, FALSE() (matches nothing). */
export function or(...conditions: string[]): string {
	return combine('OR', conditions, 'FALSE()');
}

export function not(formula: string): string {
	return `NOT(${formula})`;
}

/**
 * The field's text equals `text` up to letter case and surrounding whitespace. Both sides go
 * through Airtable's own LOWER and TRIM, so a record holding exactly `text` always matches.
 */
export function equalsIgnoringCase(field: string, text: string): string {
	return `LOWER(TRIM(${fieldRef(field)} & '')) = LOWER(TRIM(${formulaValue(String(text))}))`;
}

/** Separators of the lists textsInSet and recordIdNotIn search (printable, rare in data: ␞ ␟). */
export const LIST_SEPARATOR = '\u241e';
export const PART_SEPARATOR = '\u241f';

/**
 * The trimmed texts of `fields`, in any letter case, form one of `tuples`. One FIND in one list,
 * so a record costs Airtable the same work for 1 or 100 tuples, and each tuple adds only its
 * length to the formula. Texts must not contain the separators (see canUseInTextSet).
 */
export function textsInSet(fields: string[], tuples: string[][]): string {
	for (const tuple of tuples) {
		if (tuple.length !== fields.length || !tuple.every(canUseInTextSet)) {
			throw new AirtableInputError('textsInSet needs one separator-free text per field in every tuple');
		}
	}
	const cell = fields.map((field) => `LOWER(TRIM(${fieldRef(field)} & ''))`).join(` & '${PART_SEPARATOR}' & `);
	const list = LIST_SEPARATOR + tuples.map((tuple) => tuple.join(PART_SEPARATOR)).join(LIST_SEPARATOR) + LIST_SEPARATOR;
	return `FIND('${LIST_SEPARATOR}' & ${cell} & '${LIST_SEPARATOR}', LOWER(${formulaValue(list)})) > 0`;
}

export function canUseInTextSet(text: string): boolean {
	return !text.includes(LIST_SEPARATOR) && !text.includes(PART_SEPARATOR);
}

/** The record is one of these (one FIND in one list, like recordIdNotIn). */
export function recordIdIn(recordIds: string[]): string {
	const list = LIST_SEPARATOR + recordIds.join(LIST_SEPARATOR) + LIST_SEPARATOR;
	return `FIND('${LIST_SEPARATOR}' & RECORD_ID() & '${LIST_SEPARATOR}', ${formulaValue(list)}) > 0`;
}

/** The record is none of these. */
export function recordIdNotIn(recordIds: string[]): string {
	const list = LIST_SEPARATOR + recordIds.join(LIST_SEPARATOR) + LIST_SEPARATOR;
	return `FIND('${LIST_SEPARATOR}' & RECORD_ID() & '${LIST_SEPARATOR}', ${formulaValue(list)}) = 0`;
}
