/** The emulator's options (tokens, limits, pings, OAuth) and their defaults. */

import type { FaultConfig } from './faults';
import type { SeedBase } from './seed/types';

export interface RateWindow {
	requests: number;
	perMs: number;
}

export interface TokenConfig {
	token: string;
	userId: string;
	email?: string;
	name?: string;
	/** OAuth tokens get `scopes` in whoami and may expire; PATs do not. Default 'pat'. */
	kind?: 'pat' | 'oauth';
	/** Omitted = every scope (a PAT made with all boxes ticked). */
	scopes?: string[];
	/** Base ids this token may see, or '*' for all. */
	bases: '*' | string[];
	/** Epoch ms (virtual clock) after which the token answers 401. */
	expiresAt?: number;
	/** OAuth integration that owns the token (webhooks are per integration). */
	clientId?: string;
}

export interface LimitsConfig {
	enabled: boolean;
	perBase: RateWindow;
	perToken: RateWindow;
	lockoutMs: number;
	/** Data requests (not /v0/meta/*) per base per calendar month before PUBLIC_API_BILLING_LIMIT_EXCEEDED; null = unlimited. */
	monthlyQuota: number | null;
}

export interface PingConfig {
	/** Changes within this window share one ping (Airtable coalesces close changes). */
	debounceMs: number;
	/** A ping not answered within this time counts as failed (Airtable: 25 s). */
	timeoutMs: number;
	/** First retry delay; doubles per retry up to retryMaxMs (Airtable: from 10 s). */
	retryBaseMs: number;
	retryMaxMs: number;
	/** Consecutive failed attempts after which notifications are disabled (Airtable: 1 + 13 retries). */
	failuresBeforeDisable: number;
	/** Drill knobs: send every ping twice; add a random 0..N ms delay per ping so they arrive out of order. */
	duplicate: boolean;
	reorderJitterMs: number;
}

export interface OAuthClientConfig {
	clientId: string;
	/** When set, the token endpoint requires HTTP Basic auth with it. */
	clientSecret?: string;
	/** Allowed redirect URIs; empty = any (convenient for local n8n instances). */
	redirectUris?: string[];
}

export interface OAuthConfig {
	clients: OAuthClientConfig[];
	/** The person who "approves" every authorize request. */
	user: { id: string; email: string; name: string };
	bases: '*' | string[];
	accessTokenLifetimeMs: number;
	refreshTokenLifetimeMs: number;
	codeLifetimeMs: number;
}

export interface EmulatorOptions {
	/** Default 0 (random free port). */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	tokens?: TokenConfig[];
	/** 'demo' (default) or bases in the seed format. */
	seed?: 'demo' | SeedBase[];
	limits?: Partial<LimitsConfig>;
	/** Idle time after which a list-records offset answers LIST_RECORDS_ITERATOR_NOT_AVAILABLE. Default 5 min. */
	iteratorIdleMs?: number;
	/** Webhook life without refresh/payload listing (default 7 days); also the read-only grace after expiry. */
	webhookLifetimeMs?: number;
	/** How long payloads are kept (default 7 days). */
	payloadRetentionMs?: number;
	webhooksPerBase?: number;
	/** Webhooks one OAuth integration may create per base (Airtable: 2). */
	webhooksPerOAuthClient?: number;
	pings?: Partial<PingConfig>;
	faults?: FaultConfig;
	oauth?: Partial<OAuthConfig>;
	/** Bases per page of GET /v0/meta/bases (Airtable: 1000). */
	basesPageSize?: number;
	/** When set, /_emulator requests need header `x-emulator-admin: <adminToken>`. */
	adminToken?: string;
	/** true = one line per request to stdout; a function receives each line instead. */
	log?: boolean | ((line: string) => void);
	/** Request-log entries kept for the admin API. Default 10000. */
	logLimit?: number;
	/**
	 * Replay mode: answer every API request from this recorded cassette instead of the model
	 * (see cassette.ts); `speed: 'recorded'` waits each answer's recorded duration.
	 */
	cassette?: { file: string; speed?: 'fast' | 'recorded' };
}

export interface ResolvedOptions {
	port: number;
	host: string;
	tokens: TokenConfig[];
	seed: 'demo' | SeedBase[];
	limits: LimitsConfig;
	iteratorIdleMs: number;
	webhookLifetimeMs: number;
	payloadRetentionMs: number;
	webhooksPerBase: number;
	webhooksPerOAuthClient: number;
	pings: PingConfig;
	faults: FaultConfig;
	oauth: OAuthConfig;
	basesPageSize: number;
	adminToken?: string;
	log: false | ((line: string) => void);
	logLimit: number;
}

const DAY = 24 * 60 * 60 * 1000;

export function resolveOptions(options: EmulatorOptions, defaultTokens: TokenConfig[], demoUser: OAuthConfig['user']): ResolvedOptions {
	return {
		port: options.port ?? 0,
		host: options.host ?? '127.0.0.1',
		tokens: options.tokens ?? defaultTokens,
		seed: options.seed ?? 'demo',
		limits: {
			enabled: true,
			perBase: { requests: 5, perMs: 1000 },
			perToken: { requests: 50, perMs: 1000 },
			lockoutMs: 30_000,
			monthlyQuota: null,
			...options.limits,
		},
		iteratorIdleMs: options.iteratorIdleMs ?? 5 * 60 * 1000,
		webhookLifetimeMs: options.webhookLifetimeMs ?? 7 * DAY,
		payloadRetentionMs: options.payloadRetentionMs ?? 7 * DAY,
		webhooksPerBase: options.webhooksPerBase ?? 10,
		webhooksPerOAuthClient: options.webhooksPerOAuthClient ?? 2,
		pings: {
			debounceMs: 100,
			timeoutMs: 25_000,
			retryBaseMs: 10_000,
			retryMaxMs: 6 * 60 * 60 * 1000,
			failuresBeforeDisable: 14,
			duplicate: false,
			reorderJitterMs: 0,
			...options.pings,
		},
		faults: options.faults ?? {},
		oauth: {
			clients: [{ clientId: 'emulator-oauth-client' }],
			user: demoUser,
			bases: '*',
			accessTokenLifetimeMs: 60 * 60 * 1000,
			refreshTokenLifetimeMs: 60 * DAY,
			codeLifetimeMs: 10 * 60 * 1000,
			...options.oauth,
		},
		basesPageSize: options.basesPageSize ?? 1000,
		adminToken: options.adminToken,
		log: options.log === true ? (line) => process.stdout.write(`${line}\n`) : typeof options.log === 'function' ? options.log : false,
		logLimit: options.logLimit ?? 10_000,
	};
}
