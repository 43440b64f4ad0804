import { compileFormula } from '../../emulator/formula/evaluator';
import { FormulaSyntaxError } from '../../emulator/formula/errors';
import type { EvalContext } from '../../emulator/formula/functions';
import { truthy, type Value } from '../../emulator/formula/values';
import { BASE, startHarness, type Harness } from './helpers';

const row: Record<string, Value> = {
	Name: 'Ada Lovelace',
	Score: 97,
	Empty: null,
	Tags: ['a', 'b'],
	Done: true,
	When: new Date('2024-03-01T10:00:00.000Z'),
	'Two Words': 'x',
};

function run(formula: string): Value {
	const compiled = compileFormula(formula, (name) => name in row);
	const ctx: EvalContext = {
		field: (name) => row[name] ?? null,
		recordId: 'recTest0000000000',
		createdTime: new Date('2024-01-01T00:00:00.000Z'),
		lastModifiedTime: () => new Date('2024-02-01T00:00:00.000Z'),
		now: new Date('2024-06-01T00:00:00.000Z'),
	};
	return compiled.evaluate(ctx);
}

describe('formula engine', () => {
	it.each<[string, Value]>([
		['{Name} = "Ada Lovelace"', true],
		["{Name} != 'Ada Lovelace'", false],
		['{Score} > 90', true],
		['{Score} <= 96', false],
		['{Score} >= 97', true],
		['{Score} * 2 - 4 / 2', 192],
		['-{Score} + 100', 3],
		['{Name} & "!"', 'Ada Lovelace!'],
		['1 + 2 * 3', 7],
		['(1 + 2) * 3', 9],
		['{Empty} = BLANK()', true],
		['{Empty} = ""', true],
		['{Empty} = 0', true],
		['{Name} = BLANK()', false],
		['AND({Score} > 10, {Done})', true],
		['OR({Score} > 100, FALSE())', false],
		['NOT({Done})', false],
		['IF({Score} > 50, "high", "low")', 'high'],
		['IF({Score} > 500, "high")', null],
		['TRUE()', true],
		['LOWER({Name})', 'ada lovelace'],
		['UPPER("x")', 'X'],
		['LEN({Name})', 12],
		['FIND("Love", {Name})', 5],
		['FIND("love", {Name})', 0],
		['SEARCH("zzz", {Name})', null],
		['SEARCH("Love", {Name})', 5],
		['CONCATENATE("a", 1, "b")', 'a1b'],
		['TRIM("  x  ")', 'x'],
		['ARRAYJOIN({Tags}, "|")', 'a|b'],
		['ARRAYJOIN({Tags})', 'a, b'],
		['IS_AFTER({When}, "2024-02-01")', true],
		['IS_BEFORE({When}, DATETIME_PARSE("2024-02-01"))', false],
		['IS_AFTER(DATETIME_PARSE("05/03/2024 14:30", "DD/MM/YYYY HH:mm"), {When})', true],
		['{When} = "2024-03-01T10:00:00.000Z"', true],
		['RECORD_ID()', 'recTest0000000000'],
		['IS_AFTER(LAST_MODIFIED_TIME(), CREATED_TIME())', true],
		['IS_BEFORE(LAST_MODIFIED_TIME({Name}), NOW())', true],
		['{Two Words} = "x"', true],
		['Score = 97', true],
		['and(true, TRUE)', true],
		['"it\\"s" = \'it"s\'', true],
	])('%s → %p', (formula, expected) => {
		expect(run(formula)).toEqual(expected);
	});

	it('turns runtime errors into a falsy error value instead of failing', () => {
		expect(truthy(run('{Name} * 2'))).toBe(false);
		expect(truthy(run('1 / 0'))).toBe(false);
		expect(truthy(run('DATETIME_PARSE("garbage")'))).toBe(false);
	});

	it.each<[string, RegExp]>([
		['NOPE({Name})', /Unknown function name: NOPE at position 0/],
		['{Missing} = 1', /Unknown field names: Missing/],
		['AND({Score} > 1', /Expected "\)" but found end of formula/],
		['{Score} > > 1', /Unexpected ">" at position 10/],
		['"open', /Unterminated string at position 0/],
		['IF(1)', /Wrong number of arguments to IF/],
		['', /Empty formula/],
		['{Score} # 1', /Unexpected character "#" at position 8/],
	])('rejects %p', (formula, message) => {
		expect(() => run(formula)).toThrow(FormulaSyntaxError);
		expect(() => run(formula)).toThrow(message);
	});
});

describe('filterByFormula over HTTP', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startHarness();
	});
	afterAll(() => h.emu.close());

	const list = (formula: string, table = 'Contacts') => h.api(`/v0/${BASE}/${table}?filterByFormula=${encodeURIComponent(formula)}`);

	it('filters records', async () => {
		const r = await list('AND({Status} = "Customer", {Score} > 95)');
		expect(r.body.records.map((x: { fields: { Name: string } }) => x.fields.Name)).toEqual(['Ada Lovelace']);
		const flags = await list('AND({enabled}, {rollout_pct} < 100)', 'feature_flags');
		expect(flags.body.records.map((x: { fields: { flag_name: string } }) => x.fields.flag_name)).toEqual(['new_checkout']);
		const off = await list('NOT({enabled})', 'feature_flags');
		expect(off.body.records.map((x: { fields: { flag_name: string } }) => x.fields.flag_name)).toEqual(['beta_reports']);
		const links = await list('FIND("Ada", ARRAYJOIN({Contact}))', 'Orders');
		expect(links.body.records).toHaveLength(2);
		const dates = await list('IS_AFTER({Ordered}, "2024-02-01")', 'Orders');
		expect(dates.body.records).toHaveLength(2);
	});

	it('answers 422 INVALID_FILTER_BY_FORMULA naming the problem', async () => {
		const fn = await list('WORKDAY({Name}, 1)');
		expect(fn.status).toBe(422);
		expect(fn.body).toEqual({ error: { type: 'INVALID_FILTER_BY_FORMULA', message: 'The formula for filtering records is invalid: Unknown function name: WORKDAY at position 0' } });
		const syntax = await list('{Name} = ');
		expect(syntax.body.error.type).toBe('INVALID_FILTER_BY_FORMULA');
		expect(syntax.body.error.message).toMatch(/position 9/);
		const field = await list('{Nope} = 1');
		expect(field.body.error.message).toMatch(/Unknown field names: Nope/);
	});
});
