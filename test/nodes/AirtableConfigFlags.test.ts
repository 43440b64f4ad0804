import nock from 'nock';
import { NodeHelpers, type IDataObject, type INodeExecutionData } from 'n8n-workflow';

import { AirtableConfigFlags } from '../../nodes/AirtableConfigFlags/AirtableConfigFlags.node';
import { flagCache } from '../../nodes/AirtableConfigFlags/flagCache';
import { runNode, type RunNodeOptions } from './harness/run-node';
import { buildWorkflow } from './harness/workflow';

const API = 'https://api.airtable.test';
const BASE = 'appFlags0000000001';
const TABLE = 'tblFlags000000001';
const credentials = { airtableSyncTokenApi: { accessToken: 'patFlags.secret', baseUrl: API } };

interface Row {
	id?: string;
	flag_name?: string;
	enabled?: boolean;
	rollout_pct?: number | string;
	metadata?: string;
}

function records(rows: Row[]) {
	return rows.map((row, index) => {
		const { id, ...fields } = row;
		return { id: id ?? `rec${String(index).padStart(14, '0')}`, createdTime: `2024-01-01T00:00:${String(index).padStart(2, '0')}.000Z`, fields };
	});
}

const FLAGS: Row[] = [
	{ flag_name: 'new_checkout', enabled: true, rollout_pct: 25, metadata: '{"variant":"B","limits":[1,2]}' },
	{ flag_name: 'dark_mode', enabled: true },
	{ flag_name: 'beta_search', rollout_pct: 100 },
	{ flag_name: 'zero', enabled: true, rollout_pct: 0 },
	{ flag_name: 'broken_meta', enabled: true, metadata: '{"variant": B}' },
];

const VALID_FLAGS = FLAGS.filter((row) => row.flag_name !== 'broken_meta');

/** Answers the flags-table listing `times` times and counts what was asked. */
function flagsTable(rows: Row[] = FLAGS, times = 1) {
	return nock(API).get(`/v0/${BASE}/${TABLE}`).times(times).reply(200, { records: records(rows) });
}

function params(extra: IDataObject = {}): IDataObject {
	return {
		base: { __rl: true, mode: 'id', value: BASE },
		table: { __rl: true, mode: 'id', value: TABLE },
		...extra,
	};
}

async function run(parameters: IDataObject, options: Partial<RunNodeOptions> = {}) {
	return await runNode(new AirtableConfigFlags(), {
		parameters: params(parameters) as RunNodeOptions['parameters'],
		credentials,
		...options,
	});
}

function users(count: number): INodeExecutionData[] {
	return Array.from({ length: count }, (_, index) => ({ json: { userId: `user-${index}` }, pairedItem: { item: index } }));
}

const evaluate = (flagName: string, extra: IDataObject = {}) => ({
	operation: 'evaluate',
	flagName,
	subjectKey: '={{ $json.userId }}',
	...extra,
});

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
	flagCache.clear();
	flagCache.clock = () => Date.now();
});
afterEach(() => nock.cleanAll());

