/**
 * The Records node's operation table: every operation's properties for the editor, and running the
 * one the node is set to.
 */

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as remove from './delete.operation';
import * as get from './get.operation';
import * as getManyByIds from './getManyByIds.operation';
import type { RecordsOperation } from './operation';
import * as replace from './replace.operation';
import * as update from './update.operation';

interface Operation {
	properties: INodeProperties[];
	execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]>;
}

const OPERATIONS: Record<RecordsOperation, Operation> = { create, get, getManyByIds, update, replace, delete: remove };

/** Every operation's own properties, in the order the editor shows them. */
export const operationProperties: INodeProperties[] = [
	...replace.properties,
	...create.properties,
	...update.properties,
	...get.properties,
	...getManyByIds.properties,
	...remove.properties,
];

/** Runs the operation the node is set to (one per execution: it cannot be an expression). */
export async function route(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const operation = ctx.getNodeParameter('operation', 0) as RecordsOperation;
	const chosen = OPERATIONS[operation];
	if (!chosen) throw new Error(`Unknown operation "${String(operation)}"`);
	return await chosen.execute(ctx);
}
