/** An HTTP answer that ends request handling: thrown by handlers, written by the server. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
		readonly headers: Record<string, string> = {},
	) {
		super(typeof body === 'string' ? body : JSON.stringify(body));
	}
}

/** The `{"error":{"type","message"}}` form most Airtable errors use. */
export function apiError(status: number, type: string, message?: string): ApiError {
	return new ApiError(status, { error: message === undefined ? { type } : { type, message } });
}

/** The bare `{"error":"NOT_FOUND"}` form Airtable sends for unknown routes and record ids. */
export function notFound(): ApiError {
	return new ApiError(404, { error: 'NOT_FOUND' });
}

export function modelNotFound(): ApiError {
	return apiError(
		403,
		'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
		'Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.',
	);
}

export function invalidRequest(message: string): ApiError {
	return apiError(422, 'INVALID_REQUEST_UNKNOWN', message);
}

/**
 * Throttling answers use the plural envelope `{"errors":[{"error","message"}]}` (real captures in
 * test/contract): the 429 of the per-base/per-token limit and the monthly-quota 429 alike.
 */
export function pluralError(status: number, type: string, message: string): ApiError {
	return new ApiError(status, { errors: [{ error: type, message }] });
}

export const RATE_LIMIT_MESSAGE = 'Rate limit exceeded. Please try again later';
export const BILLING_LIMIT_MESSAGE = 'API billing plan limit exceeded.';

/** The error type of any envelope the emulator sends, for its metrics. */
export function errorTypeOf(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const { error, errors } = body as { error?: unknown; errors?: unknown };
	if (typeof error === 'string') return error;
	if (error && typeof error === 'object') return (error as { type?: string }).type;
	if (Array.isArray(errors)) return (errors[0] as { error?: string } | undefined)?.error;
	return undefined;
}
