import { AirtableInputError, verifyWebhookMac, type WebhookPayload, type WebhookSpecification } from '../../index';
import { api, BASE, makeClient, useNock } from './helpers';

useNock();

const HOOKS = `/v0/bases/${BASE}/webhooks`;
const webhooks = () => makeClient().base(BASE).webhooks;
const spec: WebhookSpecification = {
	options: { filters: { dataTypes: ['tableData'], recordChangeScope: 'tblX' }, includes: { includePreviousCellValues: true } },
};

function payload(n: number): WebhookPayload {
	return { timestamp: '2024-01-01T00:00:00.000Z', baseTransactionNumber: n, payloadFormat: 'v0' };
}

describe('webhook calls', () => {
	it('creates with the specification and notificationUrl only when given', async () => {
		const bodies: unknown[] = [];
		api()
			.post(HOOKS)
			.times(2)
			.reply(200, (_uri, body) => {
				bodies.push(body);
				return { id: 'achNEW', macSecretBase64: 'c2VjcmV0', expirationTime: '2024-01-08T00:00:00.000Z' };
			});
		const created = await webhooks().create({ notificationUrl: 'https://n8n.example/webhook/x', specification: spec });
		await webhooks().create({ specification: spec });
		expect(created).toEqual({ id: 'achNEW', macSecretBase64: 'c2VjcmV0', expirationTime: '2024-01-08T00:00:00.000Z' });
		expect(bodies[0]).toEqual({ notificationUrl: 'https://n8n.example/webhook/x', specification: spec });
		expect(bodies[1]).toEqual({ specification: spec });
	});

	it('refuses a create without filters before sending', async () => {
		await expect(
			webhooks().create({ specification: { options: {} } as unknown as WebhookSpecification }),
		).rejects.toBeInstanceOf(AirtableInputError);
	});

	it('lists, refreshes, toggles notifications and deletes (empty 200 bodies are fine)', async () => {
		const enableBodies: unknown[] = [];
		api()
			.get(HOOKS)
			.reply(200, { webhooks: [{ id: 'achA', cursorForNextPayload: 7, areNotificationsEnabled: false, isHookEnabled: true, specification: spec }] });
		api().post(`${HOOKS}/achA/refresh`).reply(200, { expirationTime: '2030-01-01T00:00:00.000Z' });
		api()
			.post(`${HOOKS}/achA/enableNotifications`, (body) => {
				enableBodies.push(body);
				return true;
			})
			.times(2)
			.reply(200, '');
		const deleted = api().delete(`${HOOKS}/achA`).reply(200);
		const hooks = webhooks();
		const list = await hooks.list();
		expect(list[0]).toMatchObject({ id: 'achA', cursorForNextPayload: 7 });
		await expect(hooks.refresh('achA')).resolves.toEqual({ expirationTime: '2030-01-01T00:00:00.000Z' });
		await expect(hooks.enableNotifications('achA')).resolves.toBeUndefined();
		await hooks.enableNotifications('achA', false);
		expect(enableBodies).toEqual([{ enable: true }, { enable: false }]);
		await expect(hooks.delete('achA')).resolves.toBeUndefined();
		expect(deleted.isDone()).toBe(true);
	});

	it('fetches one page of payloads with cursor and limit', async () => {
		api()
			.get(`${HOOKS}/achA/payloads`)
			.query({ cursor: '5', limit: '2' })
			.reply(200, { cursor: 7, mightHaveMore: true, payloads: [payload(1), payload(2)] });
		const page = await webhooks().payloads('achA', { cursor: 5, limit: 2 });
		expect(page.cursor).toBe(7);
		expect(page.mightHaveMore).toBe(true);
		expect(page.payloads).toHaveLength(2);
		await expect(webhooks().payloads('achA', { limit: 51 })).rejects.toThrow(/limit must be/);
	});
});

