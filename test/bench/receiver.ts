/**
 * A webhook consumer built from the client's own pieces, as the trigger node uses them:
 * verifyWebhookMac on every ping (forged ones get 401), then one drain at a time with
 * drainPayloads from the stored cursor. Records which changes were delivered, when, and how often.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { AirtableClient } from '../../nodes/client/AirtableClient';
import { verifyWebhookMac } from '../../nodes/client/webhooks/webhooks';
import type { RunningEmulator } from '../../emulator';
import { TABLE, tableId, TOKEN } from './common';

export interface Delivery {
	recordId: string;
	at: number;
}

export interface ReceiverOptions {
	/** Drop (destroy the socket of) every n-th valid ping without answering: a "lost" ping. */
	loseEvery?: number;
}

export class Receiver {
	readonly deliveries: Delivery[] = [];
	pingsValid = 0;
	pingsForged = 0;
	pingsLost = 0;
	drains = 0;
	private cursor = 1;
	private draining = false;
	private again = false;
	private server!: http.Server;
	private webhookId = '';
	private secret = '';
	private idle: Array<() => void> = [];
	readonly client: AirtableClient;

	constructor(
		private readonly emu: RunningEmulator,
		readonly baseId: string,
		private readonly options: ReceiverOptions = {},
	) {
		this.client = new AirtableClient({ token: TOKEN, baseUrl: emu.url });
	}

	async start(): Promise<void> {
		this.server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => this.onPing(Buffer.concat(chunks), req, res));
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as AddressInfo;
		const created = await this.client.base(this.baseId).webhooks.create({
			notificationUrl: `http://127.0.0.1:${port}/ping`,
			specification: { options: { filters: { dataTypes: ['tableData'], recordChangeScope: tableId(this.baseId) } } },
		});
		this.webhookId = created.id;
		this.secret = created.macSecretBase64;
	}

	get id(): string {
		return this.webhookId;
	}

	private onPing(body: Buffer, req: http.IncomingMessage, res: http.ServerResponse): void {
		const mac = req.headers['x-airtable-content-mac'];
		if (!verifyWebhookMac(body, typeof mac === 'string' ? mac : undefined, this.secret)) {
			this.pingsForged++;
			res.writeHead(401).end();
			return;
		}
		this.pingsValid++;
		if (this.options.loseEvery && this.pingsValid % this.options.loseEvery === 0) {
			this.pingsLost++;
			req.socket.destroy();
			return;
		}
		res.writeHead(200).end();
		void this.drain();
	}

	/** One drain at a time; a ping during a drain makes it go round once more. */
	private async drain(): Promise<void> {
		if (this.draining) {
			this.again = true;
			return;
		}
		this.draining = true;
		try {
			do {
				this.again = false;
				this.drains++;
				for await (const { payload, nextCursor } of this.client.base(this.baseId).webhooks.drainPayloads(this.webhookId, this.cursor)) {
					const now = Date.now();
					for (const table of Object.values(payload.changedTablesById ?? {})) {
						for (const recordId of Object.keys(table.createdRecordsById ?? {})) this.deliveries.push({ recordId, at: now });
					}
					this.cursor = nextCursor;
				}
			} while (this.again);
		} finally {
			this.draining = false;
			for (const resolve of this.idle.splice(0)) resolve();
		}
	}

	/** Makes a change as a person in the UI would (admin API: no API request, no rate limit). */
	async change(fields: Record<string, unknown>): Promise<{ id: string; at: number }> {
		const at = Date.now();
		const res = await fetch(`${this.emu.url}/_emulator/bases/${this.baseId}/tables/${encodeURIComponent(TABLE)}/records`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ fields }),
		});
		const body = (await res.json()) as { records: Array<{ id: string }> };
		return { id: body.records[0].id, at };
	}

	/** Waits until `count` deliveries arrived (or the timeout passed). */
	async waitFor(count: number, timeoutMs: number): Promise<boolean> {
		const deadline = Date.now() + timeoutMs;
		while (this.deliveries.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		return this.deliveries.length >= count;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections();
	}
}

export interface DeliveryCheck {
	changes: number;
	delivered: number;
	distinct: number;
	duplicates: number;
	missing: number;
	inOrder: boolean;
}

/** Every change once, in the order it was made. */
export function checkDeliveries(made: string[], receiver: Receiver): DeliveryCheck {
	const got = receiver.deliveries.map((d) => d.recordId);
	const distinct = new Set(got);
	const position = new Map(made.map((id, i) => [id, i]));
	let inOrder = true;
	for (let i = 1; i < got.length; i++) if ((position.get(got[i]) ?? -1) < (position.get(got[i - 1]) ?? -1)) inOrder = false;
	return {
		changes: made.length,
		delivered: got.length,
		distinct: distinct.size,
		duplicates: got.length - distinct.size,
		missing: made.filter((id) => !distinct.has(id)).length,
		inOrder,
	};
}
