/**
 * What crosses the wire: the HTTP request and answer every executor handles, and the rate
 * windows and limits the transport paces them by. A leaf: imports nothing.
 */

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

