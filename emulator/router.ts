/** Matching a request's method and path against route patterns. */

import type { ApiRequest, ApiResponse, CallInfo } from './http';
import type { EmulatorApp } from './state';

export type Handler = (req: ApiRequest, call: CallInfo, app: EmulatorApp) => ApiResponse | Promise<ApiResponse>;

export interface Route {
	method: string;
	/** Segments; `:name` captures one (URL-decoded) segment. */
	pattern: string;
	/** Name in the counters, e.g. `records.list`. */
	endpoint: string;
	/** Token scope the route needs (checked for tokens that list scopes). */
	scope?: string;
	/** Path parameter that holds the base id, for access checks and the per-base limit. */
	baseParam?: string;
	write?: boolean;
	handler: Handler;
}

export interface RouteMatch<R> {
	route: R;
	params: Record<string, string>;
}

/** First route whose method and pattern match; 'method' when only the path matched. */
export function matchRoute<R extends { method: string; pattern: string }>(routes: R[], method: string, path: string): RouteMatch<R> | 'method' | undefined {
	const segments = path.split('/').filter((s, i) => i > 0 || s !== '');
	// Airtable accepts a trailing slash (airtable.js sends `POST /v0/{base}/{table}/`).
	if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
	let pathMatched = false;
	for (const route of routes) {
		const pattern = route.pattern.split('/').filter((s, i) => i > 0 || s !== '');
		if (pattern.length !== segments.length) continue;
		const params: Record<string, string> = {};
		let matched = true;
		for (let i = 0; i < pattern.length; i++) {
			if (pattern[i].startsWith(':')) {
				try {
					params[pattern[i].slice(1)] = decodeURIComponent(segments[i]);
				} catch {
					matched = false;
					break;
				}
			} else if (pattern[i] !== segments[i]) {
				matched = false;
				break;
			}
		}
		if (!matched) continue;
		pathMatched = true;
		if (route.method === method) return { route, params };
	}
	return pathMatched ? 'method' : undefined;
}
