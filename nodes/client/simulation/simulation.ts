/**
 * Record and replay: an HttpExecutor wrapper that records real exchanges into a cassette or
 * answers from one offline.
 */

import {
	emptyCassette,
	readCassetteFile,
	splitPath,
	writeCassetteFile,
	type Cassette,
	type Interaction,
	type RecordedRequest,
} from './cassette';
import type { Clock } from '../clock';
import { TransportError } from '../transport/http';
import { createRedactor, type Redactor } from './redact';
import { processState } from '../state';
import type { ClientLimits, HttpExecutor, HttpRequest, HttpResponse } from '../transport/types';

/**
 * The simulation layer: an HttpExecutor wrapper. `record` sends every request through the real
 * executor and keeps the exchange (secrets and e-mail addresses redacted); `replay` answers
 * from a cassette without any network, so a recorded run can be repeated offline (in CI).
 */
export interface SimulationOptions {
	mode: 'record' | 'replay';
	/** A file path (written after every exchange when recording) or a cassette object. */
	cassette: string | Cassette;
	/**
	 * Replay: `request` (default) answers each request with the first unused recording of the
	 * same method, path, query and body, so concurrent requests may arrive in any order;
	 * `order` insists on the recorded sequence.
	 */
	match?: 'request' | 'order';
	/**
	 * Replay: `fast` (default) answers at once and turns pacing and 429 holds off; `recorded`
	 * keeps the client's limits and waits each answer's recorded duration.
	 */
	speed?: 'fast' | 'recorded';
	/**
	 * Replace every cell value (records' fields, webhook payload cells) and formula by a
	 * placeholder of the same type, when recording and when matching (default: on — cell values
	 * never reach a cassette unless asked). Replays then return placeholders: enough to test a
	 * workflow's path and request count, not its data. `false` keeps the values (synthetic test
	 * data; needed for the emulator's replay mode).
	 */
	redactCellValues?: boolean;
}

/** Fast replay: no pacing, no hold after a replayed 429, no backoff — the cassette already has the outcome. */
export const REPLAY_FAST_LIMITS: Partial<ClientLimits> = {
	perBase: { requests: 1_000_000, perMs: 1 },
	perToken: { requests: 1_000_000, perMs: 1 },
	windowMarginMs: 0,
	rateLimitHoldMs: 0,
	retryBaseDelayMs: 0,
	retryMaxDelayMs: 0,
};

/** The replayed request is not the one the cassette has next (or anywhere, when matching by request). */
export class AirtableReplayMismatchError extends Error {
	constructor(
		readonly expected: RecordedRequest | undefined,
		readonly actual: RecordedRequest,
		detail: string,
	) {
		super(`Replay mismatch: ${describe(actual)} ${detail}${expected ? `; the cassette expected ${describe(expected)}` : ''}`);
		this.name = 'AirtableReplayMismatchError';
	}
}

/** Every recorded answer was used; the replayed run sends more requests than the recorded one. */
export class AirtableReplayExhaustedError extends Error {
	constructor(
		readonly actual: RecordedRequest,
		readonly recorded: number,
	) {
		super(`Replay exhausted: all ${recorded} recorded requests were answered, then ${describe(actual)} came`);
		this.name = 'AirtableReplayExhaustedError';
	}
}

function describe(request: RecordedRequest): string {
	const query = request.query.length ? `?${new URLSearchParams(request.query).toString()}` : '';
	return `${request.method} ${request.path}${query}`;
}

/** Response headers worth keeping: the rest (cookies, tracing ids, dates) only add noise. */
const RECORDED_HEADERS = ['content-type', 'retry-after'];

/** One cassette in use: shared by every client of the process that names the same file. */
class CassetteSession {
	private readonly used = new Set<number>();
	private next = 0;
	private firstStart?: number;

	constructor(
		readonly cassette: Cassette,
		private readonly file: string | undefined,
	) {}

	add(interaction: Omit<Interaction, 'startedAtMs'>, startedAt: number): void {
		this.firstStart ??= startedAt;
		this.cassette.interactions.push({ ...interaction, startedAtMs: startedAt - this.firstStart });
		if (this.file) writeCassetteFile(this.file, this.cassette);
	}

	take(actual: RecordedRequest, match: 'request' | 'order'): Interaction {
		const { interactions } = this.cassette;
		if (this.used.size >= interactions.length) throw new AirtableReplayExhaustedError(actual, interactions.length);
		if (match === 'order') {
			const expected = interactions[this.next];
			const difference = differenceBetween(expected.request, actual);
			if (difference) throw new AirtableReplayMismatchError(expected.request, actual, `differs in ${difference}`);
			this.used.add(this.next);
			return interactions[this.next++];
		}
		const index = interactions.findIndex((candidate, at) => !this.used.has(at) && !differenceBetween(candidate.request, actual));
		if (index < 0) {
			const firstUnused = interactions.find((_, at) => !this.used.has(at));
			throw new AirtableReplayMismatchError(firstUnused?.request, actual, 'matches no unused recording');
		}
		this.used.add(index);
		return interactions[index];
	}
}