describe('drainPayloads', () => {
	it('pages while mightHaveMore and numbers each payload', async () => {
		const cursors: string[] = [];
		const pages: Record<string, object> = {
			'10': { cursor: 12, mightHaveMore: true, payloads: [payload(1), payload(2)] },
			'12': { cursor: 13, mightHaveMore: false, payloads: [payload(3)] },
		};
		api()
			.get(`${HOOKS}/achA/payloads`)
			.query(true)
			.times(2)
			.reply(200, (uri) => {
				const cursor = new URL(`http://x${uri}`).searchParams.get('cursor')!;
				cursors.push(cursor);
				return pages[cursor];
			});
		const drained = [];
		for await (const item of webhooks().drainPayloads('achA', 10, { limit: 2 })) drained.push(item);
		expect(cursors).toEqual(['10', '12']);
		expect(drained.map((d) => [d.number, d.nextCursor, d.payload.baseTransactionNumber])).toEqual([
			[10, 11, 1],
			[11, 12, 2],
			[12, 13, 3],
		]);
	});

	it('numbers payloads back from the returned cursor when older ones were purged', async () => {
		api()
			.get(`${HOOKS}/achA/payloads`)
			.query({ cursor: 2, limit: 50 })
			.reply(200, { cursor: 12, mightHaveMore: false, payloads: [payload(1), payload(2)] });
		const drained = [];
		for await (const item of webhooks().drainPayloads('achA', 2)) drained.push(item);
		expect(drained.map((d) => [d.number, d.nextCursor])).toEqual([
			[10, 11],
			[11, 12],
		]);
	});

	it('stops on an empty page even when mightHaveMore is set', async () => {
		let requests = 0;
		api()
			.get(`${HOOKS}/achA/payloads`)
			.query(true)
			.times(5)
			.reply(200, () => {
				requests++;
				return { cursor: 4, mightHaveMore: true, payloads: [] };
			});
		const drained = [];
		for await (const item of webhooks().drainPayloads('achA', 4)) drained.push(item);
		expect(drained).toHaveLength(0);
		expect(requests).toBe(1);
	});

	it('stops after maxPayloads', async () => {
		let requests = 0;
		api()
			.get(`${HOOKS}/achA/payloads`)
			.query(true)
			.times(5)
			.reply(200, () => {
				requests++;
				return { cursor: 1 + requests * 3, mightHaveMore: true, payloads: [payload(1), payload(2), payload(3)] };
			});
		const drained = [];
		for await (const item of webhooks().drainPayloads('achA', 1, { maxPayloads: 4 })) drained.push(item);
		expect(drained.map((d) => d.number)).toEqual([1, 2, 3, 4]);
		expect(drained[3].nextCursor).toBe(5);
		expect(requests).toBe(2);
	});
});

describe('verifyWebhookMac', () => {
	const VECTOR_B64 = 'c2VjcmV0LWtleQ==';
	const COMPACT =
		'{"base":{"id":"app00000000000000"},"webhook":{"id":"ach00000000000000"},"timestamp":"2022-02-01T21:25:05.663Z"}';
	const SPACED =
		'{"base": {"id": "app00000000000000"}, "webhook": {"id": "ach00000000000000"}, "timestamp": "2022-02-01T21:25:05.663Z"}';
	const COMPACT_MAC = 'hmac-sha256=6486781ffbbd5e9ed3bd9137d539ab9dceec8dba7c65c6cbf3c8c3ceefbf8802';
	const SPACED_MAC = 'hmac-sha256=e26da696a90933647bddc83995c3e1e3bb1c3d8ce1ff61cb7469767d50b2b2d4';

	it('accepts the documented test vectors, as string or raw bytes', () => {
		expect(verifyWebhookMac(COMPACT, COMPACT_MAC, VECTOR_B64)).toBe(true);
		expect(verifyWebhookMac(Buffer.from(SPACED), SPACED_MAC, VECTOR_B64)).toBe(true);
	});

	it('rejects a MAC computed over other bytes (re-serialized body)', () => {
		expect(verifyWebhookMac(SPACED, COMPACT_MAC, VECTOR_B64)).toBe(false);
	});

	it('rejects a wrong secret, including the base64 text used as the key', () => {
		expect(verifyWebhookMac(COMPACT, COMPACT_MAC, Buffer.from('other-key').toString('base64'))).toBe(false);
		expect(verifyWebhookMac(COMPACT, COMPACT_MAC, Buffer.from(VECTOR_B64).toString('base64'))).toBe(false);
	});

	it.each([
		['missing', undefined],
		['empty', ''],
		['no prefix', COMPACT_MAC.replace('hmac-sha256=', '')],
		['other algorithm', COMPACT_MAC.replace('sha256', 'sha1')],
		['too short', COMPACT_MAC.slice(0, -2)],
		['too long', `${COMPACT_MAC}00`],
		['not hex', COMPACT_MAC.replace(/.$/, 'z')],
		['one byte off', COMPACT_MAC.replace(/.$/, '3')],
	])('returns false (never throws) for a %s header', (_label, header) => {
		expect(verifyWebhookMac(COMPACT, header, VECTOR_B64)).toBe(false);
	});

	it('returns false for an empty or unusable secret', () => {
		expect(verifyWebhookMac(COMPACT, COMPACT_MAC, '')).toBe(false);
		expect(verifyWebhookMac(COMPACT, COMPACT_MAC, undefined as unknown as string)).toBe(false);
	});
});
