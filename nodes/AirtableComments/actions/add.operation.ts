/** The Comments node's Add operation: one comment per item, with mentions and replies. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { eachItem } from '../../shared/execution/eachItem';
import { targetOf } from '../../shared/execution/parameters';
import { commentJson } from './commentJson';
import { commentTextOf, mentionUsersProperty, recordIdOf, replyToOf, replyToProperty } from './parameters';

export const properties: INodeProperties[] = [mentionUsersProperty, replyToProperty];

/**
 * Add: one comment per item. Not re-sent after a lost answer (it would post twice): such an item
 * fails saying the comment may or may not be there.
 */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem(ctx, async (itemIndex, client) => {
		const { baseId, table } = targetOf(ctx, itemIndex);
		const recordId = recordIdOf(ctx, itemIndex);
		const text = commentTextOf(ctx, itemIndex);
		const parentCommentId = replyToOf(ctx, itemIndex);
		const comment = await client.base(baseId).table(table).comments(recordId).add(text, { parentCommentId });
		return commentJson(comment, recordId);
	});
}
