/** The Base node's parameters, each shown for the operations that use it. */
import type { INodeProperties } from 'n8n-workflow';

import { FIELD_TYPES } from '../../client/schema/fieldTypes';
import type { BaseOperation } from './operation';

const show = (...operation: BaseOperation[]) => ({ show: { operation } });

/** Field types a record write can fill (computed ones cannot be created through the API). */
const CREATABLE_TYPES = Object.entries(FIELD_TYPES)
	.filter(([, info]) => info.creatable)
	.map(([type, info]) => ({ name: type, value: type, description: `Write: ${info.write}` }))
	.sort((a, b) => a.name.localeCompare(b.name));

export const tableNameProperty: INodeProperties = {
	displayName: 'Table Name',
	name: 'tableName',
	type: 'string',
	default: '',
	required: true,
	displayOptions: show('createTable'),
};

export const tableDescriptionProperty: INodeProperties = {
	displayName: 'Table Description',
	name: 'tableDescription',
	type: 'string',
	default: '',
	displayOptions: show('createTable'),
};

export const fieldsJsonProperty: INodeProperties = {
	displayName: 'Fields (JSON)',
	name: 'fieldsJson',
	type: 'json',
	default: '[\n  { "name": "Name", "type": "singleLineText" },\n  { "name": "Notes", "type": "multilineText" }\n]',
	required: true,
	description:
		'The fields, the first one becoming the primary field: a list of { name, type, description?, options? }. Types that need options (checkbox, number, date, select…) get their usual ones when options are left out.',
	displayOptions: show('createTable'),
};

export const fieldNameProperty: INodeProperties = {
	displayName: 'Field Name',
	name: 'fieldName',
	type: 'string',
	default: '',
	required: true,
	displayOptions: show('createField'),
};

export const fieldTypeProperty: INodeProperties = {
	displayName: 'Field Type',
	name: 'fieldType',
	type: 'options',
	options: CREATABLE_TYPES,
	default: 'singleLineText',
	displayOptions: show('createField'),
};

export const fieldDescriptionProperty: INodeProperties = {
	displayName: 'Field Description',
	name: 'fieldDescription',
	type: 'string',
	default: '',
	displayOptions: show('createField'),
};

export const selectOptionsProperty: INodeProperties = {
	displayName: 'Select Options',
	name: 'selectOptions',
	type: 'string',
	default: '',
	placeholder: 'Lead, Customer, Lost',
	description: 'For single and multiple select fields: the option names, comma-separated',
	displayOptions: { show: { operation: ['createField'], fieldType: ['singleSelect', 'multipleSelects'] } },
};

export const fieldOptionsProperty: INodeProperties = {
	displayName: 'Field Options (JSON)',
	name: 'fieldOptions',
	type: 'json',
	default: '{}',
	description:
		'Options of the type as in Airtable\'s field model, e.g. {"precision": 2} for a number or {"linkedTableId": "tbl…"} for a link. Left empty, types that need options get their usual ones.',
	displayOptions: show('createField'),
};

export const fieldToUpdateProperty: INodeProperties = {
	displayName: 'Field (Name or ID)',
	name: 'field',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'Status or fldXXXXXXXXXXXXXX',
	description: 'The field to change, by its current name or its ID (fld…)',
	displayOptions: show('updateField'),
};

export const newNameProperty: INodeProperties = {
	displayName: 'New Name',
	name: 'newName',
	type: 'string',
	default: '',
	description: 'Leave empty to keep the name',
	displayOptions: show('updateField'),
};

export const newDescriptionProperty: INodeProperties = {
	displayName: 'New Description',
	name: 'newDescription',
	type: 'string',
	default: '',
	description: 'Leave empty to keep the description',
	displayOptions: show('updateField'),
};
