import type { Clock } from '../../nodes/client/clock';

interface Timer {
	at: number;
	seq: number;
	callback: () => void;
}

/** Lets every pending promise chain run (microtasks and the I/O-free turns after them). */
export async function settle(turns = 20): Promise<void> {
	for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A Clock whose time only moves when the test says so. Timers fire in time order (ties in
 * the order they were set), each after the work it unblocks has run, so schedules can be
 * asserted to the millisecond.
 */
export class FakeClock implements Clock {
	private current: number;
	private readonly origin: number;
	private readonly timers: Timer[] = [];
	private seq = 0;

	constructor(start = 1_700_000_000_000) {
		this.current = start;
		this.origin = start;
	}

	/** Milliseconds since the clock was created (test schedules read better from 0). */
	get elapsed(): number {
		return this.current - this.origin;
	}

	now(): number {
		return this.current;
	}

	sleep(ms: number): Promise<void> {
		return new Promise((resolve) => this.setTimer(resolve, ms));
	}

	setTimer(callback: () => void, ms: number): () => void {
		const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, callback };
		this.timers.push(timer);
		return () => {
			const index = this.timers.indexOf(timer);
			if (index >= 0) this.timers.splice(index, 1);
		};
	}

	/** Moves time forward by `ms`, firing every timer due on the way (and the ones those set). */
	async advance(ms: number): Promise<void> {
		const target = this.current + ms;
		await settle();
		for (;;) {
			const next = this.nextTimer();
			if (!next || next.at > target) break;
			this.timers.splice(this.timers.indexOf(next), 1);
			this.current = next.at;
			next.callback();
			await settle();
		}
		this.current = target;
		await settle();
	}

	/**
	 * Advances timer by timer until `promise` settles; returns its outcome. When no timer is
	 * pending the promise waits for real I/O (a mocked HTTP answer): then real time passes,
	 * fake time does not.
	 */
	async run<T>(promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
		let done = false;
		promise.then(
			() => (done = true),
			() => (done = true),
		);
		const deadline = this.current + limitMs;
		const realDeadline = Date.now() + 10_000;
		await settle();
		while (!done) {
			const next = this.nextTimer();
			if (next && next.at > deadline) throw new Error(`still pending after ${limitMs} ms of fake time`);
			if (next) {
				await this.advance(next.at - this.current);
			} else {
				if (Date.now() > realDeadline) throw new Error('still pending: no timer set and no I/O answered');
				await new Promise((resolve) => setTimeout(resolve, 5));
			}
		}
		return await promise;
	}

	private nextTimer(): Timer | undefined {
		let next: Timer | undefined;
		for (const timer of this.timers) {
			if (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq)) next = timer;
		}
		return next;
	}
}
