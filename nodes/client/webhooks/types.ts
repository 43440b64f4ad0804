/**
 * Webhook shapes: specifications, the webhook list, notification results and payloads with
 * their per-table changes, as Airtable's webhook API returns them. A leaf.
 */

/* ------------------------------------------------------------------ webhooks */

export type WebhookDataType = 'tableData' | 'tableFields' | 'tableMetadata';
export type WebhookChangeType = 'add' | 'remove' | 'update';

export interface WebhookSpecification {
	options: {
		filters: {
			dataTypes: WebhookDataType[];
			recordChangeScope?: string;
			changeTypes?: WebhookChangeType[];
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

export interface CreatedWebhook {
	id: string;
	macSecretBase64: string;
	expirationTime?: string | null;
}

export interface WebhookNotificationResult {
	success: boolean;
	completionTimestamp?: string;
	durationMs?: number;
	retryNumber?: number;
	willBeRetried?: boolean;
	error?: { message: string };
}

export interface WebhookInfo {
	id: string;
	areNotificationsEnabled: boolean;
	cursorForNextPayload: number;
	isHookEnabled: boolean;
	lastSuccessfulNotificationTime?: string | null;
	notificationUrl?: string | null;
	expirationTime?: string | null;
	lastNotificationResult?: WebhookNotificationResult | null;
	specification: WebhookSpecification;
}

export interface CellValuesByFieldId {
	cellValuesByFieldId?: Record<string, unknown>;
}

export interface WebhookTableChanged {
	changedMetadata?: { current?: Record<string, unknown>; previous?: Record<string, unknown> };
	createdFieldsById?: Record<string, { name?: string; type?: string }>;
	changedFieldsById?: Record<string, { current?: Record<string, unknown>; previous?: Record<string, unknown> }>;
	destroyedFieldIds?: string[];
	createdRecordsById?: Record<string, { createdTime?: string } & CellValuesByFieldId>;
	changedRecordsById?: Record<
		string,
		{ current?: CellValuesByFieldId; previous?: CellValuesByFieldId; unchanged?: CellValuesByFieldId }
	>;
	destroyedRecordIds?: string[];
	changedViewsById?: Record<string, Omit<WebhookTableChanged, 'changedViewsById'>>;
}

export interface WebhookPayload {
	timestamp: string;
	baseTransactionNumber: number;
	payloadFormat: string;
	actionMetadata?: {
		source: string;
		sourceMetadata?: Record<string, unknown> & {
			user?: { id: string; email?: string; permissionLevel?: string; name?: string; profilePicUrl?: string };
		};
	};
	changedTablesById?: Record<string, WebhookTableChanged>;
	createdTablesById?: Record<string, unknown>;
	destroyedTableIds?: string[];
	/** Present on error payloads (spec became invalid). */
	error?: boolean;
	code?: string;
}

export interface PayloadPage {
	cursor: number;
	mightHaveMore: boolean;
	payloads: WebhookPayload[];
}

/** One drained payload together with its own cursor number and the cursor that follows it. */
export interface NumberedPayload {
	payload: WebhookPayload;
	/** The payload's number (request cursor + index). */
	number: number;
	/** The cursor to store once this payload is processed (number + 1). */
	nextCursor: number;
}
