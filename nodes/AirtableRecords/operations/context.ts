import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { AirtableClient } from '../../client/AirtableClient';
import { AirtableInputError } from '../../client/errors';
import type { AirtableRecord } from '../../client/types';
import type { TableHandle } from '../../client/records';
import { getAirtableClient } from '../../shared/executor';
import { parseFieldList } from '../../shared/mapper';
import { useFieldIdsIn } from '../../shared/methods';
import { ItemOutcomes } from '../../shared/outcomes';

/** Airtable record ids: "rec" and (today) 14 letters or digits. */
const RECORD_ID = /^rec[a-zA-Z0-9]{3,}$/;

/** What every operation needs: the table, the node options and a place to put per-item outcomes. */
export interface RecordsRun {
	client: AirtableClient;
	table: TableHandle;
	itemCount: number;
	typecast: boolean;
	useFieldIds: boolean;
	ignoreFields: string[];
	outcomes: ItemOutcomes;
}

/**
 * Base, table and options are read once, from the first item: writes from all items go out
 * together in requests of 10, which all target one table.
 */
export async function startRun(ctx: IExecuteFunctions): Promise<RecordsRun> {
	const itemCount = ctx.getInputData().length;
	const baseId = ctx.getNodeParameter('base', 0, '', { extractValue: true }) as string;
	const tableIdOrName = ctx.getNodeParameter('table', 0, '', { extractValue: true }) as string;
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const client = await getAirtableClient(ctx);
	return {
		client,
		table: client.base(baseId).table(tableIdOrName),
		itemCount,
		typecast: Boolean(options.typecast),
		useFieldIds: useFieldIdsIn({ options }),
		ignoreFields: parseFieldList(options.ignoreFields),
		outcomes: new ItemOutcomes(ctx, itemCount),
	};
}

/** The item's Record ID parameter, checked so a typo fails this item alone and says why. */
export function recordIdOf(ctx: IExecuteFunctions, itemIndex: number, fallback?: () => unknown): string {
	let raw = ctx.getNodeParameter('recordId', itemIndex, '') as unknown;
	if ((raw === undefined || raw === null || raw === '') && fallback) raw = fallback();
	const id = typeof raw === 'string' ? raw.trim() : raw === undefined || raw === null ? '' : String(raw);
	if (!id) {
		throw new AirtableInputError(
			`Item ${itemIndex}: the Record ID is empty; map it from the input, e.g. {{ $json.id }}`,
			{ itemIndexes: [itemIndex] },
		);
	}
	if (!RECORD_ID.test(id)) {
		throw new AirtableInputError(
			`Item ${itemIndex}: "${id.length > 40 ? `${id.slice(0, 40)}…` : id}" is not an Airtable record ID ` +
				'(record IDs start with "rec", e.g. recAbC123dEf456gHi)',
			{ itemIndexes: [itemIndex] },
		);
	}
	return id;
}

/** The record as the node outputs it. */
export function recordJson(record: AirtableRecord): IDataObject {
	const json: IDataObject = { id: record.id, createdTime: record.createdTime, fields: record.fields as IDataObject };
	if (record.commentCount !== undefined) json.commentCount = record.commentCount;
	return json;
}
