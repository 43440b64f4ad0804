import { createHmac } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import { DEMO_IDS, macFor } from '../../emulator';
import { verifyWebhookMac } from '../../nodes/client/webhooks/webhooks';
import { BASE, type Json, sleep, startHarness, waitFor, type Harness } from './helpers';

interface Received {
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
}

/** A notification receiver on 127.0.0.1 answering with the next queued status (default 204). */
async function startReceiver() {
	const received: Received[] = [];
	const statuses: number[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
			res.writeHead(statuses.shift() ?? 204);
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { url: `http://127.0.0.1:${port}/ping`, received, statuses, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function nodeCryptoCheck(raw: Buffer, header: string | undefined, secretBase64: string): boolean {
	const expected = `hmac-sha256=${createHmac('sha256', Buffer.from(secretBase64, 'base64')).update(raw).digest('hex')}`;
	return header === expected;
}

describe('emulator notification pings', () => {
	let h: Harness;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	beforeEach(async () => {
		receiver = await startReceiver();
		h = await startHarness({ pings: { debounceMs: 40, retryBaseMs: 20, retryMaxMs: 100, failuresBeforeDisable: 3, timeoutMs: 1000 } });
	});
	afterEach(async () => {
		await h.emu.close();
		await receiver.close();
	});

	const createHook = async () => {
		const r = await h.api(`/v0/bases/${BASE}/webhooks`, { body: { notificationUrl: receiver.url, specification: { options: { filters: { dataTypes: ['tableData'] } } } } });
		return r.body as { id: string; macSecretBase64: string };
	};
	const change = (score: number) => h.api(`/v0/${BASE}/Contacts/${DEMO_IDS.alan}`, { method: 'PATCH', body: { fields: { Score: score } } });
	const hookInfo = async (id: string) => ((await h.api(`/v0/bases/${BASE}/webhooks`)).body.webhooks as Json[]).find((w) => w.id === id);

	it('matches the reference MAC test vector', () => {
		const body = '{"base":{"id":"app00000000000000"},"webhook":{"id":"ach00000000000000"},"timestamp":"2022-02-01T21:25:05.663Z"}';
		expect(macFor(Buffer.from('secret-key'), body)).toBe('hmac-sha256=6486781ffbbd5e9ed3bd9137d539ab9dceec8dba7c65c6cbf3c8c3ceefbf8802');
	});

	it('POSTs a compact, correctly signed ping that both Node crypto and the client verify', async () => {
		const hook = await createHook();
		await change(1);
		const [ping] = await waitFor(() => receiver.received.length > 0 && receiver.received);
		const text = ping.raw.toString('utf8');
		expect(text).toMatch(new RegExp(`^\\{"base":\\{"id":"${BASE}"\\},"webhook":\\{"id":"${hook.id}"\\},"timestamp":"[^"]+Z"\\}$`));
		expect(ping.headers['content-type']).toMatch(/^application\/json/);
		const mac = ping.headers['x-airtable-content-mac'] as string;
		expect(mac).toMatch(/^hmac-sha256=[0-9a-f]{64}$/);
		expect(nodeCryptoCheck(ping.raw, mac, hook.macSecretBase64)).toBe(true);
		expect(verifyWebhookMac(ping.raw, mac, hook.macSecretBase64)).toBe(true);
		expect(verifyWebhookMac(ping.raw, mac, Buffer.from('wrong').toString('base64'))).toBe(false);
		const info = await waitFor(async () => {
			const x = await hookInfo(hook.id);
			return x.lastNotificationResult && x;
		});
		expect(info.lastNotificationResult).toMatchObject({ success: true, retryNumber: 0, completionTimestamp: expect.any(String), durationMs: expect.any(Number) });
		expect(info.lastSuccessfulNotificationTime).toEqual(expect.any(String));
	});

	it('coalesces changes that come close together into one ping; payloads stay one per change', async () => {
		const hook = await createHook();
		await Promise.all([change(1), change(2), change(3)]);
		await waitFor(() => receiver.received.length > 0);
		await sleep(150);
		expect(receiver.received).toHaveLength(1);
		expect((await h.api(`/v0/bases/${BASE}/webhooks/${hook.id}/payloads`)).body.payloads).toHaveLength(3);
		await change(4);
		await waitFor(() => receiver.received.length === 2);
	});

	it('retries a failed ping with backoff and records the retry number', async () => {
		const hook = await createHook();
		receiver.statuses.push(500, 503);
		await change(1);
		await waitFor(() => receiver.received.length === 3);
		const info = await waitFor(async () => {
			const x = await hookInfo(hook.id);
			return x.lastNotificationResult?.success && x;
		});
		expect(info.lastNotificationResult.retryNumber).toBe(2);
		const sent = (await h.admin(`/pings?webhookId=${hook.id}`)).body.pings;
		expect(sent.map((p: { status: number }) => p.status)).toEqual([500, 503, 204]);
		expect(sent.map((p: { retryNumber: number }) => p.retryNumber)).toEqual([0, 1, 2]);
	});

	it('disables notifications after the configured number of failures; enableNotifications turns them back on', async () => {
		const hook = await createHook();
		receiver.statuses.push(500, 500, 500);
		await change(1);
		const info = await waitFor(async () => {
			const x = await hookInfo(hook.id);
			return x.areNotificationsEnabled === false && x;
		});
		expect(receiver.received).toHaveLength(3);
		expect(info.lastNotificationResult).toMatchObject({ success: false, willBeRetried: false, retryNumber: 2, error: { message: expect.stringContaining('500') } });
		await change(2);
		await sleep(100);
		expect(receiver.received).toHaveLength(3);
		expect((await h.api(`/v0/bases/${BASE}/webhooks/${hook.id}/payloads`)).body.payloads).toHaveLength(2);
		await h.api(`/v0/bases/${BASE}/webhooks/${hook.id}/enableNotifications`, { body: { enable: true } });
		await change(3);
		await waitFor(() => receiver.received.length === 4);
	});

	it('reports an unreachable URL as a failed notification', async () => {
		const dead = await startReceiver();
		await dead.close();
		const r = await h.api(`/v0/bases/${BASE}/webhooks`, { body: { notificationUrl: dead.url, specification: { options: { filters: { dataTypes: ['tableData'] } } } } });
		await change(1);
		const info = await waitFor(async () => {
			const x = await hookInfo(r.body.id);
			return x.lastNotificationResult && x;
		});
		expect(info.lastNotificationResult).toMatchObject({ success: false, error: { message: expect.stringContaining('failed') } });
	});

	it('drill knobs: duplicate pings, spurious valid pings and forged pings', async () => {
		const hook = await createHook();
		await h.admin('/pings/config', 'PUT', { duplicate: true });
		await change(1);
		await waitFor(() => receiver.received.length === 2);
		expect(receiver.received[0].raw.equals(receiver.received[1].raw)).toBe(true);
		await h.admin('/pings/config', 'PUT', { duplicate: false });
		const spurious = await h.admin(`/webhooks/${hook.id}/ping`, 'POST', {});
		expect(spurious.body).toMatchObject({ forged: false, success: true });
		const forged = await h.admin(`/webhooks/${hook.id}/ping`, 'POST', { forged: true });
		expect(forged.body.forged).toBe(true);
		const [valid, fake] = receiver.received.slice(2);
		expect(verifyWebhookMac(valid.raw, valid.headers['x-airtable-content-mac'] as string, hook.macSecretBase64)).toBe(true);
		expect(verifyWebhookMac(fake.raw, fake.headers['x-airtable-content-mac'] as string, hook.macSecretBase64)).toBe(false);
	});
});
