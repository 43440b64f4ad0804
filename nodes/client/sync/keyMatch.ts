/**
 * Merge keys for `table.sync`: when an input row and a record have "the same key".
 *
 * Airtable does not document how `performUpsert` compares merge values (case, surrounding
 * whitespace, number and date forms). So two notions of "same" are kept apart:
 * - the exact key: equal only where the upsert surely matches (the same text, the same number,
 *   with a date field the same instant). Only a record with the exact key may make a row
 *   "unchanged".
 * - the loose key: text lower-cased and trimmed. Records whose loose key equals a row's are
 *   the candidates the upsert might match. A row with any candidate that is not an exact match,
 *   or with several candidates, is always written: the upsert decides, never this guess.
 */
import {
	and,
	canUseInTextSet,
	condition,
	equalsIgnoringCase,
	fieldRef,
	formulaValue,
	or,
} from '../records/formula';
import type { Fields } from '../records/types';

/** How a merge field's values compare: 42 and "42" are one number; ISO instants one date. */
export type KeyType = 'text' | 'number' | 'date';

export type KeyTypes = Record<string, KeyType | undefined>;

/** Date-times with a zone name one instant however they are written. */
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T.*)?$/;

export function isEmptyKeyPart(value: unknown): boolean {
	return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Merge fields a row leaves empty: such a row can neither match nor create a record safely. */
export function missingMergeFields(fields: Fields, mergeFields: string[]): string[] {
	return mergeFields.filter((field) => isEmptyKeyPart(fields[field]));
}

function exactPart(value: unknown, type: KeyType | undefined): unknown {
	if (value instanceof Date) return value.toISOString();
	if (type === 'number' && (typeof value === 'number' || typeof value === 'string') && String(value).trim() !== '') {
		const number = Number(value);
		return Number.isFinite(number) ? number : value;
	}
	if (type === 'date' && typeof value === 'string' && ZONED_DATE_TIME.test(value)) {
		return new Date(value).toISOString();
	}
	// Multiple-select options: Airtable may return them in its own order.
	if (Array.isArray(value)) return value.map((part) => exactPart(part, undefined)).sort();
	return value;
}

/** One string per key, equal only where Airtable's upsert surely sees the same key. */
export function exactKeyOf(fields: Fields, mergeFields: string[], types: KeyTypes = {}): string {
	return JSON.stringify(mergeFields.map((field) => exactPart(fields[field], types[field])));
}

function loosePart(value: unknown): string | undefined {
	if (value instanceof Date) return value.toISOString().toLowerCase();
	if (typeof value === 'string') return value.trim().toLowerCase();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (Array.isArray(value)) {
		const parts = value.map(loosePart);
		return parts.every((part) => part !== undefined) ? JSON.stringify(parts.sort()) : undefined;
	}
	return undefined;
}

/**
 * The key up to case and surrounding whitespace; undefined when a part is of a kind no
 * formula can look up (objects, booleans): such rows are never skipped.
 */
export function looseKeyOf(fields: Fields, mergeFields: string[], types: KeyTypes = {}): string | undefined {
	const parts: Array<string | undefined> = [];
	for (const field of mergeFields) {
		const value = fields[field];
		if (isEmptyKeyPart(value)) return undefined;
		// A date written with another offset is the same instant: compare dates by instant.
		parts.push(types[field] === 'date' ? looseDatePart(value) : loosePart(value));
	}
	return parts.every((part) => part !== undefined) ? JSON.stringify(parts) : undefined;
}

function looseDatePart(value: unknown): string | undefined {
	const exact = exactPart(value, 'date');
	return typeof exact === 'string' ? exact.trim().toLowerCase() : loosePart(exact);
}

function partCondition(field: string, value: unknown, type: KeyType | undefined): string {
	if (Array.isArray(value)) {
		// Cell text of a multiple select is "a, b": each option must occur in it.
		return and(
			...value.map(
				(option) => `FIND(LOWER(TRIM(${formulaValue(String(option))})), LOWER(${fieldRef(field)} & '')) > 0`,
			),
		);
	}
	const text = value instanceof Date ? value.toISOString() : String(value);
	const textMatch = equalsIgnoringCase(field, text);
	if (type === 'date' && typeof value === 'string' && ISO_DATE.test(value.trim()) && !Number.isNaN(Date.parse(value.trim()))) {
		// A date cell's text need not be written like the input; the instant must be the same.
		return or(textMatch, condition(field, 'equals', new Date(value.trim())));
	}
	return textMatch;
}

/**
 * A formula matching every record that may carry the row's key: a superset of what the
 * upsert could match, so no candidate hides. Undefined when the key cannot be looked up.
 */
export function keyCandidatesFormula(fields: Fields, mergeFields: string[], types: KeyTypes = {}): string | undefined {
	if (looseKeyOf(fields, mergeFields, types) === undefined) return undefined;
	return and(...mergeFields.map((field) => partCondition(field, fields[field], types[field])));
}

/**
 * The key's texts (trimmed; Airtable lower-cases both sides) for one shared textsInSet lookup,
 * or undefined when the key needs its own formula: dates (compared as instants), multiple
 * selects, or text holding the list separators.
 */
export function keySetTexts(fields: Fields, mergeFields: string[], types: KeyTypes = {}): string[] | undefined {
	const texts: string[] = [];
	for (const field of mergeFields) {
		const value = fields[field];
		if (types[field] === 'date' || isEmptyKeyPart(value)) return undefined;
		let text: string;
		if (typeof value === 'string') text = value.trim();
		else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
		else return undefined;
		if (!canUseInTextSet(text)) return undefined;
		texts.push(text);
	}
	return texts;
}
