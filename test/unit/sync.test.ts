import nock from 'nock';

import {
	AirtableInputError,
	equalsIgnoringCase,
	recordIdNotIn,
	SyncDeletionLimitError,
	textsInSet,
	type AirtableRecord,
	type Fields,
} from '../../index';
import { api, BASE, makeClient, TABLE, TABLE_PATH, useNock, type RecordsBody } from './helpers';

useNock();

const table = () => makeClient().base(BASE).table(TABLE);

function recId(n: number): string {
	return `rec${String(n).padStart(14, '0')}`;
}

interface SeenRequest {
	method: string;
	formula?: string;
	fields: string[];
	pageSize?: string;
	post: boolean;
	path: string;
}

/** Unescapes a formula string literal the way Airtable reads it. */
function unescape(literal: string): string {
	return literal.replace(/\\(.)/g, (_, char: string) => ({ n: '\n', r: '\r', t: '\t' })[char] ?? char);
}

const SEP = '\u241e';
const LITERAL = "'((?:\\\\.|[^'\\\\])*)'";

function listOf(raw: string): string[] {
	return unescape(raw)
		.split(SEP)
		.filter(Boolean)
		.map((text) => text.toLowerCase());
}

/**
 * Reads the key formulas table.sync sends, as Airtable would: shared lists
 * (FIND(… LOWER(TRIM({Key} & '')) …, LOWER('␞a␞b␞')) > 0), lists with the record ids to leave
 * out (AND(…, FIND('␞' & RECORD_ID() & '␞', '␞rec…␞') = 0)), and keys with a formula of their
 * own (LOWER(TRIM({Key} & '')) = LOWER(TRIM('…'))).
 */
function formulaMatcher(formula: string, key: string): (row: AirtableRecord) => boolean {
	const checked = [
		...formula.matchAll(new RegExp(`LOWER\\(${LITERAL}\\)\\) > 0, FIND\\('${SEP}' & RECORD_ID\\(\\) & '${SEP}', ${LITERAL}\\) = 0`, 'g')),
	];
	const checkedRaw = new Set(checked.map((match) => match[1]));
	const shared = [...formula.matchAll(new RegExp(`LOWER\\(${LITERAL}\\)\\) > 0`, 'g'))]
		.filter((match) => !checkedRaw.has(match[1]))
		.flatMap((match) => listOf(match[1]));
	const own = [...formula.matchAll(new RegExp(`TRIM\\(${LITERAL}\\)\\)`, 'g'))].map((match) => unescape(match[1]).trim().toLowerCase());
	const plain = new Set([...shared, ...own]);
	const except = checked.map((match) => ({ keys: new Set(listOf(match[1])), ids: new Set(unescape(match[2]).split(SEP)) }));
	return (row) => {
		const text = String(row.fields[key]).trim().toLowerCase();
		return plain.has(text) || except.some((entry) => entry.keys.has(text) && !entry.ids.has(row.id));
	};
}

/**
 * An Airtable table behind nock. List requests honour the key formulas `table.sync` sends
 * (formulaMatcher); without a formula, pages of 100 in order. Upserts match keys exactly, like the emulator.
 */
class FakeTable {
	requests: SeenRequest[] = [];
	upserted: Fields[] = [];
	deleted: string[] = [];
	failFormulas = false;

	constructor(
		public rows: AirtableRecord[],
		private readonly key = 'Key',
	) {}

	install(): void {
		const scope = api().persist();
		scope.get(TABLE_PATH).query(true).reply((uri) => this.list('GET', uri, undefined));
		scope.post(`${TABLE_PATH}/listRecords`).query(true).reply((uri, body) => this.list('POST', uri, body as Record<string, unknown>));
		scope.patch(TABLE_PATH).reply((_uri, body) => this.upsert(body as RecordsBody));
		scope.delete(TABLE_PATH).query(true).reply((uri) => {
			const ids = new URL(uri, 'https://x').searchParams.getAll('records[]');
			this.deleted.push(...ids);
			this.requests.push({ method: 'DELETE', fields: [], post: false, path: uri });
			return [200, { records: ids.map((id) => ({ id, deleted: true })) }];
		});
	}

