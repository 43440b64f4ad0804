/**
 * Per-item outcomes of a batched node run (output or error), applying Continue On Fail when the
 * output is built.
 */

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { AirtableError } from '../../client/errors';
import type { SettledResult } from '../../client/types';
import { failedItemOrThrow, outputItem, toNodeError } from './items';

/**
 * A client error names the indexes of the list it was given; nodes hand the client only the
 * items that passed their own checks, so re-attribute the error to the n8n item (which
 * toNodeError / errorItem name themselves, hence not in the message).
 */
export function forItem(error: unknown, itemIndex: number): unknown {
	return error instanceof AirtableError ? error.withItemIndexes([itemIndex], { inMessage: false }) : error;
}

/**
 * Per-input-item outcome of a batched node run: each item either produced output or failed.
 * `toOutput` applies "Continue On Fail": error items for failed ones, or the first failure thrown.
 */
export class ItemOutcomes {
	private readonly outputs = new Map<number, IDataObject[]>();
	private readonly failures = new Map<number, unknown>();
	/** Records this run wrote, for the error that stops a run after some writes landed. */
	private readonly written: string[] = [];
	private writtenVerb = 'written';

	constructor(
		private readonly ctx: IExecuteFunctions,
		readonly itemCount: number,
	) {}

	succeed(itemIndex: number, json: IDataObject): void {
		const list = this.outputs.get(itemIndex) ?? [];
		list.push(json);
		this.outputs.set(itemIndex, list);
	}

	fail(itemIndex: number, error: unknown): void {
		this.failures.set(itemIndex, error);
	}

	hasFailed(itemIndex: number): boolean {
		return this.failures.has(itemIndex);
	}

	get failedCount(): number {
		return this.failures.size;
	}

	failedItems(): Array<[number, unknown]> {
		return [...this.failures.entries()].sort(([a], [b]) => a - b);
	}

	/**
	 * Without "Continue On Fail", a problem found while reading the items stops the run before
	 * anything is sent to Airtable.
	 */
	throwIfFailedBeforeSending(): void {
		if (this.ctx.continueOnFail()) return;
		const first = this.failedItems()[0];
		if (first) throw toNodeError(this.ctx.getNode(), first[1], first[0]);
	}

	/**
	 * Maps settled client results (indexed into `owners`) back to input items. For writes,
	 * `written` names the verb ("created", "deleted"…) and the ids of landed records are kept,
	 * so an error that stops the run can say what is already in Airtable.
	 */
	settle<T>(
		results: Array<SettledResult<T>>,
		owners: number[],
		toJson: (value: T, itemIndex: number) => IDataObject,
		written?: { verb: string; idOf: (value: T) => string },
	): void {
		if (written) this.writtenVerb = written.verb;
		for (const result of results) {
			const itemIndex = owners[result.index];
			if (result.ok) {
				this.succeed(itemIndex, toJson(result.value, itemIndex));
				if (written) this.written.push(written.idOf(result.value));
			} else {
				this.fail(itemIndex, forItem(result.error, itemIndex));
			}
		}
	}

	/** Says which records landed before the failure, and how to run the items again safely. */
	private writtenNote(): string | undefined {
		const count = this.written.length;
		if (!count) return undefined;
		const shown = this.written.slice(0, 20).join(', ') + (count > 20 ? `, … (${count - 20} more)` : '');
		return (
			`${count} record${count === 1 ? ' was' : 's were'} already ${this.writtenVerb} before this failure: ${shown}. ` +
			'Running all items again repeats those writes; see "Re-running after a partial failure" in the README'
		);
	}

	/**
	 * The node's output in input order. Failed items become error items (either "On Error →
	 * Continue" setting, routed by failedItem), or the first failure stops the node.
	 */
	toOutput(): INodeExecutionData[] {
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < this.itemCount; itemIndex++) {
			const error = this.failures.get(itemIndex);
			if (error !== undefined) {
				output.push(failedItemOrThrow(this.ctx, error, itemIndex, this.writtenNote()));
				continue;
			}
			for (const json of this.outputs.get(itemIndex) ?? []) output.push(outputItem(json, itemIndex));
		}
		return output;
	}
}
