/**
 * The trigger's webhook state as kept in the node's static data: its shape, and reading, writing
 * and clearing it.
 */

import type { IDataObject } from 'n8n-workflow';

/*
 * The trigger's webhook as persisted in the node's static data (n8n saves it with the
 * workflow): what it holds, how it is read back tolerantly, written and cleared.
 */

/** A webhook replaced while it still held undelivered payloads; keep-alive drains, then deletes it. */
export interface RetiredWebhook {
	webhookId: string;
	cursor: number;
}

/** What the trigger knows about its Airtable webhook; persisted in the node's static data. */
export interface WebhookState {
	webhookId: string;
	baseId: string;
	/** Returned once by Airtable at creation; needed to verify every ping. */
	macSecretBase64: string;
	expirationTime: string | null;
	/** Next payload number to drain. */
	cursor: number;
	/** The URL the webhook pings (production or test URL of this node). */
	notificationUrl: string;
	/** When this webhook was created (ms): the newer of two states of one node wins. */
	createdAt: number;
	/** When `expirationTime` was learned (ms): with it, how much of the webhook's life is left. */
	expiryLearnedAt: number;
	retired: RetiredWebhook[];
}

function isRetired(value: unknown): value is RetiredWebhook {
	const entry = value as RetiredWebhook;
	return typeof entry?.webhookId === 'string' && typeof entry.cursor === 'number';
}

export function readState(staticData: IDataObject): WebhookState | undefined {
	const { webhookId, baseId, macSecretBase64 } = staticData;
	if (typeof webhookId !== 'string' || typeof baseId !== 'string' || typeof macSecretBase64 !== 'string') {
		return undefined;
	}
	const createdAt = typeof staticData.createdAt === 'number' ? staticData.createdAt : 0;
	return {
		webhookId,
		baseId,
		macSecretBase64,
		expirationTime: typeof staticData.expirationTime === 'string' ? staticData.expirationTime : null,
		cursor: typeof staticData.cursor === 'number' && staticData.cursor >= 1 ? staticData.cursor : 1,
		notificationUrl: typeof staticData.notificationUrl === 'string' ? staticData.notificationUrl : '',
		createdAt,
		expiryLearnedAt: typeof staticData.expiryLearnedAt === 'number' ? staticData.expiryLearnedAt : createdAt,
		retired: Array.isArray(staticData.retired) ? staticData.retired.filter(isRetired) : [],
	};
}

export function writeState(staticData: IDataObject, state: WebhookState): void {
	staticData.webhookId = state.webhookId;
	staticData.baseId = state.baseId;
	staticData.macSecretBase64 = state.macSecretBase64;
	staticData.expirationTime = state.expirationTime;
	staticData.cursor = state.cursor;
	staticData.notificationUrl = state.notificationUrl;
	staticData.createdAt = state.createdAt;
	staticData.expiryLearnedAt = state.expiryLearnedAt;
	staticData.retired = state.retired.map((entry) => ({ ...entry }));
}

const STATE_KEYS = [
	'webhookId',
	'baseId',
	'macSecretBase64',
	'expirationTime',
	'cursor',
	'notificationUrl',
	'createdAt',
	'expiryLearnedAt',
	'retired',
];

export function clearState(staticData: IDataObject): void {
	for (const key of STATE_KEYS) delete staticData[key];
}
