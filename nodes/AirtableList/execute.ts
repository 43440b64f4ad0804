/**
 * The List node's run: one listing per item with its own settings, or one changed-since-last-run
 * read for the whole run.
 */

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import { and } from '../client/records/formula';
import type { AirtableRecord, ListOptions, SortSpec } from '../client/types';
import { withDownloadedAttachments } from '../shared/attachments/attachmentReads';
import { getAirtableClient } from '../shared/runtime/executor';
import { failedItemOrThrow, outputItem } from '../shared/execution/items';
import { locatorValueOf, optionsOf, targetOf } from '../shared/execution/parameters';
import { type FilterParameters, userFilterFormula } from './filter';
import { ChangeTracker, type IncrementalSettings, readState, writeState } from './incremental';

interface ListNodeOptions {
	cellFormat?: 'json' | 'string';
	fields?: string[];
	flatten?: boolean;
	overlapSeconds?: number;
	pageSize?: number;
	timeZone?: string;
	useFieldIds?: boolean;
	userLocale?: string;
}

interface SortRule {
	field?: string;
	direction?: 'asc' | 'desc';
}

type OutputMode = 'record' | 'page';

/** Settings Airtable would refuse; reported against the item before any request. */
class ListSettingsError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ListSettingsError';
	}
}

function recordJson(record: AirtableRecord, flatten: boolean): IDataObject {
	const json: IDataObject = flatten
		? { ...(record.fields as IDataObject), id: record.id, createdTime: record.createdTime }
		: { id: record.id, createdTime: record.createdTime, fields: record.fields as IDataObject };
	if (record.commentCount !== undefined) json.commentCount = record.commentCount;
	return json;
}

function sortSpecs(ctx: IExecuteFunctions, index: number): SortSpec[] {
	const rules = (ctx.getNodeParameter('sort.rule', index, []) as SortRule[]) ?? [];
	return rules
		.filter((rule) => typeof rule.field === 'string' && rule.field.trim())
		.map((rule) => ({ field: (rule.field as string).trim(), direction: rule.direction ?? 'asc' }));
}

function readFilter(ctx: IExecuteFunctions, index: number): FilterParameters {
	const filterMode = ctx.getNodeParameter('filterMode', index, 'none') as FilterParameters['filterMode'];
	return {
		filterMode,
		conditions: filterMode === 'conditions' ? (ctx.getNodeParameter('conditions', index, {}) as FilterParameters['conditions']) : undefined,
		combine: filterMode === 'conditions' ? (ctx.getNodeParameter('combine', index, 'and') as 'and' | 'or') : undefined,
		formula: filterMode === 'formula' ? (ctx.getNodeParameter('formula', index, '') as string) : undefined,
	};
}

/** The key the modified-time field has in returned records: its id in field-ID mode. */
async function modifiedFieldKey(
	client: AirtableClient,
	baseId: string,
	tableId: string,
	field: string,
	useFieldIds: boolean,
): Promise<string> {
	if (!field || !useFieldIds) return field;
	const schema = await client.base(baseId).schema();
	return schema.fieldIdByName(tableId, field) ?? field;
}

async function readForItem(
	ctx: IExecuteFunctions,
	client: AirtableClient,
	index: number,
	incremental: boolean,
): Promise<INodeExecutionData[]> {
	const { baseId, table: tableId } = targetOf(ctx, index);
	const view = locatorValueOf(ctx, 'view', index);
	const options = optionsOf(ctx, index) as ListNodeOptions;
	const output = ctx.getNodeParameter('output', index, 'record') as OutputMode;
	const workflowTimeZone = ctx.getTimezone();
	const useFieldIds = options.useFieldIds === true;

	const listOptions: ListOptions = {};
	const formulas = [userFilterFormula(readFilter(ctx, index), workflowTimeZone)];

	let tracker: ChangeTracker | undefined;
	if (incremental) {
		const modifiedField = String(ctx.getNodeParameter('modifiedField', index, '') ?? '').trim();
		const firstRun = ctx.getNodeParameter('firstRun', index, 'all') as IncrementalSettings['firstRun'];
		const settings: IncrementalSettings = {
			modifiedField,
			modifiedFieldKey: await modifiedFieldKey(client, baseId, tableId, modifiedField, useFieldIds),
			firstRun,
			firstRunSince: firstRun === 'since' ? ctx.getNodeParameter('firstRunSince', index, '') : undefined,
			overlapSeconds: options.overlapSeconds ?? 60,
			timeZone: workflowTimeZone,
		};
		tracker = new ChangeTracker(settings, readState(ctx.getWorkflowStaticData('node')), Date.now());
		formulas.push(tracker.formula());
		if (options.fields?.length && modifiedField && !options.fields.includes(settings.modifiedFieldKey)) {
			options.fields = [...options.fields, settings.modifiedFieldKey];
		}
	} else if (!ctx.getNodeParameter('returnAll', index, false)) {
		listOptions.maxRecords = ctx.getNodeParameter('limit', index, 50) as number;
	}

	const filter = formulas.filter((formula) => formula);
	if (filter.length) listOptions.filterByFormula = and(...filter);
	if (view) listOptions.view = view;
	if (options.fields?.length) listOptions.fields = options.fields;
	const sort = sortSpecs(ctx, index);
	if (sort.length) listOptions.sort = sort;
	if (options.pageSize !== undefined) listOptions.pageSize = options.pageSize;
	if (options.cellFormat === 'string') {
		listOptions.cellFormat = 'string';
		listOptions.timeZone = options.timeZone?.trim() || workflowTimeZone;
		listOptions.userLocale = options.userLocale?.trim() ?? '';
		if (!listOptions.userLocale) {
			throw new ListSettingsError('Cell Format "String" needs a User Locale (add it under Options), e.g. en-gb');
		}
	}
	if (useFieldIds) listOptions.returnFieldsByFieldId = true;

	const flatten = options.flatten === true;
	const items: INodeExecutionData[] = [];
	for await (const page of client.base(baseId).table(tableId).list(listOptions).pages()) {
		const records = tracker ? page.records.filter((record) => tracker.accept(record)) : page.records;
		if (output === 'page') {
			if (records.length) {
				items.push(outputItem({ records: records.map((record) => recordJson(record, flatten)), page: page.pageIndex }, index));
			}
		} else {
			for (const record of records) items.push(outputItem(recordJson(record, flatten), index));
		}
	}
	const withFiles = await withDownloadedAttachments(ctx, client, items);
	// Only a read that got every page (and its files) moves the watermark; a failure above leaves it as it was.
	if (tracker) writeState(ctx.getWorkflowStaticData('node'), tracker.nextState());
	return withFiles;
}

/**
 * Every item reads with its own Base, Table, View, filter and options (each item's read is
 * its own listing, so there is nothing to batch across items); in changed-since mode the node
 * keeps one watermark and reads once, with the first item's settings.
 */
export async function executeList(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const incremental = this.getNodeParameter('incremental', 0, false) as boolean;
	const indexes = incremental ? [0] : items.map((_, index) => index);
	const client = await getAirtableClient(this);
	const output: INodeExecutionData[] = [];
	for (const index of indexes) {
		try {
			output.push(...(await readForItem(this, client, index, incremental)));
		} catch (error) {
			output.push(failedItemOrThrow(this, error, index));
		}
	}
	return [output];
}
