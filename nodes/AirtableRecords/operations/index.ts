import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { RecordsOperation } from '../description';
import { startRun } from './context';
import { getRecords, getRecordsByIds } from './read';
import { createRecords, deleteRecords, updateRecords } from './write';

export async function executeRecords(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const operation = ctx.getNodeParameter('operation', 0) as RecordsOperation;
	const run = await startRun(ctx);
	switch (operation) {
		case 'create':
			return await createRecords(ctx, run);
		case 'update':
			return await updateRecords(ctx, run, false);
		case 'replace':
			return await updateRecords(ctx, run, true);
		case 'delete':
			return await deleteRecords(ctx, run);
		case 'get':
			return await getRecords(ctx, run);
		case 'getManyByIds':
			return await getRecordsByIds(ctx, run);
		default:
			throw new Error(`Unknown operation "${String(operation)}"`);
	}
}
