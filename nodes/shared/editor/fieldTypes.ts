/**
 * Mapping Airtable field types to n8n's: resource-mapper columns, which fields can be merge keys,
 * field keys by name or id.
 */

import type { FieldType, INodePropertyOptions, ResourceMapperField } from 'n8n-workflow';

import { isWritableField } from '../../client/schema/schema';
import type { FieldSchema } from '../../client/types';

/** Types Airtable accepts in `fieldsToMergeOn` (computed fields never qualify). */
const MERGEABLE_TYPES = new Set([
	'singleLineText',
	'multilineText',
	'email',
	'url',
	'phoneNumber',
	'number',
	'currency',
	'percent',
	'rating',
	'duration',
	'singleSelect',
	'multipleSelects',
	'date',
	'dateTime',
	'barcode',
]);

const N8N_TYPE_BY_AIRTABLE_TYPE: Record<string, FieldType> = {
	singleLineText: 'string',
	multilineText: 'string',
	richText: 'string',
	email: 'string',
	phoneNumber: 'string',
	url: 'url',
	number: 'number',
	currency: 'number',
	percent: 'number',
	rating: 'number',
	duration: 'number',
	autoNumber: 'number',
	count: 'number',
	checkbox: 'boolean',
	date: 'dateTime',
	dateTime: 'dateTime',
	createdTime: 'dateTime',
	lastModifiedTime: 'dateTime',
	singleSelect: 'options',
	multipleSelects: 'array',
	multipleRecordLinks: 'array',
	multipleAttachments: 'array',
	multipleCollaborators: 'array',
	multipleLookupValues: 'array',
	singleCollaborator: 'object',
	barcode: 'object',
};

export function isMergeableField(field: FieldSchema): boolean {
	return MERGEABLE_TYPES.has(field.type);
}

export function n8nTypeOf(field: FieldSchema): FieldType {
	return N8N_TYPE_BY_AIRTABLE_TYPE[field.type] ?? 'string';
}

export function fieldKey(field: FieldSchema, useFieldIds: boolean): string {
	return useFieldIds ? field.id : field.name;
}

function selectOptions(field: FieldSchema): INodePropertyOptions[] | undefined {
	const choices = (field.options?.choices ?? []) as Array<{ name: string }>;
	if (!choices.length) return undefined;
	return choices.map((choice) => ({ name: choice.name, value: choice.name }));
}

/**
 * One resource-mapper column per Airtable field. Computed fields stay visible but read-only
 * (the user sees why they cannot be mapped); `matchable` decides the "Columns to Match On" list.
 */
export function toMapperField(
	field: FieldSchema,
	options: { useFieldIds: boolean; matchable: (field: FieldSchema) => boolean; defaultMatch?: boolean },
): ResourceMapperField {
	const writable = isWritableField(field);
	const type = n8nTypeOf(field);
	return {
		id: fieldKey(field, options.useFieldIds),
		displayName: writable ? field.name : `${field.name} (read-only: ${field.type})`,
		required: false,
		defaultMatch: options.defaultMatch ?? false,
		canBeUsedToMatch: writable && options.matchable(field),
		display: true,
		type,
		options: type === 'options' ? selectOptions(field) : undefined,
		readOnly: !writable,
		removed: !writable,
	};
}
