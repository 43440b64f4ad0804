import nock from 'nock';

import {
	AirtableClient,
	type AirtableClientOptions,
	type AirtableRecord,
	type ClientLimits,
	type HttpExecutor,
	type HttpRequest,
	type HttpResponse,
} from '../../index';
import { resetProcessStateForTests } from '../../nodes/client/state';
import type { FakeClock } from '../support/fakeClock';

export const API = 'https://api.airtable.com';
export const TOKEN = 'patDummyUnitTest01.0123456789abcdef0123456789abcdef0123456789abcdef';
export const BASE = 'appUNIT000000001';
export const TABLE = 'tblUNIT000000001';

/** Generous windows and tiny delays: tests about behaviour other than pacing stay fast. */
export const FAST_LIMITS: Partial<ClientLimits> = {
	perBase: { requests: 50, perMs: 50 },
	perToken: { requests: 50, perMs: 50 },
	windowMarginMs: 0,
	rateLimitHoldMs: 20,
	maxRateLimitRetries: 2,
	maxRetries: 3,
	retryBaseDelayMs: 1,
	retryMaxDelayMs: 5,
	requestTimeoutMs: 2000,
};

export function makeClient(
	options: Partial<AirtableClientOptions> = {},
	limits: Partial<ClientLimits> = {},
): AirtableClient {
	return new AirtableClient({ token: TOKEN, ...options, limits: { ...FAST_LIMITS, ...limits } });
}

/** Every test file: no real network, fresh limiters and schema cache per test. */
export function useNock(): void {
	beforeAll(() => nock.disableNetConnect());
	beforeEach(() => resetProcessStateForTests());
	afterEach(() => nock.cleanAll());
	afterAll(() => nock.enableNetConnect());
}

export function api(): nock.Scope {
	return nock(API);
}

export function record(id: string, fields: Record<string, unknown> = {}): AirtableRecord {
	return { id, createdTime: '2024-01-01T00:00:00.000Z', fields };
}

/** The path the tests' table lives at. */
export const TABLE_PATH = `/v0/${BASE}/${TABLE}`;

export interface RecordsBody {
	records: Array<{ id?: string; fields: Record<string, unknown> }>;
	typecast?: boolean;
	performUpsert?: { fieldsToMergeOn: string[] };
}

/** Echoes created records back with ids derived from a field, as Airtable would answer. */
export function echoCreated(body: RecordsBody): { records: AirtableRecord[] } {
	return { records: body.records.map((r) => record(`rec${String(r.fields.n)}`, r.fields)) };
}

/** One request as a stub executor saw it, with the fake time it was handed over. */
export interface SeenRequest extends HttpRequest {
	at: number;
}

/**
 * A transport on fake time: each request is answered by `answer` (which may sleep on the
 * clock to model a round trip). `seen` lists requests in the order they were handed over.
 */
export function stubExecutor(
	clock: FakeClock,
	answer: (request: SeenRequest, index: number) => Promise<HttpResponse> | HttpResponse,
): HttpExecutor & { seen: SeenRequest[] } {
	const seen: SeenRequest[] = [];
	return {
		seen,
		async send(request) {
			const entry = { ...request, at: clock.now() };
			seen.push(entry);
			return await answer(entry, seen.length - 1);
		},
	};
}

export const ok = (body: unknown = record('recA')): HttpResponse => ({ status: 200, headers: {}, body });

/** Real time; only for tests outside the client that still order work by it. */
export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
