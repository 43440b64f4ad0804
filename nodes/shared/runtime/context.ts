/**
 * The n8n function contexts a node may build a client from (execute, editor look-ups,
 * webhook set-up, webhook calls, triggers). A leaf, so the runtime and attachment code can
 * both name it without importing each other.
 */
import type {
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	ITriggerFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

export type AirtableContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions
	| ITriggerFunctions;
