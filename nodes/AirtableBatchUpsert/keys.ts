import type { FieldType } from 'n8n-workflow';

import { AirtableInputError } from '../client/errors';
import type { Fields } from '../client/types';
import { isEmptyCell } from './compare';

export const MAX_MERGE_FIELDS = 3;

function keyPart(value: unknown, type: FieldType | undefined): unknown {
	if (type === 'number' && (typeof value === 'number' || typeof value === 'string')) {
		const number = Number(value);
		return Number.isFinite(number) ? number : value;
	}
	if (Array.isArray(value)) return [...value].map((part) => keyPart(part, undefined)).sort();
	return value;
}

/**
 * One string per merge key, equal for values Airtable treats as the same key: 42 and "42" in
 * a number field, multi-select names in any order. Text stays exact.
 */
export function mergeKeyOf(fields: Fields, mergeFields: string[], types: Map<string, FieldType | undefined>): string {
	return JSON.stringify(mergeFields.map((field) => keyPart(fields[field], types.get(field))));
}

/** Merge fields an item leaves empty; such an item can neither match nor create a record safely. */
export function missingMergeFields(fields: Fields, mergeFields: string[]): string[] {
	return mergeFields.filter((field) => isEmptyCell(fields[field]) && fields[field] !== false);
}

export function missingKeyError(itemIndex: number, missing: string[], mergeFields: string[]): AirtableInputError {
	return new AirtableInputError(
		`Item ${itemIndex} has no value for merge field${missing.length > 1 ? 's' : ''} ` +
			`${missing.map((field) => `"${field}"`).join(', ')}: every item needs all merge fields (${mergeFields.join(', ')})`,
		{ itemIndexes: [itemIndex], field: missing[0] },
	);
}

export function describeKey(fields: Fields, mergeFields: string[]): string {
	return mergeFields.map((field) => `${field} = ${JSON.stringify(fields[field])}`).join(', ');
}

export type DuplicatePolicy = 'lastWins' | 'firstWins' | 'error';

export interface KeyedItem {
	itemIndex: number;
	fields: Fields;
	key: string;
}

export interface DuplicateResolution {
	/** The items that are written, in input order. */
	winners: KeyedItem[];
	/** Dropped item index → the item index that supersedes it. */
	superseded: Map<number, number>;
	/** Items failed by the "Error" policy. */
	conflicts: Map<number, AirtableInputError>;
}

/** Applies "On Duplicate Keys" to items that share a merge key. */
export function resolveDuplicates(
	items: KeyedItem[],
	policy: DuplicatePolicy,
	mergeFields: string[],
): DuplicateResolution {
	const groups = new Map<string, KeyedItem[]>();
	for (const item of items) {
		const group = groups.get(item.key) ?? [];
		group.push(item);
		groups.set(item.key, group);
	}
	const winners: KeyedItem[] = [];
	const superseded = new Map<number, number>();
	const conflicts = new Map<number, AirtableInputError>();
	for (const group of groups.values()) {
		if (group.length === 1) {
			winners.push(group[0]);
			continue;
		}
		if (policy === 'error') {
			const indexes = group.map((item) => item.itemIndex);
			for (const item of group) {
				conflicts.set(
					item.itemIndex,
					new AirtableInputError(
						`Items ${indexes.join(', ')} have the same merge key (${describeKey(item.fields, mergeFields)}); ` +
							'remove the duplicates or set "On Duplicate Keys" to First Wins or Last Wins',
						{ itemIndexes: [item.itemIndex], field: mergeFields[0] },
					),
				);
			}
			continue;
		}
		const winner = policy === 'firstWins' ? group[0] : group[group.length - 1];
		winners.push(winner);
		for (const item of group) if (item !== winner) superseded.set(item.itemIndex, winner.itemIndex);
	}
	winners.sort((a, b) => a.itemIndex - b.itemIndex);
	return { winners, superseded, conflicts };
}
