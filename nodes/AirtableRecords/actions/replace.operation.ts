/**
 * The Records node's Replace operation: Update's properties plus a warning, and an execute that
 * overwrites records (PUT).
 */

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { updateRecords } from './updateRecords';

/** Replace uses Update's Fields mapper (see update.operation.ts); this adds the warning. */
export const properties: INodeProperties[] = [
	{
		displayName:
			'Replace clears every field of the record that is not mapped here. Use Update to change only the mapped fields.',
		name: 'replaceNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['replace'] } },
	},
];

/** Replace: overwrite the records (PUT); fields that are not mapped are cleared. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await updateRecords(ctx, true);
}
