/**
 * The request runner: breaker, throttle, send, classify, then retry or throw, for every API call
 * of a client.
 */

import { BreakerRefusal, breakerFor, type BreakerState, type BreakerTicket } from './breaker';
import { OutOfBudget, TimeBudget } from './budget';
import type { Clock } from '../clock';
import {
	AirtableNetworkError,
	AirtableNotSentError,
	AirtableTimeBudgetError,
	AirtableUnavailableError,
	AirtableUnknownOutcomeError,
	errorFromResponse,
	parseErrorBody,
	type AirtableErrorDetails,
} from '../errors';
import { CallTracker, retryReason } from '../observability/callObserver';
import type { ApiHost } from './contentHost';
import { downloadFile } from './fileDownload';
import { isRequestNotSentError, isTransportError } from './http';
import { answerMayBeLost, decideRetry, type Failure, type RequestSafety } from './retry';
import { SharedBreakerOpen, type Passage, type Throttle } from './throttle';
import type { ClientLimits, FileRequest, HttpExecutor, HttpMethod, HttpResponse } from './types';
import type { ClientLogger, ClientStats } from '../options';

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
	/**
	 * The body is large (an upload): several such bodies sent at once take their time on the
	 * way out, so its rate-limit slot is held one window from the answer, not from an arrival
	 * estimated with the fastest light round trip (which let a 6th upload in within a second).
	 */
	heavyBody?: boolean;
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

/** How far one call got: attempts sent, and whether one of them lost its answer. */
interface Progress {
	attempts: number;
	afterLostAnswer: boolean;
}

/** What one attempt brought back: a response, or the executor's TransportError. */
type Sent = { response: HttpResponse } | { error: unknown };

/** Counters shared by a client and its views (e.g. `withTimeBudget`). */
export type RunnerStats = Omit<ClientStats, 'breakers'>;

/**
 * Breaker -> throttle -> send -> classify -> retry or throw an AirtableError, all inside the
 * call's time budget; counts into stats.
 */
export class RequestRunner {
	constructor(
		private readonly executor: HttpExecutor,
		private readonly throttle: Throttle,
		private readonly limits: ClientLimits,
		private readonly clock: Clock,
		/** Removes the token from any text that could end up in an error. */
		private readonly redact: (text: string) => string,
		/** Receives one structured event per call (debug) and per 429 hold (info). */
		private readonly logger?: ClientLogger,
		readonly stats: RunnerStats = { requests: 0, retries: 0, rateLimited: 0, throttledMs: 0 },
		/** Bases this client called, for the breaker states in stats(). */
		private readonly basesSeen = new Set<string>(),
	) {}

	/** The same runner (limiters, stats) with another time budget per call. */
	withBudget(budgetMs: number): RequestRunner {
		return new RequestRunner(
			this.executor,
			this.throttle,
			{ ...this.limits, budgetMs },
			this.clock,
			this.redact,
			this.logger,
			this.stats,
			this.basesSeen,
		);
	}

	breakerStates(): Record<string, BreakerState> {
		const states: Record<string, BreakerState> = {};
		for (const baseId of this.basesSeen) states[baseId] = this.breaker(baseId).state;
		return states;
	}

	private breaker(baseId: string) {
		return breakerFor(this.executor.route, baseId, this.limits.breakerThreshold, this.limits.breakerCooldownMs, this.clock);
	}

	/** Sends the call; every attempt, wait and retry is counted into the process's metrics. */
	async call<T>(call: ApiCall): Promise<T> {
		const tracker = new CallTracker(call, () => this.clock.now(), this.logger);
		const budget = new TimeBudget(this.clock, this.limits.budgetMs);
		const progress: Progress = { attempts: 0, afterLostAnswer: false };
		const outcome = this.attempts<T>(call, budget, progress, tracker).catch((error: unknown) =>
			Promise.reject(this.explained(error, this.details(call, progress), budget)),
		);
		outcome.then(
			() => tracker.succeeded(),
			(error: unknown) => tracker.failed(error, error instanceof CallCancelled),
		);
		return await outcome;
	}

	/** The client's internal reasons to stop (budget, breaker) as AirtableErrors with the call's details. */
	private explained(error: unknown, details: AirtableErrorDetails, budget: TimeBudget): unknown {
		if (error instanceof OutOfBudget) {
			const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
			return new AirtableTimeBudgetError(
				details,
				`The call ran out of its ${seconds(budget.budgetMs)} time budget after ${seconds(budget.elapsedMs())}: ` +
					`it would have had to wait${error.waitMs > 0 ? ` ${seconds(error.waitMs)} more` : ' longer'} ` +
					`for ${error.waitingFor}`,
			);
		}
		if (error instanceof BreakerRefusal) {
			return new AirtableUnavailableError(details, error.reason, error.retryAt, this.clock.now());
		}
		return error;
	}

