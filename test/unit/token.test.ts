import { inspect } from 'node:util';

import { AirtableError, type AirtableClient } from '../../index';
import { api, BASE, makeClient, TABLE, TABLE_PATH, TOKEN, useNock } from './helpers';

useNock();

function expectNoToken(value: unknown): void {
	const error = value as Error;
	expect(error.message).not.toContain(TOKEN);
	expect(String(error.stack)).not.toContain(TOKEN);
	expect(JSON.stringify(error)).not.toContain(TOKEN);
	expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
}

async function failure(
	run: (client: AirtableClient) => Promise<unknown>,
	requestTimeoutMs = 5000,
): Promise<AirtableError> {
	const error = await run(makeClient({}, { maxRetries: 0, maxRateLimitRetries: 0, requestTimeoutMs })).catch(
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(AirtableError);
	return error as AirtableError;
}

describe('the token never leaks', () => {
	const get = (client: AirtableClient) => client.base(BASE).table(TABLE).get('recA');

	// Every body echoes the token (a misbehaving proxy or server could), so only redaction keeps it out.
	const echoed = `Bearer ${TOKEN}`;
	it.each([
		[401, { error: { type: 'AUTHENTICATION_REQUIRED', message: `Bad token ${echoed}` } }],
		[403, { error: { type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', message: `For ${echoed}` } }],
		[404, { error: 'NOT_FOUND', message: `Not found for ${echoed}` }],
		[422, { error: { type: 'INVALID_REQUEST_UNKNOWN', message: `Invalid request with ${echoed}` } }],
		[429, { error: { type: 'RATE_LIMIT_REACHED', message: `Too fast, ${echoed}` } }],
		[503, `Service Unavailable (${echoed})`],
	])('not in errors for HTTP %i, even when the body echoes it', async (status, body) => {
		api().get(`${TABLE_PATH}/recA`).reply(status, body as Record<string, unknown>);
		const error = await failure(get);
		expectNoToken(error);
		expect(JSON.stringify(error)).toContain('[redacted]');
	});

	it('not even when the server echoes it back', async () => {
		api()
			.get(`${TABLE_PATH}/recA`)
			.reply(401, { error: { type: 'AUTHENTICATION_REQUIRED', message: `Bad token Bearer ${TOKEN}` } });
		const error = await failure(get);
		expectNoToken(error);
		expect(error.airtableMessage).toContain('[redacted]');
	});

	it('not in network errors, even when the socket error text contains it', async () => {
		api()
			.get(`${TABLE_PATH}/recA`)
			.replyWithError(Object.assign(new Error(`proxy said: Authorization: Bearer ${TOKEN}`), { code: 'ECONNRESET' }));
		expectNoToken(await failure(get));
	});

	it('not in timeouts and unknown-outcome errors', async () => {
		api().get(`${TABLE_PATH}/recA`).delay(300).reply(200, {});
		expectNoToken(await failure(get, 50));
		api().post(TABLE_PATH).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
		expectNoToken(await failure((client) => client.base(BASE).table(TABLE).create([{ a: 1 }])));
	});

	it('not on the client object', () => {
		const client = makeClient();
		expect(JSON.stringify(client)).not.toContain(TOKEN);
		expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(TOKEN);
	});
});
