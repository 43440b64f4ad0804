import {
	AirtableAuthError,
	AirtableError,
	AirtableInputError,
	AirtableValidationError,
	type AirtableRecord,
	type Fields,
} from '../../index';
import { FakeClock } from '../support/fakeClock';
import {
	api,
	BASE,
	echoCreated,
	makeClient,
	ok,
	record,
	stubExecutor,
	TABLE,
	TABLE_PATH,
	useNock,
	type RecordsBody,
} from './helpers';

useNock();

const table = () => makeClient().base(BASE).table(TABLE);
const items = (count: number): Fields[] => Array.from({ length: count }, (_, n) => ({ n }));

describe('create', () => {
	it('sends 25 records as chunks of 10, 10, 5 and returns them in input order', async () => {
		const sizes: number[] = [];
		api()
			.post(TABLE_PATH)
			.times(3)
			.delay(30)
			.reply(200, (_uri, body) => {
				const { records } = body as RecordsBody;
				sizes.push(records.length);
				return echoCreated(body as RecordsBody);
			});
		const created = await table().create(items(25), { typecast: true });
		expect(sizes.sort((a, b) => b - a)).toEqual([10, 10, 5]);
		expect(created.map((r) => r.id)).toEqual(items(25).map((f) => `rec${String(f.n)}`));
	});

	it('keeps input order when later chunks answer first', async () => {
		const delays = [80, 40, 0];
		const answered: number[] = [];
		const clock = new FakeClock();
		// A stub transport gives each chunk its own latency (fake time): the first chunk answers last.
		const executor = stubExecutor(clock, async (request, index) => {
			await clock.sleep(delays[index]);
			answered.push(index);
			return ok(echoCreated(request.body as RecordsBody));
		});
		const created = await clock.run(makeClient({ executor, clock }).base(BASE).table(TABLE).create(items(25)));
		expect(answered).toEqual([2, 1, 0]);
		expect(created.map((r) => r.fields.n)).toEqual(items(25).map((f) => f.n));
	});

	it('sends typecast and returnFieldsByFieldId only when given', async () => {
		const bodies: RecordsBody[] = [];
		api()
			.post(TABLE_PATH)
			.times(2)
			.reply(200, (_uri, body) => {
				bodies.push(body as RecordsBody);
				return echoCreated(body as RecordsBody);
			});
		await table().create([{ n: 1 }]);
		await table().create([{ n: 2 }], { typecast: true, returnFieldsByFieldId: true });
		expect(bodies[0]).toEqual({ records: [{ fields: { n: 1 } }] });
		expect(bodies[1]).toEqual({ records: [{ fields: { n: 2 } }], typecast: true, returnFieldsByFieldId: true });
	});

	it('URL-encodes table names in the path', async () => {
		const scope = api()
			.post(`/v0/${BASE}/${encodeURIComponent('Orders & Returns/2024')}`)
			.reply(200, (_uri, body) => echoCreated(body as RecordsBody));
		await makeClient().base(BASE).table('Orders & Returns/2024').create([{ n: 1 }]);
		expect(scope.isDone()).toBe(true);
	});

	it('stops sending chunks after one fails and reports that chunk’s items', async () => {
		let posts = 0;
		api()
			.post(TABLE_PATH)
			.times(20)
			.reply(() => {
				posts++;
				return [422, { error: { type: 'INVALID_VALUE_FOR_COLUMN', message: 'Field "n" cannot accept the provided value' } }];
			});
		const client = makeClient({}, { perBase: { requests: 1, perMs: 30 } });
		const error = await client.base(BASE).table(TABLE).create(items(50)).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableValidationError);
		expect((error as AirtableValidationError).itemIndexes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect((error as AirtableValidationError).field).toBe('n');
		expect(posts).toBe(1);
	});

	it('rejects non-object items before sending anything', async () => {
		const error = await table()
			.create([{ n: 1 }, 'oops' as unknown as Fields])
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableInputError);
		expect((error as AirtableInputError).itemIndexes).toEqual([1]);
	});
});

