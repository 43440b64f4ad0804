import nock, { type DataMatcherMap, type ReplyHeaders } from 'nock';

import { AirtableError, BaseSchema, type AirtableClient } from '../../index';
import { toRestCellValue } from '../../nodes/AirtableInstantTrigger/cellValues';
import { api, BASE, makeClient, TABLE, TABLE_PATH, useNock } from '../unit/helpers';
import {
	contractCase,
	errorCases,
	metaCases,
	recordCases,
	webhookCases,
	webhookSchema,
	type ContractCase,
} from './corpus';

useNock();

const RECORD = 'recCtr0000000001';
const LIMITS = { maxRetries: 2, maxRateLimitRetries: 1 };

/** Nock path matcher for a case's request: the path with placeholders filled, any query. */
function pathOf(contract: ContractCase): string {
	return (contract.request?.path ?? '')
		.replace('{base}', BASE)
		.replace('{table}', TABLE)
		.replace('{record}', RECORD)
		.split('?')[0];
}

/** Answers every matching request with the case's recorded response; counts them. */
function serve(contract: ContractCase): { count: () => number } {
	let requests = 0;
	const path = pathOf(contract);
	const method = (contract.request?.method ?? 'GET').toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
	api()
		.intercept((uri) => uri.split('?')[0] === path, method.toUpperCase())
		.times(20)
		.reply(() => {
			requests++;
			return [contract.response.status, contract.response.body as string, (contract.response.headers ?? {}) as ReplyHeaders];
		});
	return { count: () => requests };
}

/** The client call that sends the case's request. */
async function sendAs(client: AirtableClient, contract: ContractCase): Promise<unknown> {
	const table = client.base(BASE).table(TABLE);
	const { method = 'GET', path = '' } = contract.request ?? {};
	if (method === 'GET' && path.endsWith('{record}')) return await table.get(RECORD);
	if (method === 'GET') return await table.list({ sort: [{ field: 'Name' }] }).all();
	if (method === 'POST') return await table.create([{ Name: 'Ada' }]);
	if (method === 'PATCH') return await table.update([{ id: RECORD, fields: { Name: 'Ada' } }]);
	throw new Error(`No client call for ${method} ${path}`);
}

function expectedRequests(value: unknown): number {
	if (value === '1 + maxRetries') return 1 + LIMITS.maxRetries;
	if (value === '1 + maxRateLimitRetries') return 1 + LIMITS.maxRateLimitRetries;
	return value as number;
}

describe('contract corpus: the client classifies every recorded error answer', () => {
	it.each(errorCases.map((contract) => [contract.id, contract] as const))('%s', async (_id, contract) => {
		const served = serve(contract);
		const client = makeClient({}, LIMITS);
		const error = (await sendAs(client, contract).catch((e: unknown) => e)) as AirtableError;
		expect(error).toBeInstanceOf(AirtableError);
		const expected = contract.expect ?? {};
		expect(error.kind).toBe(expected.kind);
		expect(error.status).toBe(contract.response.status);
		if ('type' in expected) expect(error.type).toBe(expected.type);
		expect(error.field).toBe(expected.field);
		if ('airtableMessage' in expected) expect(error.airtableMessage).toBe(expected.airtableMessage);
		expect(served.count()).toBe(expectedRequests(expected.requests));
		// What Airtable said is in the message, so error items can show it.
		if (error.type) expect(error.message).toContain(error.type);
	});

	it('a plain rate limit keeps its type and the quota puts no hold on the base', async () => {
		serve(contractCase(errorCases, '429-billing-limit'));
		const client = makeClient({}, { ...LIMITS, rateLimitHoldMs: 60_000 });
		const quota = (await client.base(BASE).table(TABLE).get(RECORD).catch((e: unknown) => e)) as AirtableError;
		expect(quota.kind).toBe('quota-exhausted');
		expect(quota.message).toMatch(/monthly API call quota is used up/);
		expect(quota.message).toMatch(/retrying now does not help/);
		expect(client.stats()).toMatchObject({ requests: 1, retries: 0, rateLimited: 0 });

		nock.cleanAll();
		serve(contractCase(errorCases, '429-rate-limit'));
		const limited = (await makeClient({}, { ...LIMITS, rateLimitHoldMs: 5 })
			.base(BASE)
			.table(TABLE)
			.get(RECORD)
			.catch((e: unknown) => e)) as AirtableError;
		expect(limited.toJSON()).toMatchObject({ kind: 'rate-limited', type: 'RATE_LIMIT_REACHED', airtableMessage: 'Rate limit exceeded. Please try again later' });
	});
});

