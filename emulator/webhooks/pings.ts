/**
 * Delivering notification pings like Airtable: signed, debounced, retried, and switched off after
 * too many failures.
 */

import { createHmac, randomBytes } from 'crypto';
import http from 'http';
import https from 'https';
import type { Clock } from '../clock';
import type { PingConfig } from '../options';
import { SeededRandom } from '../rng';
import type { PingRecord, Webhook } from './types';

/** Airtable's MAC: HMAC-SHA256 keyed with the decoded secret, over the exact body bytes. */
export function macFor(secret: Buffer, body: string): string {
	return `hmac-sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

interface PingState {
	timer?: NodeJS.Timeout;
	inFlight: boolean;
	/** New payloads arrived while a ping was in flight: another ping must follow. */
	again: boolean;
}

/**
 * Delivers notification pings: debounced (close changes share one ping), retried with
 * exponential backoff, and notifications switched off after too many failures, as Airtable does.
 */
export class PingService {
	readonly sent: PingRecord[] = [];
	private readonly states = new Map<string, PingState>();
	private readonly jitter = new SeededRandom(7);
	private seq = 0;
	private closed = false;

	constructor(
		public config: PingConfig,
		private readonly clock: Clock,
		private readonly lookup: (webhookId: string) => Webhook | undefined,
	) {}

	/** Called for every new payload: at least one ping will follow. */
	notify(hook: Webhook): void {
		if (!hook.notificationUrl || !hook.areNotificationsEnabled || this.closed) return;
		const state = this.state(hook.id);
		if (state.inFlight) {
			state.again = true;
			return;
		}
		if (state.timer) return;
		state.timer = setTimeout(() => void this.deliver(hook.id, 0), this.config.debounceMs + this.jitter.next() * this.config.reorderJitterMs);
	}

	/** Drill: a ping with a wrong MAC (forged) or a spurious valid one, outside the retry logic. */
	async sendExtra(hook: Webhook, forged: boolean): Promise<PingRecord> {
		const secret = forged ? randomBytes(32) : hook.macSecret;
		return this.post(hook, secret, 0, forged, false, this.pingBody(hook));
	}

	cancel(webhookId: string): void {
		const state = this.states.get(webhookId);
		if (state?.timer) clearTimeout(state.timer);
		this.states.delete(webhookId);
	}

	close(): void {
		this.closed = true;
		for (const id of [...this.states.keys()]) this.cancel(id);
	}

	private state(id: string): PingState {
		let state = this.states.get(id);
		if (!state) {
			state = { inFlight: false, again: false };
			this.states.set(id, state);
		}
		return state;
	}

	private async deliver(webhookId: string, retryNumber: number): Promise<void> {
		const state = this.state(webhookId);
		state.timer = undefined;
		const hook = this.lookup(webhookId);
		if (!hook || !hook.notificationUrl || !hook.areNotificationsEnabled || this.closed) return;
		state.inFlight = true;
		state.again = false;
		const body = this.pingBody(hook);
		const sends = [this.post(hook, hook.macSecret, retryNumber, false, false, body)];
		// A duplicate is the same delivery again, byte for byte (what an at-least-once receiver sees).
		if (this.config.duplicate) sends.push(this.post(hook, hook.macSecret, retryNumber, false, true, body));
		const [result] = await Promise.all(sends);
		state.inFlight = false;
		if (this.closed || !this.lookup(webhookId)) return;
		const completionTimestamp = this.clock.iso();
		if (result.success) {
			hook.failures = 0;
			hook.lastSuccessfulNotificationTime = completionTimestamp;
			hook.lastNotificationResult = { success: true, completionTimestamp, durationMs: result.durationMs, retryNumber };
			if (state.again) this.notify(hook);
			return;
		}
		hook.failures++;
		const willBeRetried = hook.failures < this.config.failuresBeforeDisable;
		hook.lastNotificationResult = {
			success: false,
			error: { message: result.error ?? `The HTTP request returned a ${result.status} status code instead of 200 or 204` },
			completionTimestamp,
			durationMs: result.durationMs,
			retryNumber,
			willBeRetried,
		};
		if (!willBeRetried) {
			hook.areNotificationsEnabled = false;
			hook.failures = 0;
			return;
		}
		const delay = Math.min(this.config.retryBaseMs * 2 ** retryNumber, this.config.retryMaxMs);
		state.timer = setTimeout(() => void this.deliver(webhookId, retryNumber + 1), delay);
	}

	/** Compact JSON with Airtable's key order: receivers that re-serialize still match the MAC. */
	private pingBody(hook: Webhook): string {
		return JSON.stringify({ base: { id: hook.baseId }, webhook: { id: hook.id }, timestamp: this.clock.iso() });
	}

	private post(hook: Webhook, secret: Buffer, retryNumber: number, forged: boolean, duplicate: boolean, body: string): Promise<PingRecord> {
		const record: PingRecord = {
			seq: ++this.seq,
			webhookId: hook.id,
			baseId: hook.baseId,
			url: hook.notificationUrl ?? '',
			body,
			mac: macFor(secret, body),
			retryNumber,
			forged,
			duplicate,
			sentAt: this.clock.iso(),
			success: false,
			durationMs: 0,
		};
		this.sent.push(record);
		const started = Date.now();
		return new Promise((resolve) => {
			let done = false;
			const finish = (status: number | undefined, error?: string) => {
				if (done) return;
				done = true;
				record.durationMs = Date.now() - started;
				record.status = status;
				record.error = error;
				record.success = status === 200 || status === 204;
				resolve(record);
			};
			let url: URL;
			try {
				url = new URL(record.url);
			} catch {
				finish(undefined, `Invalid notification URL ${record.url}`);
				return;
			}
			const transport = url.protocol === 'https:' ? https : http;
			const request = transport.request(
				url,
				{
					method: 'POST',
					agent: false,
					timeout: this.config.timeoutMs,
					headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-airtable-content-mac': record.mac },
				},
				(response) => {
					response.resume();
					response.on('end', () => finish(response.statusCode));
					response.on('error', (e) => finish(undefined, e.message));
				},
			);
			request.on('timeout', () => request.destroy(new Error(`The HTTP request did not complete within ${this.config.timeoutMs} ms`)));
			request.on('error', (e) => finish(undefined, `The HTTP request failed: ${e.message}`));
			request.end(body);
		});
	}
}
