/**
 * The List node's editor option loaders: the shared ones plus the Last Modified Time field picker
 * of the incremental mode.
 */

import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getAirtableClient } from '../shared/runtime/executor';
import { loadOptions as sharedLoadOptions } from '../shared/editor/methods';

/** Value for "any field": the formula function instead of a field. */
export const ANY_FIELD = '';

export const loadOptions = {
	...sharedLoadOptions,

	/** Last Modified Time fields by name (formulas reference names), plus LAST_MODIFIED_TIME(). */
	async getLastModifiedTimeFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const anyField: INodePropertyOptions = {
			name: 'Any Field (LAST_MODIFIED_TIME())',
			value: ANY_FIELD,
			description: 'When any field of the record last changed',
		};
		const baseId = String(this.getNodeParameter('base', '', { extractValue: true }) ?? '');
		const tableId = String(this.getNodeParameter('table', '', { extractValue: true }) ?? '');
		if (!baseId || !tableId) return [anyField];
		const client = await getAirtableClient(this);
		const table = (await client.base(baseId).schema()).table(tableId);
		const fields = (table?.fields ?? []).filter((field) => field.type === 'lastModifiedTime');
		return [anyField, ...fields.map((field) => ({ name: field.name, value: field.name, description: field.id }))];
	},
};
