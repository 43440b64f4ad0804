/** The Base node's Create Field operation (scope schema.bases:write). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { AirtableInputError } from '../../client/errors';
import { eachItem } from '../../shared/execution/eachItem';
import { targetOf } from '../../shared/execution/parameters';
import { choicesFrom, jsonParameter, withDefaultOptions } from './fieldSpecs';
import { fieldDescriptionProperty, fieldNameProperty, fieldOptionsProperty, fieldTypeProperty, selectOptionsProperty } from './parameters';

export const properties: INodeProperties[] = [fieldNameProperty, fieldTypeProperty, fieldDescriptionProperty, selectOptionsProperty, fieldOptionsProperty];

/**
 * One field per item. The cached schema learns the field at once, so a Records node later in
 * the same execution can write it without waiting for the cache to expire.
 */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem(ctx, async (itemIndex, client) => {
		const { baseId, table } = targetOf(ctx, itemIndex);
		const name = String(ctx.getNodeParameter('fieldName', itemIndex, '')).trim();
		const type = String(ctx.getNodeParameter('fieldType', itemIndex, 'singleLineText'));
		const description = String(ctx.getNodeParameter('fieldDescription', itemIndex, '')).trim();
		const options = jsonParameter(ctx, 'fieldOptions', 'Field Options (JSON)', itemIndex, {});
		if (typeof options !== 'object' || options === null || Array.isArray(options)) {
			throw new AirtableInputError(`Item ${itemIndex}: Field Options (JSON) must be an object such as {"precision": 2}`, { itemIndexes: [itemIndex] });
		}
		const given = { ...(options as Record<string, unknown>) };
		if (type === 'singleSelect' || type === 'multipleSelects') {
			const choices = choicesFrom(String(ctx.getNodeParameter('selectOptions', itemIndex, '')));
			if (choices.length) given.choices = choices;
		}
		const spec = withDefaultOptions({ name, type, ...(description ? { description } : {}), options: given });
		const field = await client.base(baseId).createField(table, spec);
		return { baseId, table, ...field } as unknown as IDataObject;
	});
}
