import type { IncomingHttpHeaders } from 'node:http';

import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

export interface FakeRequestInit {
	method?: IHttpRequestMethods;
	/** Header names are matched case-insensitively, as in Node (stored lower-case). */
	headers?: Record<string, string | string[]>;
	/** The bytes n8n received; what a node verifies a signature over. Default: JSON of `body`. */
	rawBody?: Buffer;
	/** The parsed body (`getBodyData()`). Default: `rawBody` parsed as JSON when it is JSON, else `{}`. */
	body?: IDataObject;
	query?: IDataObject;
	params?: IDataObject;
	/** Request path, e.g. `/webhook/<id>/webhook`. */
	path?: string;
}

/** The parts of an express Request that n8n's WebhookContext and webhook nodes read. */
export interface FakeRequest {
	method: IHttpRequestMethods;
	url: string;
	originalUrl: string;
	path: string;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	body: IDataObject;
	query: IDataObject;
	params: IDataObject;
	get(name: string): string | string[] | undefined;
	header(name: string): string | string[] | undefined;
}

function parseBody(rawBody: Buffer): IDataObject {
	try {
		const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
		return typeof parsed === 'object' && parsed !== null ? (parsed as IDataObject) : {};
	} catch {
		return {};
	}
}

export function createFakeRequest(init: FakeRequestInit): FakeRequest {
	const headers: IncomingHttpHeaders = {};
	for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
	const rawBody = init.rawBody ?? Buffer.from(init.body === undefined ? '' : JSON.stringify(init.body));
	if (headers['content-type'] === undefined && init.rawBody === undefined && init.body !== undefined) {
		headers['content-type'] = 'application/json';
	}
	const path = init.path ?? '/webhook';
	const lookup = (name: string) => headers[name.toLowerCase()];
	return {
		method: init.method ?? 'POST',
		url: path,
		originalUrl: path,
		path,
		headers,
		rawBody,
		body: init.body ?? parseBody(rawBody),
		query: init.query ?? {},
		params: init.params ?? {},
		get: lookup,
		header: lookup,
	};
}

/** What a node wrote to the response object, for assertions. */
export interface RecordedResponse {
	statusCode: number;
	headers: Record<string, string | number | readonly string[]>;
	/** The body passed to `send` / `json` / `end` (last one wins), undefined if none. */
	body: unknown;
	/** Whether `send`, `json`, `end` or `sendStatus` was called. */
	ended: boolean;
	/** Each call, in order, e.g. `['status', 401]`, `['send', 'bad signature']`. */
	calls: Array<[string, ...unknown[]]>;
}

/** The parts of an express Response a webhook node uses, recording every call. */
export class FakeResponse {
	readonly record: RecordedResponse = { statusCode: 200, headers: {}, body: undefined, ended: false, calls: [] };

	get statusCode(): number {
		return this.record.statusCode;
	}

	get headersSent(): boolean {
		return this.record.ended;
	}

	status(code: number): this {
		this.record.calls.push(['status', code]);
		this.record.statusCode = code;
		return this;
	}

	sendStatus(code: number): this {
		this.record.calls.push(['sendStatus', code]);
		this.record.statusCode = code;
		this.record.ended = true;
		return this;
	}

	setHeader(name: string, value: string | number | readonly string[]): this {
		this.record.calls.push(['setHeader', name, value]);
		this.record.headers[name.toLowerCase()] = value;
		return this;
	}

	header(name: string, value: string): this {
		return this.setHeader(name, value);
	}

	set(name: string, value: string): this {
		return this.setHeader(name, value);
	}

	getHeader(name: string): string | number | readonly string[] | undefined {
		return this.record.headers[name.toLowerCase()];
	}

	writeHead(code: number, headers: Record<string, string> = {}): this {
		this.record.calls.push(['writeHead', code, headers]);
		this.record.statusCode = code;
		for (const [name, value] of Object.entries(headers)) this.record.headers[name.toLowerCase()] = value;
		return this;
	}

	send(body?: unknown): this {
		this.record.calls.push(['send', body]);
		this.finish(body);
		return this;
	}

	json(body: unknown): this {
		this.record.calls.push(['json', body]);
		this.record.headers['content-type'] ??= 'application/json';
		this.finish(body);
		return this;
	}

	end(body?: unknown): this {
		this.record.calls.push(['end', body]);
		this.finish(body);
		return this;
	}

	private finish(body: unknown): void {
		if (body !== undefined) this.record.body = body;
		this.record.ended = true;
	}
}