/** Which part of the request differs ('' when equal); bodies compare as JSON, key order aside. */
function differenceBetween(expected: RecordedRequest, actual: RecordedRequest): string {
	if (expected.method !== actual.method) return 'method';
	if (expected.path !== actual.path) return 'path';
	if (canonical(expected.query) !== canonical(actual.query)) return 'query';
	if (canonical(expected.body) !== canonical(actual.body)) return 'body';
	return '';
}

function canonical(value: unknown): string {
	return JSON.stringify(value, (_key, inner: unknown) =>
		inner && typeof inner === 'object' && !Array.isArray(inner)
			? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
			: inner,
	) ?? 'undefined';
}

/* One per cassette file and mode; never evicted mid-run (that would restart a recording). */
const sessions = processState.registry<CassetteSession>('simulation.cassettes', {
	maxEntries: 64,
	idleMs: Number.POSITIVE_INFINITY,
	canEvict: () => false,
});

/**
 * The session for a cassette file: opened once per process and mode, so every client (each
 * n8n node execution builds one) records into, or replays from, the same cassette. Recording
 * starts a new cassette, replacing the file.
 */
function sessionFor(options: SimulationOptions): CassetteSession {
	if (typeof options.cassette !== 'string') return new CassetteSession(options.cassette, undefined);
	const key = `${options.mode}:${options.cassette}`;
	const file = options.cassette;
	return sessions.getOrCreate(
		key,
		() => new CassetteSession(options.mode === 'record' ? emptyCassette() : readCassetteFile(file), options.mode === 'record' ? file : undefined),
	);
}

/** For tests: forget every open cassette (the next client reads or starts its file afresh). */
export function resetSimulationSessions(): void {
	sessions.clear();
}

export interface SimulationContext {
	/** Secrets to redact besides the patterns redact.ts knows (the token, the identity). */
	secrets: ReadonlyArray<string | undefined>;
	/** The client's clock: timings recorded and replayed on it. */
	clock: Clock;
}

/** Wraps `inner` (unused when replaying) as the options say. */
export function simulatedExecutor(inner: HttpExecutor | undefined, options: SimulationOptions, context: SimulationContext): HttpExecutor {
	const redact = createRedactor(context.secrets, { cellValues: options.redactCellValues !== false });
	const session = sessionFor(options);
	const { clock } = context;
	if (options.mode === 'record') {
		if (!inner) throw new Error('Recording needs a real executor (or a token) to send the requests');
		return recordingExecutor(inner, session, redact, () => clock.now());
	}
	const wait = options.speed === 'recorded' ? async (ms: number) => await clock.sleep(ms) : undefined;
	return replayingExecutor(session, redact, options.match ?? 'request', wait);
}

function recordedRequest(request: HttpRequest, redact: Redactor): RecordedRequest {
	const { path, query } = splitPath(request.path);
	const recorded: RecordedRequest = { method: request.method, path: redact(path), query: redact(query) };
	if (request.body !== undefined) recorded.body = redact(request.body);
	return recorded;
}

function recordingExecutor(inner: HttpExecutor, session: CassetteSession, redact: Redactor, now: () => number): HttpExecutor {
	return {
		// Requests pass through unchanged (onDispatch included): the limiter may trust the same signal.
		signalsDispatch: inner.signalsDispatch,
		route: inner.route,
		async send(request: HttpRequest): Promise<HttpResponse> {
			const startedAt = now();
			const recorded = recordedRequest(request, redact);
			return await inner.send(request).then(
				(response) => {
					const headers = Object.fromEntries(
						Object.entries(response.headers).filter(([name]) => RECORDED_HEADERS.includes(name.toLowerCase())),
					);
					const body = response.body === undefined ? {} : { body: redact(response.body) };
					session.add({ request: recorded, response: { status: response.status, headers, ...body }, durationMs: now() - startedAt }, startedAt);
					return response;
				},
				(error: unknown) => {
					if (error instanceof TransportError) {
						const outcome = { error: { code: error.code, requestSent: error.requestSent } };
						session.add({ request: recorded, response: outcome, durationMs: now() - startedAt }, startedAt);
					}
					throw error;
				},
			);
		},
	};
}

function replayingExecutor(
	session: CassetteSession,
	redact: Redactor,
	match: 'request' | 'order',
	wait: ((ms: number) => Promise<void>) | undefined,
): HttpExecutor {
	return {
		async send(request: HttpRequest): Promise<HttpResponse> {
			const interaction = session.take(recordedRequest(request, redact), match);
			if (wait) await wait(interaction.durationMs);
			const { response } = interaction;
			if ('error' in response) {
				throw new TransportError(response.error.code, response.error.requestSent, `Replayed network error ${response.error.code}`);
			}
			return { status: response.status, headers: { ...response.headers }, body: structuredClone(response.body) };
		},
	};
}
