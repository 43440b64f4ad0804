/**
 * Download Attachments for the reading nodes (Records Get, List, the trigger): record items get
 * their attachment files as n8n binary data, grouped per base, table and settings.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AirtableClient } from '../../client/AirtableClient';
import { downloadSettingsFrom } from './attachmentProperties';
import { downloadAttachmentsToItems, type BinaryWriter, type RecordItem } from './binary';
import { failedItemOrThrow } from '../execution/items';
import { groupItems, optionsOf, targetOf } from '../execution/parameters';

/** The input item an output item belongs to. */
function pairedIndex(item: INodeExecutionData, fallback: number): number {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'number' ? paired : (paired?.item ?? fallback);
}

/** Record and page items; error items (no record id) are left alone. */
function isRecordItem(item: INodeExecutionData): boolean {
	return typeof item.json.id === 'string' || Array.isArray(item.json.records);
}

/**
 * Download Attachments for nodes whose output items are records and whose Base, Table and
 * Options are read per input item: groups the items by (base, table, settings) and downloads
 * each group's files into its items' binary data. A failed download fails that item only
 * (error item with Continue On Fail, else the node stops naming it).
 */
export async function withDownloadedAttachments(
	ctx: IExecuteFunctions,
	client: AirtableClient,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const positions = items.map((_, position) => position).filter((position) => isRecordItem(items[position]));
	const groups = groupItems(
		positions,
		(position) => {
			const itemIndex = pairedIndex(items[position], position);
			const settings = downloadSettingsFrom(optionsOf(ctx, itemIndex));
			return { ...targetOf(ctx, itemIndex), settings: settings ?? null };
		},
		() => undefined,
	);
	const result = [...items];
	for (const { key, itemIndexes: groupPositions } of groups) {
		if (!key.settings) continue;
		const group = groupPositions.map((position) => result[position] as RecordItem);
		const errors = await downloadAttachmentsToItems(ctx, client.base(key.baseId).table(key.table), group, key.settings);
		errors.forEach((error, i) => {
			if (!error) return;
			const position = groupPositions[i];
			result[position] = failedItemOrThrow(ctx, error, pairedIndex(items[position], position));
		});
	}
	return result;
}

/**
 * Download Attachments for the Instant Trigger: each record change item (`recordId`, `tableId`,
 * `fields`) gets its files as binary data. A trigger must never drop a change, so a file that
 * cannot be downloaded leaves the item in place with `attachmentError` saying why.
 */
export async function triggerItemsWithFiles(
	ctx: BinaryWriter,
	client: AirtableClient,
	baseId: string,
	items: IDataObject[],
	options: IDataObject,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = items.map((json) => ({ json }));
	const settings = downloadSettingsFrom(options);
	if (!settings) return output;
	const byTable = new Map<string, number[]>();
	items.forEach((json, position) => {
		if (typeof json.recordId !== 'string' || typeof json.tableId !== 'string' || !json.fields) return;
		byTable.set(json.tableId, [...(byTable.get(json.tableId) ?? []), position]);
	});
	for (const [tableId, positions] of byTable) {
		const records: RecordItem[] = positions.map((position) => ({
			json: { id: items[position].recordId, fields: items[position].fields },
		}));
		const errors = await downloadAttachmentsToItems(ctx, client.base(baseId).table(tableId), records, settings);
		positions.forEach((position, i) => {
			if (records[i].binary) output[position].binary = records[i].binary;
			const error = errors[i];
			if (error) output[position].json = { ...output[position].json, attachmentError: error.message };
		});
	}
	return output;
}