	get reads(): SeenRequest[] {
		return this.requests.filter((request) => request.method === 'GET' || request.method === 'POST');
	}

	private list(method: string, uri: string, body: Record<string, unknown> | undefined): [number, unknown] {
		const params = new URL(uri, 'https://x').searchParams;
		const formula = (body?.filterByFormula as string | undefined) ?? params.get('filterByFormula') ?? undefined;
		const fields = (body?.fields as string[] | undefined) ?? params.getAll('fields[]');
		const pageSize = (body?.pageSize as number | undefined)?.toString() ?? params.get('pageSize') ?? undefined;
		const offset = Number((body?.offset as string | undefined) ?? params.get('offset') ?? 0);
		this.requests.push({ method, formula, fields, pageSize, post: method === 'POST', path: uri });
		if (formula && this.failFormulas) {
			return [422, { error: { type: 'INVALID_FILTER_BY_FORMULA', message: 'The formula for filtering records is invalid' } }];
		}
		const matching = formula ? this.rows.filter(formulaMatcher(formula, this.key)) : this.rows;
		const size = Number(pageSize ?? 100);
		const page = matching.slice(offset, offset + size).map((row) => ({
			...row,
			fields: fields.length ? Object.fromEntries(Object.entries(row.fields).filter(([name]) => fields.includes(name))) : row.fields,
		}));
		const next = offset + size < matching.length ? String(offset + size) : undefined;
		return [200, { records: page, ...(next ? { offset: next } : {}) }];
	}

	private upsert(body: RecordsBody): [number, unknown] {
		this.requests.push({ method: 'PATCH', fields: [], post: false, path: TABLE_PATH });
		const createdRecords: string[] = [];
		const updatedRecords: string[] = [];
		const records = body.records.map((sent) => {
			this.upserted.push(sent.fields);
			const match = this.rows.find((row) => row.fields[this.key] === sent.fields[this.key]);
			if (match) {
				match.fields = { ...match.fields, ...sent.fields };
				updatedRecords.push(match.id);
				return match;
			}
			const created = { id: recId(10_000 + this.rows.length), createdTime: 't', fields: { ...sent.fields } };
			this.rows.push(created);
			createdRecords.push(created.id);
			return created;
		});
		return [200, { records, createdRecords, updatedRecords }];
	}
}

function rows(count: number, from = 0): AirtableRecord[] {
	return Array.from({ length: count }, (_, n) => ({
		id: recId(n + from),
		createdTime: 't',
		fields: { Key: `k-${n + from}`, Value: n + from },
	}));
}

const input = (records: AirtableRecord[]): Fields[] => records.map((record) => ({ ...record.fields }));

