/**
 * The item's Record ID parameter, checked so a typo fails this item alone and says why. Shared by
 * the nodes that address one record per item (Records, Comments).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { AirtableInputError } from '../../client/errors';

/** Airtable record ids: "rec" and (today) 14 letters or digits. */
const RECORD_ID = /^rec[a-zA-Z0-9]{3,}$/;

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
