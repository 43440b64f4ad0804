import { transportErrorFor } from '../../nodes/client/transport/http';
import type { HttpExecutor, HttpRequest, HttpResponse } from '../../index';

/** One scripted answer: a response after `latencyMs`, or a transport failure with that code. */
export type ScriptedAnswer = { status: number; body?: unknown; headers?: Record<string, string>; latencyMs?: number } | { networkError: string; latencyMs?: number };

/**
 * An executor that answers from a script on the (fake) clock, recording what was asked.
 * `answer` sees every request; latency is a timer, so jest's fake timers drive it.
 */
export function scriptedExecutor(answer: (request: HttpRequest, index: number) => ScriptedAnswer): HttpExecutor & {
	requests: HttpRequest[];
} {
	const requests: HttpRequest[] = [];
	return {
		requests,
		async send(request: HttpRequest): Promise<HttpResponse> {
			const index = requests.push(request) - 1;
			const scripted = answer(request, index);
			await new Promise((resolve) => setTimeout(resolve, scripted.latencyMs ?? 100));
			if ('networkError' in scripted) throw transportErrorFor(scripted.networkError, `socket ${scripted.networkError}`);
			return { status: scripted.status, headers: scripted.headers ?? {}, body: scripted.body };
		},
	};
}

/** Value of one sample line in a Prometheus text scrape (undefined when absent). */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
	for (const line of text.split('\n')) {
		if (line.startsWith('#')) continue;
		const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
		if (!match || match[1] !== name) continue;
		const found: Record<string, string> = {};
		for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) found[pair[1]] = pair[2];
		if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[4]);
	}
	return undefined;
}
