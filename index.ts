// Public entry point: the throttled Airtable client, usable outside n8n.
export * from './nodes/client/types';
export { AirtableClient, BaseHandle } from './nodes/client/AirtableClient';
export { TableHandle } from './nodes/client/records';
export {
	WebhooksHandle,
	verifyWebhookMac,
	MAX_PAYLOADS_PER_PAGE,
	type CreateWebhookOptions,
	type DrainOptions,
	type PayloadsOptions,
} from './nodes/client/webhooks';
export {
	AirtableError,
	AirtableAuthError,
	AirtablePermissionError,
	AirtableNotFoundError,
	AirtableValidationError,
	AirtableInputError,
	AirtableIteratorExpiredError,
	AirtableRateLimitError,
	AirtableQuotaError,
	AirtableServerError,
	AirtableNetworkError,
	AirtableNotSentError,
	AirtableUnknownOutcomeError,
	AirtableUnavailableError,
	AirtableTimeBudgetError,
	isAirtableError,
	isRetryable,
	errorKind,
	parseErrorBody,
	type AirtableErrorKind,
	type AirtableErrorDetails,
	type ErrorContext,
	type LandedResult,
} from './nodes/client/errors';
export {
	escapeFormulaString,
	formulaValue,
	formulaDate,
	fieldRef,
	condition,
	and,
	or,
	not,
	equalsIgnoringCase,
	textsInSet,
	recordIdNotIn,
	CONDITION_OPERATORS,
	type ConditionOperator,
} from './nodes/client/formula';
export {
	SyncDeletionLimitError,
	type SyncOptions,
	type SyncResult,
	type SyncRowResult,
	type SyncRowStatus,
	type DuplicateKeyPolicy,
} from './nodes/client/sync';
export type { KeyType, KeyTypes } from './nodes/client/keyMatch';
export { BaseSchema, READ_ONLY_FIELD_TYPES, isWritableField } from './nodes/client/schema';
export {
	createFetchExecutor,
	TransportError,
	isTransportError,
	RequestNotSentError,
	isRequestNotSentError,
	DEFAULT_BASE_URL,
	type FetchExecutorOptions,
} from './nodes/client/http';
export { DEFAULT_LIMITS } from './nodes/client/throttle';
export { systemClock, type Clock } from './nodes/client/clock';
export type { BreakerState } from './nodes/client/breaker';
export type { SharedLimitStore, SharedWindow, SharedDecision } from './nodes/client/sharedLimits';
export type { Slot } from './nodes/client/throttle';
export { MAX_RECORDS_PER_REQUEST } from './nodes/client/batch';
export { MAX_PAGE_SIZE } from './nodes/client/list';
export {
	metricsText,
	recordWebhookEvent,
	recordCircuitBreakerState,
	type WebhookEvent,
	type WebhookEventType,
	type CircuitBreakerState,
} from './nodes/client/metrics';
export type { AirtableRequestEvent, AirtableRateLimitHoldEvent } from './nodes/client/callObserver';
export {
	AirtableReplayMismatchError,
	AirtableReplayExhaustedError,
	type SimulationOptions,
} from './nodes/client/simulation';
export type { Cassette, Interaction, RecordedRequest, RecordedOutcome } from './nodes/client/cassette';
export {
	MAX_UPLOAD_BYTES,
	AirtableAttachmentError,
	attachmentsIn,
	isAttachmentCell,
	type AttachmentCell,
	type UploadInput,
	type UploadedAttachment,
	type DownloadOptions,
	type DownloadedAttachment,
} from './nodes/client/attachments';
export { rootForHost, type ApiHost } from './nodes/client/contentHost';
