import {
	type IDataObject,
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
