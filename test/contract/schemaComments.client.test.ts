import type { ReplyHeaders } from 'nock';

import { AirtableError, AirtableScopeError, type TableSchema } from '../../index';
import comments from './fixtures/comments.json';
import schemaWrites from './fixtures/schemaWrites.json';
import { contractCase, type ContractCase } from './corpus';
import { api, BASE, makeClient, TABLE, useNock } from '../unit/helpers';

/**
 * The client against the recorded comment and schema-write answers (fixtures/comments.json,
 * fixtures/schemaWrites.json): it reads every answer into its types, classifies every error,
 * names the missing scope on a 403, and a schema write revises the cached schema.
 */

useNock();

const commentCases = comments.cases as ContractCase[];
const schemaCases = schemaWrites.cases as ContractCase[];
const RECORD = 'recCtr0000000001';
const COMMENT = 'comFirst000000001';
const FIELD = 'fldVisited0000001';

function pathOf(contract: ContractCase): string {
	return (contract.request?.path ?? '')
		.replace('{base}', BASE)
		.replace('{table}', TABLE)
		.replace('{record}', RECORD)
		.replace('{comment}', COMMENT)
		.replace('{field}', FIELD);
}

function serve(contract: ContractCase, times = 1): { count: () => number; bodies: unknown[] } {
	let requests = 0;
	const bodies: unknown[] = [];
	const path = pathOf(contract);
	api()
		.intercept((uri) => uri.split('?')[0] === path, contract.request?.method ?? 'GET')
		.times(times)
		.reply((_uri, body) => {
			requests++;
			bodies.push(body);
			return [contract.response.status, contract.response.body as string, (contract.response.headers ?? {}) as ReplyHeaders];
		});
	return { count: () => requests, bodies };
}

const client = () => makeClient({}, { maxRetries: 2 });
const recordComments = () => client().base(BASE).table(TABLE).comments(RECORD);

describe('contract corpus: comments', () => {
	it('list follows the offset to the last page (offset null) and returns every comment, newest first', async () => {
		const first = contractCase(commentCases, 'list-comments-page');
		const last = contractCase(commentCases, 'list-comments-last-page');
		const offset = (first.response.body as { offset: string }).offset;
		const queries: string[] = [];
		api()
			.get(pathOf(first))
			.query(true)
			.times(2)
			.reply((uri) => {
				queries.push(decodeURIComponent(uri.split('?')[1] ?? ''));
				return [200, (uri.includes('offset=') ? last : first).response.body as string];
			});
		const listed = await recordComments().list();
		expect(listed.map((comment) => comment.id)).toEqual(['comReply000000001', 'comFirst000000001']);
		expect(queries).toEqual(['pageSize=100', `pageSize=100&offset=${offset}`]);
		expect(listed[0].mentioned?.usrMentioned00001).toMatchObject({ type: 'user', displayName: 'Mentioned Person' });
		expect(listed[0].parentCommentId).toBe('comFirst000000001');
		expect(listed[1].lastUpdatedTime).toBeNull();
	});

	it('add sends the text (and the parent of a reply) and returns the comment', async () => {
		const plain = serve(contractCase(commentCases, 'create-comment'));
		const added = await recordComments().add('Please check the invoice.');
		expect(plain.bodies).toEqual([{ text: 'Please check the invoice.' }]);
		expect(added).toMatchObject({ id: 'comNew00000000001', author: { id: 'usrAuthor00000001' }, lastUpdatedTime: null });

		const reply = serve(contractCase(commentCases, 'create-comment-mention-reply'));
		const answered = await recordComments().add('Done, thanks @[usrMentioned00001]!', { parentCommentId: 'comFirst000000001' });
		expect(reply.bodies).toEqual([{ text: 'Done, thanks @[usrMentioned00001]!', parentCommentId: 'comFirst000000001' }]);
		expect(Object.keys(answered.mentioned ?? {})).toEqual(['usrMentioned00001']);
	});

	it('edit and delete address the comment by id', async () => {
		const edit = serve(contractCase(commentCases, 'update-comment'));
		const edited = await recordComments().edit(COMMENT, 'Never mind.');
		expect(edit.bodies).toEqual([{ text: 'Never mind.' }]);
		expect(edited.lastUpdatedTime).toBe('2024-03-01T09:05:00.000Z');
		serve(contractCase(commentCases, 'delete-comment'));
		expect(await recordComments().delete(COMMENT)).toEqual({ id: COMMENT, deleted: true });
	});

	it('a 403 names the comment scope the token needs', async () => {
		const contract = contractCase(commentCases, '403-comments-scope');
		const served = serve(contract, 5);
		const error = (await recordComments().add('Hello').catch((e: unknown) => e)) as AirtableScopeError;
		expect(error).toBeInstanceOf(AirtableScopeError);
		expect(error.kind).toBe(contract.expect!.kind);
		expect(error.type).toBe(contract.expect!.type);
		expect(error.scope).toBe(contract.expect!.scope);
		expect(error.message).toContain('data.recordComments:write');
		expect(served.count()).toBe(contract.expect!.requests);
	});
});

