/** The Base node's List Bases operation: every base the credential sees, once per run. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getAirtableClient } from '../../shared/runtime/executor';
import { ItemOutcomes } from '../../shared/execution/outcomes';

export const properties: INodeProperties[] = [];

/** One output item per base ({ id, name, permissionLevel }), all pages, paired with the first input item. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const outcomes = new ItemOutcomes(ctx, 1);
	try {
		const client = await getAirtableClient(ctx);
		for (const base of await client.bases()) outcomes.succeed(0, { id: base.id, name: base.name, permissionLevel: base.permissionLevel });
	} catch (error) {
		outcomes.fail(0, error);
	}
	return outcomes.toOutput();
}
