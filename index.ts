// Public entry point: the throttled Airtable client, usable outside n8n.
export * from './nodes/client/types';
export { AirtableClient, BaseHandle } from './nodes/client/AirtableClient';
export { TableHandle } from './nodes/client/records/records';
export {
	WebhooksHandle,
	verifyWebhookMac,
	MAX_PAYLOADS_PER_PAGE,
	type CreateWebhookOptions,
	type DrainOptions,
	type PayloadsOptions,
} from './nodes/client/webhooks/webhooks';
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
} from './nodes/client/records/formula';
export {
	SyncDeletionLimitError,
	type SyncOptions,
	type SyncResult,
	type SyncRowResult,
	type SyncRowStatus,
	type DuplicateKeyPolicy,
} from './nodes/client/sync/sync';
export type { KeyType, KeyTypes } from './nodes/client/sync/keyMatch';
export { BaseSchema, READ_ONLY_FIELD_TYPES, isWritableField } from './nodes/client/schema/schema';
export { FIELD_TYPES, fieldTypeInfo, type FieldTypeInfo } from './nodes/client/schema/fieldTypes';
export { SCHEMA_WRITE_SCOPE, type FieldSpec, type FieldUpdate, type TableSpec } from './nodes/client/schema/schemaWrites';
export { describeTable, type DescribedField, type DescribedTable } from './nodes/client/schema/describe';
export { RecordCommentsHandle, mention, MAX_COMMENTS_PAGE_SIZE } from './nodes/client/comments/comments';
export { AirtableScopeError } from './nodes/client/scopes';
export {
	createFetchExecutor,
	TransportError,
	isTransportError,
	RequestNotSentError,
	isRequestNotSentError,
	DEFAULT_BASE_URL,
	type FetchExecutorOptions,
} from './nodes/client/transport/http';
export { DEFAULT_LIMITS } from './nodes/client/transport/throttle';
export { systemClock, type Clock } from './nodes/client/clock';
export type { BreakerState } from './nodes/client/transport/breaker';
export type { SharedLimitStore, SharedWindow, SharedDecision } from './nodes/client/transport/sharedLimits';
export type { Slot } from './nodes/client/transport/sharedLimits';
export { MAX_RECORDS_PER_REQUEST } from './nodes/client/records/batch';
export { MAX_PAGE_SIZE } from './nodes/client/records/list';
export {
	metricsText,
	recordWebhookEvent,
	recordCircuitBreakerState,
	type WebhookEvent,
	type WebhookEventType,
	type CircuitBreakerState,
} from './nodes/client/observability/metrics';
export type { AirtableRequestEvent, AirtableRateLimitHoldEvent } from './nodes/client/observability/callObserver';
export {
	AirtableReplayMismatchError,
	AirtableReplayExhaustedError,
	type SimulationOptions,
} from './nodes/client/simulation/simulation';
export type { Cassette, Interaction, RecordedRequest, RecordedOutcome } from './nodes/client/simulation/cassette';
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
} from './nodes/client/attachments/attachments';
export { rootForHost, type ApiHost } from './nodes/client/transport/contentHost';