describe('contract corpus: the client maps every recorded success answer', () => {
	it('list pages: follows the offset to the last page', async () => {
		const first = contractCase(recordCases, 'list-page-with-offset');
		const last = contractCase(recordCases, 'list-last-page');
		const offsets: Array<string | null> = [];
		api()
			.get(TABLE_PATH)
			.query(true)
			.times(2)
			.reply((uri) => {
				const offset = new URL(uri, 'https://api.airtable.com').searchParams.get('offset');
				offsets.push(offset);
				return [200, (offset ? last : first).response.body as Record<string, unknown>];
			});
		const records = await makeClient().base(BASE).table(TABLE).list({ pageSize: 2 }).all();
		expect(records.map((r) => r.id)).toEqual(['recCtr0000000001', 'recCtr0000000002', 'recCtr0000000003']);
		expect(offsets).toEqual([null, 'itrCtr0000000001/recCtr0000000002']);
	});

	it('get, create and update answers become records', async () => {
		const table = () => makeClient().base(BASE).table(TABLE);
		const got = contractCase(recordCases, 'get-record');
		api().get(`${TABLE_PATH}/${RECORD}`).reply(200, got.response.body as Record<string, unknown>);
		await expect(table().get(RECORD)).resolves.toEqual(got.response.body);

		const created = contractCase(recordCases, 'create-records');
		api().post(TABLE_PATH, created.request?.body as DataMatcherMap).reply(200, created.response.body as Record<string, unknown>);
		const made = await table().create([{ Name: 'Ada' }, { Name: 'Grace' }]);
		expect(made.map((r) => r.id)).toEqual(['recNew0000000001', 'recNew0000000002']);

		const updated = contractCase(recordCases, 'update-records');
		api().patch(TABLE_PATH, updated.request?.body as DataMatcherMap).reply(200, updated.response.body as Record<string, unknown>);
		const [changed] = await table().update([{ id: RECORD, fields: { Score: 5 } }]);
		expect(changed.fields).toEqual({ Name: 'Ada', Score: 5 });
	});

	it('upsert answer: createdRecords / updatedRecords map to each record', async () => {
		const upsert = contractCase(recordCases, 'upsert-created-and-updated');
		const body = upsert.request?.body as DataMatcherMap;
		api().patch(TABLE_PATH, body).times(2).reply(200, upsert.response.body as Record<string, unknown>);
		const fields = [
			{ Name: 'Ada', Score: 7 },
			{ Name: 'Katherine', Score: 3 },
		];
		const table = makeClient().base(BASE).table(TABLE);
		const result = await table.upsert(fields, { fieldsToMergeOn: ['Name'] });
		expect(result).toMatchObject({ createdRecords: ['recNew0000000003'], updatedRecords: ['recCtr0000000001'], createdOrUpdatedRecords: [] });
		const settled = await table.upsertSettled(fields, { fieldsToMergeOn: ['Name'] });
		expect(settled.map((s) => (s.ok ? s.value.created : 'failed'))).toEqual([false, true]);
	});

	it('delete answer: one result per id', async () => {
		const deleted = contractCase(recordCases, 'delete-records');
		api().delete(TABLE_PATH).query(true).reply(200, deleted.response.body as Record<string, unknown>);
		await expect(makeClient().base(BASE).table(TABLE).delete(['recCtr0000000001', 'recCtr0000000002'])).resolves.toEqual([
			{ id: 'recCtr0000000001', deleted: true },
			{ id: 'recCtr0000000002', deleted: true },
		]);
	});

	it('metadata: base schema and base list', async () => {
		const schema = contractCase(metaCases, 'base-schema');
		api().get(`/v0/meta/bases/${BASE}/tables`).reply(200, schema.response.body as Record<string, unknown>);
		const base = await makeClient().base(BASE).schema();
		expect(base).toBeInstanceOf(BaseSchema);
		expect(base.table('Flats')?.primaryFieldId).toBe('fldFlatName000001');
		expect(base.table('tblFlats00000001')?.fields.map((f) => f.type)).toEqual(['singleLineText', 'multipleAttachments', 'multipleRecordLinks']);

		const bases = contractCase(metaCases, 'list-bases');
		api().get('/v0/meta/bases').query(true).reply(200, bases.response.body as Record<string, unknown>);
		await expect(makeClient().bases()).resolves.toEqual([{ id: 'appFlats000000001', name: 'Flat hunting', permissionLevel: 'create' }]);
	});
});

describe('contract corpus: webhook payloads (client side)', () => {
	const tasks = new BaseSchema(BASE, webhookSchema.tables as never).table('Tasks');

	it('reads a payload page and converts the webhook cell values to the REST form', async () => {
		const page = contractCase(webhookCases, 'payloads-record-created-and-changed');
		api().get(`/v0/bases/${BASE}/webhooks/achHook0000000001/payloads`).query(true).reply(200, page.response.body as Record<string, unknown>);
		const read = await makeClient().base(BASE).webhooks.payloads('achHook0000000001', { cursor: 1 });
		expect(read.cursor).toBe(3);
		expect(read.mightHaveMore).toBe(false);
		expect(read.payloads).toHaveLength(2);

		const created = read.payloads[0].changedTablesById?.tblTasks00000001?.createdRecordsById?.recTask000000001;
		const cells = created?.cellValuesByFieldId ?? {};
		const byName: Record<string, unknown> = {};
		for (const [fieldId, value] of Object.entries(cells)) {
			const field = tasks?.fields.find((f) => f.id === fieldId);
			byName[field?.name ?? fieldId] = toRestCellValue(value, field);
		}
		const expected = page.expect?.created as Record<string, unknown>;
		expect(byName.Name).toBe(expected.Name);
		expect(byName.Stage).toBe(expected.Stage);
		expect(byName.Tags).toEqual(expected.Tags);
		expect(byName.Project).toEqual(expected.Project);
		// A lookup of a multiple select: one option name per looked-up option, in linked-record order
		// (reference §5.4), converted per element by the schema's options.result.
		expect(byName['Project tags']).toEqual(expected['Project tags']);
		expect(read.payloads[1].changedTablesById?.tblTasks00000001?.destroyedRecordIds).toEqual(page.expect?.destroyed);
	});

	it('reads a payload that only destroys tables', async () => {
		const page = contractCase(webhookCases, 'payload-destroyed-tables');
		api().get(`/v0/bases/${BASE}/webhooks/achHook0000000001/payloads`).query(true).reply(200, page.response.body as Record<string, unknown>);
		const read = await makeClient().base(BASE).webhooks.payloads('achHook0000000001', { cursor: 5 });
		expect(read.payloads[0].destroyedTableIds).toEqual(['tblOld0000000001']);
		expect(read.payloads[0].changedTablesById).toBeUndefined();
	});
});
