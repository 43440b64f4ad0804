/** The Base node's Update Field operation: a new name and/or description (scope schema.bases:write). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { AirtableInputError } from '../../client/errors';
import { eachItem } from '../../shared/execution/eachItem';
import { targetOf } from '../../shared/execution/parameters';
import { fieldToUpdateProperty, newDescriptionProperty, newNameProperty } from './parameters';

export const properties: INodeProperties[] = [fieldToUpdateProperty, newNameProperty, newDescriptionProperty];

/** A field named rather than given by ID is looked up in the (cached) schema first. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem(ctx, async (itemIndex, client) => {
		const { baseId, table } = targetOf(ctx, itemIndex);
		const named = String(ctx.getNodeParameter('field', itemIndex, '')).trim();
		const name = String(ctx.getNodeParameter('newName', itemIndex, '')).trim();
		const description = String(ctx.getNodeParameter('newDescription', itemIndex, '')).trim();
		if (!named) throw new AirtableInputError(`Item ${itemIndex}: the Field is empty: give its name or ID (fld…)`, { itemIndexes: [itemIndex] });
		if (!name && !description) throw new AirtableInputError(`Item ${itemIndex}: give a New Name or a New Description`, { itemIndexes: [itemIndex] });
		const base = client.base(baseId);
		let fieldId = named;
		if (!/^fld[A-Za-z0-9]{3,}$/.test(named)) {
			const field = (await base.schema()).field(table, named);
			if (!field) throw new AirtableInputError(`Item ${itemIndex}: table "${table}" has no field "${named}"`, { baseId, table, itemIndexes: [itemIndex] });
			fieldId = field.id;
		}
		const field = await base.updateField(table, fieldId, { ...(name ? { name } : {}), ...(description ? { description } : {}) });
		return { baseId, table, ...field } as unknown as IDataObject;
	});
}
