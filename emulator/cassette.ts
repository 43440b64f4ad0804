/**
 * The emulator's replay mode: answering API requests from a cassette the client recorded, with no
 * Airtable behind it.
 */

import { readFileSync } from 'fs';

import type { ApiResponse } from './http';

/**
 * Replay mode: the emulator answers API requests from a cassette the client recorded
 * (`simulation: { mode: 'record' }`, or AIRTABLE_SYNC_SIMULATION=record in n8n), so a recorded
 * session runs through a real n8n with no Airtable and no model behind it. The emulator is
 * never built together with nodes/, so it reads the format (nodes/client/simulation/cassette.ts) on its own.
 */

interface CassetteRequest {
	method: string;
	path: string;
	query: Array<[string, string]>;
	body?: unknown;
}

interface CassetteInteraction {
	request: CassetteRequest;
	response: { status: number; headers?: Record<string, string>; body?: unknown } | { error: { code: string } };
	durationMs: number;
}

/** Cassettes hold e-mail addresses redacted; live requests are compared the same way. */
const EMAIL_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const REDACTED_EMAIL = 'redacted@example.invalid';

function canonical(value: unknown): string {
	const text =
		JSON.stringify(value, (_key, inner: unknown) =>
			inner && typeof inner === 'object' && !Array.isArray(inner)
				? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
				: inner,
		) ?? 'undefined';
	return text.replace(EMAIL_ADDRESS, REDACTED_EMAIL);
}

export type ReplayAnswer = { response: ApiResponse; delayMs: number } | { dropConnection: true; delayMs: number };

export class CassettePlayer {
	private readonly interactions: CassetteInteraction[];
	private readonly used = new Set<number>();

	constructor(
		file: string,
		private readonly recordedSpeed = false,
	) {
		const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; interactions?: CassetteInteraction[] };
		if (parsed.version !== 1 || !Array.isArray(parsed.interactions)) throw new Error(`${file} is not a cassette`);
		this.interactions = parsed.interactions;
	}

	get remaining(): number {
		return this.interactions.length - this.used.size;
	}

	/** The first unused recording of this request; a 500 naming the problem when there is none. */
	answer(method: string, path: string, query: URLSearchParams, rawBody: Buffer): ReplayAnswer {
		const text = rawBody.toString('utf8').trim();
		let body: unknown;
		try {
			body = text ? (JSON.parse(text) as unknown) : undefined;
		} catch {
			body = text;
		}
		const wanted = canonical({ method, path, query: [...query.entries()].sort(), body });
		const index = this.interactions.findIndex((candidate, at) => {
			if (this.used.has(at)) return false;
			const { request } = candidate;
			return canonical({ method: request.method, path: request.path, query: [...request.query].sort(), body: request.body }) === wanted;
		});
		if (index < 0) {
			const problem = this.remaining === 0 ? 'REPLAY_EXHAUSTED' : 'REPLAY_MISMATCH';
			const message =
				problem === 'REPLAY_EXHAUSTED'
					? `Every recorded request was answered; ${method} ${path} is one more`
					: `${method} ${path} matches no unused recording in the cassette`;
			return { response: { status: 500, body: { error: { type: problem, message } } }, delayMs: 0 };
		}
		this.used.add(index);
		const { response, durationMs } = this.interactions[index];
		const delayMs = this.recordedSpeed ? durationMs : 0;
		if ('error' in response) return { dropConnection: true, delayMs };
		return { response: { status: response.status, headers: response.headers, body: response.body }, delayMs };
	}
}