describe('update, replace, get, delete', () => {
	it('PATCHes by default and PUTs with replace', async () => {
		const methods: string[] = [];
		for (const method of ['patch', 'put'] as const) {
			const scope = api();
			scope[method](TABLE_PATH).reply(200, (_uri, body) => {
					methods.push(method);
					return { records: (body as RecordsBody).records.map((r) => record(r.id!, r.fields)) };
				});
		}
		const updated = await table().update([{ id: 'recA', fields: { x: 1 } }]);
		const replaced = await table().update([{ id: 'recB', fields: { x: 2 } }], { replace: true });
		expect(methods).toEqual(['patch', 'put']);
		expect(updated[0].id).toBe('recA');
		expect(replaced[0].fields).toEqual({ x: 2 });
	});

	it('refuses an update without record id', async () => {
		await expect(table().update([{ id: '', fields: {} }])).rejects.toThrow(/record id/);
	});

	it('gets one record with read options in the query', async () => {
		api()
			.get(`${TABLE_PATH}/recX`)
			.query({ cellFormat: 'string', timeZone: 'Europe/Berlin', userLocale: 'de', returnFieldsByFieldId: 'true' })
			.reply(200, record('recX', { Name: 'x' }));
		const got = await table().get('recX', {
			cellFormat: 'string',
			timeZone: 'Europe/Berlin',
			userLocale: 'de',
			returnFieldsByFieldId: true,
		});
		expect(got.fields).toEqual({ Name: 'x' });
	});

	it('deletes in chunks of 10 with records[] in the query, results in input order', async () => {
		const queries: string[] = [];
		api()
			.delete(TABLE_PATH)
			.query(true)
			.times(2)
			.reply(200, (uri) => {
				queries.push(uri);
				const ids = new URL(`http://x${uri}`).searchParams.getAll('records[]');
				return { records: ids.map((id) => ({ id, deleted: true })) };
			});
		const ids = Array.from({ length: 12 }, (_, n) => `rec${n}`);
		const deleted = await table().delete(ids);
		expect(deleted.map((d) => d.id)).toEqual(ids);
		expect(queries.some((q) => q.includes('records[]=rec0&records[]=rec1&'))).toBe(true);
		expect(queries.map((q) => (q.match(/records\[\]=/g) ?? []).length).sort()).toEqual([10, 2]);
	});
});

describe('upsert', () => {
	it('validates fieldsToMergeOn count before any request', async () => {
		const t = table();
		await expect(t.upsert([{ a: 1 }], { fieldsToMergeOn: [] })).rejects.toThrow(/1 to 3/);
		await expect(t.upsert([{ a: 1 }], { fieldsToMergeOn: ['a', 'b', 'c', 'd'] })).rejects.toThrow(/at most 3/);
		await expect(t.upsertSettled([{ a: 1 }], { fieldsToMergeOn: [] })).rejects.toBeInstanceOf(AirtableInputError);
	});

	it('rejects a record missing a merge field before the first request', async () => {
		const scope = api().patch(TABLE_PATH).reply(200, { records: [] });
		const records = [...items(15).map((f) => ({ ...f, Email: `${String(f.n)}@x` })), { n: 15, Email: '' }];
		const error = await table()
			.upsert(records, { fieldsToMergeOn: ['Email'] })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableInputError);
		expect((error as AirtableInputError).message).toMatch(/Item 15 has no value for merge field "Email"/);
		expect((error as AirtableInputError).itemIndexes).toEqual([15]);
		expect((error as AirtableInputError).field).toBe('Email');
		expect(scope.isDone()).toBe(false);
	});

	it('rejects duplicate merge keys naming both items, before any request', async () => {
		const scope = api().patch(TABLE_PATH).reply(200, { records: [] });
		const records = [
			{ Email: 'a@x', Region: 'EU' },
			{ Email: 'b@x', Region: 'EU' },
			{ Email: 'a@x', Region: 'US' },
			{ Email: 'b@x', Region: 'EU' },
		];
		const error = await table()
			.upsert(records, { fieldsToMergeOn: ['Email', 'Region'] })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableInputError);
		expect((error as AirtableInputError).message).toMatch(/Items 1 and 3 have the same merge key/);
		expect((error as AirtableInputError).itemIndexes).toEqual([1, 3]);
		expect(scope.isDone()).toBe(false);
	});

	it('merges records, createdRecords and updatedRecords across chunks in input order', async () => {
		const bodies: RecordsBody[] = [];
		api()
			.patch(TABLE_PATH)
			.times(2)
			.reply(200, (_uri, raw) => {
				const body = raw as RecordsBody;
				bodies.push(body);
				const records = body.records.map((r) => record(`rec${String(r.fields.n)}`, r.fields));
				const created = records.filter((r) => (r.fields.n as number) % 2 === 0).map((r) => r.id);
				const updated = records.filter((r) => (r.fields.n as number) % 2 === 1).map((r) => r.id);
				// Airtable lists created ids before updated ids, not in record order.
				return { records, createdRecords: created.reverse(), updatedRecords: updated };
			});
		const result = await table().upsert(items(12), { fieldsToMergeOn: ['n'], typecast: true });
		expect(bodies.every((b) => b.performUpsert?.fieldsToMergeOn[0] === 'n' && b.typecast === true)).toBe(true);
		expect(result.records.map((r) => r.id)).toEqual(items(12).map((f) => `rec${String(f.n)}`));
		expect(result.createdRecords).toEqual(['rec0', 'rec2', 'rec4', 'rec6', 'rec8', 'rec10']);
		expect(result.updatedRecords).toEqual(['rec1', 'rec3', 'rec5', 'rec7', 'rec9', 'rec11']);
	});

	it('upsertSettled fails only the duplicate and the keyless item, sends the rest', async () => {
		const sent: number[] = [];
		api()
			.patch(TABLE_PATH)
			.reply(200, (_uri, raw) => {
				const body = raw as RecordsBody;
				sent.push(...body.records.map((r) => r.fields.n as number));
				const records = body.records.map((r) => record(`rec${String(r.fields.n)}`, r.fields));
				return { records, createdRecords: records.map((r) => r.id), updatedRecords: [] };
			});
		const results = await table().upsertSettled(
			[{ n: 0, k: 'a' }, { n: 1 }, { n: 2, k: 'b' }, { n: 3, k: 'a' }],
			{ fieldsToMergeOn: ['k'] },
		);
		expect(sent).toEqual([0, 2]);
		expect(results.map((r) => r.ok)).toEqual([true, false, true, false]);
		expect(results[0]).toMatchObject({ ok: true, index: 0, value: { created: true, record: { id: 'rec0' } } });
		expect(results[3].ok === false && results[3].error.message).toMatch(/Items 0 and 3/);
	});
});