describe('table.sync: request plans', () => {
	it('small input, large table: one key read for 30 keys, only the compared fields, then one upsert', async () => {
		const fake = new FakeTable(rows(5000));
		fake.install();
		const wanted = input(rows(30, 1000));
		wanted[3].Value = -1;
		const result = await table().sync(wanted, { fieldsToMergeOn: ['Key'], skipUnchanged: true });

		expect(fake.reads).toHaveLength(1);
		expect(fake.reads[0].formula).toBe(
			`FIND('${SEP}' & LOWER(TRIM({Key} & '')) & '${SEP}', LOWER('${SEP}${wanted.map((fields) => fields.Key).join(SEP)}${SEP}')) > 0`,
		);
		expect(fake.reads[0].fields.sort()).toEqual(['Key', 'Value']);
		expect(fake.upserted).toEqual([{ Key: 'k-1003', Value: -1 }]);
		expect(result.readPlan).toBe('keys');
		expect(result.counts).toEqual({ created: 0, updated: 1, unchanged: 29, duplicates: 0, failed: 0 });
		expect(result.requests).toMatchObject({ reads: 1, writes: 1, total: 2 });
		expect(result.rows[0]).toMatchObject({ index: 0, status: 'unchanged', id: recId(1000) });
		expect(result.rows[3]).toMatchObject({ index: 3, status: 'updated', id: recId(1003) });
	});

	it('large input, large table: page 1 and 4 key reads first, then key reads for the rest — never more reads than keys ÷ 100', async () => {
		const fake = new FakeTable(rows(600));
		fake.install();
		const result = await table().sync(input(rows(600)), { fieldsToMergeOn: ['Key'], skipUnchanged: true });

		expect(result.readPlan).toBe('probe+keys');
		expect(result.counts.unchanged).toBe(600);
		expect(fake.upserted).toHaveLength(0);
		// 6 = ⌈600 / 100⌉: page 1 answered keys 0–99, so they ride along as "no second record" checks.
		expect(fake.reads).toHaveLength(6);
		const probe = fake.reads.filter((request) => request.formula === undefined);
		expect(probe).toHaveLength(1);
		expect(probe[0].pageSize).toBe('100');
		const last = fake.reads[fake.reads.length - 1].formula ?? '';
		expect(last).toContain(`RECORD_ID() & '${SEP}', '${SEP}${recId(0)}${SEP}${recId(1)}${SEP}`);
		expect(last).toContain(`${SEP}k-199${SEP}`);
	});

	it('large input, small table: page 1 is the whole table, so the other key reads are never sent', async () => {
		const fake = new FakeTable(rows(40));
		fake.install();
		const result = await table().sync(input(rows(900)), { fieldsToMergeOn: ['Key'], skipUnchanged: true });
		// Page 1 and the 4 key reads of the first burst; reading by key alone would take 9.
		expect(fake.reads).toHaveLength(5);
		expect(result.counts).toMatchObject({ unchanged: 40, created: 860 });
		expect(fake.upserted).toHaveLength(860);
	});

	it('readFields: fields no row writes are read with the records and handed back, not compared', async () => {
		const stored = rows(3).map((row) => ({ ...row, fields: { ...row.fields, Files: [{ id: 'att1', filename: 'a.pdf', size: 3 }] } }));
		const fake = new FakeTable(stored);
		fake.install();
		const result = await table().sync(input(rows(3)), { fieldsToMergeOn: ['Key'], skipUnchanged: true, readFields: ['Files'] });
		expect(fake.reads[0].fields.sort()).toEqual(['Files', 'Key', 'Value']);
		expect(result.counts.unchanged).toBe(3);
		expect(result.rows[0].fields.Files).toEqual([{ id: 'att1', filename: 'a.pdf', size: 3 }]);
		expect(fake.upserted).toEqual([]);
	});

	it('without Skip Unchanged reads nothing', async () => {
		const fake = new FakeTable(rows(10));
		fake.install();
		const result = await table().sync(input(rows(10)), { fieldsToMergeOn: ['Key'] });
		expect(fake.reads).toHaveLength(0);
		expect(result.readPlan).toBe('none');
		expect(result.counts.updated).toBe(10);
	});

	it('switches a long key read to POST listRecords with the formula and fields in the body', async () => {
		const long = (n: number) => `${'x'.repeat(180)}-${n}`;
		const fake = new FakeTable(Array.from({ length: 100 }, (_, n) => ({ id: recId(n), createdTime: 't', fields: { Key: long(n), Value: n } })));
		fake.install();
		const result = await table().sync(
			Array.from({ length: 100 }, (_, n) => ({ Key: long(n), Value: n })),
			{ fieldsToMergeOn: ['Key'], skipUnchanged: true },
		);
		expect(fake.reads).toHaveLength(1);
		expect(fake.reads[0].post).toBe(true);
		expect(fake.reads[0].fields.sort()).toEqual(['Key', 'Value']);
		expect(result.counts.unchanged).toBe(100);
	});
});

