/**
 * The HTTP transport below the client: the default fetch executor, and transport errors that tell
 * whether a request was sent.
 */

import { rootForHost } from './contentHost';
import type { HttpExecutor, HttpRequest, HttpResponse } from './types';

export const DEFAULT_BASE_URL = 'https://api.airtable.com';
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * No HTTP response arrived. `requestSent` tells whether the request may have reached
 * Airtable: false only when the connection was never established (refused, DNS, no route),
 * so the request is certainly safe to send again.
 */
export class TransportError extends Error {
	readonly code: string;
	readonly requestSent: boolean;

	constructor(code: string, requestSent: boolean, message: string) {
		super(message);
		this.name = 'TransportError';
		this.code = code;
		this.requestSent = requestSent;
	}
}

/** Codes that mean the TCP/TLS connection never came up, so nothing reached the server. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'EADDRNOTAVAIL',
	'UND_ERR_CONNECT_TIMEOUT',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Codes that mean the request (or part of it) went out and the answer never came back. */
const ANSWER_LOST_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EPROTO',
	'UND_ERR_SOCKET',
	'UND_ERR_CLOSED',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
	'ERR_STREAM_PREMATURE_CLOSE',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/**
 * The executor gave up before anything was sent, for a reason that sending again cannot fix:
 * a credential that could not be refreshed, an invalid URL, a host sandbox or proxy rule.
 * The runner neither retries it nor reports an unknown outcome, and keeps its message.
 */
export class RequestNotSentError extends Error {
	constructor(
		message: string,
		/** What the caller has to fix: the credential, or the setup (URL, host rules). */
		readonly kind: 'credential-invalid' | 'configuration-invalid' = 'configuration-invalid',
		readonly code?: string,
	) {
		super(message);
		this.name = 'RequestNotSentError';
	}
}

export function isRequestNotSentError(error: unknown): error is RequestNotSentError {
	return error instanceof RequestNotSentError;
}

/** A TransportError for a failure with this code; whether the request left this machine follows from the code. */
export function transportErrorFor(code: string, message: string): TransportError {
	return new TransportError(code, !NOT_SENT_CODES.has(code), message);
}

/**
 * What a transport's thrown error means: a network failure (with or without the request sent)
 * or a local refusal. Only known network codes count as network failures; anything else
 * (no code, ERR_INVALID_URL, a credential or sandbox error) was thrown before sending.
 */
export function classifyThrown(
	error: unknown,
	describe: (code: string | undefined, network: boolean) => string,
): TransportError | RequestNotSentError {
	const code = findErrorCode(error);
	if (code && (NOT_SENT_CODES.has(code) || ANSWER_LOST_CODES.has(code))) return transportErrorFor(code, describe(code, true));
	return new RequestNotSentError(describe(code, false), localFailureKind(error), code);
}

/**
 * A refresh that failed or a missing/disconnected credential asks the user to fix the credential.
 * Hosts may say so in `failure.cause` (n8n does for a credential that needs reconnecting).
 */
function localFailureKind(error: unknown): RequestNotSentError['kind'] {
	const { name, message, failure } = (error ?? {}) as { name?: unknown; message?: unknown; failure?: { cause?: unknown } };
	if (failure?.cause === 'credential-invalid') return 'credential-invalid';
	const text = `${String(name)} ${String(message)}`;
	return /credential|oauth|access token|refresh|reconnect/i.test(text) ? 'credential-invalid' : 'configuration-invalid';
}

export function isTransportError(error: unknown): error is TransportError {
	return error instanceof TransportError;
}

export interface FetchExecutorOptions {
	token: string;
	baseUrl?: string;
	/** Default timeout when a request does not carry its own. */
	timeoutMs?: number;
}

/** The default transport outside n8n: global fetch with a Bearer token. */
export function createFetchExecutor(options: FetchExecutorOptions): HttpExecutor {
	const { token } = options;
	const root = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
	const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

	return {
		route: root,
		async send(request: HttpRequest): Promise<HttpResponse> {
			const timeoutMs = request.timeoutMs ?? defaultTimeout;
			// fetch's own timeout: no timer of ours to clear, nothing left behind once it is answered.
			const signal = AbortSignal.timeout(timeoutMs);
			const headers: Record<string, string> = {
				Authorization: `Bearer ${token}`,
				Accept: 'application/json',
			};
			let body: string | undefined;
			if (request.body !== undefined) {
				headers['Content-Type'] = 'application/json';
				body = JSON.stringify(request.body);
			}
			try {
				const response = await fetch(rootForHost(root, request.host) + request.path, {
					method: request.method,
					headers,
					body,
					signal,
				});
				const text = await response.text();
				return {
					status: response.status,
					headers: headersToRecord(response.headers),
					body: parseLenient(text),
				};
			} catch (error) {
				throw toTransportError(error, signal.aborted, timeoutMs, token);
			}
		},
	};
}

/** Empty bodies are fine (several endpoints answer 200 with nothing); non-JSON stays text. */
export function parseLenient(text: string): unknown {
	if (!text.trim()) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

function headersToRecord(headers: Headers): Record<string, string> {
	const record: Record<string, string> = {};
	headers.forEach((value, key) => {
		record[key.toLowerCase()] = value;
	});
	return record;
}

/**
 * fetch wraps socket errors as `TypeError: fetch failed` with the code on `cause` (sometimes
 * one level deeper, or on an AggregateError's members); mocks may throw the coded error itself.
 */
export function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const candidate = current as { code?: unknown; cause?: unknown; errors?: unknown };
		if (typeof candidate.code === 'string') return candidate.code;
		current =
			candidate.cause ?? (Array.isArray(candidate.errors) ? (candidate.errors[0] as unknown) : undefined);
	}
	return undefined;
}

function toTransportError(
	error: unknown,
	timedOut: boolean,
	timeoutMs: number,
	token: string,
): TransportError | RequestNotSentError {
	if (timedOut) {
		return new TransportError('ETIMEDOUT', true, `No response from Airtable within ${timeoutMs} ms`);
	}
	// Errors of another realm (test sandboxes, workers) fail `instanceof Error`; read the message itself.
	const message = (error as { message?: unknown } | null)?.message;
	const detail = typeof message === 'string' ? message : String(error);
	// The token lives only in the Authorization header, but scrub it in case a proxy or
	// library ever echoes request details into an error text.
	const safeDetail = token ? detail.split(token).join('[token]') : detail;
	return classifyThrown(error, (code, network) => (network ? `Network error ${code}: ${safeDetail}` : safeDetail));
}
