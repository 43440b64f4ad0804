/**
 * The one error family of the client. Every failure a caller can see is an AirtableError
 * with a `kind` that says what to do about it, so n8n code can map errors to failure causes
 * without parsing messages.
 */

/**
 * What a failure means for the caller:
 * - rate-limited: Airtable's 5 req/s (per base) or 50 req/s (per token) cap, still hit after retries
 * - quota-exhausted: the workspace's monthly API call quota is used up
 * - temporarily-unavailable: outage, timeout, connection problem, expired list iterator; trying later helps
 * - credential-invalid: the token is missing, wrong, expired or revoked
 * - configuration-invalid: no access to / no such base, table, record or webhook
 * - invalid-input: Airtable (or the client, before sending) rejected the data or options
 * - unknown-outcome: a create may or may not have happened; it was not re-sent
 * - conflict: the record changed in Airtable since the caller read it; the write was held back
 *   (conflicts/guardedUpdate.ts)
 */
export type AirtableErrorKind =
	| 'rate-limited'
	| 'quota-exhausted'
	| 'temporarily-unavailable'
	| 'credential-invalid'
	| 'configuration-invalid'
	| 'invalid-input'
	| 'unknown-outcome'
	| 'conflict';

/** Where a failure happened; every field is optional because not every call has them. */
export interface ErrorContext {
	/** Request kind, e.g. 'create', 'list', 'webhooks.create', 'meta.bases'. */
	operation?: string;
	baseId?: string;
	table?: string;
	/** Indexes (into the caller's input array) of the items the failed request carried. */
	itemIndexes?: number[];
	/** How many times the request was repeated before this error. */
	retries?: number;
}

export interface AirtableErrorDetails extends ErrorContext {
	/** HTTP status, or undefined when no response arrived or the client refused before sending. */
	status?: number;
	/** Airtable's error type, e.g. 'INVALID_VALUE_FOR_COLUMN'. */
	type?: string;
	/** Airtable's own message, as sent. */
	airtableMessage?: string;
	/** Field named by the error, when Airtable's message names one. */
	field?: string;
	/** Transport error code such as 'ECONNRESET' (network errors only). */
	code?: string;
	/**
	 * An earlier attempt of this call reached (or may have reached) Airtable and its answer was
	 * lost (dropped connection, timeout, 502/504); this error is the answer to a re-send. A 404
	 * on a re-sent delete then most likely means the first attempt deleted the record.
	 */
	afterLostAnswer?: boolean;
	/**
	 * Results of the chunks of this call that Airtable did apply before the call failed
	 * (non-settled create/update/upsert/delete), so a caller can record them instead of
	 * writing them a second time.
	 */
	landed?: LandedResult[];
}

/** One input item of a failed call that was written anyway: its index and what Airtable returned. */
export interface LandedResult<T = unknown> {
	index: number;
	value: T;
}

export class AirtableError extends Error {
	readonly kind: AirtableErrorKind;
	readonly status?: number;
	readonly type?: string;
	readonly airtableMessage?: string;
	readonly baseId?: string;
	readonly table?: string;
	readonly operation?: string;
	readonly retries: number;
	/** Indexes of the caller's input items this error belongs to. */
	readonly itemIndexes?: number[];
	readonly field?: string;
	readonly code?: string;
	/** See AirtableErrorDetails.afterLostAnswer. */
	readonly afterLostAnswer: boolean;
	/** See AirtableErrorDetails.landed; undefined when nothing of the call was written. */
	readonly landed?: LandedResult[];

	/** What the message was built from, so the error can be re-attributed without parsing text. */
	private readonly origin!: { summary: string; details: AirtableErrorDetails };

	constructor(kind: AirtableErrorKind, summary: string, details: AirtableErrorDetails = {}) {
		super(composeMessage(summary, details));
		Object.defineProperty(this, 'origin', { value: { summary, details }, enumerable: false });
		this.name = new.target.name;
		this.kind = kind;
		this.status = details.status;
		this.type = details.type;
		this.airtableMessage = details.airtableMessage;
		this.baseId = details.baseId;
		this.table = details.table;
		this.operation = details.operation;
		this.retries = details.retries ?? 0;
		this.itemIndexes = details.itemIndexes;
		this.field = details.field ?? fieldNamedIn(details.airtableMessage);
		this.code = details.code;
		this.afterLostAnswer = details.afterLostAnswer ?? false;
		this.landed = details.landed;
	}

	/**
	 * The same error attributed to other items: bisection narrows a chunk's error to one record,
	 * and callers that pre-filtered their input map it back to their own item numbers.
	 * `inMessage: false` keeps the indexes on the error but out of the message, for callers
	 * that name the item themselves.
	 */
	withItemIndexes(itemIndexes: number[], options: { inMessage?: boolean } = {}): this {
		return this.withDetails({ itemIndexes }, options.inMessage === false ? { itemIndexes: undefined } : {});
	}

