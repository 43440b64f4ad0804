/** Runs the Base operation the node is set to; every operation's properties in editor order. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import * as createField from './createField.operation';
import * as createTable from './createTable.operation';
import * as describeTable from './describeTable.operation';
import * as getSchema from './getSchema.operation';
import * as listBases from './listBases.operation';
import type { BaseOperation } from './operation';
import * as updateField from './updateField.operation';

interface Operation {
	properties: INodeProperties[];
	execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]>;
}

const OPERATIONS: Record<BaseOperation, Operation> = { listBases, getSchema, describeTable, createTable, createField, updateField };

export const operationProperties: INodeProperties[] = Object.values(OPERATIONS).flatMap((operation) => operation.properties);

export async function route(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const operation = ctx.getNodeParameter('operation', 0) as BaseOperation;
	const chosen = OPERATIONS[operation];
	if (!chosen) throw new Error(`Unknown operation "${String(operation)}"`);
	return await chosen.execute(ctx);
}
