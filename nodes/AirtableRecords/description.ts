import type { INodeProperties } from 'n8n-workflow';

import { ignoreFieldsOption, timeBudgetOption, typecastOption, useFieldIdsOption } from '../shared/properties';

export type RecordsOperation = 'create' | 'get' | 'getManyByIds' | 'update' | 'replace' | 'delete';

const WRITE_OPERATIONS: RecordsOperation[] = ['create', 'update', 'replace'];
const BY_ID_OPERATIONS: RecordsOperation[] = ['get', 'getManyByIds', 'update', 'replace', 'delete'];

const mapperDependencies = ['base.value', 'table.value', 'options.useFieldIds'];

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Create',
			value: 'create',
			description: 'Create one record per input item (10 per request)',
			action: 'Create records',
		},
		{
			name: 'Delete',
			value: 'delete',
			description: 'Delete the record each input item names (10 per request)',
			action: 'Delete records',
		},
		{
			name: 'Get',
			value: 'get',
			description: 'Get one record by ID per input item (one request each)',
			action: 'Get a record',
		},
		{
			name: 'Get Many by IDs',
			value: 'getManyByIds',
			description: 'Get the records the input items name, many per request through a formula',
			action: 'Get many records by ID',
		},
		{
			name: 'Replace',
			value: 'replace',
			description: 'Overwrite records (PUT): fields that are not mapped are cleared',
			action: 'Replace records',
		},
		{
			name: 'Update',
			value: 'update',
			description: 'Change the mapped fields of records (PATCH); other fields stay as they are',
			action: 'Update records',
		},
	],
	default: 'create',
};

export const recordIdProperty: INodeProperties = {
	displayName: 'Record ID',
	name: 'recordId',
	type: 'string',
	default: '={{ $json.id }}',
	required: true,
	placeholder: 'recXXXXXXXXXXXXXX',
	description:
		'ID of the record (starts with "rec"), usually an expression reading it from the input item. Update and Replace fall back to the Record ID column of the fields when this is empty.',
	displayOptions: { show: { operation: BY_ID_OPERATIONS } },
};

export const createColumnsProperty: INodeProperties = {
	displayName: 'Fields',
	name: 'columns',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	typeOptions: {
		loadOptionsDependsOn: mapperDependencies,
		resourceMapper: {
			resourceMapperMethod: 'getColumnsForCreate',
			mode: 'add',
			fieldWords: { singular: 'field', plural: 'fields' },
			addAllFields: true,
			multiKeyMatch: false,
			supportAutoMap: true,
		},
	},
	displayOptions: { show: { operation: ['create'] } },
};

export const updateColumnsProperty: INodeProperties = {
	displayName: 'Fields',
	name: 'columns',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	typeOptions: {
		loadOptionsDependsOn: mapperDependencies,
		resourceMapper: {
			resourceMapperMethod: 'getColumnsForUpdate',
			mode: 'update',
			fieldWords: { singular: 'field', plural: 'fields' },
			addAllFields: true,
			multiKeyMatch: false,
			supportAutoMap: true,
		},
	},
	displayOptions: { show: { operation: ['update', 'replace'] } },
};

export const replaceNotice: INodeProperties = {
	displayName:
		'Replace clears every field of the record that is not mapped here. Use Update to change only the mapped fields.',
	name: 'replaceNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { operation: ['replace'] } },
};

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			...ignoreFieldsOption,
			displayOptions: { show: { '/operation': WRITE_OPERATIONS, '/columns.mappingMode': ['autoMapInputData'] } },
		},
		timeBudgetOption,
		{ ...typecastOption, displayOptions: { show: { '/operation': WRITE_OPERATIONS } } },
		useFieldIdsOption,
	],
};