	/** The same error carrying the results that landed before it (see AirtableErrorDetails.landed). */
	withLanded(landed: LandedResult[]): this {
		return landed.length ? this.withDetails({ landed }) : this;
	}

	/** A copy with some details changed; `shown` overrides what the message is built from. */
	private withDetails(patch: Partial<AirtableErrorDetails>, shown: Partial<AirtableErrorDetails> = {}): this {
		const details = { ...this.origin.details, ...patch };
		const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
		Object.assign(copy, this, patch);
		Object.defineProperty(copy, 'origin', { value: { summary: this.origin.summary, details }, enumerable: false });
		const message = composeMessage(this.origin.summary, { ...details, ...shown });
		Object.defineProperty(copy, 'message', { value: message, enumerable: false, writable: true, configurable: true });
		Object.defineProperty(copy, 'stack', {
			value: `${this.name}: ${message}\n${(this.stack ?? '').split('\n').slice(1).join('\n')}`,
			enumerable: false,
			writable: true,
			configurable: true,
		});
		return copy;
	}

	toJSON(): Record<string, unknown> {
		return {
			name: this.name,
			message: this.message,
			kind: this.kind,
			status: this.status,
			type: this.type,
			airtableMessage: this.airtableMessage,
			baseId: this.baseId,
			table: this.table,
			operation: this.operation,
			retries: this.retries,
			itemIndexes: this.itemIndexes,
			field: this.field,
			code: this.code,
			afterLostAnswer: this.afterLostAnswer,
			landed: this.landed?.map((result) => result.index),
		};
	}
}

export class AirtableAuthError extends AirtableError {
	constructor(details: AirtableErrorDetails) {
		super(
			'credential-invalid',
			'Airtable did not accept the access token (401): it is missing, wrong, expired or revoked. ' +
				'Check the credential, or reconnect it for OAuth2',
			details,
		);
	}
}

export class AirtablePermissionError extends AirtableError {
	constructor(details: AirtableErrorDetails) {
		super(
			'configuration-invalid',
			details.type === 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND'
				? 'No access to this base/table, or no such base/table (403) — check the id and the ' +
						"token's scopes and base access"
				: "Airtable refused the operation (403): the token's scopes or the user's role on this " +
						'base do not allow it',
			details,
		);
	}
}

export class AirtableNotFoundError extends AirtableError {
	constructor(details: AirtableErrorDetails) {
		super(
			'configuration-invalid',
			'Not found (404): the base, table, record or webhook does not exist or was deleted',
			details,
		);
	}
}

export class AirtableValidationError extends AirtableError {
	constructor(details: AirtableErrorDetails, summary?: string) {
		const field = details.field ?? fieldNamedIn(details.airtableMessage);
		const status = details.status ?? 422;
		super(
			'invalid-input',
			summary ??
				(field
					? `Airtable rejected the value or name of field "${field}" (${status})`
					: `Airtable rejected the request as invalid (${status})`),
			{ ...details, field },
		);
	}
}

/**
 * Raised by the client itself before anything is sent (bad options, missing merge fields,
 * duplicate merge keys, unsafe field names in formulas). Same kind as a 422.
 */
export class AirtableInputError extends AirtableValidationError {
	constructor(summary: string, details: AirtableErrorDetails = {}) {
		super(details, summary);
	}
}

export class AirtableIteratorExpiredError extends AirtableError {
	constructor(details: AirtableErrorDetails) {
		super(
			'temporarily-unavailable',
			'The list iterator expired (LIST_RECORDS_ITERATOR_NOT_AVAILABLE): too much time passed ' +
				'between pages or Airtable restarted. The listing must restart from the first page; ' +
				'it was not restarted automatically because records already returned would be repeated',
			details,
		);
	}
}

export class AirtableRateLimitError extends AirtableError {
	constructor(details: AirtableErrorDetails) {
		super(
			'rate-limited',
			"Airtable's rate limit (5 requests/s per base, 50 requests/s per token) was still hit, " +
				'each retry waited out the required pause; other clients may be using the same base or token',
			details,
		);
	}
}

export class AirtableQuotaError extends AirtableError {
	constructor(details: AirtableErrorDetails) {
		super(
			'quota-exhausted',
			"The workspace's monthly API call quota is used up (PUBLIC_API_BILLING_LIMIT_EXCEEDED): Airtable " +
				'refuses API calls to the bases of this workspace. Calls resume next month or after a plan ' +
				'upgrade; retrying now does not help. Upgrade the workspace (Airtable: workspace settings → ' +
				'billing), or wait for the monthly reset and cut the calls other integrations spend on it',
			details,
		);
	}
}

