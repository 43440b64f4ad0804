/**
 * Injected faults for tests: one-shot, repeated or random error answers for matching API requests.
 */

import { SeededRandom } from './rng';

/** Which API requests a fault applies to; every given condition must hold. */
export interface FaultMatch {
	methods?: string[];
	/** Substring of the request path. */
	path?: string;
	baseId?: string;
	/** Only requests that change data (create/update/upsert/delete, webhook changes). */
	writesOnly?: boolean;
}

export interface FaultConfig {
	/** RNG seed: the same seed and request sequence give the same faults. Default 1. */
	seed?: number;
	/** Probability per request of answering each status instead of handling the request. */
	errorRates?: Partial<Record<'500' | '502' | '503', number>>;
	/** Added to every matching request. */
	latencyMs?: number;
	/** Extra random latency 0..latencyJitterMs. */
	latencyJitterMs?: number;
	/** Writes only: close the connection without applying the write. */
	dropBeforeWriteRate?: number;
	/** Writes only: apply the write, then close the connection without an answer. */
	dropAfterWriteRate?: number;
	/**
	 * Writes only, "apply, then fail": probability per request of applying the write and then
	 * answering this status instead of the result (a gateway error after the change landed).
	 * 503 is not offered: Airtable documents it as not applied, safe to retry.
	 */
	errorAfterWriteRates?: Partial<Record<ApplyThenFailStatus, number>>;
	/** Hold the request and never answer (until stallMs, then close the connection). */
	stallRate?: number;
	/** 0 = hold until the client gives up or the emulator closes. */
	stallMs?: number;
	match?: FaultMatch;
}

/** Statuses an applied write may be answered with in the "apply, then fail" mode. */
export const APPLY_THEN_FAIL_STATUSES = ['500', '502', '504'] as const;
export type ApplyThenFailStatus = (typeof APPLY_THEN_FAIL_STATUSES)[number];

/**
 * A one-shot fault for the next matching request (queued ones run before random ones);
 * `count` repeats it for that many matching requests. `statusAfter` is "apply, then fail":
 * the request is handled (a write lands), then `status` (500, 502 or 504) is answered.
 */
export interface QueuedFault {
	kind: 'status' | 'dropBefore' | 'dropAfter' | 'statusAfter' | 'stall' | 'latency';
	status?: number;
	ms?: number;
	count?: number;
	match?: FaultMatch;
}

export interface FaultDecision {
	latencyMs: number;
	action: 'none' | 'status' | 'dropBefore' | 'dropAfter' | 'statusAfter' | 'stall';
	status?: number;
	stallMs?: number;
	/** How the fault is named in the request log. */
	label?: string;
}

export interface FaultRequest {
	method: string;
	path: string;
	baseId?: string;
	write: boolean;
	/** Only faults whose match.path names this request apply (the OAuth endpoints). */
	explicitOnly?: boolean;
}

function matches(match: FaultMatch | undefined, req: FaultRequest): boolean {
	if (req.explicitOnly && !(match?.path && req.path.includes(match.path))) return false;
	if (!match) return true;
	if (match.methods && !match.methods.map((m) => m.toUpperCase()).includes(req.method)) return false;
	if (match.path && !req.path.includes(match.path)) return false;
	if (match.baseId && match.baseId !== req.baseId) return false;
	if (match.writesOnly && !req.write) return false;
	return true;
}

export class Faults {
	private rng: SeededRandom;
	private queue: QueuedFault[] = [];

	constructor(private config: FaultConfig) {
		this.rng = new SeededRandom(config.seed ?? 1);
	}

	/** Replaces the random-fault config and restarts the RNG from its seed. */
	configure(config: FaultConfig): void {
		this.config = config;
		this.rng = new SeededRandom(config.seed ?? 1);
	}

	enqueue(faults: QueuedFault[]): void {
		for (const fault of faults) {
			const { count = 1, ...one } = fault;
			for (let i = 0; i < count; i++) this.queue.push({ ...one });
		}
	}

	clear(): void {
		this.configure({});
		this.queue = [];
	}

	describe(): { config: FaultConfig; queue: QueuedFault[] } {
		return { config: this.config, queue: this.queue };
	}

	decide(req: FaultRequest): FaultDecision {
		const queued = this.queue.findIndex((f) => matches(f.match, req));
		if (queued >= 0) {
			const [fault] = this.queue.splice(queued, 1);
			if (fault.kind === 'latency') return { latencyMs: fault.ms ?? 0, action: 'none', label: 'latency' };
			// On a read, dropBefore/dropAfter both mean "no answer"; dropAfter/statusAfter still run the handler.
			const status = fault.status ?? (fault.kind === 'statusAfter' ? 502 : 500);
			const label = fault.kind === 'status' || fault.kind === 'statusAfter' ? `${fault.kind}:${status}` : fault.kind;
			return { latencyMs: 0, action: fault.kind, status, stallMs: fault.ms ?? 0, label };
		}
		const c = this.config;
		if (!matches(c.match, req)) return { latencyMs: 0, action: 'none' };
		// Always draw the same number of values so one request's outcome does not shift the next's.
		const [rStatus, rDrop, rStall, rLatency] = [this.rng.next(), this.rng.next(), this.rng.next(), this.rng.next()];
		const latencyMs = (c.latencyMs ?? 0) + (c.latencyJitterMs ?? 0) * rLatency;
		let cumulative = 0;
		for (const status of ['500', '502', '503'] as const) {
			cumulative += c.errorRates?.[status] ?? 0;
			if (rStatus < cumulative) return { latencyMs, action: 'status', status: Number(status), label: `status:${status}` };
		}
		if (req.write) {
			const before = c.dropBeforeWriteRate ?? 0;
			if (rDrop < before) return { latencyMs, action: 'dropBefore', label: 'dropBefore' };
			let afterWrite = before + (c.dropAfterWriteRate ?? 0);
			if (rDrop < afterWrite) return { latencyMs, action: 'dropAfter', label: 'dropAfter' };
			for (const status of APPLY_THEN_FAIL_STATUSES) {
				afterWrite += c.errorAfterWriteRates?.[status] ?? 0;
				if (rDrop < afterWrite) return { latencyMs, action: 'statusAfter', status: Number(status), label: `statusAfter:${status}` };
			}
		}
		if (rStall < (c.stallRate ?? 0)) return { latencyMs, action: 'stall', stallMs: c.stallMs ?? 0, label: 'stall' };
		return { latencyMs, action: 'none' };
	}
}
