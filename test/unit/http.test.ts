import nock from 'nock';

import {
	AirtableClient,
	AirtableError,
	AirtableNotSentError,
	createFetchExecutor,
	RequestNotSentError,
	TransportError,
} from '../../index';
import type { AirtableContext } from '../../nodes/shared/runtime/context';
import { createN8nExecutor } from '../../nodes/shared/runtime/executor';
import { API, api, BASE, FAST_LIMITS, makeClient, TABLE, TOKEN, useNock } from './helpers';

useNock();

const executor = () => createFetchExecutor({ token: TOKEN });

describe('createFetchExecutor', () => {
	it('sends the Bearer token and a JSON body', async () => {
		let received: unknown;
		const scope = api()
			.matchHeader('authorization', `Bearer ${TOKEN}`)
			.matchHeader('content-type', 'application/json')
			.post('/v0/appA/tblB', (body) => {
				received = body;
				return true;
			})
			.reply(200, { ok: true }, { 'X-Extra': 'yes' });
		const response = await executor().send({ method: 'POST', path: '/v0/appA/tblB', body: { records: [] } });
		expect(scope.isDone()).toBe(true);
		expect(received).toEqual({ records: [] });
		expect(response).toMatchObject({ status: 200, body: { ok: true } });
		expect(response.headers['x-extra']).toBe('yes');
	});

	it('uses a custom base URL without doubling slashes', async () => {
		const scope = nock('http://localhost:5099').get('/v0/meta/whoami').reply(200, { id: 'usrX' });
		const custom = createFetchExecutor({ token: TOKEN, baseUrl: 'http://localhost:5099/' });
		await expect(custom.send({ method: 'GET', path: '/v0/meta/whoami' })).resolves.toMatchObject({ body: { id: 'usrX' } });
		expect(scope.isDone()).toBe(true);
	});

	it('accepts empty 2xx bodies and returns non-JSON bodies as text', async () => {
		api().delete('/v0/bases/appA/webhooks/achX').reply(200, '');
		api().get('/v0/appA/tblB').reply(502, '<html>Bad Gateway</html>');
		const empty = await executor().send({ method: 'DELETE', path: '/v0/bases/appA/webhooks/achX' });
		expect(empty).toMatchObject({ status: 200, body: undefined });
		const text = await executor().send({ method: 'GET', path: '/v0/appA/tblB' });
		expect(text).toMatchObject({ status: 502, body: '<html>Bad Gateway</html>' });
	});

	it('never throws for an HTTP error status', async () => {
		api().get('/v0/appA/tblB').reply(422, { error: { type: 'X' } });
		await expect(executor().send({ method: 'GET', path: '/v0/appA/tblB' })).resolves.toMatchObject({ status: 422 });
	});

	it.each([
		['ECONNRESET', true],
		['ECONNREFUSED', false],
		['ENOTFOUND', false],
		['EPIPE', true],
	])('maps %s to a TransportError (requestSent %s)', async (code, requestSent) => {
		api()
			.get('/v0/appA/tblB')
			.replyWithError(Object.assign(new Error(`connect ${code}`), { code }));
		const error = await executor()
			.send({ method: 'GET', path: '/v0/appA/tblB' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect(error).toMatchObject({ code, requestSent });
	});

	it('finds the code on the cause of a fetch TypeError', async () => {
		const original = global.fetch;
		global.fetch = jest.fn(async () => {
			throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }) });
		});
		try {
			const error = await executor()
				.send({ method: 'GET', path: '/v0/x' })
				.catch((e: unknown) => e);
			expect(error).toMatchObject({ code: 'ECONNREFUSED', requestSent: false });
		} finally {
			global.fetch = original;
		}
	});

	it('aborts after the timeout with ETIMEDOUT (requestSent)', async () => {
		api().get('/v0/appA/tblB').delay(500).reply(200, {});
		const error = await executor()
			.send({ method: 'GET', path: '/v0/appA/tblB', timeoutMs: 50 })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect(error).toMatchObject({ code: 'ETIMEDOUT', requestSent: true });
		expect((error as Error).message).toMatch(/within 50 ms/);
	});
});