describe('table.sync: key escaping', () => {
	const awkward = ["O'Brien \"Bob\"", 'back\\slash\\', 'Zoë — 東京 🚀', 'line\nbreak', "'); DELETE"];

	it('escapes quotes, backslashes, newlines and unicode so each key finds its own record', async () => {
		const fake = new FakeTable(awkward.map((key, n) => ({ id: recId(n), createdTime: 't', fields: { Key: key, Value: n } })));
		fake.install();
		const result = await table().sync(
			awkward.map((key, n) => ({ Key: key, Value: n })),
			{ fieldsToMergeOn: ['Key'], skipUnchanged: true },
		);
		const formula = fake.reads[0].formula ?? '';
		expect(formula).toContain(`${SEP}O\\'Brien \\"Bob\\"${SEP}`);
		expect(formula).toContain(`${SEP}back\\\\slash\\\\${SEP}`);
		expect(formula).toContain(`${SEP}line\\nbreak${SEP}`);
		expect(formula).toContain(`${SEP}Zoë — 東京 🚀${SEP}`);
		expect(formula).toContain(`${SEP}\\'); DELETE${SEP}`);
		expect(result.counts.unchanged).toBe(awkward.length);
		expect(fake.upserted).toHaveLength(0);
	});

	it('gives a key holding the list separator a formula of its own, so it cannot match across entries', async () => {
		const odd = `a${SEP}b`;
		const fake = new FakeTable([
			{ id: recId(1), createdTime: 't', fields: { Key: odd, Value: 1 } },
			{ id: recId(2), createdTime: 't', fields: { Key: 'a', Value: 2 } },
		]);
		fake.install();
		const result = await table().sync(
			[
				{ Key: odd, Value: 1 },
				{ Key: 'c', Value: 3 },
			],
			{ fieldsToMergeOn: ['Key'], skipUnchanged: true },
		);
		const formula = fake.reads[0].formula ?? '';
		expect(formula).toContain(`LOWER(TRIM({Key} & '')) = LOWER(TRIM('${odd}'))`);
		expect(formula).toContain(`LOWER('${SEP}c${SEP}')`);
		expect(result.rows.map((row) => row.status)).toEqual(['unchanged', 'created']);
	});

	it('looks numbers up by their text and matches them as numbers', async () => {
		const fake = new FakeTable([
			{ id: recId(1), createdTime: 't', fields: { Id: 42, Name: 'a' } },
			{ id: recId(2), createdTime: 't', fields: { Id: 7.5, Name: 'b' } },
		], 'Id');
		fake.install();
		const result = await table().sync(
			[
				{ Id: '42', Name: 'a' },
				{ Id: 7.5, Name: 'b' },
			],
			{ fieldsToMergeOn: ['Id'], skipUnchanged: true, keyTypes: { Id: 'number' } },
		);
		expect(fake.reads[0].formula).toContain(`LOWER('${SEP}42${SEP}7.5${SEP}')`);
		expect(result.rows.map((row) => row.status)).toEqual(['unchanged', 'unchanged']);
	});
});

