/**
 * The n8n executor's file download: attachment URLs fetched with n8n's own HTTP helper (its
 * proxy and egress settings apply) and without the credential, since the URLs are signed and
 * live on another host.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { fileFailureText, readCapped } from '../../client/transport/fileDownload';
import { classifyThrown, parseLenient } from '../../client/transport/http';
import type { FileRequest, HttpResponse } from '../../client/types';
import type { AirtableContext } from './context';

interface ThrownHttpError {
	response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
}

/**
 * The executor's file download inside n8n: n8n's own HTTP helper (its proxy and egress settings
 * apply) WITHOUT the credential — attachment URLs are signed and live on another host.
 */
export async function downloadWithN8n(ctx: AirtableContext, request: FileRequest): Promise<HttpResponse> {
	const options: IHttpRequestOptions = {
		method: 'GET',
		url: request.url,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeoutMs,
	};
	try {
		const response = (await ctx.helpers.httpRequest(options)) as {
			statusCode: number;
			headers?: Record<string, unknown>;
			// A Node stream (encoding: 'stream'); read as the async iterable it is.
			body: AsyncIterable<Uint8Array | string>;
		};
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = String(value);
		const ok = response.statusCode >= 200 && response.statusCode < 300;
		const data = await readCapped(response.body, ok ? request.maxBytes : 64 * 1024);
		return { status: response.statusCode, headers, body: ok ? data : parseLenient(data.toString('utf8')) };
	} catch (error) {
		const status = (error as ThrownHttpError)?.response?.status;
		if (status !== undefined) return { status, headers: {}, body: undefined };
		throw classifyThrown(error, fileFailureText);
	}
}
