/**
 * Checks for upsert calls before anything is sent: the merge fields, and items missing a key or
 * sharing one.
 */

import { AirtableInputError, type ErrorContext } from '../errors';
import type { Fields } from './types';

const MAX_MERGE_FIELDS = 3;

/** Airtable accepts 1 to 3 merge fields; anything else fails every request of the call. */
export function validateMergeFields(fieldsToMergeOn: unknown, context: ErrorContext): string[] {
	const operation = 'upsert';
	if (!Array.isArray(fieldsToMergeOn) || fieldsToMergeOn.length === 0) {
		throw new AirtableInputError('Upsert needs fieldsToMergeOn: 1 to 3 field names or ids forming the key', {
			...context,
			operation,
		});
	}
	if (fieldsToMergeOn.length > MAX_MERGE_FIELDS) {
		throw new AirtableInputError(
			`Upsert accepts at most ${MAX_MERGE_FIELDS} fieldsToMergeOn, got ${fieldsToMergeOn.length}`,
			{ ...context, operation },
		);
	}
	if (fieldsToMergeOn.some((field) => typeof field !== 'string' || !field)) {
		throw new AirtableInputError('fieldsToMergeOn must be non-empty field names or ids', { ...context, operation });
	}
	if (new Set(fieldsToMergeOn).size !== fieldsToMergeOn.length) {
		throw new AirtableInputError('fieldsToMergeOn lists the same field twice', { ...context, operation });
	}
	return fieldsToMergeOn as string[];
}

function isEmptyKeyValue(value: unknown): boolean {
	return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Per-item problems, found before anything is sent: a record without every merge field
 * would fail its whole chunk, and two records with the same key in one call would either
 * fail or create the same record twice. The later duplicate is the one reported.
 */
export function checkUpsertItems(
	fieldsList: Fields[],
	mergeFields: string[],
	context: ErrorContext,
): Map<number, Error> {
	if (!Array.isArray(fieldsList)) {
		throw new AirtableInputError('Upsert expects a list of records', { ...context, operation: 'upsert' });
	}
	const problems = new Map<number, Error>();
	const firstIndexByKey = new Map<string, number>();
	fieldsList.forEach((fields, index) => {
		const itemContext = { ...context, operation: 'upsert', itemIndexes: [index] };
		if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
			problems.set(index, new AirtableInputError('Each record must be an object of field values', itemContext));
			return;
		}
		const missing = mergeFields.filter((field) => isEmptyKeyValue(fields[field]));
		if (missing.length) {
			problems.set(
				index,
				new AirtableInputError(
					`Item ${index} has no value for merge field${missing.length > 1 ? 's' : ''} ` +
						`${missing.map((field) => `"${field}"`).join(', ')}; every record needs all of ` +
						`fieldsToMergeOn (${mergeFields.join(', ')})`,
					{ ...itemContext, field: missing[0] },
				),
			);
			return;
		}
		const key = JSON.stringify(mergeFields.map((field) => fields[field]));
		const earlier = firstIndexByKey.get(key);
		if (earlier === undefined) {
			firstIndexByKey.set(key, index);
			return;
		}
		const shown = mergeFields.map((field) => `${field} = ${JSON.stringify(fields[field])}`).join(', ');
		problems.set(
			index,
			new AirtableInputError(
				`Items ${earlier} and ${index} have the same merge key (${shown}). Airtable would fail ` +
					'the request or create the record twice; combine or remove the duplicate',
				{ ...context, operation: 'upsert', itemIndexes: [earlier, index] },
			),
		);
	});
	return problems;
}
