import { DateTime } from 'luxon';
import { mockDeep } from 'jest-mock-extended';
import nock from 'nock';
import type { IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { AirtableRecord } from '../../../nodes/client/types';
import { conditionsFormula, FilterError, toUtcIso, userFilterFormula } from '../../../nodes/AirtableList/filter';
import {
	ChangeTracker,
	type IncrementalSettings,
	MAX_BOUNDARY_RECORDS,
} from '../../../nodes/AirtableList/incremental';
import { loadOptions } from '../../../nodes/AirtableList/methods';

const LOAD_OPTIONS_TOKEN = 'test-token-value';

function rec(id: string, fields: Record<string, unknown>): AirtableRecord {
	return { id, createdTime: '2024-01-01T00:00:00.000Z', fields };
}

describe('condition builder', () => {
	it('escapes every value through formula.ts and never lets it close the string', () => {
		const formula = conditionsFormula(
			[{ field: 'Name', operator: 'equals', value: "'), TRUE(), ('" }],
			'and',
			'UTC',
		);
		expect(formula).toBe("{Name} = '\\'), TRUE(), (\\''");
	});

	it('picks value types: numbers for numeric comparisons in auto, text otherwise, explicit types win', () => {
		const formula = (value: unknown, operator: 'equals' | 'lessOrEqual', valueType?: 'auto' | 'string' | 'number' | 'boolean') =>
			conditionsFormula([{ field: 'F', operator, value, valueType }], 'and', 'UTC');
		expect(formula('1e3', 'lessOrEqual')).toBe('{F} <= 1000');
		expect(formula('12', 'equals')).toBe("{F} = '12'");
		expect(formula(12, 'equals')).toBe('{F} = 12');
		expect(formula('12', 'equals', 'number')).toBe('{F} = 12');
		expect(formula('10', 'lessOrEqual', 'string')).toBe("{F} <= '10'");
		expect(formula('no', 'equals', 'boolean')).toBe('{F} = FALSE()');
		expect(() => formula('maybe', 'equals', 'boolean')).toThrow(FilterError);
		expect(formula(undefined, 'equals')).toBe("{F} = ''");
	});

	it('refuses rows without a field and field names Airtable formulas cannot reference', () => {
		expect(() => conditionsFormula([{ operator: 'equals', value: 'x' }], 'and', 'UTC')).toThrow('Condition 1: choose a field');
		expect(() => conditionsFormula([{ field: 'a}b', operator: 'isEmpty' }], 'and', 'UTC')).toThrow(/contains "}"/);
	});

	it('is empty without conditions or filter', () => {
		expect(userFilterFormula({ filterMode: 'conditions', conditions: {} }, 'UTC')).toBe('');
		expect(userFilterFormula({ filterMode: 'none', formula: '{A}' }, 'UTC')).toBe('');
		expect(userFilterFormula({ filterMode: 'formula', formula: '  {A} > 1 ' }, 'UTC')).toBe('{A} > 1');
	});

	it('reads dates in the given zone unless they carry an offset', () => {
		expect(toUtcIso('2024-07-01T10:00:00', 'America/New_York', 'x')).toBe('2024-07-01T14:00:00.000Z');
		expect(toUtcIso('2024-07-01T10:00:00+02:00', 'America/New_York', 'x')).toBe('2024-07-01T08:00:00.000Z');
		expect(toUtcIso(DateTime.fromISO('2024-07-01T10:00:00Z'), 'Asia/Tokyo', 'x')).toBe('2024-07-01T10:00:00.000Z');
		expect(() => toUtcIso('', 'UTC', 'When')).toThrow('When: "" is not a date');
	});
});

describe('ChangeTracker', () => {
	const runStart = Date.parse('2024-06-01T12:00:00.000Z');
	const settings = (extra: Partial<IncrementalSettings> = {}): IncrementalSettings => ({
		modifiedField: 'Modified',
		modifiedFieldKey: 'Modified',
		firstRun: 'all',
		overlapSeconds: 60,
		timeZone: 'UTC',
		...extra,
	});

	it('has no condition on a first full read and saves the run start as watermark', () => {
		const tracker = new ChangeTracker(settings(), {}, runStart);
		expect(tracker.formula()).toBe('');
		expect(tracker.nextState().watermark).toBe('2024-06-01T12:00:00.000Z');
	});

	it('keeps only records the next overlap can return, with their modified time', () => {
		const tracker = new ChangeTracker(settings(), {}, runStart);
		expect(tracker.accept(rec('recOld', { Modified: '2024-06-01T11:58:59.000Z' }))).toBe(true);
		expect(tracker.accept(rec('recEdge', { Modified: '2024-06-01T11:59:30.000Z' }))).toBe(true);
		expect(tracker.accept(rec('recBlank', {}))).toBe(true);
		expect(tracker.nextState().boundary).toEqual({ recEdge: '2024-06-01T11:59:30.000Z', recBlank: '' });
	});

	it('starts from watermark minus overlap and drops records unchanged since', () => {
		const tracker = new ChangeTracker(
			settings({ overlapSeconds: 120 }),
			{ watermark: '2024-06-01T12:00:00.000Z', fingerprintKind: 'field:Modified', boundary: { recEdge: '2024-06-01T11:59:30.000Z' } },
			runStart + 60 * 60_000,
		);
		expect(tracker.since).toBe('2024-06-01T11:58:00.000Z');
		expect(tracker.formula()).toBe("NOT(IS_BEFORE({Modified}, DATETIME_PARSE('2024-06-01T11:58:00.000Z')))");
		expect(tracker.accept(rec('recEdge', { Modified: '2024-06-01T11:59:30.000Z' }))).toBe(false);
		expect(tracker.accept(rec('recEdge2', { Modified: '2024-06-01T11:59:30.000Z' }))).toBe(true);
	});

	it('ignores fingerprints saved for another modified field', () => {
		const tracker = new ChangeTracker(
			settings(),
			{ watermark: '2024-06-01T12:00:00.000Z', fingerprintKind: 'content', boundary: { rec1: '2024-06-01T11:59:30.000Z' } },
			runStart,
		);
		expect(tracker.accept(rec('rec1', { Modified: '2024-06-01T11:59:30.000Z' }))).toBe(true);
	});

	it('fingerprints content with LAST_MODIFIED_TIME(), independent of key order', () => {
		const first = new ChangeTracker(settings({ modifiedField: '', modifiedFieldKey: '' }), {}, runStart);
		first.accept(rec('rec1', { a: 1, b: { c: [1, 2], d: 'x' } }));
		const second = new ChangeTracker(settings({ modifiedField: '', modifiedFieldKey: '' }), first.nextState(), runStart + 5 * 60_000);
		expect(second.formula()).toBe("NOT(IS_BEFORE(LAST_MODIFIED_TIME(), DATETIME_PARSE('2024-06-01T11:59:00.000Z')))");
		expect(second.accept(rec('rec1', { b: { d: 'x', c: [1, 2] }, a: 1 }))).toBe(false);
		expect(second.accept(rec('rec1', { b: { d: 'x', c: [2, 1] }, a: 1 }))).toBe(true);
	});

	it('keeps no boundary when it would grow past the cap', () => {
		const tracker = new ChangeTracker(settings({ modifiedField: '', modifiedFieldKey: '' }), {}, runStart);
		for (let index = 0; index <= MAX_BOUNDARY_RECORDS; index++) tracker.accept(rec(`rec${index}`, { n: index }));
		expect(tracker.nextState().boundary).toEqual({});
	});

	it('reads a first-run date in the workflow time zone', () => {
		const tracker = new ChangeTracker(
			settings({ firstRun: 'since', firstRunSince: '2024-01-10T09:00:00', timeZone: 'Europe/Paris' }),
			{},
			runStart,
		);
		expect(tracker.since).toBe('2024-01-10T08:00:00.000Z');
	});
});

describe('getLastModifiedTimeFields', () => {
	beforeAll(() => nock.disableNetConnect());
	afterAll(() => nock.enableNetConnect());

	function context(base: string, table: string) {
		const ctx = mockDeep<ILoadOptionsFunctions>();
		ctx.getNode.mockReturnValue({
			id: 'n1',
			name: 'Airtable List',
			type: 'airtableList',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			credentials: { airtableSyncTokenApi: { id: 'cred1', name: 'token' } },
		});
		ctx.getNodeParameter.mockImplementation(((name: string) => (name === 'base' ? base : table)) as never);
		ctx.getCredentials.mockResolvedValue({ accessToken: LOAD_OPTIONS_TOKEN, baseUrl: 'https://api.airtable.test' });
		ctx.helpers.httpRequestWithAuthentication.mockImplementation((async (_type: string, options: IHttpRequestOptions) => {
			expect(options.url).toBe(`https://api.airtable.test/v0/meta/bases/${base}/tables`);
			return {
				statusCode: 200,
				headers: {},
				body: {
					tables: [
						{
							id: 'tblLoad0000000001',
							name: 'Tasks',
							primaryFieldId: 'fld1',
							fields: [
								{ id: 'fld1', name: 'Name', type: 'singleLineText' },
								{ id: 'fld2', name: 'Edited', type: 'lastModifiedTime' },
								{ id: 'fld3', name: 'Created', type: 'createdTime' },
							],
							views: [],
						},
					],
				},
			};
		}) as never);
		return ctx;
	}

	it('offers LAST_MODIFIED_TIME() and the Last Modified Time fields by name', async () => {
		const options = await loadOptions.getLastModifiedTimeFields.call(context('appLoad0000000001', 'tblLoad0000000001'));
		expect(options.map((option) => [option.name, option.value])).toEqual([
			['Any Field (LAST_MODIFIED_TIME())', ''],
			['Edited', 'Edited'],
		]);
	});

	it('offers only LAST_MODIFIED_TIME() before a table is chosen, without a request', async () => {
		const ctx = context('appLoad0000000001', '');
		const options = await loadOptions.getLastModifiedTimeFields.call(ctx);
		expect(options).toHaveLength(1);
		expect(ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
	});
});
