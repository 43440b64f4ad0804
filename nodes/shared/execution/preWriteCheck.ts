/**
 * The field check a node runs against the table schema before its first write, reported once per
 * run.
 */

import type { IExecuteFunctions } from 'n8n-workflow';

import type { AirtableClient } from '../../client/AirtableClient';
import { checkBeforeWrite, type AirtableValueError } from '../../client/schema/validate';
import type { ItemTarget } from './parameters';

/**
 * The client's field check before the first write, for one node run: failed positions come
 * back per batch, and a base whose schema cannot be read is reported once per run (in n8n's
 * log and as a hint on the output), after which its writes go out unchecked and Airtable's
 * rejections are narrowed down by splitting chunks.
 */
export class PreWriteCheck {
	private readonly noticed = new Set<string>();

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly client: AirtableClient,
	) {}

	async failures(
		target: ItemTarget,
		fieldsList: unknown[],
		options: { typecast: boolean; operation: string },
	): Promise<Map<number, AirtableValueError>> {
		const result = await checkBeforeWrite(
			this.client.base(target.baseId),
			target.table,
			fieldsList,
			{ typecast: options.typecast },
			{ operation: options.operation },
		);
		if (!result.checked) this.notice(target, result.skippedBecause ?? 'no schema');
		return result.failures;
	}

	private notice(target: ItemTarget, reason: string): void {
		if (this.noticed.has(target.baseId)) return;
		this.noticed.add(target.baseId);
		const message =
			`Values for base ${target.baseId} were not checked before writing: ${reason}. ` +
			'Rejected records are found by splitting requests instead, which costs extra requests. ' +
			'Give the credential the schema.bases:read scope to check values first.';
		this.ctx.logger.warn(message);
		this.ctx.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
	}
}
