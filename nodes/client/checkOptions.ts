/**
 * What `new AirtableClient(options)` checks before it builds anything: every option it is given
 * has the type it takes, and no key is unknown. Without this, a wrong type (e.g.
 * `sharedLimits: false`, as a JavaScript caller might write) works until the code path that
 * uses it runs — after the first 429 — and then throws a TypeError that names nothing.
 * Values are described by their type only: a token or identity never appears in an error.
 */
import { AirtableInputError } from './errors';

type Check = (value: unknown) => boolean;

interface Rule {
	/** What the option takes, for the error. */
	takes: string;
	ok: Check;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);
const isString: Check = (value) => typeof value === 'string';
const withFunctions =
	(required: string[], optional: string[] = []): Check =>
	(value) =>
		// A callable with the methods counts too: test doubles and some loggers are functions.
		(isObject(value) || typeof value === 'function') &&
		required.every((name) => typeof (value as Record<string, unknown>)[name] === 'function') &&
		optional.every((name) => {
			const member = (value as Record<string, unknown>)[name];
			return member === undefined || typeof member === 'function';
		});
const finiteAtLeast =
	(min: number): Check =>
	(value) =>
		typeof value === 'number' && Number.isFinite(value) && value >= min;
const wholeAtLeast =
	(min: number): Check =>
	(value) =>
		Number.isInteger(value) && (value as number) >= min;
const rateWindow: Check = (value) =>
	isObject(value) &&
	Object.keys(value).every((key) => key === 'requests' || key === 'perMs') &&
	wholeAtLeast(1)(value.requests) &&
	typeof value.perMs === 'number' &&
	Number.isFinite(value.perMs) &&
	value.perMs > 0;

const WINDOW = '{ requests, perMs }: a whole number of requests (≥ 1) per a positive number of ms';
const MS = 'a number of ms (≥ 0)';
const COUNT = 'a whole number (≥ 0)';

const LIMIT_RULES: Record<string, Rule> = {
	perBase: { takes: WINDOW, ok: rateWindow },
	perToken: { takes: WINDOW, ok: rateWindow },
	windowMarginMs: { takes: MS, ok: finiteAtLeast(0) },
	rateLimitHoldMs: { takes: MS, ok: finiteAtLeast(0) },
	maxRateLimitRetries: { takes: COUNT, ok: wholeAtLeast(0) },
	maxRetries: { takes: COUNT, ok: wholeAtLeast(0) },
	retryBaseDelayMs: { takes: MS, ok: finiteAtLeast(0) },
	retryMaxDelayMs: { takes: MS, ok: finiteAtLeast(0) },
	requestTimeoutMs: { takes: 'a positive number of ms', ok: (value) => finiteAtLeast(0)(value) && (value as number) > 0 },
	budgetMs: { takes: 'a positive number of ms', ok: (value) => finiteAtLeast(0)(value) && (value as number) > 0 },
	breakerThreshold: { takes: 'a whole number (≥ 1)', ok: wholeAtLeast(1) },
	breakerCooldownMs: { takes: MS, ok: finiteAtLeast(0) },
};

const OPTION_RULES: Record<string, Rule> = {
	token: { takes: 'a string (a personal access token or an OAuth access token)', ok: isString },
	baseUrl: {
		takes: 'an http(s) URL string, e.g. https://api.airtable.com',
		ok: (value) => typeof value === 'string' && /^https?:\/\/[^/]/i.test(value),
	},
	executor: {
		takes: 'an HttpExecutor: an object with a send(request) function (and optionally download)',
		ok: withFunctions(['send'], ['download']),
	},
	identity: { takes: 'a string (whose per-token limit the requests count against)', ok: isString },
	limits: {
		takes: `an object with any of ${Object.keys(LIMIT_RULES).join(', ')}`,
		ok: isObject,
	},
	schemaTtlMs: { takes: MS, ok: finiteAtLeast(0) },
	sharedLimits: {
		takes: 'a SharedLimitStore: an object with acquire, hold and openBreaker functions (leave it out for in-process limits)',
		ok: withFunctions(['acquire', 'hold', 'openBreaker']),
	},
	logger: {
		takes: 'an object with a warn(message, event) function (info and debug optional), e.g. n8n\'s logger',
		ok: withFunctions(['warn'], ['info', 'debug']),
	},
	simulation: {
		takes: "an object { mode: 'record' | 'replay', cassette, … }",
		ok: (value) => isObject(value) && (value.mode === 'record' || value.mode === 'replay'),
	},
	clock: { takes: 'a Clock: an object with now, sleep and setTimer functions', ok: withFunctions(['now', 'sleep', 'setTimer']) },
};

/** The type of a value, never the value (it may be a token). */
function described(value: unknown): string {
	if (value === null || value === undefined) return String(value);
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object of another shape';
	return `a ${typeof value}`;
}

function checkKeys(given: Record<string, unknown>, rules: Record<string, Rule>, prefix: string): void {
	for (const [key, value] of Object.entries(given)) {
		const rule = rules[key];
		if (!rule) {
			throw new AirtableInputError(
				`Unknown AirtableClient option "${prefix}${key}"; the known ones are ${Object.keys(rules).join(', ')}`,
			);
		}
		// An option set to undefined is an option not given.
		if (value !== undefined && !rule.ok(value)) {
			throw new AirtableInputError(`AirtableClient option "${prefix}${key}" takes ${rule.takes}, not ${described(value)}`);
		}
	}
}

/** Throws an AirtableInputError naming the first option of the wrong type or unknown name. */
export function checkClientOptions(options: unknown): void {
	if (!isObject(options)) {
		throw new AirtableInputError(`new AirtableClient(options) takes an object of options, not ${described(options)}`);
	}
	checkKeys(options, OPTION_RULES, '');
	if (isObject(options.limits)) checkKeys(options.limits, LIMIT_RULES, 'limits.');
}
