/**
 * The Records node's Record ID property. Reading it per item, with a check that names the
 * problem, is shared with the Comments node (shared/execution/recordId.ts).
 */

import type { INodeProperties } from 'n8n-workflow';

import type { RecordsOperation } from './operation';

const BY_ID_OPERATIONS: RecordsOperation[] = ['get', 'getManyByIds', 'update', 'replace', 'delete'];

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

export { recordIdOf } from '../../shared/execution/recordId';
