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

export const RATE_LIMIT_BODY = {
	error: { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' },
};
