/** The Comments node's List operation: each item's record comments, newest first. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { eachItem } from '../../shared/execution/eachItem';
import { targetOf } from '../../shared/execution/parameters';
import { commentJson } from './commentJson';
import { limitOf, limitProperty, recordIdOf, returnAllProperty } from './parameters';

export const properties: INodeProperties[] = [returnAllProperty, limitProperty];

/** List: one output item per comment of each item's record, newest first; all pages up to the Limit. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem(ctx, async (itemIndex, client) => {
		const { baseId, table } = targetOf(ctx, itemIndex);
		const recordId = recordIdOf(ctx, itemIndex);
		const maxComments = limitOf(ctx, itemIndex);
		const comments = await client.base(baseId).table(table).comments(recordId).list({ maxComments });
		return comments.map((comment) => commentJson(comment, recordId));
	});
}
