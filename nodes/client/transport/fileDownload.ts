/** Downloading attachment files from Airtable's file host, without the token and capped in size. */

import { classifyThrown, parseLenient, TransportError, type RequestNotSentError } from './http';
import type { FileRequest, HttpExecutor, HttpResponse } from './types';

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Attachment URLs are signed, public file URLs on Airtable's file host: they are fetched
 * without the token (it must never travel to another host). Executors may bring their own
 * `download` (n8n's goes through its HTTP helper); the rest use plain fetch.
 */
export async function downloadFile(executor: HttpExecutor, request: FileRequest): Promise<HttpResponse> {
	return executor.download ? await executor.download(request) : await fetchFile(request);
}

/**
 * GET a file with global fetch. A 2xx body is a Buffer of at most `maxBytes + 1` bytes: reading
 * stops there, so a file larger than allowed never fills memory and the caller can tell it was cut.
 */
export async function fetchFile(request: FileRequest): Promise<HttpResponse> {
	const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	// fetch's own timeout, as in the API executor (http.ts).
	const signal = AbortSignal.timeout(timeoutMs);
	try {
		const response = await fetch(request.url, { method: 'GET', redirect: 'follow', signal });
		const headers: Record<string, string> = {};
		response.headers.forEach((value, key) => {
			headers[key.toLowerCase()] = value;
		});
		if (response.status < 200 || response.status >= 300) {
			return { status: response.status, headers, body: parseLenient(await response.text()) };
		}
		const body = response.body as unknown as AsyncIterable<Uint8Array> | null;
		return { status: response.status, headers, body: body ? await readCapped(body, request.maxBytes) : Buffer.alloc(0) };
	} catch (error) {
		throw downloadFailure(error, signal.aborted, timeoutMs);
	}
}

function downloadFailure(error: unknown, timedOut: boolean, timeoutMs: number): TransportError | RequestNotSentError {
	if (timedOut) return new TransportError('ETIMEDOUT', true, `No response from the file host within ${timeoutMs} ms`);
	return classifyThrown(error, fileFailureText);
}

/** The signed URL is a credential for the file: only the code is ever reported. */
export function fileFailureText(code: string | undefined, network: boolean): string {
	return network ? `File download failed: ${code}` : `File download could not be sent (${code ?? 'invalid or blocked URL'})`;
}

/**
 * Reads a body stream into a Buffer of at most `maxBytes + 1` bytes, then stops (and closes
 * the stream), so an oversized file is detected without holding it whole.
 */
export async function readCapped(stream: AsyncIterable<Uint8Array | string>, maxBytes: number | undefined): Promise<Buffer> {
	const limit = maxBytes === undefined ? Infinity : maxBytes + 1;
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		chunks.push(buffer);
		size += buffer.byteLength;
		// Leaving the loop early cancels the stream (its return() runs).
		if (size >= limit) break;
	}
	const data = Buffer.concat(chunks);
	return size > limit ? data.subarray(0, limit) : data;
}
