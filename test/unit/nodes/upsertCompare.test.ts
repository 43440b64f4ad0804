import { changedFields, isEmptyCell, sameCell } from '../../../nodes/AirtableBatchUpsert/compare';
import { mergeKeyOf, missingMergeFields, resolveDuplicates } from '../../../nodes/AirtableBatchUpsert/keys';
import { toCellValue } from '../../../nodes/shared/mapper';

describe('Skip Unchanged: sameCell', () => {
	it('treats the ways Airtable stores "empty" as equal', () => {
		for (const empty of [undefined, null, '', [], false]) {
			expect(sameCell(empty, undefined)).toBe(true);
		}
		expect(isEmptyCell(0)).toBe(false);
	});

	it('never treats 0 as empty', () => {
		expect(sameCell(0, undefined)).toBe(false);
		expect(sameCell('', 0)).toBe(false);
		expect(sameCell(null, 0)).toBe(false);
		expect(sameCell('0', undefined)).toBe(false);
		expect(sameCell(0, 0)).toBe(true);
	});

	it('compares checkboxes: false matches an absent cell, true does not', () => {
		expect(sameCell(false, undefined)).toBe(true);
		expect(sameCell(true, undefined)).toBe(false);
		expect(sameCell(false, true)).toBe(false);
		expect(sameCell(true, true)).toBe(true);
		expect(sameCell('true', true)).toBe(true);
	});

	it('matches numbers with numeric strings, but not different numbers or text', () => {
		expect(sameCell('42', 42)).toBe(true);
		expect(sameCell(42, '42')).toBe(true);
		expect(sameCell('42.0', 42)).toBe(true);
		expect(sameCell('42', 43)).toBe(false);
		expect(sameCell('forty-two', 42)).toBe(false);
		expect(sameCell(' ', 0)).toBe(false);
		expect(sameCell(0.1 + 0.2, 0.3)).toBe(false);
	});

	it('keeps text exact: case, whitespace and leading zeros are changes', () => {
		expect(sameCell('Open', 'Open')).toBe(true);
		expect(sameCell('open', 'Open')).toBe(false);
		expect(sameCell('Open ', 'Open')).toBe(false);
		expect(sameCell('007', '7')).toBe(false);
	});

	it('compares zoned date-times as instants and other dates exactly', () => {
		expect(sameCell('2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z')).toBe(true);
		expect(sameCell('2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z')).toBe(true);
		expect(sameCell('2024-05-01T10:00:01Z', '2024-05-01T10:00:00.000Z')).toBe(false);
		expect(sameCell('2024-05-01', '2024-05-01')).toBe(true);
		expect(sameCell('2024-05-02', '2024-05-01')).toBe(false);
		// Without a zone the instant depends on the field's time zone: not assumed equal.
		expect(sameCell('2024-05-01T10:00', '2024-05-01T10:00:00.000Z')).toBe(false);
		expect(sameCell('2024-05-01', '2024-05-01T00:00:00.000Z')).toBe(false);
	});

	it('compares multiple selects regardless of order, but with multiplicity', () => {
		expect(sameCell(['b', 'a'], ['a', 'b'])).toBe(true);
		expect(sameCell(['a', 'a'], ['a', 'b'])).toBe(false);
		expect(sameCell(['a'], ['a', 'b'])).toBe(false);
		expect(sameCell([], undefined)).toBe(true);
		expect(sameCell(['a'], undefined)).toBe(false);
	});

	it('keeps the order of linked records', () => {
		const a = 'recAAAAAAAAAAAAAA';
		const b = 'recBBBBBBBBBBBBBB';
		expect(sameCell([a, b], [a, b])).toBe(true);
		expect(sameCell([b, a], [a, b])).toBe(false);
	});

	it('compares objects on the keys the item gives (collaborators by email)', () => {
		const existing = { id: 'usrX', email: 'ada@example.com', name: 'Ada' };
		expect(sameCell({ email: 'ada@example.com' }, existing)).toBe(true);
		expect(sameCell({ email: 'bob@example.com' }, existing)).toBe(false);
		expect(sameCell([{ url: 'https://x/a.png' }], [{ id: 'att1', url: 'https://cdn/a.png' }])).toBe(false);
	});

	it('lists exactly the fields that would change', () => {
		expect(
			changedFields(
				{ Name: 'Ada', Age: '36', Tags: ['x', 'y'], Active: false, Notes: '' },
				{ Name: 'Ada', Age: 36, Tags: ['y', 'x'] },
			),
		).toEqual([]);
		expect(changedFields({ Name: 'Ada', Score: 0 }, { Name: 'Ada' })).toEqual(['Score']);
	});
});

