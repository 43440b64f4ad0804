/**
 * The field check before the first write: each record's values against the table's schema,
 * so a value Airtable would reject fails its own item with no request spent, and the good
 * records go out in full chunks of 10 instead of being bisected around the bad ones.
 *
 * What Airtable converts with `typecast: true` (text into numbers, checkboxes, dates, new select
 * options, links by primary field name) is let through when Typecast is on. Messages say what
 * kind of value arrived, never the value: cell values stay out of errors and logs.
 */
import { AirtableInputError, type ErrorContext } from '../errors';
import { isWritableField, type BaseSchema } from './schema';
import type { FieldSchema, TableSchema } from './types';
import type { Fields } from '../records/types';

export interface ValueCheckOptions {
	typecast?: boolean;
}

/** What is wrong with one value: Airtable's error type for it and what to tell the user. */
interface ValueProblem {
	type: 'UNKNOWN_FIELD_NAME' | 'INVALID_VALUE_FOR_COLUMN' | 'INVALID_MULTIPLE_CHOICE_OPTIONS';
	/** Sentence after 'Field "X" (type) ': what arrived and what to send instead. */
	text: string;
}

/** Single line, long text and rich text cells hold at most 100,000 characters. */
export const MAX_TEXT_LENGTH = 100_000;

const TEXT_TYPES = new Set(['singleLineText', 'multilineText', 'richText', 'email', 'url', 'phoneNumber']);
const NUMBER_TYPES = new Set(['number', 'currency', 'percent', 'rating', 'duration']);
const RECORD_ID = /^rec[a-zA-Z0-9]{3,}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_LIKE = /^\S+(?:\.|:\/\/)\S+$/;

/** "text (12 characters)", "a number", "a list of 3 values": the kind of value, not its content. */
export function describeValue(value: unknown): string {
	if (typeof value === 'string') return `text (${value.length} characters)`;
	if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : 'a number that is not finite';
	if (typeof value === 'boolean') return 'true/false';
	if (Array.isArray(value)) return `a list of ${value.length} value${value.length === 1 ? '' : 's'}`;
	if (typeof value === 'object' && value !== null) return 'an object';
	return typeof value;
}

