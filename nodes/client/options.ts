/**
 * The client's options and stats: what `new AirtableClient(options)` takes and `stats()`
 * returns. Kept apart from the data shapes because it names the pluggable parts (clock,
 * executor, shared limits, simulation), which import the data shapes in their turn.
 */

import type { BreakerState } from './transport/breaker';
import type { Clock } from './clock';
import type { SharedLimitStore } from './transport/sharedLimits';
import type { SimulationOptions } from './simulation/simulation';
import type { ClientLimits, HttpExecutor } from './transport/types';

export interface AirtableClientOptions {
	/** Personal access token or OAuth access token; required unless `executor` is given. */
	token?: string;
	/** API root, default `https://api.airtable.com`. Used by the default executor only. */
	baseUrl?: string;
	/** Transport; default: the fetch-based executor with `token` and `baseUrl`. */
	executor?: HttpExecutor;
	/**
	 * Identifies whose per-token limit the requests count against when `executor` is given
	 * (e.g. the credential's token or id). Only its SHA-256 hash is kept. Defaults to `token`.
	 */
	identity?: string;
	limits?: Partial<ClientLimits>;
	/** How long a base schema stays cached (process-wide). Default 60000 ms. */
	schemaTtlMs?: number;
	/**
	 * Share the rate limits, the hold after a 429 and the circuit breakers with other
	 * processes (e.g. n8n queue-mode workers) through this store. Off (each process limits
	 * itself in memory) unless given. The n8n nodes pass a Redis store when n8n runs in queue
	 * mode or the package's Redis settings are set.
	 */
	sharedLimits?: SharedLimitStore;
	/**
	 * Where the client reports trouble it works around (default: process.emitWarning), and,
	 * when it has `debug`/`info`, structured events: one `airtable.request` per call (debug) and
	 * one `airtable.rate_limit_hold` per 429 (info), each a JSON-friendly object as the second
	 * argument. n8n's logger fits as it is.
	 */
	logger?: ClientLogger;
	/**
	 * Record every exchange to a cassette, or replay one offline (see simulation.ts and the
	 * README's "Record and replay"). Off by default.
	 */
	simulation?: SimulationOptions;
	/** Time source for every wait and timestamp of the client; default the system clock. Tests pass a fake one. */
	clock?: Clock;
}

export interface ClientLogger {
	warn(message: string, event?: object): void;
	info?(message: string, event?: object): void;
	debug?(message: string, event?: object): void;
}

export interface ClientStats {
	/** HTTP requests sent (every attempt counts). */
	requests: number;
	/** Attempts that were repeats of an earlier attempt. */
	retries: number;
	/** RATE_LIMIT_REACHED 429 responses met. */
	rateLimited: number;
	/** Milliseconds requests spent queued in the limiters (summed over requests). */
	throttledMs: number;
	/** Circuit breaker state of each base this client called. */
	breakers: Record<string, BreakerState>;
}