describe('contract corpus: schema writes', () => {
	function cacheSchema(tables: TableSchema[]) {
		let reads = 0;
		api()
			.get(`/v0/meta/bases/${BASE}/tables`)
			.times(5)
			.reply(() => {
				reads++;
				return [200, { tables }];
			});
		return () => reads;
	}
	const contacts: TableSchema = {
		id: TABLE,
		name: 'Flats',
		primaryFieldId: 'fldName000000001',
		fields: [{ id: 'fldName000000001', name: 'Name', type: 'singleLineText' }],
		views: [],
	};

	it('create table returns its schema, and the cached schema has the table without another read', async () => {
		const reads = cacheSchema([contacts]);
		const base = client().base(BASE);
		await base.schema();
		const contract = contractCase(schemaCases, 'create-table');
		const served = serve(contract);
		const table = await base.createTable(contract.request!.body as never);
		expect(served.bodies).toEqual([contract.request!.body]);
		expect(table.fields.map((field) => field.name)).toEqual(['Number', 'Paid']);
		expect((await base.schema()).table('Invoices')?.primaryFieldId).toBe('fldInvNumber00001');
		expect(reads()).toBe(1);
	});

	it('create field and update field revise the cached table', async () => {
		const reads = cacheSchema([contacts]);
		const base = client().base(BASE);
		await base.schema();
		const create = contractCase(schemaCases, 'create-field');
		serve(create);
		const field = await base.createField(TABLE, create.request!.body as never);
		expect(field).toMatchObject({ id: FIELD, type: 'checkbox' });
		expect((await base.schema()).field(TABLE, 'Visited')?.id).toBe(FIELD);

		const update = contractCase(schemaCases, 'update-field');
		const served = serve(update);
		await base.updateField(TABLE, FIELD, { name: 'Seen', description: 'Visited at least once' });
		expect(served.bodies).toEqual([{ name: 'Seen', description: 'Visited at least once' }]);
		const schema = await base.schema();
		expect(schema.field(TABLE, 'Seen')?.id).toBe(FIELD);
		expect(schema.field(TABLE, 'Visited')).toBeUndefined();
		expect(reads()).toBe(1);
	});

	it.each(schemaCases.filter((contract) => contract.expect).map((contract) => [contract.id, contract] as const))(
		'%s: classified, explained, sent once',
		async (_id, contract) => {
			const served = serve(contract, 5);
			const spec = contract.request!.body as { name: string; type: string };
			const error = (await client().base(BASE).createField(TABLE, spec).catch((e: unknown) => e)) as AirtableError;
			expect(error).toBeInstanceOf(AirtableError);
			const expected = contract.expect!;
			expect(error.kind).toBe(expected.kind);
			expect(error.status).toBe(contract.response.status);
			expect(error.type).toBe(expected.type);
			if ('field' in expected) expect(error.field).toBe(expected.field);
			if ('scope' in expected) expect((error as AirtableScopeError).scope).toBe(expected.scope);
			expect(error.message).toContain(String(expected.scope ?? spec.name));
			expect(served.count()).toBe(expected.requests);
		},
	);
});
