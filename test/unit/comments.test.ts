import { AirtableError, AirtableInputError, mention, TransportError, type ClientLimits, type HttpResponse } from '../../index';
import { FakeClock } from '../support/fakeClock';
import { BASE, makeClient, ok, stubExecutor, TABLE, useNock } from './helpers';

/**
 * Record comments through the client on fake time: paced by the base's limiter like records,
 * paginated, refused before sending when the input is wrong, and at the worst moment (an answer
 * lost after the request went out) an add is never posted twice while edits and deletes repeat.
 */

useNock();

const PACED: Partial<ClientLimits> = { perBase: { requests: 5, perMs: 1000 }, perToken: { requests: 50, perMs: 1000 }, windowMarginMs: 40 };
const RECORD = 'recComments00001';
const COMMENT = 'comExisting00001';
const comment = (id: string, text = 'Hi') => ({ id, text, createdTime: '2024-01-01T00:00:00.000Z', lastUpdatedTime: null, author: { id: 'usrA00000000001' } });
const lost = () => Promise.reject(new TransportError('ECONNRESET', true, 'socket hang up'));

function setup(answer: (path: string, index: number) => Promise<HttpResponse> | HttpResponse, limits: Partial<ClientLimits> = {}) {
	const clock = new FakeClock();
	const executor = stubExecutor(clock, (request, index) => answer(request.path, index));
	const client = makeClient({ executor, clock }, limits);
	return { clock, executor, comments: client.base(BASE).table(TABLE).comments(RECORD) };
}

describe('record comments', () => {
	it('share the base limiter with records: 12 adds at once go 5, then 5 a window later, then 2', async () => {
		const { clock, executor, comments } = setup(() => ok(comment('comNew000000001')), PACED);
		const start = clock.now();
		await clock.run(Promise.all(Array.from({ length: 12 }, (_, n) => comments.add(`Note ${n}`))));
		expect(executor.seen.map((request) => request.at - start)).toEqual([0, 0, 0, 0, 0, 1040, 1040, 1040, 1040, 1040, 2080, 2080]);
		expect(executor.seen.every((request) => request.method === 'POST' && request.path === `/v0/${BASE}/${TABLE}/${RECORD}/comments`)).toBe(true);
	});

	it('list reads pages until the offset runs out, and maxComments stops early with a smaller last page', async () => {
		const pages = [
			{ comments: [comment('com3'), comment('com2')], offset: 'itrX/com1' },
			{ comments: [comment('com1')], offset: null },
		];
		const { clock, executor, comments } = setup((_path, index) => ok(pages[index]));
		expect((await clock.run(comments.list({ pageSize: 2 }))).map((c) => c.id)).toEqual(['com3', 'com2', 'com1']);
		expect(executor.seen.map((request) => request.path.split('?')[1])).toEqual(['pageSize=2', 'pageSize=2&offset=itrX%2Fcom1']);

		executor.seen.length = 0;
		expect((await clock.run(comments.list({ maxComments: 1 }))).map((c) => c.id)).toEqual(['com3']);
		expect(executor.seen.map((request) => request.path.split('?')[1])).toEqual(['pageSize=1']);
	});

	it('an add whose answer was lost is not posted again: its outcome is reported as unknown', async () => {
		const { clock, executor, comments } = setup(() => lost());
		const error = (await clock.run(comments.add('Please call back').catch((e: unknown) => e))) as AirtableError;
		expect(error.kind).toBe('unknown-outcome');
		expect(executor.seen).toHaveLength(1);
	});

	it('an edit whose answer was lost is sent again (the same text twice changes nothing)', async () => {
		const { clock, executor, comments } = setup((_path, index) => (index === 0 ? lost() : ok(comment(COMMENT, 'Edited'))));
		await expect(clock.run(comments.edit(COMMENT, 'Edited'))).resolves.toMatchObject({ text: 'Edited' });
		expect(executor.seen.map((request) => [request.method, request.body])).toEqual([['PATCH', { text: 'Edited' }], ['PATCH', { text: 'Edited' }]]);
	});

	it('a delete re-sent after a lost answer that finds the comment gone counts as deleted', async () => {
		const { clock, comments } = setup((_path, index) => (index === 0 ? lost() : { status: 404, headers: {}, body: { error: 'NOT_FOUND' } }));
		await expect(clock.run(comments.delete(COMMENT))).resolves.toEqual({ id: COMMENT, deleted: true, alreadyGone: true });
	});

	it('without a lost answer, deleting a comment that does not exist is an error', async () => {
		const { clock, comments } = setup(() => ({ status: 404, headers: {}, body: { error: 'NOT_FOUND' } }));
		await expect(clock.run(comments.delete(COMMENT))).rejects.toMatchObject({ status: 404, kind: 'configuration-invalid' });
	});

	it('refuses bad input before sending anything', async () => {
		const { executor, comments } = setup(() => ok(comment('comNew000000001')));
		await expect(comments.add('   ')).rejects.toThrow(/needs some text/);
		await expect(comments.edit('12345', 'x')).rejects.toThrow(/"12345" is not an Airtable comment ID/);
		await expect(comments.add('x', { parentCommentId: 'recNotAComment01' })).rejects.toBeInstanceOf(AirtableInputError);
		await expect(comments.list({ pageSize: 101 })).rejects.toThrow(/pageSize must be a whole number from 1 to 100/);
		expect(() => makeClient().base(BASE).table(TABLE).comments('12')).toThrow(/is not an Airtable record ID/);
		expect(executor.seen).toHaveLength(0);
	});

	it('mention() writes the @[usr…] form and refuses what is not a user or group id', () => {
		expect(mention('usrAbc123def456gh')).toBe('@[usrAbc123def456gh]');
		expect(mention('ugpTeam000000001')).toBe('@[ugpTeam000000001]');
		expect(() => mention('ada@example.com')).toThrow(/not an Airtable user ID/);
	});
});
