import {
	AirtableNetworkError,
	AirtableNotSentError,
	AirtableUnknownOutcomeError,
	errorFromResponse,
	parseErrorBody,
	type AirtableErrorDetails,
} from './errors';
import { CallTracker, retryReason } from './callObserver';
import type { ApiHost } from './contentHost';
import { downloadFile } from './fileDownload';
import { isRequestNotSentError, isTransportError } from './http';
import { answerMayBeLost, decideRetry, type Failure, type RequestSafety } from './retry';
import { sleep, type Throttle } from './throttle';
import type { ClientLimits, ClientLogger, ClientStats, FileRequest, HttpExecutor, HttpMethod } from './types';

/** One logical API call; the runner may send it several times. */
export interface ApiCall {
	method: HttpMethod;
	/** Path plus query, starting with `/v0/`. */
	path: string;
	body?: unknown;
	/** Request kind for errors, e.g. 'create', 'list', 'webhooks.refresh'. */
	operation: string;
	/** Base whose limiter the call counts against; none for /v0/meta/bases and whoami. */
	baseId?: string;
	table?: string;
	safety: RequestSafety;
	/** Input items the call carries, copied into its errors. */
	itemIndexes?: number[];
	/** Checked before each attempt: lets a batch call off requests not sent yet. */
	isCancelled?: () => boolean;
	/** Which Airtable host serves the call (uploads: 'content'). */
	host?: ApiHost;
	/** Set for attachment downloads: fetched from this URL without credentials instead of `path`. */
	file?: FileRequest;
	/**
	 * Told when the call is about to be re-sent after an attempt whose answer was lost, so a
	 * caller can report results of the re-send honestly (an upsert's "updated" may be a record
	 * the lost attempt created).
	 */
	onResendAfterLostAnswer?: () => void;
}

/** Thrown instead of sending when `isCancelled` said so; never leaves the client. */
export class CallCancelled extends Error {
	constructor() {
		super('Request called off because another part of the batch failed');
		this.name = 'CallCancelled';
	}
}

/** Throttle -> send -> classify -> retry or throw an AirtableError; counts into stats. */
export class RequestRunner {
	readonly stats: ClientStats = { requests: 0, retries: 0, rateLimited: 0, throttledMs: 0 };

	constructor(
		private readonly executor: HttpExecutor,
		private readonly throttle: Throttle,
		private readonly limits: ClientLimits,
		/** Removes the token from any text that could end up in an error. */
		private readonly redact: (text: string) => string,
		/** Receives one structured event per call (debug) and per 429 hold (info). */
		private readonly logger?: ClientLogger,
		private readonly now: () => number = Date.now,
	) {}

	/** Sends the call; every attempt, wait and retry is counted into the process's metrics. */
	async call<T>(call: ApiCall): Promise<T> {
		const tracker = new CallTracker(call, this.now, this.logger);
		const outcome = this.send<T>(call, tracker);
		outcome.then(
			() => tracker.succeeded(),
			(error: unknown) => tracker.failed(error, error instanceof CallCancelled),
		);
		return await outcome;
	}

	private async send<T>(call: ApiCall, tracker: CallTracker): Promise<T> {
		const counters = { rateLimited: 0, backoffs: 0 };
		let attempts = 0;
		let afterLostAnswer = false;
		const resending = (failure: Failure) => {
			if (!answerMayBeLost(failure) || afterLostAnswer) return;
			afterLostAnswer = true;
			call.onResendAfterLostAnswer?.();
		};
		for (;;) {
			const passage = await this.throttle.pass(call.baseId);
			this.stats.throttledMs += passage.waitedMs;
			tracker.waited(passage.waitedMs);
			if (call.isCancelled?.()) {
				passage.cancel();
				throw new CallCancelled();
			}
			passage.start();
			this.stats.requests++;
			if (attempts > 0) this.stats.retries++;
			attempts++;

			const sentAt = this.now();
			const request = call.file
				? downloadFile(this.executor, { timeoutMs: this.limits.requestTimeoutMs, ...call.file })
				: this.executor.send({
						method: call.method,
						path: call.path,
						body: call.body,
						timeoutMs: this.limits.requestTimeoutMs,
						...(call.host ? { host: call.host } : {}),
					});
			const sent = await request.then(
					(response) => ({ response }),
					(error: unknown) => ({ error }),
				);
			if ('error' in sent) {
				if (isRequestNotSentError(sent.error)) {
					throw new AirtableNotSentError(
						sent.error.kind,
						{ ...this.details(call, attempts, afterLostAnswer), code: sent.error.code },
						this.redact(sent.error.message),
					);
				}
				// The executor contract: only TransportErrors besides; anything else is not ours to classify.
				if (!isTransportError(sent.error)) throw sent.error;
				tracker.attempted({ code: sent.error.code }, this.now() - sentAt);
				const decision = decideRetry({ transport: sent.error }, call.safety, counters, this.limits);
				if (decision.action === 'retry') {
					resending({ transport: sent.error });
					counters.backoffs++;
					tracker.retrying('network');
					await sleep(decision.delayMs);
					continue;
				}
				const details: AirtableErrorDetails = { ...this.details(call, attempts, afterLostAnswer), code: sent.error.code };
				const reason = this.redact(sent.error.message);
				throw decision.action === 'fail' && decision.unknownOutcome
					? new AirtableUnknownOutcomeError(details, reason)
					: new AirtableNetworkError(details, reason);
			}
			const { response } = sent;
			tracker.attempted({ status: response.status }, this.now() - sentAt);
			if (response.status >= 200 && response.status < 300) return response.body as T;

			const body = this.redactBody(response.body);
			const parsed = parseErrorBody(body);
			if (response.status === 429 && parsed.type !== 'PUBLIC_API_BILLING_LIMIT_EXCEEDED') {
				this.stats.rateLimited++;
				this.throttle.holdAfterRateLimit(call.baseId);
				tracker.rateLimitHold(this.limits.rateLimitHoldMs);
			}
			const failure: Failure = {
				status: response.status,
				type: parsed.type,
				retryAfter: headerValue(response.headers, 'retry-after'),
			};
			const decision = decideRetry(failure, call.safety, counters, this.limits);
			if (decision.action === 'retry-after-hold') {
				counters.rateLimited++;
				tracker.retrying('rate_limit');
				continue;
			}
			if (decision.action === 'retry') {
				resending(failure);
				counters.backoffs++;
				tracker.retrying(retryReason(response.status));
				await sleep(decision.delayMs);
				continue;
			}
			const details = this.details(call, attempts, afterLostAnswer);
			if (decision.unknownOutcome) {
				throw new AirtableUnknownOutcomeError(
					{ ...details, status: response.status, type: parsed.type, airtableMessage: parsed.message },
					`HTTP ${response.status}`,
				);
			}
			throw errorFromResponse(response.status, body, details);
		}
	}

	private details(call: ApiCall, attempts: number, afterLostAnswer: boolean): AirtableErrorDetails {
		return {
			afterLostAnswer,
			operation: call.operation,
			baseId: call.baseId,
			table: call.table,
			itemIndexes: call.itemIndexes,
			retries: attempts - 1,
		};
	}

	private redactBody(body: unknown): unknown {
		if (typeof body === 'string') return this.redact(body);
		if (body === undefined || body === null || typeof body !== 'object') return body;
		const text = JSON.stringify(body);
		const clean = this.redact(text);
		return clean === text ? body : (JSON.parse(clean) as unknown);
	}
}

/** Executors other than ours may keep the server's header casing. */
function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
	return key === undefined ? undefined : String(headers[key]);
}
