import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { credentialTypeOf, getAirtableClient } from '../shared/executor';
import { errorItem, toNodeError } from '../shared/items';
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

async function readFlags(ctx: IExecuteFunctions, options: FlagOptions): Promise<CachedSnapshot> {
	const baseId = ctx.getNodeParameter('base', 0, '', { extractValue: true }) as string;
	const tableId = ctx.getNodeParameter('table', 0, '', { extractValue: true }) as string;
	const columns = columnsFrom(options);
	const ttlMs = Math.max(0, Number(options.cacheTtl ?? 60)) * 1000;
	return await flagCache.get(cacheKeyOf(ctx, baseId, tableId, columns), ttlMs, async () => {
		const client = await getAirtableClient(ctx);
		const records = await client.base(baseId).table(tableId).list({}).all();
		return buildFlagTable(records, columns);
	});
}

function allFlagsItem(read: CachedSnapshot, itemCount: number): INodeExecutionData {
	const flags: IDataObject = {};
	for (const [name, definition] of read.snapshot.flags) flags[name] = flagDetails(definition) as IDataObject;
	return {
		json: { flags, fetchedAt: new Date(read.snapshot.fetchedAt).toISOString(), fromCache: read.fromCache },
		pairedItem: Array.from({ length: Math.max(itemCount, 1) }, (_, item) => ({ item })),
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

export async function executeConfigFlags(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const options = this.getNodeParameter('options', 0, {}) as FlagOptions;
	const route = operation === 'route';
	const emptyOutputs = (): INodeExecutionData[][] => (route ? [[], []] : [[]]);

	let read: CachedSnapshot;
	try {
		read = await readFlags(this, options);
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error);
		const failed = (operation === 'getFlags' ? [0] : items.map((_, index) => index)).map((index) =>
			errorItem(error, index),
		);
		const outputs = emptyOutputs();
		outputs[outputs.length - 1] = failed;
		return outputs;
	}

	if (operation === 'getFlags') {
		try {
			return [[allFlagsItem(read, items.length)]];
		} catch (error) {
			if (this.continueOnFail()) return [[errorItem(error, 0)]];
			throw toNodeError(this.getNode(), error);
		}
	}

	const unknownFlag = options.unknownFlag ?? 'off';
	const [on, off] = [[], []] as INodeExecutionData[][];
	for (let index = 0; index < items.length; index++) {
		try {
			const flagName = String(this.getNodeParameter('flagName', index, ''));
			const subjectKey = this.getNodeParameter('subjectKey', index, '') as unknown;
			const property = String(this.getNodeParameter('outputProperty', index, 'flag')).trim() || 'flag';
			const result = evaluateFlag(read.snapshot.flags, flagName, subjectKey, unknownFlag);
			const item = withResult(items[index], property, result, index);
			(route && !result.enabled ? off : on).push(item);
		} catch (error) {
			// Failing closed: with Continue On Fail a failed check goes to Off, like an unknown flag.
			if (this.continueOnFail()) (route ? off : on).push(errorItem(error, index));
			else throw toNodeError(this.getNode(), error, index);
		}
	}
	return route ? [on, off] : [on];
}
