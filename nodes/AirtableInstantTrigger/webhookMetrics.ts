/** The Instant Trigger's metrics: pings received and change items emitted. */

import type { IDataObject } from 'n8n-workflow';

import { recordWebhookEvent, type WebhookEventType } from '../client/observability/metrics';

/** The trigger's item events as metric types; webhook.* lifecycle items are not changes. */
const TYPE_OF_EVENT: Record<string, WebhookEventType> = {
	'record.created': 'created',
	'record.updated': 'updated',
	'record.deleted': 'deleted',
	'table.created': 'schema',
	'table.changed': 'schema',
	'table.deleted': 'schema',
	'field.created': 'schema',
	'field.changed': 'schema',
	'field.deleted': 'schema',
};

/** A notification ping, counted once its signature was checked (`accepted`) or refused. */
export function countWebhookPing(baseId: unknown, accepted: boolean): void {
	recordWebhookEvent({ baseId: typeof baseId === 'string' ? baseId : '', type: accepted ? 'ping' : 'ping_rejected' });
}

/** Every change item the trigger is about to emit, by base, table id and type. */
export function countEmittedChanges(items: IDataObject[]): void {
	for (const item of items) {
		const type = TYPE_OF_EVENT[String(item.event)];
		if (!type) continue;
		recordWebhookEvent({
			baseId: typeof item.baseId === 'string' ? item.baseId : '',
			tableId: typeof item.tableId === 'string' ? item.tableId : undefined,
			type,
		});
	}
}
