/** Output and error items, and turning errors into n8n node errors, the same way for every node. */

import {
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type JsonObject,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { AirtableError } from '../../client/errors';

type FailureCause =
	| 'rate-limited'
	| 'quota-exhausted'
	| 'temporarily-unavailable'
	| 'credential-invalid'
	| 'configuration-invalid';

const N8N_FAILURE_CAUSES = new Set<string>([
	'rate-limited',
	'quota-exhausted',
	'temporarily-unavailable',
	'credential-invalid',
	'configuration-invalid',
]);

export function outputItem(json: IDataObject, itemIndex: number): INodeExecutionData {
	return { json, pairedItem: { item: itemIndex } };
}

/** The error item "Continue On Fail" puts in place of a failed input item. */
export function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: messageOf(error) };
	if (error instanceof AirtableError) {
		json.errorType = error.type ?? null;
		json.status = error.status ?? null;
		if (error.field) json.field = error.field;
		if (error.kind) json.errorKind = error.kind;
	}
	return outputItem(json, itemIndex);
}

/** The node's "On Error" setting routes failed items to n8n's error output. */
export function usesErrorOutput(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().onError === 'continueErrorOutput';
}

/**
 * The item a failed input item becomes when the node continues on fail. With "Continue (using
 * error output)" n8n-core 2.41 (`handleNodeErrorOutput`) moves an item to the error branch
 * when it has an item-level `error`, or when its JSON holds only `error`, `message` and
 * `details`. The second form is used: n8n then merges the input item's JSON under ours, so the
 * user keeps their fields, whereas an item-level `error` makes n8n replace the whole JSON with
 * the bare message (`normalizeNodeErrors`). `error` is the full message naming item and
 * field, `details` what the regular error item carries at its top level.
 * With "Continue (regular output)" it is the error item on the main output, as before.
 */
export function failedItem(ctx: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	const item = errorItem(error, itemIndex);
	if (!usesErrorOutput(ctx)) return item;
	const details: IDataObject = { itemIndex, ...item.json };
	delete details.error;
	return { ...item, json: { error: toNodeError(ctx.getNode(), error, itemIndex).message, details } };
}

/**
 * The one way a node deals with a failed item: without "Continue On Fail" (either "On Error →
 * Continue" setting) the n8n error is thrown and the node stops; otherwise the failed item
 * comes back for the output. `note` is added to a thrown error's message.
 */
export function failedItemOrThrow(ctx: IExecuteFunctions, error: unknown, itemIndex?: number, note?: string): INodeExecutionData {
	if (!ctx.continueOnFail()) {
		const nodeError = toNodeError(ctx.getNode(), error, itemIndex);
		if (note) nodeError.message = `${nodeError.message}. ${note}`;
		throw nodeError;
	}
	return failedItem(ctx, error, itemIndex ?? 0);
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The message, led by the item it belongs to (once: some messages already name it). */
function forItem(itemIndex: number | undefined, message: string): string {
	if (itemIndex === undefined || new RegExp(`^Item ${itemIndex}\\b`).test(message)) return message;
	return `Item ${itemIndex}: ${message}`;
}

/**
 * Turns a client error into the n8n error the editor shows: the Airtable type, message and
 * field, which item it belongs to, and a failure cause n8n can act on (wait, reconnect, fix).
 * Never includes request headers, so no token can leak through it.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!(error instanceof AirtableError)) {
		return new NodeOperationError(node, forItem(itemIndex, messageOf(error)), { itemIndex });
	}
	const failure =
		error.kind && N8N_FAILURE_CAUSES.has(error.kind) ? { cause: error.kind as FailureCause } : undefined;
	if (error.status === undefined) {
		// Raised before any request (client-side validation) or without a response (network).
		return new NodeOperationError(node, forItem(itemIndex, error.message), { itemIndex });
	}
	const response: JsonObject = {
		status: error.status,
		type: error.type ?? null,
		message: error.airtableMessage ?? error.message,
	};
	return new NodeApiError(node, response, {
		message: forItem(itemIndex, error.message),
		httpCode: String(error.status),
		itemIndex,
		failure: failure as NodeApiError['failure'],
	});
}