export class AirtableServerError extends AirtableError {
	constructor(details: AirtableErrorDetails) {
		super(
			'temporarily-unavailable',
			`Airtable is unavailable or failed (${details.status ?? '5xx'}); try again later`,
			details,
		);
	}
}

export class AirtableNetworkError extends AirtableError {
	constructor(details: AirtableErrorDetails, reason: string) {
		super('temporarily-unavailable', `Could not reach Airtable (${reason})`, details);
	}
}

/**
 * The request never left this machine: the transport refused before sending (a credential that
 * could not be refreshed, an invalid URL, the host's sandbox or proxy rules). Nothing was written,
 * so this is never an unknown outcome; it is not retried, because the same call fails the same way.
 * The transport's own message is kept (with the token removed).
 */
export class AirtableNotSentError extends AirtableError {
	constructor(kind: 'credential-invalid' | 'configuration-invalid', details: AirtableErrorDetails, reason: string) {
		super(kind, `The request was not sent to Airtable, so nothing was written: ${reason}`, details);
	}
}

export class AirtableUnknownOutcomeError extends AirtableError {
	constructor(details: AirtableErrorDetails, reason: string) {
		const what = details.operation?.startsWith('webhooks') ? 'the webhook' : 'the records';
		super(
			'unknown-outcome',
			`No reliable answer came back after the create request was sent (${reason}): ${what} may ` +
				'or may not have been created. It was not re-sent, to avoid duplicates; check Airtable ' +
				'before running these items again',
			details,
		);
	}
}

export function isAirtableError(error: unknown): error is AirtableError {
	return error instanceof AirtableError;
}

/** True when the same call may succeed later without any change by the user. */
export function isRetryable(error: unknown): boolean {
	return (
		isAirtableError(error) &&
		(error.kind === 'rate-limited' || error.kind === 'temporarily-unavailable')
	);
}

/** The cause kind of any error: AirtableErrors carry one, anything else is unknown. */
export function errorKind(error: unknown): AirtableErrorKind | undefined {
	return isAirtableError(error) ? error.kind : undefined;
}

export interface ParsedErrorBody {
	type?: string;
	message?: string;
}

/**
 * Reads every error envelope Airtable is known to send (test/contract has a real example of each):
 * `{"error":{"type","message"}}` (most 4xx), `{"error":"NOT_FOUND"}` (unknown ids and routes),
 * `{"errors":[{"error","message"}]}` (429 rate limit and monthly quota), and text or HTML from
 * a proxy in front of Airtable (502/504 pages).
 */
export function parseErrorBody(body: unknown): ParsedErrorBody {
	if (typeof body === 'string') return parseErrorText(body);
	if (!body || typeof body !== 'object') return {};
	const { error, errors, message } = body as { error?: unknown; errors?: unknown; message?: unknown };
	if (typeof error === 'string') return { type: error, message: stringOrUndefined(message) };
	if (error && typeof error === 'object') {
		const inner = error as { type?: unknown; message?: unknown };
		return { type: stringOrUndefined(inner.type), message: stringOrUndefined(inner.message) };
	}
	if (Array.isArray(errors) && errors.length > 0) {
		const first = errors[0] as { error?: unknown; type?: unknown; message?: unknown } | null;
		if (first && typeof first === 'object') {
			return {
				type: stringOrUndefined(first.error) ?? stringOrUndefined(first.type),
				message: stringOrUndefined(first.message),
			};
		}
	}
	return {};
}

