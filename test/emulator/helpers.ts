import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator';

export const TOKEN = 'pat-demo-emulator-token';
export const BASE = 'appDemoCrm0000001';

/** Parsed JSON of a response: tests index into it freely, asserting on what they read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer {
	status: number;
	body: Json;
	text: string;
	headers: Headers;
}

/** A started emulator plus fetch helpers for the API (with the demo token) and the admin API. */
export interface Harness {
	emu: RunningEmulator;
	api(path: string, init?: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<Answer>;
	admin(path: string, method?: string, body?: unknown): Promise<Answer>;
}

async function answer(res: Response): Promise<Answer> {
	const text = await res.text();
	let body: unknown;
	try {
		body = text ? JSON.parse(text) : undefined;
	} catch {
		body = text;
	}
	return { status: res.status, body, text, headers: res.headers };
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
	// Limits off unless a test turns them on: suites fire many requests quickly.
	const emu = await startEmulator({ ...options, limits: { enabled: false, ...options.limits } });
	return {
		emu,
		api: async (path, init = {}) => {
			const headers: Record<string, string> = { ...(init.headers ?? {}) };
			const token = init.token === undefined ? TOKEN : init.token;
			if (token !== null) headers.authorization = `Bearer ${token}`;
			if (init.body !== undefined) headers['content-type'] = 'application/json';
			const res = await fetch(emu.url + path, {
				method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
				headers,
				body: init.body === undefined ? undefined : JSON.stringify(init.body),
			});
			return answer(res);
		},
		admin: async (path, method = 'GET', body) => {
			const res = await fetch(`${emu.url}/_emulator${path}`, {
				method,
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			return answer(res);
		},
	};
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until check() is truthy (pings arrive asynchronously). */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 3000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error('waitFor: timed out');
		await sleep(10);
	}
}
