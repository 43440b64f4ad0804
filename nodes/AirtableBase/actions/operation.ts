/** The Base node's operations and their picker. */
import { operationProperty } from '../../shared/editor/properties';

export type BaseOperation = 'listBases' | 'getSchema' | 'describeTable' | 'createTable' | 'createField' | 'updateField';

/** Operations that work on one table (and show the Table picker). */
export const TABLE_OPERATIONS: BaseOperation[] = ['describeTable', 'createField', 'updateField'];

export const baseOperationProperty = operationProperty(
	[
		{ name: 'Create Field', value: 'createField', description: 'Add a field to a table', action: 'Create a field' },
		{ name: 'Create Table', value: 'createTable', description: 'Add a table with its fields to the base', action: 'Create a table' },
		{
			name: 'Describe Table',
			value: 'describeTable',
			description: "A table's fields compactly: type, whether writable, what to send, select options",
			action: 'Describe a table',
		},
		{ name: 'Get Schema', value: 'getSchema', description: "The base's tables with their fields, options and views", action: 'Get the base schema' },
		{ name: 'List Bases', value: 'listBases', description: 'Every base the credential can see', action: 'List bases' },
		{ name: 'Update Field', value: 'updateField', description: 'Rename a field or change its description', action: 'Update a field' },
	],
	'describeTable',
);