describe('table.sync: never skips a write the upsert might need', () => {
	it('writes a row whose only candidate differs in case or surrounding whitespace', async () => {
		const fake = new FakeTable([
			{ id: recId(1), createdTime: 't', fields: { Key: 'Ann@Example.com', Value: 1 } },
			{ id: recId(2), createdTime: 't', fields: { Key: 'bob@example.com ', Value: 2 } },
		]);
		fake.install();
		const result = await table().sync(
			[
				{ Key: 'ann@example.com', Value: 1 },
				{ Key: 'bob@example.com', Value: 2 },
			],
			{ fieldsToMergeOn: ['Key'], skipUnchanged: true },
		);
		expect(result.counts.unchanged).toBe(0);
		expect(fake.upserted.map((fields) => fields.Key)).toEqual(['ann@example.com', 'bob@example.com']);
	});

	it('writes a row whose exact record has a case twin elsewhere (the upsert decides which, or fails)', async () => {
		const fake = new FakeTable([
			{ id: recId(1), createdTime: 't', fields: { Key: 'ann@example.com', Value: 1 } },
			{ id: recId(2), createdTime: 't', fields: { Key: 'ANN@example.com', Value: 1 } },
			{ id: recId(3), createdTime: 't', fields: { Key: 'cy@example.com', Value: 3 } },
		]);
		fake.install();
		const result = await table().sync(
			[
				{ Key: 'ann@example.com', Value: 1 },
				{ Key: 'cy@example.com', Value: 3 },
			],
			{ fieldsToMergeOn: ['Key'], skipUnchanged: true },
		);
		expect(result.rows.map((row) => row.status)).toEqual(['updated', 'unchanged']);
	});

	it('writes every row of a key read Airtable refused, instead of failing the sync', async () => {
		const fake = new FakeTable(rows(3));
		fake.failFormulas = true;
		fake.install();
		const result = await table().sync(input(rows(3)), { fieldsToMergeOn: ['Key'], skipUnchanged: true });
		expect(result.counts).toMatchObject({ updated: 3, unchanged: 0, failed: 0 });
	});

	it('never looks up keys no formula can express (objects): those rows are written', async () => {
		const fake = new FakeTable([]);
		fake.install();
		const result = await table().sync([{ Key: { email: 'a@x' } }], { fieldsToMergeOn: ['Key'], skipUnchanged: true });
		expect(fake.reads).toHaveLength(0);
		expect(result.counts.created).toBe(1);
	});
});

describe('table.sync: duplicates and invalid rows', () => {
	const dupes: Fields[] = [
		{ Key: 'a', Value: 1 },
		{ Key: 'b', Value: 2 },
		{ Key: 'a', Value: 3 },
	];

	it('last wins by default: the earlier row is a duplicate pointing at the written one', async () => {
		const fake = new FakeTable([]);
		fake.install();
		const result = await table().sync(dupes, { fieldsToMergeOn: ['Key'] });
		expect(fake.upserted).toEqual([dupes[1], dupes[2]]);
		expect(result.rows[0]).toMatchObject({ status: 'duplicate', supersededBy: 2, id: result.rows[2].id });
		expect(result.counts.duplicates).toBe(1);
	});

	it('first wins', async () => {
		const fake = new FakeTable([]);
		fake.install();
		const result = await table().sync(dupes, { fieldsToMergeOn: ['Key'], onDuplicateKeys: 'firstWins' });
		expect(fake.upserted).toEqual([dupes[0], dupes[1]]);
		expect(result.rows[2]).toMatchObject({ status: 'duplicate', supersededBy: 0 });
	});

	it('error policy and missing keys fail before any request, unless told to continue', async () => {
		const fake = new FakeTable([]);
		fake.install();
		await expect(table().sync(dupes, { fieldsToMergeOn: ['Key'], onDuplicateKeys: 'error' })).rejects.toThrow(
			'Items 0, 2 have the same merge key (Key = "a")',
		);
		await expect(table().sync([{ Key: 'x' }, { Value: 1 }], { fieldsToMergeOn: ['Key'] })).rejects.toThrow(
			'Item 1 has no value for merge field "Key"',
		);
		expect(fake.requests).toHaveLength(0);

		const result = await table().sync([{ Key: 'x' }, { Value: 1 }], { fieldsToMergeOn: ['Key'], abortOnInvalidRows: false });
		expect(result.rows.map((row) => row.status)).toEqual(['created', 'failed']);
		expect(result.rows[1].error).toBeInstanceOf(AirtableInputError);
	});
});