function stringOrUndefined(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

const MAX_TEXT_MESSAGE = 300;

/** A JSON envelope that arrived as text (wrong content type), or a proxy's HTML/text page. */
function parseErrorText(body: string): ParsedErrorBody {
	const text = body.trim();
	if (!text) return {};
	if (text.startsWith('{')) {
		try {
			return parseErrorBody(JSON.parse(text) as unknown);
		} catch {
			// Not JSON after all: fall through and keep it as text.
		}
	}
	const readable = /^<(!doctype|html|head|body)/i.test(text) ? htmlToText(text) : text;
	return readable ? { message: readable.length > MAX_TEXT_MESSAGE ? `${readable.slice(0, MAX_TEXT_MESSAGE)}…` : readable } : {};
}

/** A gateway's error page says what happened in its title/heading; the markup is noise in an error message. */
function htmlToText(html: string): string {
	const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
	const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
	const chosen = title ?? heading ?? html.replace(/<[^>]*>/g, ' ');
	return chosen.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Maps a non-2xx response to the matching error class. */
export function errorFromResponse(
	status: number,
	body: unknown,
	context: ErrorContext,
): AirtableError {
	const { type, message } = parseErrorBody(body);
	const details: AirtableErrorDetails = { ...context, status, type, airtableMessage: message };
	if (status === 401) return new AirtableAuthError(details);
	if (status === 403) return new AirtablePermissionError(details);
	if (status === 404) return new AirtableNotFoundError(details);
	if (status === 429) {
		return type === 'PUBLIC_API_BILLING_LIMIT_EXCEEDED'
			? new AirtableQuotaError(details)
			: new AirtableRateLimitError(details);
	}
	if (type === 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE') return new AirtableIteratorExpiredError(details);
	if (status >= 500) return new AirtableServerError(details);
	if (status === 413) {
		return new AirtableValidationError(details, 'The request body is too large for Airtable (413)');
	}
	return new AirtableValidationError(details);
}

/**
 * Airtable names the field in several wordings, quoted or not (test/contract lists the sources):
 * `Unknown field name: "X"`, `Field "X" cannot accept the provided value`,
 * `Cannot parse value "false" for field X`, `Field X can not accept value 41.8`,
 * `Could not find a field named X`. Unquoted names run to the end of the sentence.
 */
const FIELD_PATTERNS = [
	/Unknown field names?:\s*"([^"]+)"/i,
	/\bfor field\s+"([^"]+)"/i,
	/\bin field\s+"([^"]+)"/i,
	/\bField\s+"([^"]+)"/i,
	/\bfield named\s+"([^"]+)"/i,
	/\bfor field\s+(.+?)\.?$/i,
	/\bField\s+(.+?)\s+(?:can ?not|cannot) accept\b/i,
	/\bfield named\s+(.+?)\.?$/i,
];

function fieldNamedIn(message: string | undefined): string | undefined {
	if (!message) return undefined;
	for (const pattern of FIELD_PATTERNS) {
		const match = pattern.exec(message.trim());
		if (match) return match[1];
	}
	return undefined;
}

function composeMessage(summary: string, details: AirtableErrorDetails): string {
	const where: string[] = [];
	if (details.operation) where.push(details.operation);
	if (details.baseId) where.push(`base ${details.baseId}`);
	if (details.table) where.push(`table "${details.table}"`);
	let text = summary;
	const airtable = [details.type, details.airtableMessage].filter(Boolean).join(': ');
	if (airtable && !summary.includes(airtable)) text += `. Airtable said: ${airtable}`;
	if (where.length) text += ` (${where.join(', ')})`;
	if (details.retries) text += ` after ${details.retries} ${details.retries === 1 ? 'retry' : 'retries'}`;
	return text + itemsSuffix(details.itemIndexes) + landedSuffix(details.landed);
}

function landedSuffix(landed: LandedResult[] | undefined): string {
	if (!landed?.length) return '';
	const ids = landed
		.map((result) => (result.value as { id?: unknown } | null)?.id ?? (result.value as { record?: { id?: unknown } } | null)?.record?.id)
		.filter((id): id is string => typeof id === 'string');
	const shown = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ', …' : '');
	return (
		`. ${landed.length} ${landed.length === 1 ? 'item was' : 'items were'} written before this failure` +
		`${ids.length ? ` (${shown})` : ''}; they are in error.landed — do not send them again`
	);
}

function itemsSuffix(itemIndexes: number[] | undefined): string {
	if (!itemIndexes?.length) return '';
	const shown = itemIndexes.slice(0, 20).join(', ') + (itemIndexes.length > 20 ? ', …' : '');
	return ` [${itemIndexes.length === 1 ? 'item' : 'items'} ${shown}]`;
}

/** A base's circuit breaker is open: Airtable failed repeatedly, so calls fail fast until `retryAt`. */
export class AirtableUnavailableError extends AirtableError {
	/** Epoch milliseconds from which a call may go through again (as a probe). */
	readonly retryAt: number;

	constructor(details: AirtableErrorDetails, reason: string, retryAt: number, now: number) {
		const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
		super(
			'temporarily-unavailable',
			`Calls to this base are paused because ${reason}. Retry after ${new Date(retryAt).toISOString()} ` +
				`(in ${seconds} s); then one request tests whether Airtable is back`,
			details,
		);
		this.retryAt = retryAt;
	}
}

/** The call's time budget ran out across its retries and waits (or one wait would have passed it). */
export class AirtableTimeBudgetError extends AirtableError {
	constructor(details: AirtableErrorDetails, what: string) {
		super(
			'temporarily-unavailable',
			`${what}. Raise the time budget (node option "Time Budget (Seconds)", ` +
				'or `limits.budgetMs` in the client), send fewer items at once, or run it again later',
			details,
		);
	}
}