describe('Airtable Config Flags: caching', () => {
	it('evaluates 100 items with ONE request to Airtable', async () => {
		const scope = flagsTable();
		const result = await run(evaluate('new_checkout'), { input: users(100) });
		expect(result.error).toBeUndefined();
		scope.done();
		const out = result.output[0];
		expect(out).toHaveLength(100);
		expect(out[7].json.userId).toBe('user-7');
		expect(out[7].pairedItem).toEqual({ item: 7 });
		expect(out[7].json.flag).toMatchObject({ name: 'new_checkout', rolloutPct: 25, found: true, metadata: { variant: 'B', limits: [1, 2] } });
		const on = out.filter((item) => (item.json.flag as IDataObject).enabled).length;
		expect(on).toBeGreaterThan(10);
		expect(on).toBeLessThan(45);
		for (const item of out) {
			const flag = item.json.flag as IDataObject;
			expect(flag.enabled).toBe((flag.bucket as number) < 25);
		}
	});

	it('serves later executions from the cache until the TTL expires, then reads again', async () => {
		let now = 1_700_000_000_000;
		flagCache.clock = () => now;
		const first = flagsTable(VALID_FLAGS);
		const one = await run({ operation: 'getFlags', options: { cacheTtl: 30 } });
		first.done();
		expect(one.output[0][0].json.fromCache).toBe(false);

		now += 29_000;
		const two = await run({ operation: 'getFlags', options: { cacheTtl: 30 } });
		expect(two.error).toBeUndefined();
		expect(two.output[0][0].json.fromCache).toBe(true);
		expect(two.output[0][0].json.fetchedAt).toBe(new Date(1_700_000_000_000).toISOString());

		now += 2_000;
		const second = flagsTable([{ flag_name: 'only_now', enabled: true }]);
		const three = await run({ operation: 'getFlags', options: { cacheTtl: 30 } });
		second.done();
		expect(three.output[0][0].json).toMatchObject({ fromCache: false, flags: { only_now: { enabled: true, rolloutPct: 100, metadata: null } } });
	});

	it('reads on every execution with TTL 0, still once per execution', async () => {
		const scope = flagsTable(FLAGS, 2);
		await run(evaluate('dark_mode', { options: { cacheTtl: 0 } }), { input: users(20) });
		await run(evaluate('dark_mode', { options: { cacheTtl: 0 } }), { input: users(20) });
		scope.done();
	});

	it('lets concurrent executions share one in-flight read', async () => {
		const scope = nock(API).get(`/v0/${BASE}/${TABLE}`).delay(150).reply(200, { records: records(VALID_FLAGS) });
		const [a, b] = await Promise.all([
			run(evaluate('dark_mode'), { input: users(3) }),
			run({ operation: 'getFlags' }),
		]);
		scope.done();
		expect(a.error).toBeUndefined();
		expect(b.error).toBeUndefined();
		expect(a.output[0]).toHaveLength(3);
		expect(Object.keys((b.output[0][0].json.flags as IDataObject) ?? {})).toEqual(
			expect.arrayContaining(['dark_mode', 'new_checkout']),
		);
	});

	it('keeps separate cache entries for different column settings', async () => {
		const scope = flagsTable(VALID_FLAGS, 2);
		await run({ operation: 'getFlags' });
		await run({ operation: 'getFlags', options: { metadataColumn: 'settings' } });
		scope.done();
	});

	it('follows the offset when the flags table has several pages', async () => {
		const scope = nock(API)
			.get(`/v0/${BASE}/${TABLE}`)
			.reply(200, { records: records([{ flag_name: 'a', enabled: true }]), offset: 'itr1/rec1' })
			.get(`/v0/${BASE}/${TABLE}`)
			.query({ offset: 'itr1/rec1' })
			.reply(200, { records: records([{ id: 'recB00000000000001', flag_name: 'b', enabled: true }]) });
		const result = await run({ operation: 'getFlags' });
		scope.done();
		expect(Object.keys(result.output[0][0].json.flags as IDataObject).sort()).toEqual(['a', 'b']);
	});

	it('does not cache a failed read', async () => {
		const scope = nock(API)
			.get(`/v0/${BASE}/${TABLE}`)
			.reply(404, { error: { type: 'TABLE_NOT_FOUND', message: 'Could not find table' } });
		const failed = await run({ operation: 'getFlags' });
		expect(failed.error?.message).toMatch(/table/i);
		scope.done();
		const retry = flagsTable(VALID_FLAGS);
		const ok = await run({ operation: 'getFlags' });
		retry.done();
		expect(ok.error).toBeUndefined();
	});
});

