/**
 * Public types of the Airtable client. This file is the contract between the client, the
 * n8n nodes, the emulator tests and the benchmarks: names may be added, not renamed.
 * Pure TypeScript: nothing in nodes/client/ imports n8n.
 */

import type { BreakerState } from './breaker';
import type { Clock } from './clock';
import type { SharedLimitStore } from './sharedLimits';
import type { SimulationOptions } from './simulation';

/** Cell values as the REST API reads and writes them ("V1" cell format). */
export type FieldValue = unknown;
export type Fields = Record<string, FieldValue>;

export interface AirtableRecord {
	id: string;
	createdTime: string;
	fields: Fields;
	commentCount?: number;
}

export interface DeletedRecord {
	id: string;
	deleted: boolean;
	/**
	 * The record was already gone when a delete re-sent after a lost answer arrived: most likely
	 * the first attempt deleted it. Counted as deleted.
	 */
	alreadyGone?: boolean;
}

/* ------------------------------------------------------------------ transport */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpRequest {
	method: HttpMethod;
	/** Path plus query string, always starting with `/v0/`, e.g. `/v0/appX/tblY?pageSize=100`. */
	path: string;
	/** JSON body; the executor serializes it and sets `Content-Type: application/json`. */
	body?: unknown;
	/** Per-request timeout; the executor aborts after it and throws a TransportError. */
	timeoutMs?: number;
	/**
	 * Call this the moment the request really leaves (after any authentication or queueing
	 * work of the executor's own): the rate limiter counts the request's window from then.
	 */
	onDispatch?: () => void;
	/** 'content' = Airtable's upload host; see contentHost.ts for how executors map it. Default 'api'. */
	host?: 'api' | 'content';
}

