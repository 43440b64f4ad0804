/** The Comments node's Edit operation: a new text for each item's comment. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { eachItem } from '../../shared/execution/eachItem';
import { targetOf } from '../../shared/execution/parameters';
import { commentJson } from './commentJson';
import { commentIdOf, commentTextOf, recordIdOf } from './parameters';

export const properties: INodeProperties[] = [];

/** Edit: replaces the text of each item's comment (Airtable allows only the author's own). */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem(ctx, async (itemIndex, client) => {
		const { baseId, table } = targetOf(ctx, itemIndex);
		const recordId = recordIdOf(ctx, itemIndex);
		const commentId = commentIdOf(ctx, itemIndex);
		const text = commentTextOf(ctx, itemIndex);
		return commentJson(await client.base(baseId).table(table).comments(recordId).edit(commentId, text), recordId);
	});
}
