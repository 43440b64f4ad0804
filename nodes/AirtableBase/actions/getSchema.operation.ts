/** The Base node's Get Schema operation: the base's tables, fields (with options) and views. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { eachItem } from '../../shared/execution/eachItem';
import { locatorValueOf } from '../../shared/execution/parameters';
import { AirtableInputError } from '../../client/errors';

export const properties: INodeProperties[] = [];

/** One output item per table of each item's base, read fresh (not from the one-minute cache). */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem(ctx, async (itemIndex, client) => {
		const baseId = locatorValueOf(ctx, 'base', itemIndex);
		if (!baseId) throw new AirtableInputError(`Item ${itemIndex}: the Base is empty: pick a base or map its ID (app…)`, { itemIndexes: [itemIndex] });
		const schema = await client.base(baseId).schema({ refresh: true });
		return schema.tables.map((table) => ({ baseId, ...table }) as unknown as IDataObject);
	});
}