describe('Airtable Config Flags: results', () => {
	it('outputs every flag in one item with Get All Flags', async () => {
		flagsTable(VALID_FLAGS);
		const result = await run({ operation: 'getFlags' }, { input: users(3) });
		expect(result.output[0]).toHaveLength(1);
		expect(result.output[0][0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.output[0][0].json.flags).toEqual({
			new_checkout: { enabled: true, rolloutPct: 25, metadata: { variant: 'B', limits: [1, 2] } },
			dark_mode: { enabled: true, rolloutPct: 100, metadata: null },
			beta_search: { enabled: false, rolloutPct: 100, metadata: null },
			zero: { enabled: true, rolloutPct: 0, metadata: null },
		});
	});

	it('routes items to On and Off', async () => {
		flagsTable();
		const result = await run({ ...evaluate('new_checkout'), operation: 'route' }, { input: users(200) });
		expect(result.error).toBeUndefined();
		const [on, off] = result.output;
		expect(on.length + off.length).toBe(200);
		expect(on.every((item) => (item.json.flag as IDataObject).enabled === true)).toBe(true);
		expect(off.every((item) => (item.json.flag as IDataObject).enabled === false)).toBe(true);
		expect(on.length).toBeGreaterThan(25);
		expect(on.length).toBeLessThan(80);
		const paired = [...on, ...off].map((item) => (item.pairedItem as { item: number }).item).sort((a, b) => a - b);
		expect(paired).toEqual(Array.from({ length: 200 }, (_, index) => index));
	});

	it('routes everything Off for a disabled, a 0 % and an unknown flag, and everything On at 100 %', async () => {
		flagsTable();
		const cases: Array<[string, number]> = [['beta_search', 0], ['zero', 0], ['missing', 0], ['dark_mode', 10]];
		for (const [flag, expectedOn] of cases) {
			const result = await run({ ...evaluate(flag), operation: 'route' }, { input: users(10) });
			expect([flag, result.output[0].length, result.output[1].length]).toEqual([flag, expectedOn, 10 - expectedOn]);
		}
	});

	it('gives the same answers in a later run and after the cache is dropped', async () => {
		flagsTable(FLAGS, 2);
		const first = await run(evaluate('new_checkout'), { input: users(50) });
		const second = await run(evaluate('new_checkout'), { input: users(50) });
		flagCache.clear();
		const third = await run(evaluate('new_checkout'), { input: users(50) });
		const answers = (result: typeof first) => result.output[0].map((item) => item.json.flag);
		expect(answers(second)).toEqual(answers(first));
		expect(answers(third)).toEqual(answers(first));
	});

	it('treats an unknown flag as off by default, and fails when told to', async () => {
		flagsTable();
		const off = await run(evaluate('nope'), { input: users(1) });
		expect(off.output[0][0].json.flag).toMatchObject({ name: 'nope', enabled: false, found: false, metadata: null });

		const failed = await run(evaluate('nope', { options: { unknownFlag: 'error' } }), { input: users(1) });
		expect(failed.error?.message).toContain('"nope" is not in the flags table');
	});

	it('names the flag whose metadata is not JSON; with Continue On Fail only that check fails', async () => {
		flagsTable();
		const failed = await run(evaluate('broken_meta'), { input: users(1) });
		expect(failed.error?.message).toContain('metadata of flag "broken_meta" is not valid JSON');

		const input: INodeExecutionData[] = [
			{ json: { userId: 'u1', flagToCheck: 'dark_mode' } },
			{ json: { userId: 'u2', flagToCheck: 'broken_meta' } },
			{ json: { userId: 'u3', flagToCheck: 'dark_mode' } },
		];
		const result = await run(
			{ ...evaluate('={{ $json.flagToCheck }}'), operation: 'route' },
			{ input, continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		const [on, off] = result.output;
		expect(on.map((item) => item.json.userId)).toEqual(['u1', 'u3']);
		expect(off).toHaveLength(1);
		expect(off[0].json.error).toContain('broken_meta');
		expect(off[0].pairedItem).toEqual({ item: 1 });
	});

	it('fails Get All Flags naming the broken flag', async () => {
		flagsTable();
		const result = await run({ operation: 'getFlags' });
		expect(result.error?.message).toContain('"broken_meta"');
	});

	it('writes the result under the chosen field and keeps the item', async () => {
		flagsTable();
		const result = await run(evaluate('dark_mode', { outputProperty: 'darkMode' }), { input: users(1) });
		expect(result.output[0][0].json).toEqual({
			userId: 'user-0',
			darkMode: { name: 'dark_mode', enabled: true, rolloutPct: 100, bucket: expect.any(Number), metadata: null, found: true },
		});
	});

	it('refuses a partial rollout without a subject key', async () => {
		flagsTable();
		const result = await run(evaluate('new_checkout', { subjectKey: '={{ $json.missing }}' }), { input: users(1) });
		expect(result.error?.message).toContain('Subject Key is empty');
	});

	it('uses configured column names', async () => {
		nock(API)
			.get(`/v0/${BASE}/${TABLE}`)
			.reply(200, {
				records: [{ id: 'rec1', createdTime: '2024-01-01T00:00:00.000Z', fields: { Name: 'x', On: true, Pct: '40%', Config: '[1]' } }],
			});
		const result = await run({
			operation: 'getFlags',
			options: { flagNameColumn: 'Name', enabledColumn: 'On', rolloutColumn: 'Pct', metadataColumn: 'Config' },
		});
		expect(result.output[0][0].json.flags).toEqual({ x: { enabled: true, rolloutPct: 40, metadata: [1] } });
	});
});

describe('Airtable Config Flags: outputs', () => {
	it('shows On and Off outputs for Route and one output otherwise', () => {
		const outputsFor = (operation: string) => {
			const { workflow, node } = buildWorkflow(new AirtableConfigFlags(), { parameters: params({ operation }) as RunNodeOptions['parameters'], credentials });
			return NodeHelpers.getNodeOutputs(workflow, node, new AirtableConfigFlags().description);
		};
		expect(outputsFor('route')).toEqual([
			{ type: 'main', displayName: 'On' },
			{ type: 'main', displayName: 'Off' },
		]);
		expect(outputsFor('evaluate')).toEqual([{ type: 'main' }]);
		expect(outputsFor('getFlags')).toEqual([{ type: 'main' }]);
	});
});
