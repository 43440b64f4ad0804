/**
 * The Config Flags node's run: reads the flags table per item group through the cache, then
 * evaluates, routes or lists flags.
 */

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { credentialTypeOf, getAirtableClient } from '../shared/runtime/executor';
import { failedItemOrThrow } from '../shared/execution/items';
import { groupItems, itemRange, optionsOf, targetOf, type ItemTarget } from '../shared/execution/parameters';
import { evaluateFlag, flagDetails, type FlagEvaluation, type UnknownFlagPolicy } from './evaluate';
import { type CachedSnapshot, flagCache } from './flagCache';
import { buildFlagTable, DEFAULT_COLUMNS, type FlagColumns } from './flagTable';

type Operation = 'getFlags' | 'evaluate' | 'route';

interface FlagOptions {
	cacheTtl?: number;
	flagNameColumn?: string;
	enabledColumn?: string;
	rolloutColumn?: string;
	metadataColumn?: string;
	unknownFlag?: UnknownFlagPolicy;
}

function columnsFrom(options: FlagOptions): FlagColumns {
	const pick = (value: string | undefined, fallback: string) => (value?.trim() ? value.trim() : fallback);
	return {
		flagName: pick(options.flagNameColumn, DEFAULT_COLUMNS.flagName),
		enabled: pick(options.enabledColumn, DEFAULT_COLUMNS.enabled),
		rolloutPct: pick(options.rolloutColumn, DEFAULT_COLUMNS.rolloutPct),
		metadata: pick(options.metadataColumn, DEFAULT_COLUMNS.metadata),
	};
}

/**
 * Cache key: whose credential (type and id, never the token), which table, which columns.
 * Two workflows on the same credential and table share one read.
 */
function cacheKeyOf(ctx: IExecuteFunctions, baseId: string, tableId: string, columns: FlagColumns): string {
	const credentialType = credentialTypeOf(ctx);
	const credential = ctx.getNode().credentials?.[credentialType];
	const identity = `${credentialType}:${credential?.id ?? credential?.name ?? ''}`;
	return JSON.stringify([identity, baseId, tableId, columns]);
}

/** Where the flags live and how they are read: items sharing these share one (cached) read. */
interface FlagSource extends ItemTarget {
	columns: FlagColumns;
	ttlMs: number;
}

function flagSourceOf(ctx: IExecuteFunctions, itemIndex: number): FlagSource {
	const options = optionsOf(ctx, itemIndex) as FlagOptions;
	return {
		...targetOf(ctx, itemIndex),
		columns: columnsFrom(options),
		ttlMs: Math.max(0, Number(options.cacheTtl ?? 60)) * 1000,
	};
}

async function readFlags(ctx: IExecuteFunctions, source: FlagSource): Promise<CachedSnapshot> {
	return await flagCache.get(cacheKeyOf(ctx, source.baseId, source.table, source.columns), source.ttlMs, async () => {
		const client = await getAirtableClient(ctx);
		const records = await client.base(source.baseId).table(source.table).list({}).all();
		return buildFlagTable(records, source.columns);
	});
}

function allFlagsItem(read: CachedSnapshot, itemIndexes: number[]): INodeExecutionData {
	const flags: IDataObject = {};
	for (const [name, definition] of read.snapshot.flags) flags[name] = flagDetails(definition) as IDataObject;
	return {
		json: { flags, fetchedAt: new Date(read.snapshot.fetchedAt).toISOString(), fromCache: read.fromCache },
		pairedItem: itemIndexes.map((item) => ({ item })),
	};
}

function withResult(item: INodeExecutionData, property: string, result: FlagEvaluation, index: number): INodeExecutionData {
	const flag: IDataObject = {
		name: result.name,
		enabled: result.enabled,
		rolloutPct: result.rolloutPct,
		bucket: result.bucket,
		metadata: result.metadata as IDataObject,
		found: result.found,
	};
	return { ...item, json: { ...item.json, [property]: flag }, pairedItem: { item: index } };
}

function evaluateItem(ctx: IExecuteFunctions, read: CachedSnapshot, index: number): { item: INodeExecutionData; on: boolean } {
	const flagName = String(ctx.getNodeParameter('flagName', index, ''));
	const subjectKey = ctx.getNodeParameter('subjectKey', index, '') as unknown;
	const property = String(ctx.getNodeParameter('outputProperty', index, 'flag')).trim() || 'flag';
	const unknownFlag = (optionsOf(ctx, index) as FlagOptions).unknownFlag ?? 'off';
	const result = evaluateFlag(read.snapshot.flags, flagName, subjectKey, unknownFlag);
	return { item: withResult(ctx.getInputData()[index], property, result, index), on: result.enabled };
}

/**
 * Base, Table and Options are read per item; items are grouped by flags table (and column and
 * cache settings), each group costs at most one read. Get All Flags outputs one item per
 * table, paired with the items that asked for it; Evaluate and Route keep the input order.
 * A failed item goes to n8n's error output, Off (Route, failing closed) or stops the node,
 * as "On Error" says.
 */
export async function executeConfigFlags(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const route = operation === 'route';
	// Get All Flags also runs for an empty input, as item 0.
	const indexes = itemRange(Math.max(this.getInputData().length, 1));
	const results = new Map<number, { item: INodeExecutionData; on: boolean }>();
	const fail = (index: number, error: unknown) => results.set(index, { item: failedItemOrThrow(this, error, index), on: false });

	const groups = groupItems(indexes, (index) => flagSourceOf(this, index), fail);
	for (const { key, itemIndexes } of groups) {
		let read: CachedSnapshot;
		try {
			read = await readFlags(this, key);
		} catch (error) {
			for (const index of operation === 'getFlags' ? itemIndexes.slice(0, 1) : itemIndexes) fail(index, error);
			continue;
		}
		if (operation === 'getFlags') {
			try {
				results.set(itemIndexes[0], { item: allFlagsItem(read, itemIndexes), on: true });
			} catch (error) {
				fail(itemIndexes[0], error);
			}
			continue;
		}
		for (const index of itemIndexes) {
			try {
				results.set(index, evaluateItem(this, read, index));
			} catch (error) {
				fail(index, error);
			}
		}
	}

	const [on, off] = [[], []] as INodeExecutionData[][];
	for (const index of indexes) {
		const result = results.get(index);
		if (result) (result.on || !route ? on : off).push(result.item);
	}
	return route ? [on, off] : [on];
}
