/** The Records node's Get operation: its (empty) properties and its execute, one GET per item. */

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { withDownloadedAttachments } from '../../shared/attachments/attachmentReads';
import { getAirtableClient } from '../../shared/runtime/executor';
import { forItem, ItemOutcomes } from '../../shared/execution/outcomes';
import { optionsOf, targetOf, useFieldIdsIn } from '../../shared/execution/parameters';
import { recordIdOf } from './recordId';
import { recordJson } from './recordJson';

export const properties: INodeProperties[] = [];

/** Get: one GET per item, in its own base and table (the throttle paces them); a missing record fails its item alone. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const itemCount = ctx.getInputData().length;
	const outcomes = new ItemOutcomes(ctx, itemCount);
	const client = await getAirtableClient(ctx);
	const requests: Array<Promise<void>> = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		let request: () => Promise<void>;
		try {
			const { baseId, table } = targetOf(ctx, itemIndex);
			const id = recordIdOf(ctx, itemIndex);
			const returnFieldsByFieldId = useFieldIdsIn({ options: optionsOf(ctx, itemIndex) });
			request = async () => {
				const record = await client.base(baseId).table(table).get(id, { returnFieldsByFieldId });
				outcomes.succeed(itemIndex, recordJson(record));
			};
		} catch (error) {
			outcomes.fail(itemIndex, error);
			continue;
		}
		requests.push(request().catch((error: unknown) => outcomes.fail(itemIndex, forItem(error, itemIndex))));
	}
	await Promise.all(requests);
	return await withDownloadedAttachments(ctx, client, outcomes.toOutput());
}