describe('Batch Upsert: merge keys and duplicates', () => {
	const types = new Map<string, 'number' | 'string' | 'array'>([
		['Id', 'number'],
		['Email', 'string'],
		['Tags', 'array'],
	]);

	it('keys 42 and "42" alike in a number field, but keeps text exact', () => {
		expect(mergeKeyOf({ Id: 42 }, ['Id'], types)).toBe(mergeKeyOf({ Id: '42' }, ['Id'], types));
		expect(mergeKeyOf({ Email: 'A@x' }, ['Email'], types)).not.toBe(mergeKeyOf({ Email: 'a@x' }, ['Email'], types));
		expect(mergeKeyOf({ Tags: ['b', 'a'] }, ['Tags'], types)).toBe(mergeKeyOf({ Tags: ['a', 'b'] }, ['Tags'], types));
	});

	it('finds empty merge values', () => {
		expect(missingMergeFields({ Id: 0, Email: '' }, ['Id', 'Email'])).toEqual(['Email']);
		expect(missingMergeFields({ Id: null }, ['Id', 'Email'])).toEqual(['Id', 'Email']);
	});

	const items = [
		{ itemIndex: 0, fields: { Email: 'a' }, key: 'a' },
		{ itemIndex: 1, fields: { Email: 'b' }, key: 'b' },
		{ itemIndex: 2, fields: { Email: 'a' }, key: 'a' },
		{ itemIndex: 3, fields: { Email: 'a' }, key: 'a' },
	];

	it('last wins: the last item of a key is written, the others point to it', () => {
		const { winners, superseded, conflicts } = resolveDuplicates(items, 'lastWins', ['Email']);
		expect(winners.map((item) => item.itemIndex)).toEqual([1, 3]);
		expect([...superseded]).toEqual([
			[0, 3],
			[2, 3],
		]);
		expect(conflicts.size).toBe(0);
	});

	it('first wins', () => {
		const { winners, superseded } = resolveDuplicates(items, 'firstWins', ['Email']);
		expect(winners.map((item) => item.itemIndex)).toEqual([0, 1]);
		expect([...superseded]).toEqual([
			[2, 0],
			[3, 0],
		]);
	});

	it('error fails every item of a duplicated key', () => {
		const { winners, conflicts } = resolveDuplicates(items, 'error', ['Email']);
		expect(winners.map((item) => item.itemIndex)).toEqual([1]);
		expect([...conflicts.keys()]).toEqual([0, 2, 3]);
		expect(conflicts.get(2)?.message).toContain('Items 0, 2, 3 have the same merge key (Email = "a")');
	});
});

describe('Resource mapper value conversion', () => {
	it('converts only unambiguous values per column type', () => {
		expect(toCellValue('42', 'number')).toBe(42);
		expect(toCellValue('', 'number')).toBeNull();
		expect(toCellValue('abc', 'number')).toBe('abc');
		expect(toCellValue('true', 'boolean')).toBe(true);
		expect(toCellValue('["a","b"]', 'array')).toEqual(['a', 'b']);
		expect(toCellValue('a, b', 'array')).toBe('a, b');
		expect(toCellValue('2024-05-01', 'dateTime')).toBe('2024-05-01');
		expect(toCellValue(new Date('2024-05-01T10:00:00Z'), 'dateTime')).toBe('2024-05-01T10:00:00.000Z');
		expect(toCellValue('007', 'string')).toBe('007');
	});
});
