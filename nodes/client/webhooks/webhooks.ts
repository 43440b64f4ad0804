/**
 * The client's webhook API for one base: create, list, refresh and delete webhooks, page payloads,
 * check ping signatures.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';

import { AirtableInputError } from '../errors';
import type { ApiCall, RequestRunner } from '../transport/request';
import type {
	CreatedWebhook,
	NumberedPayload,
	PayloadPage,
	WebhookInfo,
	WebhookSpecification,
} from './types';

export const MAX_PAYLOADS_PER_PAGE = 50;

export interface CreateWebhookOptions {
	/** Where Airtable pings; omit to poll payloads only. */
	notificationUrl?: string;
	specification: WebhookSpecification;
}

export interface PayloadsOptions {
	/** Payload number to start from (inclusive); Airtable defaults to 1. */
	cursor?: number;
	/** 1..50. */
	limit?: number;
}

export interface DrainOptions {
	/** Payloads per request, 1..50 (default 50). */
	limit?: number;
	/** Stop after this many payloads, even when more are waiting. */
	maxPayloads?: number;
}

/** Webhooks of one base: `/v0/bases/{baseId}/webhooks…`. */
export class WebhooksHandle {
	private readonly path: string;

	constructor(
		private readonly runner: RequestRunner,
		readonly baseId: string,
	) {
		this.path = `/v0/bases/${encodeURIComponent(baseId)}/webhooks`;
	}

	async create(options: CreateWebhookOptions): Promise<CreatedWebhook> {
		if (!options?.specification?.options?.filters) {
			throw new AirtableInputError('A webhook specification needs options.filters (with dataTypes)', {
				baseId: this.baseId,
				operation: 'webhooks.create',
			});
		}
		const body: Record<string, unknown> = { specification: options.specification };
		if (options.notificationUrl) body.notificationUrl = options.notificationUrl;
		// Not repeatable: a second create after a lost answer would leave an orphan webhook.
		return await this.call<CreatedWebhook>('POST', '', 'webhooks.create', body, 'create');
	}

	async list(): Promise<WebhookInfo[]> {
		const response = await this.call<{ webhooks?: WebhookInfo[] } | undefined>('GET', '', 'webhooks.list');
		return Array.isArray(response?.webhooks) ? response.webhooks : [];
	}

	async refresh(webhookId: string): Promise<{ expirationTime: string | null }> {
		const response = await this.call<{ expirationTime?: string | null } | undefined>(
			'POST',
			`/${this.id(webhookId)}/refresh`,
			'webhooks.refresh',
		);
		return { expirationTime: response?.expirationTime ?? null };
	}

	async enableNotifications(webhookId: string, enable = true): Promise<void> {
		await this.call('POST', `/${this.id(webhookId)}/enableNotifications`, 'webhooks.enableNotifications', {
			enable,
		});
	}

	async delete(webhookId: string): Promise<void> {
		await this.call('DELETE', `/${this.id(webhookId)}`, 'webhooks.delete');
	}

	/** One page of payloads from `cursor` (inclusive). */
	async payloads(webhookId: string, options: PayloadsOptions = {}): Promise<PayloadPage> {
		const { cursor, limit } = options;
		if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAYLOADS_PER_PAGE)) {
			throw new AirtableInputError(`limit must be a whole number from 1 to ${MAX_PAYLOADS_PER_PAGE}`, {
				baseId: this.baseId,
				operation: 'webhooks.payloads',
			});
		}
		const query: string[] = [];
		if (cursor !== undefined) query.push(`cursor=${encodeURIComponent(String(cursor))}`);
		if (limit !== undefined) query.push(`limit=${limit}`);
		const path = `/${this.id(webhookId)}/payloads${query.length ? `?${query.join('&')}` : ''}`;
		const response = await this.call<Partial<PayloadPage> | undefined>('GET', path, 'webhooks.payloads');
		const payloads = Array.isArray(response?.payloads) ? response.payloads : [];
		return {
			cursor: typeof response?.cursor === 'number' ? response.cursor : (cursor ?? 1) + payloads.length,
			mightHaveMore: response?.mightHaveMore === true,
			payloads,
		};
	}

	/**
	 * Every payload from `fromCursor` on, page by page while Airtable says there might be more.
	 * Each payload comes with its own number (request cursor + position) and the cursor to
	 * store once it is processed. An empty page ends the drain even if mightHaveMore is set,
	 * so a confused server cannot make it loop.
	 */
	async *drainPayloads(
		webhookId: string,
		fromCursor: number,
		options: DrainOptions = {},
	): AsyncGenerator<NumberedPayload> {
		const limit = options.limit ?? MAX_PAYLOADS_PER_PAGE;
		const maxPayloads = options.maxPayloads ?? Number.POSITIVE_INFINITY;
		let cursor = fromCursor;
		let drained = 0;
		while (drained < maxPayloads) {
			const page = await this.payloads(webhookId, { cursor, limit });
			// Numbered back from the returned cursor (the last payload is cursor - 1): when older
			// payloads were purged, Airtable resumes at the oldest kept one, past the request cursor.
			const first = Math.max(cursor, page.cursor - page.payloads.length);
			for (const [position, payload] of page.payloads.entries()) {
				const number = first + position;
				yield { payload, number, nextCursor: number + 1 };
				if (++drained >= maxPayloads) return;
			}
			if (!page.mightHaveMore || page.payloads.length === 0) return;
			cursor = Math.max(page.cursor, first + page.payloads.length);
		}
	}

	private id(webhookId: string): string {
		if (typeof webhookId !== 'string' || !webhookId) {
			throw new AirtableInputError('A webhook id (ach…) is required', { baseId: this.baseId });
		}
		return encodeURIComponent(webhookId);
	}

	private async call<T>(
		method: ApiCall['method'],
		suffix: string,
		operation: string,
		body?: unknown,
		safety: ApiCall['safety'] = 'repeatable',
	): Promise<T> {
		return await this.runner.call<T>({
			method,
			path: this.path + suffix,
			body,
			operation,
			baseId: this.baseId,
			safety,
		});
	}
}

const MAC_PREFIX = 'hmac-sha256=';
const MAC_HEX = /^[0-9a-f]{64}$/i;

/**
 * Checks the X-Airtable-Content-MAC header of a notification ping: HMAC-SHA256 keyed with the
 * base64-DECODED secret over the raw body bytes, compared in constant time. Returns false
 * (never throws) for a missing, malformed or wrong header, so callers can answer 401 plainly.
 */
export function verifyWebhookMac(
	rawBody: Buffer | string,
	headerValue: string | undefined,
	macSecretBase64: string,
): boolean {
	try {
		if (typeof headerValue !== 'string' || typeof macSecretBase64 !== 'string' || !macSecretBase64) return false;
		const header = headerValue.trim();
		if (!header.toLowerCase().startsWith(MAC_PREFIX)) return false;
		const hex = header.slice(MAC_PREFIX.length);
		if (!MAC_HEX.test(hex)) return false;
		const key = Buffer.from(macSecretBase64, 'base64');
		if (key.length === 0) return false;
		const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
		if (!Buffer.isBuffer(body)) return false;
		const expected = createHmac('sha256', key).update(body).digest();
		const received = Buffer.from(hex, 'hex');
		return received.length === expected.length && timingSafeEqual(received, expected);
	} catch {
		return false;
	}
}
