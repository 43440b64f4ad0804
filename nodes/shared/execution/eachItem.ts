/**
 * The run of a node whose items each make their own call (a comment, a schema write, a
 * description): every item's parameters are read and its call started, all at once, and the
 * client's limiters pace the requests (5 per second per base). A failure belongs to its item
 * alone; "On Error" decides what becomes of it (ItemOutcomes).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AirtableClient } from '../../client/AirtableClient';
import { getAirtableClient } from '../runtime/executor';
import { forItem, ItemOutcomes } from './outcomes';

/** One item's work: the JSON of its output item(s). */
export type ItemWork = (itemIndex: number, client: AirtableClient) => Promise<IDataObject | IDataObject[]>;

export async function eachItem(ctx: IExecuteFunctions, work: ItemWork): Promise<INodeExecutionData[]> {
	const itemCount = ctx.getInputData().length;
	const outcomes = new ItemOutcomes(ctx, itemCount);
	const client = await getAirtableClient(ctx);
	await Promise.all(
		Array.from({ length: itemCount }, async (_, itemIndex) => {
			try {
				const json = await work(itemIndex, client);
				for (const entry of Array.isArray(json) ? json : [json]) outcomes.succeed(itemIndex, entry);
			} catch (error) {
				outcomes.fail(itemIndex, forItem(error, itemIndex));
			}
		}),
	);
	return outcomes.toOutput();
}
