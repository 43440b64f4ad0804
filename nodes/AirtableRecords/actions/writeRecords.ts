/**
 * The Records node's one write loop: groups items by target, checks them against the schema, and
 * writes 10 per request.
 */

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { TableHandle } from '../../client/records/records';
import type { Fields, SettledResult } from '../../client/types';
import { AttachmentFiles } from '../../shared/attachments/attachmentWrites';
import type { WriteKind } from '../../shared/attachments/attachmentTypes';
import { getAirtableClient } from '../../shared/runtime/executor';
import { parseFieldList } from '../../shared/execution/mapper';
import { forItem, ItemOutcomes } from '../../shared/execution/outcomes';
import {
	groupItems,
	itemRange,
	optionsOf,
	targetOf,
	useFieldIdsIn,
	type ItemTarget,
} from '../../shared/execution/parameters';
import { PreWriteCheck } from '../../shared/execution/preWriteCheck';

/** What decides which requests an item can share: where it goes and with which flags. */
interface WriteGroupKey extends ItemTarget {
	typecast: boolean;
	useFieldIds: boolean;
}

/** What one write operation adds to the shared loop. */
export interface RecordWrite<P, R> {
	/** Name in errors and notices: 'create', 'update', 'replace', 'delete'. */
	operation: string;
	/** Past tense for the "already written" note: 'created', 'deleted'… */
	verb: string;
	/** The item's request payload; throws for an item that cannot be sent. */
	payloadOf(ctx: IExecuteFunctions, itemIndex: number, ignoreFields: string[]): P;
	/** The fields the pre-write check examines; absent for deletes. */
	fieldsOf?: (payload: P) => Fields;
	send(table: TableHandle, payloads: P[], flags: { typecast: boolean; returnFieldsByFieldId: boolean }): Promise<Array<SettledResult<R>>>;
	toJson(value: R): IDataObject;
	idOf(value: R): string;
}

/**
 * The one write loop of the Records node. Each item's Base, Table and Options are read for
 * that item; items are grouped by (base, table, typecast, field ids) and each group goes out
 * 10 records per request. Before any request, every group's values are checked against its
 * table's schema; without Continue On Fail any problem found so far stops the run with
 * nothing written. Output keeps input order and pairing.
 */
export async function writeRecords<P, R>(ctx: IExecuteFunctions, write: RecordWrite<P, R>): Promise<INodeExecutionData[]> {
	const itemCount = ctx.getInputData().length;
	const outcomes = new ItemOutcomes(ctx, itemCount);
	const payloads = new Map<number, P>();
	const files = write.fieldsOf ? new AttachmentFiles(ctx, write.operation as WriteKind) : undefined;
	const groups = groupItems<WriteGroupKey>(
		itemRange(itemCount),
		(itemIndex) => {
			const target = targetOf(ctx, itemIndex);
			const options = optionsOf(ctx, itemIndex);
			const payload = write.payloadOf(ctx, itemIndex, parseFieldList(options.ignoreFields));
			if (files && write.fieldsOf) Object.assign(write.fieldsOf(payload), files.plan(itemIndex));
			payloads.set(itemIndex, payload);
			return { ...target, typecast: Boolean(options.typecast), useFieldIds: useFieldIdsIn({ options }) };
		},
		(itemIndex, error) => outcomes.fail(itemIndex, error),
	);

	const client = await getAirtableClient(ctx);
	const fieldsOf = write.fieldsOf;
	if (fieldsOf) {
		const check = new PreWriteCheck(ctx, client);
		for (const { key, itemIndexes } of groups) {
			const failures = await check.failures(
				key,
				itemIndexes.map((itemIndex) => fieldsOf(payloads.get(itemIndex) as P)),
				{ typecast: key.typecast, operation: write.operation },
			);
			for (const [position, error] of failures) {
				outcomes.fail(itemIndexes[position], forItem(error, itemIndexes[position]));
			}
		}
	}
	outcomes.throwIfFailedBeforeSending();

	await Promise.all(
		groups.map(async ({ key, itemIndexes }) => {
			const sendable = itemIndexes.filter((itemIndex) => !outcomes.hasFailed(itemIndex));
			if (!sendable.length) return;
			const table = client.base(key.baseId).table(key.table);
			const results = await write.send(
				table,
				sendable.map((itemIndex) => payloads.get(itemIndex) as P),
				{ typecast: key.typecast, returnFieldsByFieldId: key.useFieldIds },
			);
			// Files go in once their records exist, before the output is built from the records.
			const fileErrors = files ? await files.afterWrite(table, results, sendable) : new Map<number, Error>();
			outcomes.settle(results, sendable, (value) => write.toJson(value), { verb: write.verb, idOf: write.idOf });
			for (const [itemIndex, error] of fileErrors) outcomes.fail(itemIndex, forItem(error, itemIndex));
		}),
	);
	return outcomes.toOutput();
}
