/** The Base node's Describe Table operation: a table's fields told compactly, for writing valid values. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { AirtableInputError } from '../../client/errors';
import { describeTable } from '../../client/schema/describe';
import { eachItem } from '../../shared/execution/eachItem';
import { targetOf } from '../../shared/execution/parameters';

export const properties: INodeProperties[] = [];

/** From the cached schema (one read a minute per base), so an agent may ask before every write. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem(ctx, async (itemIndex, client) => {
		const { baseId, table } = targetOf(ctx, itemIndex);
		const schema = await client.base(baseId).schema();
		const found = schema.table(table);
		if (!found) {
			const names = schema.tables.map((candidate) => `"${candidate.name}"`).join(', ');
			throw new AirtableInputError(`Item ${itemIndex}: table "${table}" is not in base ${baseId}; its tables: ${names || 'none'}`, { baseId, itemIndexes: [itemIndex] });
		}
		return describeTable(found, schema) as unknown as IDataObject;
	});
}
