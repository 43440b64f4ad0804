/**
 * The emulator's HTTP server: reads each request, applies auth, rate limits and faults, routes it
 * (API, admin, OAuth, files), logs it and sends the answer.
 */

import http, { type IncomingMessage, type ServerResponse } from 'http';
import type { Socket } from 'net';
import { ADMIN_PREFIX, handleAdmin } from './admin';
import { handleFileRequest, maxBodyBytesFor, presentAttachments } from './attachments';
import { authenticate, canSeeBase, requireScope } from './auth';
import { CassettePlayer } from './cassette';
import { ApiError, errorTypeOf } from './errors';
import type { FaultDecision } from './faults';
import type { ApiRequest, ApiResponse, CallInfo } from './http';
import type { EmulatorOptions } from './options';
import { matchRoute } from './router';
import { apiRoutes } from './routes';
import { EmulatorApp } from './state';

export interface RunningEmulator {
	/** e.g. http://127.0.0.1:4010 — use it as the client's baseUrl. */
	url: string;
	port: number;
	state: EmulatorApp;
	close(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBytes) reject(new ApiError(413, { error: { type: 'REQUEST_TOO_LARGE', message: 'Request body too large' } }));
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function send(res: ServerResponse, response: ApiResponse): void {
	if (res.headersSent || res.destroyed) return;
	const headers: Record<string, string | number> = { ...(response.headers ?? {}) };
	let payload = '';
	if (response.body !== undefined) {
		payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
		headers['content-type'] ??= typeof response.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
	}
	headers['content-length'] = Buffer.byteLength(payload);
	res.writeHead(response.status, headers);
	res.end(payload);
}

function errorResponse(error: unknown): ApiResponse {
	if (error instanceof ApiError) return { status: error.status, body: error.body, headers: error.headers };
	return { status: 500, body: { error: { type: 'SERVER_ERROR', message: error instanceof Error ? error.message : 'Unexpected error' } } };
}

const FAULT_BODIES: Record<number, unknown> = {
	500: { error: { type: 'SERVER_ERROR', message: 'Unexpected server error (emulated fault)' } },
	502: '<html><body><h1>502 Bad Gateway</h1></body></html>',
	503: { error: { type: 'RETRIABLE_ERROR', message: 'The server could not complete the request in time; it is safe to retry the request (emulated fault)' } },
	504: '<html><body><h1>504 Gateway Time-out</h1></body></html>',
};

function faultResponse(status: number | undefined): ApiResponse {
	const code = status ?? 500;
	return { status: code, body: FAULT_BODIES[code] ?? FAULT_BODIES[500] };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the emulator on 127.0.0.1 (random port unless `port` is given). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
	const app = new EmulatorApp(options);
	const player = options.cassette ? new CassettePlayer(options.cassette.file, options.cassette.speed === 'recorded') : undefined;
	const sockets = new Set<Socket>();
	const stalls = new Set<NodeJS.Timeout>();
	let closing = false;

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const started = Date.now();
		const arrivedAt = app.clock.now();
		const url = new URL(req.url ?? '/', 'http://emulator.local');
		const method = (req.method ?? 'GET').toUpperCase();
		let rawBody: Buffer;
		try {
			rawBody = await readBody(req, maxBodyBytesFor(url.pathname, MAX_BODY_BYTES));
		} catch (error) {
			send(res, errorResponse(error));
			return;
		}
		const apiReq: ApiRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, rawBody, params: {} };

