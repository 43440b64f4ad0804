import {
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type JsonObject,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { AirtableError } from '../client/errors';

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
 * error output)" it carries an item-level `error` (the n8n error naming item, field and cause):
 * n8n-core moves exactly such items to the error branch, merging the input item's JSON under
 * ours, so the user keeps their fields. Our JSON then leads with that full message too, since
 * the error branch loses which item failed. With "Continue (regular output)" it is the
 * error item as before, on the main output.
 */
export function failedItem(ctx: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	const item = errorItem(error, itemIndex);
	if (!usesErrorOutput(ctx)) return item;
	const nodeError = toNodeError(ctx.getNode(), error, itemIndex);
	return { ...item, json: { ...item.json, error: nodeError.message, itemIndex }, error: nodeError };
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

function itemPrefix(itemIndex: number | undefined): string {
	return itemIndex === undefined ? '' : `Item ${itemIndex}: `;
}

/**
 * Turns a client error into the n8n error the editor shows: the Airtable type, message and
 * field, which item it belongs to, and a failure cause n8n can act on (wait, reconnect, fix).
 * Never includes request headers, so no token can leak through it.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!(error instanceof AirtableError)) {
		return new NodeOperationError(node, `${itemPrefix(itemIndex)}${messageOf(error)}`, { itemIndex });
	}
	const failure =
		error.kind && N8N_FAILURE_CAUSES.has(error.kind) ? { cause: error.kind as FailureCause } : undefined;
	if (error.status === undefined) {
		// Raised before any request (client-side validation) or without a response (network).
		return new NodeOperationError(node, `${itemPrefix(itemIndex)}${error.message}`, { itemIndex });
	}
	const response: JsonObject = {
		status: error.status,
		type: error.type ?? null,
		message: error.airtableMessage ?? error.message,
	};
	return new NodeApiError(node, response, {
		message: `${itemPrefix(itemIndex)}${error.message}`,
		httpCode: String(error.status),
		itemIndex,
		failure: failure as NodeApiError['failure'],
	});
}
