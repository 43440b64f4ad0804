/**
 * The editor methods the nodes share: base and table search, field option lists and resource-
 * mapper columns.
 */

import type {
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
	ResourceMapperFields,
} from 'n8n-workflow';

import { isWritableField } from '../../client/schema/schema';
import type { FieldSchema, TableSchema } from '../../client/types';
import { getAirtableClient } from '../runtime/executor';
import { fieldKey, isMergeableField, toMapperField } from './fieldTypes';
import { useFieldIdsIn } from '../execution/parameters';

function locatorValue(ctx: ILoadOptionsFunctions, name: string): string {
	return String(ctx.getNodeParameter(name, '', { extractValue: true }) ?? '');
}

function matchesFilter(filter: string | undefined, ...candidates: string[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return candidates.some((candidate) => candidate.toLowerCase().includes(needle));
}

async function selectedTable(ctx: ILoadOptionsFunctions): Promise<TableSchema> {
	const baseId = locatorValue(ctx, 'base');
	const tableIdOrName = locatorValue(ctx, 'table');
	const client = await getAirtableClient(ctx);
	const schema = await client.base(baseId).schema();
	const table = schema.table(tableIdOrName);
	if (!table) throw new Error(`Table "${tableIdOrName}" is not in base ${baseId}: pick a table from the list`);
	return table;
}

export const listSearch = {
	async searchBases(
		this: ILoadOptionsFunctions,
		filter?: string,
		paginationToken?: string,
	): Promise<INodeListSearchResult> {
		const client = await getAirtableClient(this);
		const page = await client.basesPage(paginationToken);
		return {
			results: page.bases
				.filter((base) => matchesFilter(filter, base.name, base.id))
				.map((base) => ({ name: base.name, value: base.id, url: `https://airtable.com/${base.id}` })),
			paginationToken: page.offset,
		};
	},

	async searchTables(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		const baseId = locatorValue(this, 'base');
		if (!baseId) return { results: [] };
		const client = await getAirtableClient(this);
		const schema = await client.base(baseId).schema();
		return {
			results: schema.tables
				.filter((table) => matchesFilter(filter, table.name, table.id))
				.map((table) => ({
					name: table.name,
					value: table.id,
					url: `https://airtable.com/${baseId}/${table.id}`,
				})),
		};
	},

	async searchViews(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		const baseId = locatorValue(this, 'base');
		const table = await selectedTable(this);
		return {
			results: table.views
				.filter((view) => matchesFilter(filter, view.name, view.id))
				.map((view) => ({
					name: `${view.name} (${view.type})`,
					value: view.id,
					url: `https://airtable.com/${baseId}/${table.id}/${view.id}`,
				})),
		};
	},
};

function fieldOptions(ctx: ILoadOptionsFunctions, fields: FieldSchema[]): INodePropertyOptions[] {
	const useFieldIds = useFieldIdsIn(ctx.getCurrentNodeParameters() ?? {});
	return fields.map((field) => ({
		name: field.name,
		value: fieldKey(field, useFieldIds),
		description: `${field.type}${isWritableField(field) ? '' : ', read-only'}`,
	}));
}

export const loadOptions = {
	async getFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return fieldOptions(this, (await selectedTable(this)).fields);
	},

	/** Attachment fields (Download Attachments, Attachments to upload). */
	async getAttachmentFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return fieldOptions(this, (await selectedTable(this)).fields.filter((field) => field.type === 'multipleAttachments'));
	},

	async getWritableFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return fieldOptions(this, (await selectedTable(this)).fields.filter(isWritableField));
	},

	async getMergeableFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return fieldOptions(
			this,
			(await selectedTable(this)).fields.filter((field) => isWritableField(field) && isMergeableField(field)),
		);
	},

	/**
	 * Fields keyed by id whatever "Use Field IDs" says: for settings Airtable only accepts by id
	 * (e.g. a webhook's watched fields), and ids survive renames.
	 */
	async getFieldIds(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return (await selectedTable(this)).fields.map((field) => ({
			name: field.name,
			value: field.id,
			description: field.type,
		}));
	},

	/** Field names for formulas: Airtable formulas reference fields by name only. */
	async getFieldNames(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return (await selectedTable(this)).fields.map((field) => ({
			name: field.name,
			value: field.name,
			description: field.type,
		}));
	},
};

async function mapperColumns(
	ctx: ILoadOptionsFunctions,
	matchable: (field: FieldSchema) => boolean,
	withRecordId: boolean,
): Promise<ResourceMapperFields> {
	const table = await selectedTable(ctx);
	const useFieldIds = useFieldIdsIn(ctx.getCurrentNodeParameters() ?? {});
	const fields = table.fields.map((field) => toMapperField(field, { useFieldIds, matchable }));
	if (withRecordId) {
		fields.unshift({
			id: 'id',
			displayName: 'Record ID',
			required: false,
			defaultMatch: true,
			canBeUsedToMatch: true,
			display: true,
			type: 'string',
			readOnly: true,
		});
	}
	return { fields };
}

export const resourceMapping = {
	/** Columns for creating records: every writable field. */
	async getColumnsForCreate(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		return await mapperColumns(this, () => false, false);
	},

	/** Columns for update / replace: the record ID is the match key. */
	async getColumnsForUpdate(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		return await mapperColumns(this, () => false, true);
	},

	/** Columns for upsert: fields Airtable accepts as merge keys can be matched on. */
	async getColumnsForUpsert(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		return await mapperColumns(this, isMergeableField, false);
	},
};
