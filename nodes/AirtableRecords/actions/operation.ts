/**
 * The Records node's list of operations: their names, the Operation property and which operations
 * write fields.
 */

import { operationProperty } from '../../shared/editor/properties';

export type RecordsOperation = 'create' | 'get' | 'getManyByIds' | 'update' | 'replace' | 'delete';

/** Operations that write the mapped fields. */
export const WRITE_OPERATIONS: RecordsOperation[] = ['create', 'update', 'replace'];

export const recordsOperationProperty = operationProperty(
	[
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
	'create',
);
