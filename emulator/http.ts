/** The emulator's request and response types, and small helpers for handlers to build answers. */

import type { IncomingHttpHeaders } from 'http';
import { ApiError } from './errors';
import type { TokenConfig } from './options';

export interface ApiRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	params: Record<string, string>;
}

export interface ApiResponse {
	status: number;
	/** undefined = empty body (Airtable answers some calls with 200 and nothing). */
	body?: unknown;
	headers?: Record<string, string>;
}

/** What a handler reports about its call, for the request log and counters. */
export interface CallInfo {
	endpoint: string;
	token?: TokenConfig;
	baseId?: string;
	records: number;
	write: boolean;
}

/** Parsed JSON body; {} when empty. Bad JSON is a 400, as on Airtable. */
export function jsonBody(req: ApiRequest): Record<string, unknown> {
	if (req.rawBody.length === 0) return {};
	try {
		const parsed = JSON.parse(req.rawBody.toString('utf8'));
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
	} catch {
		// fall through to the error below
	}
	throw new ApiError(400, { error: { type: 'INVALID_REQUEST_BODY', message: 'Could not parse request body' } });
}

export function ok(body?: unknown): ApiResponse {
	return { status: 200, body };
}
