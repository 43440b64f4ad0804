/** The Base node's Create Table operation (scope schema.bases:write). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { eachItem } from '../../shared/execution/eachItem';
import { locatorValueOf } from '../../shared/execution/parameters';
import { AirtableInputError } from '../../client/errors';
import { fieldSpecsFrom, jsonParameter } from './fieldSpecs';
import { fieldsJsonProperty, tableDescriptionProperty, tableNameProperty } from './parameters';

export const properties: INodeProperties[] = [tableNameProperty, tableDescriptionProperty, fieldsJsonProperty];

/** One table per item; the answer is the new table's schema. Not re-sent after a lost answer. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem(ctx, async (itemIndex, client) => {
		const baseId = locatorValueOf(ctx, 'base', itemIndex);
		if (!baseId) throw new AirtableInputError(`Item ${itemIndex}: the Base is empty: pick a base or map its ID (app…)`, { itemIndexes: [itemIndex] });
		const name = String(ctx.getNodeParameter('tableName', itemIndex, '')).trim();
		const description = String(ctx.getNodeParameter('tableDescription', itemIndex, '')).trim();
		const fields = fieldSpecsFrom(jsonParameter(ctx, 'fieldsJson', 'Fields (JSON)', itemIndex, undefined), itemIndex);
		const table = await client.base(baseId).createTable({ name, ...(description ? { description } : {}), fields });
		return { baseId, ...table } as unknown as IDataObject;
	});
}
