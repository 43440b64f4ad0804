/**
 * Virtual clock: real time plus an offset the admin API can advance. Everything that expires
 * (offsets, webhooks, OAuth tokens, rate-limit lock-outs, payload retention) reads this clock,
 * so expiry tests advance it instead of sleeping. Timers (ping retries, debounce) stay real-time.
 */
export class Clock {
	private offsetMs = 0;

	now(): number {
		return Date.now() + this.offsetMs;
	}

	iso(): string {
		return new Date(this.now()).toISOString();
	}

	advance(ms: number): void {
		this.offsetMs += ms;
	}

	reset(): void {
		this.offsetMs = 0;
	}

	get offset(): number {
		return this.offsetMs;
	}
}
