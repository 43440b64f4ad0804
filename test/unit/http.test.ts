import nock from 'nock';

import { createFetchExecutor, TransportError } from '../../index';
import { api, TOKEN, useNock } from './helpers';

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