		if (method === 'GET' && handleFileRequest(app, url, res)) return;
		if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
			try {
				send(res, await handleAdmin(apiReq, app));
			} catch (error) {
				send(res, errorResponse(error));
			}
			return;
		}

		const call: CallInfo = { endpoint: 'unknown', records: 0, write: false };
		let fault: FaultDecision | undefined;
		const finish = (response: ApiResponse | undefined, label?: string) => {
			const status = response?.status ?? 0;
			const errorType = errorTypeOf(response?.body);
			const entry = app.metrics.record(
				{
					time: app.clock.iso(),
					timeMs: app.clock.now(),
					method,
					path: url.pathname + url.search,
					endpoint: call.endpoint,
					...(call.baseId ? { baseId: call.baseId } : {}),
					status,
					records: status >= 200 && status < 300 ? call.records : 0,
					write: call.write,
					durationMs: Date.now() - started,
					...(label ? { fault: label } : {}),
				},
				errorType,
			);
			if (app.options.log) {
				app.options.log(`${entry.time} ${method} ${entry.path} -> ${status || 'dropped'} ${entry.durationMs}ms${call.baseId ? ` base=${call.baseId}` : ''} records=${entry.records}${label ? ` fault=${label}` : ''}`);
			}
			if (response) send(res, presentAttachments(app, req, call, response));
		};

		try {
			if (player) {
				call.endpoint = 'replay';
				const replayed = player.answer(method, url.pathname, url.searchParams, rawBody);
				if (replayed.delayMs > 0) await delay(replayed.delayMs);
				if ('dropConnection' in replayed) {
					finish(undefined, 'replay');
					req.socket.destroy();
					return;
				}
				return finish(replayed.response);
			}
			if (url.pathname === '/oauth2/v1/authorize' && method === 'GET') {
				call.endpoint = 'oauth.authorize';
				return finish(app.oauth.authorize(apiReq));
			}
			if (url.pathname === '/oauth2/v1/token' && method === 'POST') {
				call.endpoint = 'oauth.token';
				// Token-rotation drills (e.g. the answer to a refresh is lost) need faults here too.
				fault = app.faults.decide({ method, path: url.pathname, write: true, explicitOnly: true });
				if (fault.latencyMs > 0) await delay(fault.latencyMs);
				if (fault.action === 'status') return finish(faultResponse(fault.status), fault.label);
				if (fault.action === 'dropBefore' || fault.action === 'stall') {
					finish(undefined, fault.label);
					req.socket.destroy();
					return;
				}
				const answer = app.oauth.token(apiReq);
				if (fault.action === 'dropAfter') {
					finish(undefined, fault.label);
					req.socket.destroy();
					return;
				}
				return finish(fault.action === 'statusAfter' ? faultResponse(fault.status) : answer, fault.label);
			}
			const match = matchRoute(apiRoutes, method, url.pathname);
			if (!match || match === 'method') return finish({ status: 404, body: { error: 'NOT_FOUND' } });
			const { route, params } = match;
			apiReq.params = params;
			call.endpoint = route.endpoint;
			call.write = route.write === true;
			call.token = authenticate(apiReq, app);
			requireScope(call.token, route.scope);
			const baseId = route.baseParam ? params[route.baseParam] : undefined;
			const limitedBase = baseId && app.bases.has(baseId) && canSeeBase(call.token, baseId) ? baseId : undefined;
			if (baseId) call.baseId = baseId;
			app.limiter.admit(arrivedAt, call.token.token, limitedBase, !route.endpoint.startsWith('meta.'));

			fault = app.faults.decide({ method, path: url.pathname, baseId, write: call.write });
			if (fault.latencyMs > 0) await delay(fault.latencyMs);
			switch (fault.action) {
				case 'status':
					return finish(faultResponse(fault.status), fault.label);
				case 'dropBefore':
					finish(undefined, fault.label);
					req.socket.destroy();
					return;
				case 'stall': {
					finish(undefined, fault.label);
					if (fault.stallMs) {
						const timer = setTimeout(() => {
							stalls.delete(timer);
							req.socket.destroy();
						}, fault.stallMs);
						stalls.add(timer);
					}
					return;
				}
				default:
					break;
			}
			const response = await route.handler(apiReq, call, app);
			if (fault.action === 'dropAfter') {
				finish(undefined, fault.label);
				req.socket.destroy();
				return;
			}
			// "Apply, then fail": the write above has landed; the client only sees the gateway error.
			finish(fault.action === 'statusAfter' ? faultResponse(fault.status) : response, fault.label);
		} catch (error) {
			finish(errorResponse(error), fault?.label);
		}
	};

	const server = http.createServer((req, res) => {
		if (closing) {
			req.socket.destroy();
			return;
		}
		void handle(req, res);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(app.options.port, app.options.host, () => resolve());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : app.options.port;
	return {
		url: `http://${app.options.host}:${port}`,
		port,
		state: app,
		close: async () => {
			closing = true;
			app.webhooks.pings.close();
			for (const timer of stalls) clearTimeout(timer);
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const socket of sockets) socket.destroy();
			await closed;
		},
	};
}
