/** The Comments node's Delete operation: removes each item's comment. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { eachItem } from '../../shared/execution/eachItem';
import { targetOf } from '../../shared/execution/parameters';
import { commentIdOf, recordIdOf } from './parameters';

export const properties: INodeProperties[] = [];

/** Delete: removes each item's comment; `{ id, deleted, recordId }`. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem(ctx, async (itemIndex, client) => {
		const { baseId, table } = targetOf(ctx, itemIndex);
		const recordId = recordIdOf(ctx, itemIndex);
		const commentId = commentIdOf(ctx, itemIndex);
		const deleted = await client.base(baseId).table(table).comments(recordId).delete(commentId);
		return { id: deleted.id, deleted: deleted.deleted, recordId };
	});
}