describe('failures before anything was sent', () => {
	it('an invalid URL → RequestNotSentError keeping the cause, not a transport error', async () => {
		const broken = createFetchExecutor({ token: TOKEN, baseUrl: 'http://bad host:99' });
		const error = await broken.send({ method: 'GET', path: '/v0/x' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RequestNotSentError);
		expect(error).not.toBeInstanceOf(TransportError);
		expect((error as RequestNotSentError).message).toMatch(/Failed to parse URL/);
		expect((error as RequestNotSentError).kind).toBe('configuration-invalid');
	});

	it('the client neither retries it nor calls a create an unknown outcome', async () => {
		const client = makeClient({ baseUrl: 'http://bad host:99' });
		const error = (await client.base(BASE).table(TABLE).create([{ Name: 'x' }]).catch((e: unknown) => e)) as AirtableError;
		expect(error).toBeInstanceOf(AirtableNotSentError);
		expect(error.kind).toBe('configuration-invalid');
		expect(error.retries).toBe(0);
		expect(error.message).toMatch(/not sent to Airtable, so nothing was written: Failed to parse URL/);
		expect(client.stats()).toMatchObject({ requests: 1, retries: 0 });
	});
});

describe('n8n executor: what httpRequestWithAuthentication throws', () => {
	/** A node context whose n8n request helper throws `thrown` (n8n wraps errors in NodeApiError). */
	function contextThrowing(thrown: unknown): { ctx: AirtableContext; calls: () => number } {
		let calls = 0;
		const ctx = {
			helpers: {
				httpRequestWithAuthentication: async () => {
					calls++;
					throw thrown;
				},
			},
		} as unknown as AirtableContext;
		return { ctx, calls: () => calls };
	}

	it('a credential that could not be refreshed: credential-invalid, sent once, message kept, token removed', async () => {
		// The shape of n8n-core's reconnect error (NodeOperationError with failure.cause).
		const refresh = Object.assign(new Error(`The credential "Airtable ${TOKEN}" needs to be reconnected.`), {
			description: 'Access could not be refreshed because the refresh token expired. Open the credential and reconnect it to continue.',
			failure: { cause: 'credential-invalid' },
		});
		const { ctx, calls } = contextThrowing(refresh);
		const client = new AirtableClient({ executor: createN8nExecutor(ctx, 'airtableSyncOAuth2Api', API), identity: TOKEN, limits: FAST_LIMITS });
		const error = (await client.base(BASE).table(TABLE).create([{ Name: 'x' }]).catch((e: unknown) => e)) as AirtableError;
		expect(error).toBeInstanceOf(AirtableNotSentError);
		expect(error.kind).toBe('credential-invalid');
		expect(error.message).toContain('needs to be reconnected');
		expect(error.message).toContain('Access could not be refreshed');
		expect(error.message).not.toContain(TOKEN);
		expect(calls()).toBe(1);
	});

	it('a network error inside the n8n wrapper stays a transport error (a create is then an unknown outcome)', async () => {
		const wrapped = Object.assign(new Error('socket hang up'), { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
		const { ctx, calls } = contextThrowing(wrapped);
		const client = new AirtableClient({ executor: createN8nExecutor(ctx, 'airtableSyncOAuth2Api', API), identity: TOKEN, limits: FAST_LIMITS });
		const error = (await client.base(BASE).table(TABLE).create([{ Name: 'x' }]).catch((e: unknown) => e)) as AirtableError;
		expect(error.kind).toBe('unknown-outcome');
		expect(error.code).toBe('ECONNRESET');
		expect(calls()).toBe(1);
	});

	it('an n8n error without a network code (sandbox, invalid URL) is a setup problem, not retried on a read either', async () => {
		const { ctx, calls } = contextThrowing(new Error('Invalid URL: http://exa mple'));
		const client = new AirtableClient({ executor: createN8nExecutor(ctx, 'airtableSyncTokenApi', API), identity: TOKEN, limits: FAST_LIMITS });
		const error = (await client.base(BASE).table(TABLE).get('recA').catch((e: unknown) => e)) as AirtableError;
		expect(error).toMatchObject({ kind: 'configuration-invalid', retries: 0 });
		expect(error.message).toContain('Invalid URL');
		expect(calls()).toBe(1);
	});
});