	private async attempts<T>(call: ApiCall, budget: TimeBudget, progress: Progress, tracker: CallTracker): Promise<T> {
		const counters = { rateLimited: 0, backoffs: 0 };
		const resending = (failure: Failure) => {
			if (!answerMayBeLost(failure) || progress.afterLostAnswer) return;
			progress.afterLostAnswer = true;
			call.onResendAfterLostAnswer?.();
		};
		if (call.baseId) this.basesSeen.add(call.baseId);
		for (;;) {
			const passage = await this.passThrottle(call.baseId, budget);
			this.stats.throttledMs += passage.waitedMs;
			tracker.waited(passage.waitedMs);
			if (call.isCancelled?.()) {
				passage.cancel();
				throw new CallCancelled();
			}
			let ticket: BreakerTicket | undefined;
			let admitted = false;
			try {
				ticket = call.baseId ? this.breaker(call.baseId).admit() : undefined;
				// The attempt's timeout never runs past the budget; a request needs some time at least.
				budget.check(1, 'an answer from Airtable');
				admitted = true;
			} finally {
				if (!admitted) {
					ticket?.abandoned();
					passage.cancel();
				}
			}
			this.stats.requests++;
			if (progress.attempts > 0) this.stats.retries++;
			progress.attempts++;

			const sentAt = this.clock.now();
			const sent = await this.send(call, passage, Math.min(this.limits.requestTimeoutMs, budget.remainingMs()));
			if ('error' in sent) {
				if (isRequestNotSentError(sent.error)) {
					// A local failure (credential, URL, sandbox): nothing reached Airtable, nothing for the breaker.
					ticket?.abandoned();
					throw new AirtableNotSentError(
						sent.error.kind,
						{ ...this.details(call, progress), code: sent.error.code },
						this.redact(sent.error.message),
					);
				}
				// The executor contract: only TransportErrors besides; anything else is not ours to classify.
				if (!isTransportError(sent.error)) {
					ticket?.abandoned();
					throw sent.error;
				}
				this.reportFailure(call.baseId, ticket, `network error ${sent.error.code}`);
				tracker.attempted({ code: sent.error.code }, this.clock.now() - sentAt);
				const decision = decideRetry({ transport: sent.error }, call.safety, counters, this.limits, this.clock.now());
				if (decision.action === 'retry') {
					resending({ transport: sent.error });
					counters.backoffs++;
					tracker.retrying('network');
					await budget.sleep(decision.delayMs, 'the backoff before retrying after a network error');
					continue;
				}
				const details: AirtableErrorDetails = { ...this.details(call, progress), code: sent.error.code };
				const reason = this.redact(sent.error.message);
				throw decision.action === 'fail' && decision.unknownOutcome
					? new AirtableUnknownOutcomeError(details, reason)
					: new AirtableNetworkError(details, reason);
			}
			const { response } = sent;
			tracker.attempted({ status: response.status }, this.clock.now() - sentAt);
			if (response.status >= 500) this.reportFailure(call.baseId, ticket, `HTTP ${response.status}`);
			else ticket?.succeeded();
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
			const decision = decideRetry(failure, call.safety, counters, this.limits, this.clock.now());
			if (decision.action === 'retry-after-hold') {
				counters.rateLimited++;
				tracker.retrying('rate_limit');
				continue;
			}
			if (decision.action === 'retry') {
				resending(failure);
				counters.backoffs++;
				tracker.retrying(retryReason(response.status));
				await budget.sleep(decision.delayMs, `the pause before retrying after HTTP ${response.status}`);
				continue;
			}
			const details = this.details(call, progress);
			if (decision.unknownOutcome) {
				throw new AirtableUnknownOutcomeError(
					{ ...details, status: response.status, type: parsed.type, airtableMessage: parsed.message },
					`HTTP ${response.status}`,
				);
			}
			throw errorFromResponse(response.status, body, details);
		}
	}

	/** A failure for the base's breaker; when it opens the breaker, other processes learn of it too. */
	private reportFailure(baseId: string | undefined, ticket: BreakerTicket | undefined, reason: string): void {
		if (baseId && ticket?.failed(reason)) this.throttle.shareBreakerOpen(baseId, this.limits.breakerCooldownMs);
	}

	/** The throttle's wait, with another process's open breaker turned into this process's. */
	private async passThrottle(baseId: string | undefined, budget: TimeBudget): Promise<Passage> {
		return await this.throttle.pass(baseId, budget).catch((error: unknown) => {
			if (!(error instanceof SharedBreakerOpen) || !baseId) return Promise.reject(error);
			const reason = 'another process saw Airtable fail repeatedly';
			this.breaker(baseId).openFor(error.ms, reason);
			return Promise.reject(new BreakerRefusal(reason, this.clock.now() + error.ms));
		});
	}

	/**
	 * One attempt. The limiter's windows count from the moment the request really leaves: the
	 * executor says so through `onDispatch` (after its own async work, e.g. n8n resolving the
	 * credential). Without that signal: from the hand-over, or — for an executor that promised
	 * the signal but never gave it — from the answer, the latest the request can have left.
	 */
	private async send(call: ApiCall, passage: Passage, timeoutMs: number): Promise<Sent> {
		const handedOverAt = this.clock.now();
		let dispatched = false;
		const onDispatch = () => {
			if (dispatched) return;
			dispatched = true;
			passage.dispatched();
		};
		const request = call.file
			? downloadFile(this.executor, { timeoutMs, ...call.file })
			: this.executor.send({
					method: call.method,
					path: call.path,
					body: call.body,
					timeoutMs,
					onDispatch,
					...(call.host ? { host: call.host } : {}),
				});
		const sent = await request.then(
			(response): Sent => ({ response }),
			(error: unknown): Sent => ({ error }),
		);
		if (!dispatched) {
			dispatched = true;
			// File downloads go their own way: they count from the moment they were handed over.
			passage.dispatched(this.executor.signalsDispatch && !call.file ? this.clock.now() : handedOverAt);
		}
		passage.answered(undefined, call.heavyBody === true);
		return sent;
	}

	private details(call: ApiCall, progress: Progress): AirtableErrorDetails {
		return {
			afterLostAnswer: progress.afterLostAnswer,
			operation: call.operation,
			baseId: call.baseId,
			table: call.table,
			itemIndexes: call.itemIndexes,
			retries: Math.max(0, progress.attempts - 1),
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