function invalid(text: string): ValueProblem {
	return { type: 'INVALID_VALUE_FOR_COLUMN', text };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumericText(value: string): boolean {
	const cleaned = value.replace(/[,\s$€£%]/g, '');
	return cleaned !== '' && Number.isFinite(Number(cleaned));
}

function choiceNames(field: FieldSchema): Set<string> {
	const choices = (field.options?.choices ?? []) as Array<{ name?: unknown }>;
	return new Set(choices.map((choice) => String(choice.name)));
}

const CHOICES_LISTED = 10;

/**
 * The field's options, so the user (or an AI agent) can pick one. They are the table's schema,
 * which the editor shows anyway; the refused value itself is input data and is never echoed.
 */
function listChoices(choices: Set<string>): string {
	if (!choices.size) return 'it has no options yet';
	const names = [...choices].slice(0, CHOICES_LISTED).map((name) => JSON.stringify(name));
	const more = choices.size - names.length;
	return `its options: ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

const TYPECAST_HINT = ', or turn on Typecast to let Airtable convert it';

function checkText(field: FieldSchema, value: unknown, typecast: boolean): ValueProblem | undefined {
	if (typeof value !== 'string') {
		if (typecast && (typeof value === 'number' || typeof value === 'boolean')) return undefined;
		return invalid(`got ${describeValue(value)}: send text${typeof value === 'number' ? TYPECAST_HINT : ''}`);
	}
	if (value.length > MAX_TEXT_LENGTH) {
		return invalid(`got ${describeValue(value)}: Airtable keeps at most ${MAX_TEXT_LENGTH.toLocaleString('en-US')} characters per cell; shorten it`);
	}
	const text = value.trim();
	if (!text) return undefined;
	if (field.type === 'email' && !EMAIL.test(text)) return invalid('got text that is not an email address: send e.g. name@example.com');
	if (field.type === 'url' && !URL_LIKE.test(text)) return invalid('got text that is not a URL: send e.g. https://example.com');
	if (field.type === 'phoneNumber' && !/\d/.test(text)) return invalid('got text without any digit: send a phone number');
	return undefined;
}

function checkNumber(field: FieldSchema, value: unknown, typecast: boolean): ValueProblem | undefined {
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return invalid('got a number that is not finite: send a finite number');
		if (field.type === 'rating') {
			const max = Number(field.options?.max ?? 10);
			if (!Number.isInteger(value) || value < 0 || value > max) return invalid(`got ${value}: send a whole number from 0 to ${max}`);
		}
		return undefined;
	}
	if (typecast && typeof value === 'string' && (value.trim() === '' || isNumericText(value))) return undefined;
	if (typeof value === 'string') {
		return invalid(`got ${describeValue(value)}${isNumericText(value) ? ' holding a number' : ''}: send a number${isNumericText(value) ? TYPECAST_HINT : ''}`);
	}
	return invalid(`got ${describeValue(value)}: send a number`);
}

function checkDate(field: FieldSchema, value: unknown, typecast: boolean): ValueProblem | undefined {
	const example = field.type === 'date' ? '2024-05-01' : '2024-05-01T09:30:00.000Z';
	if (typeof value !== 'string') return invalid(`got ${describeValue(value)}: send an ISO date such as ${example}`);
	if (value === '') return undefined;
	const parses = !Number.isNaN(Date.parse(value));
	if (parses && (typecast || ISO_DATE.test(value.trim()))) return undefined;
	return invalid(
		`got text that is not an ISO ${field.type === 'date' ? 'date' : 'date and time'}: send e.g. ${example}${parses ? TYPECAST_HINT : ''}`,
	);
}

function checkSelect(field: FieldSchema, value: unknown, typecast: boolean): ValueProblem | undefined {
	const many = field.type === 'multipleSelects';
	let names: unknown[];
	if (many && Array.isArray(value)) names = value;
	else if (typeof value === 'string' && (!many || typecast)) names = many ? value.split(',').map((name) => name.trim()) : [value];
	else if (!many && typecast && typeof value === 'number') return undefined;
	else return invalid(`got ${describeValue(value)}: send ${many ? 'a list of option names' : 'an option name'}`);
	if (!names.every((name) => typeof name === 'string')) {
		return invalid('got a list holding something other than text: send option names');
	}
	if (typecast) return undefined;
	const choices = choiceNames(field);
	const unknown = (names as string[]).filter((name) => name !== '' && !choices.has(name));
	if (!unknown.length) return undefined;
	return {
		type: 'INVALID_MULTIPLE_CHOICE_OPTIONS',
		text: `got ${unknown.length === 1 ? 'an option' : `${unknown.length} options`} that the field does not have (${listChoices(choices)}): use one of its options, or turn on Typecast to create new ones`,
	};
}

function checkLinks(value: unknown, typecast: boolean): ValueProblem | undefined {
	if (typecast && typeof value === 'string') return undefined;
	if (!Array.isArray(value)) return invalid(`got ${describeValue(value)}: send a list of record IDs (rec…)`);
	const bad = value.filter((id) => typeof id !== 'string' || (!typecast && !RECORD_ID.test(id)));
	if (!bad.length) return undefined;
	return invalid(
		`got ${bad.length} of ${value.length} values that ${bad.length === 1 ? 'is not a record ID' : 'are not record IDs'}: send IDs such as recAbC123dEf456gHi${typecast ? '' : ', or turn on Typecast to link by primary field value'}`,
	);
}

function checkAttachments(value: unknown): ValueProblem | undefined {
	const shape = 'send a list of {"url": "https://…"} (new files) or {"id": "att…"} (files to keep)';
	if (!Array.isArray(value)) return invalid(`got ${describeValue(value)}: ${shape}`);
	const bad = value.filter((item) => !isObject(item) || (typeof item.url !== 'string' && typeof item.id !== 'string'));
	return bad.length ? invalid(`got ${bad.length} of ${value.length} entries that are neither: ${shape}`) : undefined;
}

function isCollaborator(value: unknown): boolean {
	return isObject(value) && (typeof value.id === 'string' || typeof value.email === 'string');
}

function checkCollaborators(field: FieldSchema, value: unknown): ValueProblem | undefined {
	if (field.type === 'singleCollaborator') {
		return isCollaborator(value) ? undefined : invalid(`got ${describeValue(value)}: send {"id": "usr…"} or {"email": "…"}`);
	}
	if (Array.isArray(value) && value.every((item) => typeof item === 'string' || isCollaborator(item))) return undefined;
	return invalid(`got ${describeValue(value)}: send a list of {"id": "usr…"} or {"email": "…"}`);
}

/** The problem with one value for one field, or undefined when Airtable should accept it. */
export function checkValue(field: FieldSchema, value: unknown, options: ValueCheckOptions = {}): ValueProblem | undefined {
	if (!isWritableField(field)) {
		return invalid(`is computed by Airtable and cannot be written: remove it from the mapping (or add it to Fields to Ignore)`);
	}
	// null clears a cell of any type.
	if (value === null || value === undefined) return undefined;
	const typecast = options.typecast === true;
	if (TEXT_TYPES.has(field.type)) return checkText(field, value, typecast);
	if (NUMBER_TYPES.has(field.type)) return checkNumber(field, value, typecast);
	switch (field.type) {
		case 'checkbox':
			if (typeof value === 'boolean' || (typecast && (typeof value === 'string' || typeof value === 'number'))) return undefined;
			return invalid(`got ${describeValue(value)}: send true or false${typeof value === 'string' ? TYPECAST_HINT : ''}`);
		case 'date':
		case 'dateTime':
			return checkDate(field, value, typecast);
		case 'singleSelect':
		case 'multipleSelects':
			return checkSelect(field, value, typecast);
		case 'multipleRecordLinks':
			return checkLinks(value, typecast);
		case 'multipleAttachments':
			return checkAttachments(value);
		case 'singleCollaborator':
		case 'multipleCollaborators':
			return checkCollaborators(field, value);
		case 'barcode':
			return isObject(value) && typeof value.text === 'string' ? undefined : invalid(`got ${describeValue(value)}: send {"text": "…"}`);
		default:
			// Types this check does not know (new ones appear): Airtable decides.
			return undefined;
	}
}

/** Exact id, exact name, then a name in other case (not flagged: Airtable has the last word). */
function fieldIn(table: TableSchema, key: string): FieldSchema | undefined {
	const lower = key.toLowerCase();
	return (
		table.fields.find((field) => field.id === key) ??
		table.fields.find((field) => field.name === key) ??
		table.fields.find((field) => field.name.toLowerCase() === lower)
	);
}

/**
 * A value the check refused. `type` is the error type Airtable would have answered with, so
 * workflows that branch on it behave the same whether the check or Airtable caught the value;
 * it is set after construction because the message must not say "Airtable said": no request
 * was made.
 */
export class AirtableValueError extends AirtableInputError {
	constructor(summary: string, type: ValueProblem['type'], details: ErrorContext & { field: string }) {
		super(summary, details);
		(this as { type?: string }).type = type;
	}
}

/** The first problem of one record, as the error its item gets. */
export function checkRecordFields(
	table: TableSchema,
	fields: Fields,
	options: ValueCheckOptions,
	context: ErrorContext,
): AirtableValueError | undefined {
	for (const [key, value] of Object.entries(fields)) {
		const field = fieldIn(table, key);
		if (!field) {
			return new AirtableValueError(
				`Field "${key}" does not exist in table "${table.name}": check the spelling, or refresh the field list if it was renamed`,
				'UNKNOWN_FIELD_NAME',
				{ ...context, field: key },
			);
		}
		const problem = checkValue(field, value, options);
		if (problem) {
			return new AirtableValueError(`Field "${field.name}" (${field.type}) ${problem.text}`, problem.type, {
				...context,
				field: field.name,
			});
		}
	}
	return undefined;
}

/** Result of the check for one batch: the failed positions, or why nothing could be checked. */
export interface RecordsCheck {
	/** Errors by position in the checked list; those records must not be sent. */
	failures: Map<number, AirtableValueError>;
	/** False when the schema (or the table in it) could not be read: Airtable will judge. */
	checked: boolean;
	/** Why the check did not run, for a notice. */
	skippedBecause?: string;
}

/**
 * Checks every record of one write against the table in `schema`. Records that are not
 * objects are left to the write call's own input check. A table missing from the schema
 * (e.g. a name the token cannot see) skips the check instead of failing every record.
 */
export function checkRecords(
	schema: BaseSchema,
	table: string,
	fieldsList: unknown[],
	options: ValueCheckOptions = {},
	context: ErrorContext = {},
): RecordsCheck {
	const tableSchema = schema.table(table);
	if (!tableSchema) {
		return { failures: new Map(), checked: false, skippedBecause: `table "${table}" is not in the base's schema` };
	}
	const failures = new Map<number, AirtableValueError>();
	fieldsList.forEach((fields, index) => {
		if (!isObject(fields)) return;
		const error = checkRecordFields(tableSchema, fields, options, { ...context, baseId: schema.baseId, table, itemIndexes: [index] });
		if (error) failures.set(index, error);
	});
	return { failures, checked: true };
}

/** Anything that can hand out a base's schema, e.g. `client.base(id)`. */
export interface SchemaSource {
	schema(): Promise<BaseSchema>;
}

/**
 * Reads the (cached) schema and checks the records. Without schema access (a token lacking
 * schema.bases:read answers 403) the write goes ahead unchecked and Airtable's 422s are
 * narrowed down by splitting chunks, as before; `skippedBecause` says why.
 */
export async function checkBeforeWrite(
	base: SchemaSource,
	table: string,
	fieldsList: unknown[],
	options: ValueCheckOptions = {},
	context: ErrorContext = {},
): Promise<RecordsCheck> {
	let schema: BaseSchema;
	try {
		schema = await base.schema();
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		return { failures: new Map(), checked: false, skippedBecause: `the base schema could not be read (${reason})` };
	}
	return checkRecords(schema, table, fieldsList, options, context);
}
