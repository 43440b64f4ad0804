import { newestCursor, rememberCursor } from '../../../nodes/AirtableInstantTrigger/cursorMemory';
import { drainWebhook } from '../../../nodes/AirtableInstantTrigger/drain';
import { triggerCoordination } from '../../../nodes/shared/queueMode/triggerCoordination';
import type { WebhookPayload } from '../../../nodes/client/types';
import { api, makeClient, useNock } from '../helpers';
import { BASE_ID, defaultSettings, payload, TABLE_ID, tasksTable } from './fixtures';

useNock();

let hookCounter = 0;
function nextHookId(): string {
	hookCounter += 1;
	return `achDRAIN${String(hookCounter).padStart(9, '0')}`;
}

function deletion(recordId: string): WebhookPayload {
	return payload({ changedTablesById: { [TABLE_ID]: { destroyedRecordIds: [recordId] } } });
}

function payloadsPath(hookId: string, cursor: number): string {
	return `/v0/bases/${BASE_ID}/webhooks/${hookId}/payloads?cursor=${cursor}&limit=50`;
}

function schemaReply() {
	return { tables: [tasksTable] };
}

describe('drainWebhook: cursor arithmetic', () => {
	it('drains from the stored cursor, page after page, and ends one past the last payload', async () => {
		const hookId = nextHookId();
		const scope = api()
			.get(payloadsPath(hookId, 5))
			.reply(200, { cursor: 7, mightHaveMore: true, payloads: [deletion('rec5'), deletion('rec6')] })
			.get(payloadsPath(hookId, 7))
			.reply(200, { cursor: 8, mightHaveMore: false, payloads: [deletion('rec7')] })
			.get(`/v0/meta/bases/${BASE_ID}/tables`)
			.reply(200, schemaReply());
		const result = await drainWebhook({
			client: makeClient(),
			baseId: BASE_ID,
			webhookId: hookId,
			storedCursor: 5,
			settings: defaultSettings,
		});
		expect(scope.isDone()).toBe(true);
		expect(result).toMatchObject({ fromCursor: 5, cursor: 8, payloadCount: 3, capped: false });
		expect(result.items.map((item) => [item.recordId, item.cursor, item.tableName])).toEqual([
			['rec5', 5, 'Tasks'],
			['rec6', 6, 'Tasks'],
			['rec7', 7, 'Tasks'],
		]);
		expect(newestCursor(hookId, 5)).toBe(8);
	});

	it('keeps the cursor when nothing new arrived, without reading the schema', async () => {
		const hookId = nextHookId();
		const scope = api().get(payloadsPath(hookId, 3)).reply(200, { cursor: 3, mightHaveMore: false, payloads: [] });
		const result = await drainWebhook({
			client: makeClient(),
			baseId: BASE_ID,
			webhookId: hookId,
			storedCursor: 3,
			settings: defaultSettings,
		});
		expect(scope.isDone()).toBe(true);
		expect(result).toMatchObject({ items: [], fromCursor: 3, cursor: 3, payloadCount: 0 });
	});

	it('starts after what this process already drained when the stored cursor is older', async () => {
		const hookId = nextHookId();
		await rememberCursor(hookId, 10);
		const scope = api().get(payloadsPath(hookId, 10)).reply(200, { cursor: 10, mightHaveMore: false, payloads: [] });
		const result = await drainWebhook({
			client: makeClient(),
			baseId: BASE_ID,
			webhookId: hookId,
			storedCursor: 4,
			settings: defaultSettings,
		});
		expect(scope.isDone()).toBe(true);
		expect(result.fromCursor).toBe(10);
	});

	it('uses a stored cursor newer than the remembered one', async () => {
		const hookId = nextHookId();
		await rememberCursor(hookId, 3);
		expect(newestCursor(hookId, 9)).toBe(9);
		expect(newestCursor(nextHookId(), undefined)).toBe(1);
	});

	it('stops at the cap and says more may be waiting', async () => {
		const hookId = nextHookId();
		api()
			.get(payloadsPath(hookId, 1))
			.reply(200, { cursor: 4, mightHaveMore: true, payloads: [deletion('r1'), deletion('r2'), deletion('r3')] })
			.get(`/v0/meta/bases/${BASE_ID}/tables`)
			.reply(200, schemaReply());
		const result = await drainWebhook({
			client: makeClient(),
			baseId: BASE_ID,
			webhookId: hookId,
			storedCursor: 1,
			settings: defaultSettings,
			maxPayloads: 2,
		});
		expect(result).toMatchObject({ cursor: 3, payloadCount: 2, capped: true });
		expect(result.items.map((item) => item.recordId)).toEqual(['r1', 'r2']);
	});

	it('leaves the cursor where it was when fetching fails', async () => {
		const hookId = nextHookId();
		api().get(payloadsPath(hookId, 2)).times(4).reply(503, { error: 'SERVICE_UNAVAILABLE' });
		await expect(
			drainWebhook({ client: makeClient(), baseId: BASE_ID, webhookId: hookId, storedCursor: 2, settings: defaultSettings }),
		).rejects.toThrow(/unavailable/i);
		expect(newestCursor(hookId, 2)).toBe(2);
	});

	it('keeps field ids when the schema cannot be read, rather than losing the change', async () => {
		const hookId = nextHookId();
		api()
			.get(payloadsPath(hookId, 1))
			.reply(200, {
				cursor: 2,
				mightHaveMore: false,
				payloads: [
					payload({
						changedTablesById: {
							[TABLE_ID]: { createdRecordsById: { rec1: { cellValuesByFieldId: { fldNAME0000000001: 'x' } } } },
						},
					}),
				],
			})
			.get(`/v0/meta/bases/${BASE_ID}/tables`)
			.reply(403, { error: { type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', message: 'no' } });
		const result = await drainWebhook({
			client: makeClient(),
			baseId: BASE_ID,
			webhookId: hookId,
			storedCursor: 1,
			settings: defaultSettings,
		});
		expect(result.items[0].fields).toEqual({ fldNAME0000000001: 'x' });
		expect(result.cursor).toBe(2);
	});
});

describe('drainWebhook: concurrent drains of one webhook', () => {
	it('emits each payload exactly once when two drains start together from the same stored cursor', async () => {
		const hookId = nextHookId();
		let requests = 0;
		api()
			.get(`/v0/meta/bases/${BASE_ID}/tables`)
			.reply(200, schemaReply())
			.get(`/v0/bases/${BASE_ID}/webhooks/${hookId}/payloads`)
			.query(true)
			.times(2)
			.delay(30)
			.reply((uri) => {
				requests += 1;
				const cursor = Number(new URL(uri, 'http://x').searchParams.get('cursor'));
				return cursor === 1
					? [200, { cursor: 3, mightHaveMore: false, payloads: [deletion('recA'), deletion('recB')] }]
					: [200, { cursor, mightHaveMore: false, payloads: [] }];
			});
		const client = makeClient();
		const request = { client, baseId: BASE_ID, webhookId: hookId, storedCursor: 1, settings: defaultSettings };
		// Callers drain under the node's lifecycle lock (ping.ts, keepAlive.ts).
		const locked = async () => await triggerCoordination().withLock('node:drain-test', async () => await drainWebhook(request));
		const [first, second] = await Promise.all([locked(), locked()]);
		expect(requests).toBe(2);
		expect([...first.items, ...second.items].map((item) => item.recordId)).toEqual(['recA', 'recB']);
		expect(second.fromCursor).toBe(3);
	});
});
