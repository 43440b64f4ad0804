/** One call's time budget: every wait must end before its deadline, or the call fails at once. */

import type { Clock } from '../clock';

/** Thrown inside the client when waiting would pass the call's deadline; the runner turns it into an AirtableError. */
export class OutOfBudget extends Error {
	constructor(
		/** What the call would have waited for, e.g. "the 30 s hold after a 429 on base appX". */
		readonly waitingFor: string,
		/** How long that wait would still have been. */
		readonly waitMs: number,
	) {
		super(`Out of time budget waiting for ${waitingFor}`);
		this.name = 'OutOfBudget';
	}
}

/**
 * One call's time budget: everything the call waits for (limiter queue, 429 holds, backoff,
 * Retry-After, each attempt's timeout) must end before the deadline. A wait that would pass
 * it fails at once instead of being waited out first.
 */
export class TimeBudget {
	readonly startedAt: number;
	readonly deadline: number;

	constructor(
		private readonly clock: Clock,
		readonly budgetMs: number,
	) {
		this.startedAt = clock.now();
		this.deadline = this.startedAt + budgetMs;
	}

	remainingMs(): number {
		return this.deadline - this.clock.now();
	}

	elapsedMs(): number {
		return this.clock.now() - this.startedAt;
	}

	/** Throws OutOfBudget when a wait of `ms` would end past the deadline. */
	check(ms: number, waitingFor: string): void {
		if (this.clock.now() + ms > this.deadline) throw new OutOfBudget(waitingFor, ms);
	}

	async sleep(ms: number, waitingFor: string): Promise<void> {
		this.check(ms, waitingFor);
		await this.clock.sleep(ms);
	}
}
