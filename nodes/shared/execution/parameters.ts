/**
 * Reading run-time parameters for the item they apply to: target base and table, options, and
 * grouping items by them.
 */

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { AirtableInputError } from '../../client/errors';

/**
 * Run-time parameter reading. Every parameter a user can set with an expression is read for
 * the item it applies to: a workflow whose Table is `{{ $json.table }}` writes each item into
 * its own table. Editor-time readers (pickers, mappers) live in methods.ts.
 */

/** Reads the "Use Field IDs" option wherever a node keeps it (top level or in Options). */
export function useFieldIdsIn(parameters: IDataObject): boolean {
	const options = (parameters.options ?? {}) as IDataObject;
	return Boolean(parameters.useFieldIds ?? options.useFieldIds ?? false);
}

/** The base and table one item works on. */
export interface ItemTarget {
	baseId: string;
	table: string;
}

/** A resource locator's value for one item, trimmed; empty when unset. */
export function locatorValueOf(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

/** Base and table for one item; an empty one fails that item with what to set. */
export function targetOf(ctx: IExecuteFunctions, itemIndex: number): ItemTarget {
	const baseId = locatorValueOf(ctx, 'base', itemIndex);
	const table = locatorValueOf(ctx, 'table', itemIndex);
	if (!baseId) {
		throw new AirtableInputError('The Base is empty: pick a base or map its ID (app…)', { itemIndexes: [itemIndex] });
	}
	if (!table) {
		throw new AirtableInputError('The Table is empty: pick a table or map its ID (tbl…) or name', {
			baseId,
			itemIndexes: [itemIndex],
		});
	}
	return { baseId, table };
}

/** The node's Options collection as this item resolves it. */
export function optionsOf(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return (ctx.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
}

/** Items that share one key, in input order. */
export interface ItemGroup<K> {
	key: K;
	itemIndexes: number[];
}

/**
 * Groups items by whatever decides where and how their requests go, e.g. (base, table, write
 * options): items of one group can share requests (10 records each), items of different
 * groups cannot. Keys are compared by their JSON form, so plain objects work as keys; groups
 * come out in the order of their first item and keep their items in input order, so callers
 * that write back per item index keep the output order and `pairedItem` of the input.
 *
 * `keyOf` may throw for an item (a bad parameter): that item is handed to `onError` and left
 * out of every group, so one bad item never stops the others.
 */
export function groupItems<K>(
	itemIndexes: Iterable<number>,
	keyOf: (itemIndex: number) => K,
	onError: (itemIndex: number, error: unknown) => void,
): Array<ItemGroup<K>> {
	const groups = new Map<string, ItemGroup<K>>();
	for (const itemIndex of itemIndexes) {
		let key: K;
		try {
			key = keyOf(itemIndex);
		} catch (error) {
			onError(itemIndex, error);
			continue;
		}
		const id = JSON.stringify(key);
		const group = groups.get(id);
		if (group) group.itemIndexes.push(itemIndex);
		else groups.set(id, { key, itemIndexes: [itemIndex] });
	}
	return [...groups.values()];
}

/** 0 … count-1, for iterating over the input items. */
export function itemRange(count: number): number[] {
	return Array.from({ length: count }, (_, index) => index);
}
