/**
 * The emulator's own webhook shapes. Written apart from the client's (nodes/client/webhooks/
 * types.ts) on purpose: an independent stand-in checks the client instead of agreeing with it.
 */
/** Webhook specification as clients send it (ids only, never names). */
export interface WebhookSpec {
	options: {
		filters: {
			dataTypes: string[];
			recordChangeScope?: string;
			changeTypes?: string[];
			fromSources?: string[];
			sourceOptions?: Record<string, unknown>;
			watchDataInFieldIds?: string[];
			watchSchemasOfFieldIds?: string[];
		};
		includes?: {
			includeCellValuesInFieldIds?: string[] | 'all';
			includePreviousCellValues?: boolean;
			includePreviousFieldDefinitions?: boolean;
		};
	};
}

export interface NotificationResult {
	success: boolean;
	completionTimestamp: string;
	durationMs: number;
	retryNumber: number;
	willBeRetried?: boolean;
	error?: { message: string };
}

export interface StoredPayload {
	number: number;
	createdAt: number;
	payload: Record<string, unknown>;
}

export interface Webhook {
	id: string;
	baseId: string;
	macSecret: Buffer;
	notificationUrl: string | null;
	specification: WebhookSpec;
	createdAt: number;
	expirationTime: number;
	/** OAuth integration that created it; such integrations only see their own webhooks. */
	ownerClientId?: string;
	/** Set once an error payload was emitted; the hook never recovers (recreate it). */
	errorCode?: string;
	areNotificationsEnabled: boolean;
	payloads: StoredPayload[];
	cursorForNextPayload: number;
	lastNotificationResult: NotificationResult | null;
	lastSuccessfulNotificationTime: string | null;
	/** Consecutive failed ping attempts. */
	failures: number;
}

/** One ping the emulator sent (or tried to), for the admin API. */
export interface PingRecord {
	seq: number;
	webhookId: string;
	baseId: string;
	url: string;
	body: string;
	mac: string;
	retryNumber: number;
	forged: boolean;
	duplicate: boolean;
	sentAt: string;
	status?: number;
	error?: string;
	success: boolean;
	durationMs: number;
}
