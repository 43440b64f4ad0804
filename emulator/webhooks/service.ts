/**
 * The emulator's webhook engine: webhooks per base, committed changes turned into numbered
 * payloads, expiry, and the pings that announce them.
 */
import { newId, newSecret } from '../ids';
import type { ChangeSet } from '../mutations';
import { CellReader } from '../read';
import type { ChangeListener, EmulatorWorld } from '../world';
import { buildPayload, errorPayload } from './payloads';
import { PingService } from './pings';
import type { Webhook, WebhookSpec } from './types';

/** Holds webhooks, turns committed changes into numbered payloads, and triggers pings. */
export class WebhookService implements ChangeListener {
	readonly hooks = new Map<string, Webhook>();
	readonly pings: PingService;

	constructor(private readonly app: EmulatorWorld) {
		this.pings = new PingService(app.options.pings, app.clock, (id) => this.hooks.get(id));
	}

	isExpired(hook: Webhook): boolean {
		return this.app.clock.now() >= hook.expirationTime;
	}

	isEnabled(hook: Webhook): boolean {
		return !hook.errorCode && !this.isExpired(hook);
	}

	/** Drops expired hooks past their read-only grace period and payloads past retention. */
	purge(): void {
		const now = this.app.clock.now();
		for (const hook of [...this.hooks.values()]) {
			if (now >= hook.expirationTime + this.app.options.webhookLifetimeMs) this.remove(hook.id);
			else hook.payloads = hook.payloads.filter((p) => now - p.createdAt < this.app.options.payloadRetentionMs);
		}
	}

	forBase(baseId: string): Webhook[] {
		this.purge();
		return [...this.hooks.values()].filter((h) => h.baseId === baseId);
	}

	create(baseId: string, notificationUrl: string | null, specification: WebhookSpec, ownerClientId?: string): Webhook {
		const now = this.app.clock.now();
		const hook: Webhook = {
			id: newId('ach'),
			baseId,
			macSecret: newSecret(),
			notificationUrl,
			specification,
			createdAt: now,
			expirationTime: now + this.app.options.webhookLifetimeMs,
			...(ownerClientId ? { ownerClientId } : {}),
			areNotificationsEnabled: true,
			payloads: [],
			cursorForNextPayload: 1,
			lastNotificationResult: null,
			lastSuccessfulNotificationTime: null,
			failures: 0,
		};
		this.hooks.set(hook.id, hook);
		return hook;
	}

	/** Refresh and payload listing push the expiry out again, while the hook is still alive. */
	extend(hook: Webhook): void {
		if (this.isEnabled(hook)) hook.expirationTime = this.app.clock.now() + this.app.options.webhookLifetimeMs;
	}

	remove(id: string): void {
		this.hooks.delete(id);
		this.pings.cancel(id);
	}

	onChange(change: ChangeSet): void {
		const base = this.app.bases.get(change.baseId);
		if (!base) return;
		const reader = new CellReader(base, change.timestamp);
		for (const hook of this.forBase(change.baseId)) {
			if (!this.isEnabled(hook)) continue;
			const error = errorPayload(hook, change);
			if (error) {
				hook.errorCode = String(error.code);
				this.append(hook, error);
				continue;
			}
			const payload = buildPayload(hook, change, base, reader);
			if (payload) this.append(hook, payload);
		}
	}

	private append(hook: Webhook, payload: Record<string, unknown>): void {
		hook.payloads.push({ number: hook.cursorForNextPayload++, createdAt: this.app.clock.now(), payload });
		this.pings.notify(hook);
	}

	/** The webhook object of the list endpoint (the MAC secret is never shown again). */
	describe(hook: Webhook): Record<string, unknown> {
		return {
			id: hook.id,
			areNotificationsEnabled: hook.areNotificationsEnabled,
			cursorForNextPayload: hook.cursorForNextPayload,
			isHookEnabled: this.isEnabled(hook),
			lastSuccessfulNotificationTime: hook.lastSuccessfulNotificationTime,
			notificationUrl: hook.notificationUrl,
			expirationTime: new Date(hook.expirationTime).toISOString(),
			lastNotificationResult: hook.lastNotificationResult,
			specification: structuredClone(hook.specification),
		};
	}
}
