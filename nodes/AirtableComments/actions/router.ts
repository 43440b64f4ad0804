/** Runs the Comments operation the node is set to; every operation's properties in editor order. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as remove from './delete.operation';
import * as edit from './edit.operation';
import * as list from './list.operation';
import type { CommentsOperation } from './operation';
import { commentIdProperty, textProperty } from './parameters';

interface Operation {
	properties: INodeProperties[];
	execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]>;
}

const OPERATIONS: Record<CommentsOperation, Operation> = { list, add, edit, delete: remove };

export const operationProperties: INodeProperties[] = [
	commentIdProperty,
	textProperty,
	...add.properties,
	...list.properties,
	...edit.properties,
	...remove.properties,
];

export async function route(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const operation = ctx.getNodeParameter('operation', 0) as CommentsOperation;
	const chosen = OPERATIONS[operation];
	if (!chosen) throw new Error(`Unknown operation "${String(operation)}"`);
	return await chosen.execute(ctx);
}