/** A file download (an attachment URL): absolute URL, sent without credentials. */
export interface FileRequest {
	url: string;
	timeoutMs?: number;
	/** Read at most this many bytes + 1, so a larger file is detected without holding all of it. */
	maxBytes?: number;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string>;
	/** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
	body: unknown;
}

/**
 * Sends one request and returns whatever status came back. It throws only when no HTTP
 * response arrived (see TransportError in http.ts) or, with RequestNotSentError, when it
 * refused before sending (credential, URL, host rules); never for a 4xx/5xx status.
 * Authentication and the API base URL are the executor's job.
 */
export interface HttpExecutor {
	send(request: HttpRequest): Promise<HttpResponse>;
	/**
	 * True when `send` calls `request.onDispatch` for every request that leaves. Then a
	 * request settled without that call is counted from its answer (the latest it can have
	 * left); otherwise from the moment it was handed to `send`.
	 */
	readonly signalsDispatch?: boolean;
	/**
	 * Optional: fetch a file URL without credentials; a 2xx body is a Buffer. Same error contract
	 * as `send`. Executors without it get plain fetch (see fileDownload.ts).
	 */
	download?(request: FileRequest): Promise<HttpResponse>;
	/**
	 * Optional: where the requests go (e.g. the API root URL). Circuit breakers are kept per
	 * route and base, so a base that fails through one route (a proxy, a local emulator) is not
	 * failed fast through another. Without it, one breaker per base.
	 */
	readonly route?: string;
}

/* ------------------------------------------------------------------ throttling */

export interface RateWindow {
	/** At most this many requests may start inside any window of `perMs` milliseconds. */
	requests: number;
	perMs: number;
}

export interface ClientLimits {
	/** Default 5 per 1000 ms (Airtable's per-base limit). */
	perBase: RateWindow;
	/** Default 50 per 1000 ms (Airtable's per-token limit). */
	perToken: RateWindow;
	/** Extra wait added to each window for network jitter. Default 40 ms. */
	windowMarginMs: number;
	/** How long a base is held after a RATE_LIMIT_REACHED 429. Default 30000 ms (+ up to 10 % jitter). */
	rateLimitHoldMs: number;
	/** How often one request may meet a RATE_LIMIT_REACHED 429 before failing. Default 3. */
	maxRateLimitRetries: number;
	/** Retries for 5xx, resets and timeouts on requests safe to repeat. Default 4. */
	maxRetries: number;
	/** First backoff delay for 5xx/transport retries; doubles each time, full jitter. Default 500 ms. */
	retryBaseDelayMs: number;
	/** Cap for a single backoff delay. Default 15000 ms. */
	retryMaxDelayMs: number;
	/** Per-request timeout (never longer than what is left of the budget). Default 60000 ms. */
	requestTimeoutMs: number;
	/**
	 * Time budget of one call, across its retries, 429 holds, backoff and Retry-After waits.
	 * A wait that would pass it fails at once with AirtableTimeBudgetError. Default 120000 ms.
	 */
	budgetMs: number;
	/** Consecutive 5xx or network failures on a base that open its circuit breaker. Default 5. */
	breakerThreshold: number;
	/** How long an open breaker fails calls fast before letting one probe through. Default 30000 ms. */
	breakerCooldownMs: number;
}

export interface AirtableClientOptions {
	/** Personal access token or OAuth access token; required unless `executor` is given. */
	token?: string;
	/** API root, default `https://api.airtable.com`. Used by the default executor only. */
	baseUrl?: string;
	/** Transport; default: the fetch-based executor with `token` and `baseUrl`. */
	executor?: HttpExecutor;
	/**
	 * Identifies whose per-token limit the requests count against when `executor` is given
	 * (e.g. the credential's token or id). Only its SHA-256 hash is kept. Defaults to `token`.
	 */
	identity?: string;
	limits?: Partial<ClientLimits>;
	/** How long a base schema stays cached (process-wide). Default 60000 ms. */
	schemaTtlMs?: number;
	/**
	 * Share the rate limits, the hold after a 429 and the circuit breakers with other
	 * processes (e.g. n8n queue-mode workers) through this store. Off (each process limits
	 * itself in memory) unless given. The n8n nodes pass a Redis store when n8n runs in queue
	 * mode or the package's Redis settings are set.
	 */
	sharedLimits?: SharedLimitStore;
	/**
	 * Where the client reports trouble it works around (default: process.emitWarning), and,
	 * when it has `debug`/`info`, structured events: one `airtable.request` per call (debug) and
	 * one `airtable.rate_limit_hold` per 429 (info), each a JSON-friendly object as the second
	 * argument. n8n's logger fits as it is.
	 */
	logger?: ClientLogger;
	/**
	 * Record every exchange to a cassette, or replay one offline (see simulation.ts and the
	 * README's "Record and replay"). Off by default.
	 */
	simulation?: SimulationOptions;
	/** Time source for every wait and timestamp of the client; default the system clock. Tests pass a fake one. */
	clock?: Clock;
}

export interface ClientLogger {
	warn(message: string, event?: object): void;
	info?(message: string, event?: object): void;
	debug?(message: string, event?: object): void;
}

export interface ClientStats {
	/** HTTP requests sent (every attempt counts). */
	requests: number;
	/** Attempts that were repeats of an earlier attempt. */
	retries: number;
	/** RATE_LIMIT_REACHED 429 responses met. */
	rateLimited: number;
	/** Milliseconds requests spent queued in the limiters (summed over requests). */
	throttledMs: number;
	/** Circuit breaker state of each base this client called. */
	breakers: Record<string, BreakerState>;
}

/* ------------------------------------------------------------------ records */

export interface WriteOptions {
	typecast?: boolean;
	returnFieldsByFieldId?: boolean;
}

export interface UpdateOptions extends WriteOptions {
	/** PUT instead of PATCH: fields not sent are cleared. */
	replace?: boolean;
}

export interface UpsertOptions extends UpdateOptions {
	/** 1 to 3 field names or ids forming the external key. */
	fieldsToMergeOn: string[];
}

export interface RecordUpdate {
	id: string;
	fields: Fields;
}

export interface UpsertResult {
	/** One record per input record, in input order. */
	records: AirtableRecord[];
	createdRecords: string[];
	updatedRecords: string[];
	/**
	 * Records Airtable reported as updated in its answer to a re-send after a lost answer: the
	 * lost attempt may have created them. Empty unless an answer was lost.
	 */
	createdOrUpdatedRecords: string[];
}

/**
 * Per-item outcome of a "settled" write: a chunk rejected with a validation error is split
 * until the bad items are isolated, so good items still land and each bad one gets its own error.
 */
export type SettledResult<T> =
	| { ok: true; index: number; value: T }
	| { ok: false; index: number; error: Error };

export interface UpsertSettledValue {
	record: AirtableRecord;
	/**
	 * true = created, false = updated, null = cannot tell: Airtable answered a re-send (the first
	 * attempt's answer was lost) with "updated", and the lost attempt may have created it.
	 */
	created: boolean | null;
}

export interface GetOptions {
	cellFormat?: 'json' | 'string';
	timeZone?: string;
	userLocale?: string;
	returnFieldsByFieldId?: boolean;
}

export interface SortSpec {
	field: string;
	direction?: 'asc' | 'desc';
}

export interface ListOptions extends GetOptions {
	filterByFormula?: string;
	sort?: SortSpec[];
	fields?: string[];
	view?: string;
	/** 1..100, default 100. */
	pageSize?: number;
	maxRecords?: number;
	recordMetadata?: Array<'commentCount'>;
}

export interface RecordPage {
	records: AirtableRecord[];
	/** 0-based index of this page in the listing. */
	pageIndex: number;
}

/** Returned by `table.list()`: iterate records with `for await`, or use `all()` / `pages()`. */
export interface RecordQuery extends AsyncIterable<AirtableRecord> {
	all(): Promise<AirtableRecord[]>;
	pages(): AsyncIterable<RecordPage>;
}

/* ------------------------------------------------------------------ metadata */

export interface BaseInfo {
	id: string;
	name: string;
	permissionLevel: 'none' | 'read' | 'comment' | 'edit' | 'create' | string;
}

export interface FieldSchema {
	id: string;
	name: string;
	type: string;
	description?: string;
	options?: Record<string, unknown>;
}

export interface ViewSchema {
	id: string;
	name: string;
	type: string;
	visibleFieldIds?: string[];
}

export interface TableSchema {
	id: string;
	name: string;
	description?: string;
	primaryFieldId: string;
	fields: FieldSchema[];
	views: ViewSchema[];
}

export interface WhoAmI {
	id: string;
	email?: string;
	scopes?: string[];
}

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