describe('table.sync: mirror-delete', () => {
	it('reads only the merge fields of the whole table and deletes the records no row names', async () => {
		const fake = new FakeTable(rows(150));
		fake.install();
		const result = await table().sync(input(rows(2)), { fieldsToMergeOn: ['Key'], deleteMissing: true, maxDeletions: 0 });
		expect(fake.reads).toHaveLength(2);
		expect(fake.reads.every((request) => request.formula === undefined && request.fields.join() === 'Key')).toBe(true);
		expect(result.readPlan).toBe('table');
		expect(result.deleted).toHaveLength(148);
		expect(result.deleted[0]).toEqual({ id: recId(2), createdTime: 't', fields: { Key: 'k-2' } });
		expect(fake.deleted).toHaveLength(148);
		expect(result.requests).toMatchObject({ reads: 2, writes: 1, deletes: 15 });
	});

	it('refuses an input without valid keys before any request', async () => {
		const fake = new FakeTable(rows(3));
		fake.install();
		await expect(
			table().sync([{ Value: 1 }], { fieldsToMergeOn: ['Key'], deleteMissing: true, abortOnInvalidRows: false }),
		).rejects.toThrow('Refusing to delete records missing from the input');
		expect(fake.requests).toHaveLength(0);
	});

	it('stops before deleting more than maxDeletions and hands back the upsert results', async () => {
		const fake = new FakeTable(rows(5));
		fake.install();
		const error = await table()
			.sync(input(rows(1)), { fieldsToMergeOn: ['Key'], deleteMissing: true, maxDeletions: 3 })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(SyncDeletionLimitError);
		expect((error as Error).message).toContain('4 records are missing from the input and would be deleted, more than Max Deletions (3)');
		expect((error as SyncDeletionLimitError).result.counts.updated).toBe(1);
		expect(fake.deleted).toHaveLength(0);
	});

	it('deletes nothing when a row failed, and says why', async () => {
		const fake = new FakeTable(rows(3));
		fake.install();
		const result = await table().sync([{ Key: 'k-0' }], {
			fieldsToMergeOn: ['Key'],
			deleteMissing: true,
			failedRows: new Map([[0, new Error('mapping failed')]]),
		}).catch((error: unknown) => error);
		// The only row failed: no valid key is left, so the mirror refuses outright.
		expect((result as Error).message).toContain('Refusing to delete');

		const partial = await table().sync([{ Key: 'k-0' }, { Key: 'k-1' }], {
			fieldsToMergeOn: ['Key'],
			deleteMissing: true,
			failedRows: new Map([[1, new Error('mapping failed')]]),
		});
		expect(partial.deleteSkipped).toContain('1 item(s) failed');
		expect(fake.deleted).toHaveLength(0);
	});
});

afterAll(() => nock.cleanAll());

describe('key formula builders', () => {
	it('textsInSet joins several merge fields per tuple and refuses texts holding a separator', () => {
		expect(textsInSet(['First', 'Last'], [['Ada', 'Lovelace']])).toBe(
			`FIND('${SEP}' & LOWER(TRIM({First} & '')) & '\u241f' & LOWER(TRIM({Last} & '')) & '${SEP}', LOWER('${SEP}Ada\u241fLovelace${SEP}')) > 0`,
		);
		expect(() => textsInSet(['Key'], [[`a${SEP}b`]])).toThrow(AirtableInputError);
		expect(() => textsInSet(['Key'], [['a', 'b']])).toThrow(AirtableInputError);
	});

	it('recordIdNotIn and equalsIgnoringCase escape what they quote', () => {
		expect(recordIdNotIn(['recA', 'recB'])).toBe(`FIND('${SEP}' & RECORD_ID() & '${SEP}', '${SEP}recA${SEP}recB${SEP}') = 0`);
		expect(equalsIgnoringCase('Name', "it's")).toBe("LOWER(TRIM({Name} & '')) = LOWER(TRIM('it\\'s'))");
	});
});
