import {
	AirtableAuthError,
	AirtableError,
	AirtableInputError,
	AirtableIteratorExpiredError,
	AirtableNetworkError,
	AirtableNotFoundError,
	AirtablePermissionError,
	AirtableQuotaError,
	AirtableRateLimitError,
	AirtableServerError,
	AirtableUnknownOutcomeError,
	AirtableValidationError,
	errorKind,
	isRetryable,
	parseErrorBody,
	type AirtableErrorKind,
} from '../../index';
import { api, BASE, makeClient, TABLE, TABLE_PATH, useNock } from './helpers';

useNock();

/** One GET that answers `status` + `body`, with retries off so the first answer is final. */
async function errorFor(status: number, body: unknown, headers: Record<string, string> = {}): Promise<AirtableError> {
	api().get(`${TABLE_PATH}/recA`).reply(status, body as Record<string, unknown>, headers);
	const client = makeClient({}, { maxRetries: 0, maxRateLimitRetries: 0 });
	const error = await client
		.base(BASE)
		.table(TABLE)
		.get('recA')
		.catch((e: unknown) => e);
	expect(error).toBeInstanceOf(AirtableError);
	return error as AirtableError;
}

describe('error classes and messages', () => {
	it('401 → AirtableAuthError', async () => {
		const error = await errorFor(401, { error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' } });
		expect(error).toBeInstanceOf(AirtableAuthError);
		expect(error.kind).toBe('credential-invalid');
		expect(error.message).toMatch(/did not accept the access token \(401\)/);
		expect(error.message).toContain(`base ${BASE}`);
		expect(error.message).toContain(`table "${TABLE}"`);
		expect(error).toMatchObject({ status: 401, type: 'AUTHENTICATION_REQUIRED', operation: 'get', baseId: BASE, table: TABLE });
	});

	it('403 model not found → explains "no access or no such base/table"', async () => {
		const error = await errorFor(403, {
			error: { type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', message: 'Invalid permissions, or the requested model was not found.' },
		});
		expect(error).toBeInstanceOf(AirtablePermissionError);
		expect(error.kind).toBe('configuration-invalid');
		expect(error.message).toMatch(/no access to this base\/table, or no such base\/table/i);
		expect(error.message).toMatch(/check the id and the token's scopes and base access/);
	});

	it('403 INVALID_PERMISSIONS → names scopes and role', async () => {
		const error = await errorFor(403, {
			error: { type: 'INVALID_PERMISSIONS', message: 'You are not permitted to create records in table X' },
		});
		expect(error).toBeInstanceOf(AirtablePermissionError);
		expect(error.message).toMatch(/scopes or the user's role/);
		expect(error.message).toContain('You are not permitted to create records in table X');
	});

	it('404 with the string body shape → AirtableNotFoundError', async () => {
		const error = await errorFor(404, { error: 'NOT_FOUND' });
		expect(error).toBeInstanceOf(AirtableNotFoundError);
		expect(error.type).toBe('NOT_FOUND');
		expect(error.kind).toBe('configuration-invalid');
		expect(error.message).toMatch(/Not found \(404\)/);
	});

	it('422 → AirtableValidationError with the field parsed from the message', async () => {
		const unknownField = await errorFor(422, { error: { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Nmae"' } });
		expect(unknownField).toBeInstanceOf(AirtableValidationError);
		expect(unknownField.kind).toBe('invalid-input');
		expect(unknownField.field).toBe('Nmae');
		expect(unknownField.message).toMatch(/rejected the value or name of field "Nmae" \(422\)/);
		expect(unknownField.message).toContain('UNKNOWN_FIELD_NAME: Unknown field name: "Nmae"');

		const badValue = await errorFor(422, {
			error: { type: 'INVALID_VALUE_FOR_COLUMN', message: 'Field "Due date" cannot accept the provided value' },
		});
		expect(badValue.field).toBe('Due date');
	});

	it('422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE → AirtableIteratorExpiredError', async () => {
		const error = await errorFor(422, { error: { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' } });
		expect(error).toBeInstanceOf(AirtableIteratorExpiredError);
		expect(error.message).toMatch(/must restart from the first page/);
	});

	it('413 → AirtableValidationError about the size', async () => {
		const error = await errorFor(413, 'Request Entity Too Large');
		expect(error).toBeInstanceOf(AirtableValidationError);
		expect(error.message).toMatch(/too large/);
	});

	it('429 after retries → AirtableRateLimitError', async () => {
		const error = await errorFor(429, { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }] });
		expect(error).toBeInstanceOf(AirtableRateLimitError);
		expect(error.type).toBe('RATE_LIMIT_REACHED');
		expect(error.message).toMatch(/rate limit \(5 requests\/s per base, 50 requests\/s per token\) was still hit/);
	});

	it('429 billing → AirtableQuotaError', async () => {
		const error = await errorFor(429, { errors: [{ error: 'PUBLIC_API_BILLING_LIMIT_EXCEEDED', message: 'API billing plan limit exceeded.' }] });
		expect(error).toBeInstanceOf(AirtableQuotaError);
		expect(error.kind).toBe('quota-exhausted');
		expect(error.message).toMatch(/monthly API call quota is used up/);
	});

	it('5xx with a non-JSON body → AirtableServerError keeping the page text without markup', async () => {
		const error = await errorFor(502, '<html>Bad Gateway</html>');
		expect(error).toBeInstanceOf(AirtableServerError);
		expect(error.airtableMessage).toBe('Bad Gateway');
		expect(error.message).toMatch(/unavailable or failed \(502\)/);
	});

	it('transport failure → AirtableNetworkError', async () => {
		api()
			.get(`${TABLE_PATH}/recA`)
			.replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
		const error = await makeClient({}, { maxRetries: 0 })
			.base(BASE)
			.table(TABLE)
			.get('recA')
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableNetworkError);
		expect((error as AirtableNetworkError).message).toMatch(/Could not reach Airtable \(Network error ENOTFOUND/);
		expect((error as AirtableNetworkError).code).toBe('ENOTFOUND');
	});

	it('client-side refusal → AirtableInputError (a validation error, no status)', () => {
		const error = new AirtableInputError('pageSize must be …', { operation: 'list' });
		expect(error).toBeInstanceOf(AirtableValidationError);
		expect(error.status).toBeUndefined();
		expect(error.kind).toBe('invalid-input');
	});

	it('unknown outcome → AirtableUnknownOutcomeError', () => {
		const error = new AirtableUnknownOutcomeError({ operation: 'create', itemIndexes: [3, 4] }, 'ECONNRESET');
		expect(error.message).toMatch(/the records may or may not have been created/);
		expect(error.message).toMatch(/\[items 3, 4\]$/);
		expect(error.name).toBe('AirtableUnknownOutcomeError');
	});
});

describe('error helpers', () => {
	it('parses both body shapes and text', () => {
		expect(parseErrorBody({ error: { type: 'X', message: 'm' } })).toEqual({ type: 'X', message: 'm' });
		expect(parseErrorBody({ error: { type: 'NOT_FOUND' } })).toEqual({ type: 'NOT_FOUND', message: undefined });
		expect(parseErrorBody({ error: 'NOT_FOUND' })).toEqual({ type: 'NOT_FOUND', message: undefined });
		expect(parseErrorBody('proxy error')).toEqual({ message: 'proxy error' });
		expect(parseErrorBody(undefined)).toEqual({});
		expect(parseErrorBody({ unrelated: true })).toEqual({});
	});

	it('isRetryable and errorKind classify errors', () => {
		const kinds: Array<[AirtableError, AirtableErrorKind, boolean]> = [
			[new AirtableRateLimitError({}), 'rate-limited', true],
			[new AirtableServerError({}), 'temporarily-unavailable', true],
			[new AirtableQuotaError({}), 'quota-exhausted', false],
			[new AirtableAuthError({}), 'credential-invalid', false],
			[new AirtableNotFoundError({}), 'configuration-invalid', false],
			[new AirtableValidationError({}), 'invalid-input', false],
			[new AirtableUnknownOutcomeError({}, 'x'), 'unknown-outcome', false],
		];
		for (const [error, kind, retryable] of kinds) {
			expect(errorKind(error)).toBe(kind);
			expect(isRetryable(error)).toBe(retryable);
		}
		expect(errorKind(new Error('plain'))).toBeUndefined();
		expect(isRetryable(new Error('plain'))).toBe(false);
	});

	it('serializes to JSON with its details', () => {
		const error = new AirtableValidationError({
			status: 422,
			type: 'INVALID_VALUE_FOR_COLUMN',
			airtableMessage: 'Field "A" cannot accept the provided value',
			itemIndexes: [2],
			operation: 'update',
		});
		expect(JSON.parse(JSON.stringify(error))).toMatchObject({
			name: 'AirtableValidationError',
			kind: 'invalid-input',
			status: 422,
			field: 'A',
			itemIndexes: [2],
			operation: 'update',
		});
	});
});

describe('parseErrorBody: every envelope Airtable sends (test/contract/fixtures/errors.json)', () => {
	it.each([
		['object envelope', { error: { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Nmae"' } }, { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Nmae"' }],
		['object envelope without message', { error: { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' } }, { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE', message: undefined }],
		['string envelope', { error: 'NOT_FOUND' }, { type: 'NOT_FOUND', message: undefined }],
		['plural envelope', { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }] }, { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }],
		['plural envelope sent as text', '{"errors":[{"error":"PUBLIC_API_BILLING_LIMIT_EXCEEDED","message":"API billing plan limit exceeded."}]}', { type: 'PUBLIC_API_BILLING_LIMIT_EXCEEDED', message: 'API billing plan limit exceeded.' }],
		['gateway HTML page', '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><h1>502 Bad Gateway</h1></body></html>', { message: '502 Bad Gateway' }],
		['plain text', 'upstream request timeout', { message: 'upstream request timeout' }],
		['empty plural list', { errors: [] }, {}],
		['nothing', undefined, {}],
	])('%s', (_name, body, expected) => {
		expect(parseErrorBody(body)).toEqual(expected);
	});
});

describe('field names from every 422 wording', () => {
	it.each([
		['Unknown field name: "Nmae"', 'Nmae'],
		['Field "Due date" cannot accept the provided value', 'Due date'],
		['Field "Created" cannot accept a value because the field is computed', 'Created'],
		['Cannot parse value "false" for field fallbackTriggered', 'fallbackTriggered'],
		['Cannot parse value "x" for field Due date.', 'Due date'],
		['Field location_latitude can not accept value 41.884089', 'location_latitude'],
		['Could not find a field named NON_EXISTING', 'NON_EXISTING'],
		['Invalid request: parameter validation failed. Check your request data.', undefined],
		['Insufficient permissions to create new select option ""Meeting Room""', undefined],
	])('%s → %s', (message, field) => {
		expect(new AirtableValidationError({ status: 422, type: 'X', airtableMessage: message }).field).toBe(field);
	});
});