describe('settled writes', () => {
	const badIndex = 13;

	function rejectingBadItem() {
		const requests: number[][] = [];
		api()
			.post(TABLE_PATH)
			.times(50)
			.reply((_uri, raw) => {
				const body = raw as RecordsBody;
				const ns = body.records.map((r) => r.fields.n as number);
				requests.push(ns);
				if (ns.includes(badIndex)) {
					return [
						422,
						{
							error: {
								type: 'INVALID_VALUE_FOR_COLUMN',
								message: 'Field "Amount" cannot accept the provided value',
							},
						},
					];
				}
				return [200, echoCreated(body)];
			});
		return requests;
	}

	it('bisects a rejected chunk: 24 of 25 land, the bad one gets its index and field', async () => {
		const requests = rejectingBadItem();
		const results = await table().createSettled(items(25));
		expect(results).toHaveLength(25);
		expect(results.map((r) => r.index)).toEqual(items(25).map((f) => f.n));
		const failed = results.filter((r) => !r.ok);
		expect(failed).toHaveLength(1);
		const failure = failed[0] as { ok: false; index: number; error: AirtableValidationError };
		expect(failure.index).toBe(badIndex);
		expect(failure.error).toBeInstanceOf(AirtableValidationError);
		expect(failure.error.itemIndexes).toEqual([badIndex]);
		expect(failure.error.field).toBe('Amount');
		expect(failure.error.message).toContain('[item 13]');
		const landed = results.filter((r): r is Extract<typeof r, { ok: true }> => r.ok).map((r) => r.value.id);
		expect(landed).toEqual(items(25).filter((f) => f.n !== badIndex).map((f) => `rec${String(f.n)}`));
		// 3 chunks; [10..19] splits into [10..14] + [15..19]; [10..14] into [10..12] + [13, 14];
		// [13, 14] into [13] + [14]. Good halves are not split further.
		expect(requests).toHaveLength(3 + 2 + 2 + 2);
		expect(requests.filter((ns) => ns.length === 1)).toEqual([[13], [14]]);
	});

	it('fails records using an unknown field at once and resends the rest (no full bisection)', async () => {
		const requests: number[][] = [];
		api()
			.post(TABLE_PATH)
			.times(10)
			.reply((_uri, raw) => {
				const body = raw as RecordsBody;
				requests.push(body.records.map((r) => r.fields.n as number));
				if (body.records.some((r) => 'Nmae' in r.fields)) {
					return [422, { error: { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Nmae"' } }];
				}
				return [200, echoCreated(body)];
			});
		const input = items(25).map((f) => (f.n === 3 || f.n === 17 ? { ...f, Nmae: 'typo' } : f));
		const results = await table().createSettled(input);
		const failed = results.filter((r) => !r.ok) as Array<{ ok: false; index: number; error: AirtableValidationError }>;
		expect(failed.map((r) => r.index)).toEqual([3, 17]);
		expect(failed.map((r) => r.error.itemIndexes)).toEqual([[3], [17]]);
		expect(failed.every((r) => r.error.field === 'Nmae' && r.error instanceof AirtableValidationError)).toBe(true);
		expect(results.filter((r) => r.ok)).toHaveLength(23);
		// Three chunks, then one resend each for the two chunks without their bad record.
		expect(requests).toHaveLength(5);
	});

	it('does not bisect auth failures: every item of the chunk gets the same error', async () => {
		let requests = 0;
		api()
			.post(TABLE_PATH)
			.times(5)
			.reply(() => {
				requests++;
				return [401, { error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' } }];
			});
		const results = await table().createSettled(items(12));
		expect(requests).toBe(2);
		expect(results.every((r) => !r.ok && r.error.name === 'AirtableAuthError')).toBe(true);
		const first = results[0] as unknown as { ok: false; error: AirtableAuthError };
		expect(first.error).toBeInstanceOf(AirtableAuthError);
		expect(first.error.itemIndexes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it('updateSettled and deleteSettled report client-side problems per item', async () => {
		api()
			.patch(TABLE_PATH)
			.reply(200, (_uri, raw) => ({
				records: (raw as RecordsBody).records.map((r) => record(r.id!, r.fields)),
			}));
		const updates = await table().updateSettled([
			{ id: 'recA', fields: { a: 1 } },
			{ id: '', fields: {} },
		]);
		expect(updates.map((r) => r.ok)).toEqual([true, false]);

		api()
			.delete(TABLE_PATH)
			.query({ 'records[]': 'recA' })
			.reply(200, { records: [{ id: 'recA', deleted: true }] });
		const deletes = await table().deleteSettled(['recA', '']);
		expect(deletes[0]).toEqual({ ok: true, index: 0, value: { id: 'recA', deleted: true } });
		expect(deletes[1].ok).toBe(false);
	});
});

describe('response shape', () => {
	it('fails clearly when Airtable returns fewer records than sent', async () => {
		api()
			.post(TABLE_PATH)
			.reply(200, { records: [record('recOnly')] as AirtableRecord[] });
		const error = await table()
			.create(items(2))
			.catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/answered with 1 records for 2 sent/);
		expect((error as { kind: string }).kind).toBe('unknown-outcome');
	});
});

/** Real answer bodies from the contract corpus (test/contract/fixtures). */
const GATEWAY_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body>\r\n</html>\r\n';
const NOT_FOUND = { error: 'NOT_FOUND' };
const rowGone = (id: string) => ({ error: { type: 'ROW_DOES_NOT_EXIST', message: `Record ID ${id} does not exist in this table` } });

describe('idempotence-aware outcomes', () => {
	it('a delete re-sent after a lost answer that finds the record gone counts as deleted', async () => {
		const answers: Array<[number, unknown]> = [[502, GATEWAY_502], [404, NOT_FOUND]];
		api()
			.delete(TABLE_PATH)
			.query(true)
			.times(2)
			.reply(() => answers.shift() as [number, Record<string, unknown>]);
		await expect(table().delete(['recA'])).resolves.toEqual([{ id: 'recA', deleted: true, alreadyGone: true }]);
	});

	it('a chunk re-sent after a lost answer is resolved by one read: gone ids count as deleted, the rest are deleted now', async () => {
		const paths: string[] = [];
		api()
			.delete(TABLE_PATH)
			.query(true)
			.times(3)
			.reply((uri) => {
				paths.push(decodeURIComponent(uri.split('?')[1]));
				if (paths.length === 1) return [504, 'upstream request timeout'];
				if (paths.length === 2) return [422, rowGone('recA')];
				return [200, { records: [{ id: 'recB', deleted: true }] }];
			});
		const formulas: string[] = [];
		api()
			.get(TABLE_PATH)
			.query((query) => {
				formulas.push(String(query.filterByFormula));
				return true;
			})
			.reply(200, { records: [record('recB')] });
		const deleted = await table().delete(['recA', 'recB', 'recC']);
		expect(deleted).toEqual([
			{ id: 'recA', deleted: true, alreadyGone: true },
			{ id: 'recB', deleted: true },
			{ id: 'recC', deleted: true, alreadyGone: true },
		]);
		// The lost attempt, its re-send (404), one read of the three ids, one delete of the one left.
		expect(paths).toEqual([
			'records[]=recA&records[]=recB&records[]=recC',
			'records[]=recA&records[]=recB&records[]=recC',
			'records[]=recB',
		]);
		expect(formulas).toHaveLength(1);
		expect(formulas[0]).toMatch(/RECORD_ID\(\)/);
		for (const id of ['recA', 'recB', 'recC']) expect(formulas[0]).toContain(id);
	});

	it('after the read, a second 404 (deleted by someone else meanwhile) asks the ids one by one', async () => {
		const paths: string[] = [];
		api()
			.delete(TABLE_PATH)
			.query(true)
			.times(5)
			.reply((uri) => {
				paths.push(decodeURIComponent(uri.split('?')[1]));
				if (paths.length === 1) return [502, GATEWAY_502];
				if (paths.length <= 3) return [404, NOT_FOUND];
				return uri.includes('recA') ? [404, NOT_FOUND] : [200, { records: [{ id: 'recB', deleted: true }] }];
			});
		api()
			.get(TABLE_PATH)
			.query(true)
			.reply(200, { records: [record('recA'), record('recB')] });
		const deleted = await table().delete(['recA', 'recB']);
		expect(deleted).toEqual([
			{ id: 'recA', deleted: true, alreadyGone: true },
			{ id: 'recB', deleted: true },
		]);
		expect(paths.slice(3).sort()).toEqual(['records[]=recA', 'records[]=recB']);
	});

	it('without a lost answer, a record that does not exist is still an error (never bisected)', async () => {
		let requests = 0;
		api()
			.delete(TABLE_PATH)
			.query(true)
			.times(5)
			.reply(() => {
				requests++;
				return [404, NOT_FOUND];
			});
		const error = (await table().delete(['recA']).catch((e: unknown) => e)) as AirtableError;
		expect(error).toMatchObject({ status: 404, type: 'NOT_FOUND', afterLostAnswer: false });
		const settled = await table().deleteSettled(['recA', 'recB']);
		expect(settled.map((result) => result.ok)).toEqual([false, false]);
		expect(requests).toBe(2);
	});

	it('an upsert re-sent after a lost answer reports "updated" records as created-or-updated', async () => {
		const answers: Array<[number, unknown]> = [
			[502, GATEWAY_502],
			[200, { records: [record('recOld', { k: 1 }), record('recNew', { k: 2 })], createdRecords: ['recNew'], updatedRecords: ['recOld'] }],
		];
		api()
			.patch(TABLE_PATH)
			.times(2)
			.reply(() => answers.shift() as [number, Record<string, unknown>]);
		const result = await table().upsert([{ k: 1 }, { k: 2 }], { fieldsToMergeOn: ['k'] });
		expect(result).toMatchObject({ createdRecords: ['recNew'], updatedRecords: [], createdOrUpdatedRecords: ['recOld'] });
	});

	it('an upsert answered at once stays certain', async () => {
		api()
			.patch(TABLE_PATH)
			.reply(200, { records: [record('recOld', { k: 1 })], createdRecords: [], updatedRecords: ['recOld'] });
		const [settled] = await table().upsertSettled([{ k: 1 }], { fieldsToMergeOn: ['k'] });
		expect(settled).toMatchObject({ ok: true, value: { created: false } });
	});

	it('a failing non-settled create carries the results of the chunks that landed', async () => {
		// The failing chunk answers only once all three are in flight, so none is called off.
		let arrived = 0;
		let allInFlight: () => void = () => undefined;
		const inFlight = new Promise<void>((resolve) => (allInFlight = resolve));
		api()
			.post(TABLE_PATH)
			.times(3)
			.reply((_uri, body, answer) => {
				if (++arrived === 3) allInFlight();
				const sent = body as RecordsBody;
				if (!sent.records.some((r) => r.fields.n === 15)) return answer(null, [200, echoCreated(sent)]);
				void inFlight.then(() =>
					answer(null, [422, { error: { type: 'INVALID_VALUE_FOR_COLUMN', message: 'Cannot parse value "x" for field n' } }]),
				);
			});
		const error = (await table().create(items(25)).catch((e: unknown) => e)) as AirtableError;
		expect(error.field).toBe('n');
		expect(error.itemIndexes).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
		const landed = (error.landed ?? []).map((result) => result.index);
		// Chunk 1 (0–9) and chunk 3 (20–24) went out together with chunk 2 and landed.
		expect(landed).toEqual([...Array.from({ length: 10 }, (_, i) => i), 20, 21, 22, 23, 24]);
		expect((error.landed ?? []).map((result) => (result.value as AirtableRecord).id)).toContain('rec0');
		expect(error.message).toContain('15 items were written before this failure (rec0, rec1');
		expect(error.toJSON().landed).toEqual(landed);
	});
});
