import { changedFields, isEmptyCell, sameCell } from '../../nodes/client/sync/syncCompare';
import { exactKeyOf, looseKeyOf, missingMergeFields, type KeyTypes } from '../../nodes/client/sync/keyMatch';
import { toCellValue } from '../../nodes/shared/execution/mapper';

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

describe('sync: exact and loose merge keys', () => {
	const types: KeyTypes = { Id: 'number', Email: 'text', When: 'date' };

	it('keys 42 and "42" alike in a number field, but keeps text exact', () => {
		expect(exactKeyOf({ Id: 42 }, ['Id'], types)).toBe(exactKeyOf({ Id: '42' }, ['Id'], types));
		expect(exactKeyOf({ Email: 'A@x' }, ['Email'], types)).not.toBe(exactKeyOf({ Email: 'a@x' }, ['Email'], types));
		expect(exactKeyOf({ Email: 'a@x ' }, ['Email'], types)).not.toBe(exactKeyOf({ Email: 'a@x' }, ['Email'], types));
		expect(exactKeyOf({ Tags: ['b', 'a'] }, ['Tags'])).toBe(exactKeyOf({ Tags: ['a', 'b'] }, ['Tags']));
	});

	it('keys one instant alike in a date field only', () => {
		const a = { When: '2024-05-01T10:00:00Z' };
		const b = { When: '2024-05-01T12:00:00.000+02:00' };
		expect(exactKeyOf(a, ['When'], types)).toBe(exactKeyOf(b, ['When'], types));
		expect(exactKeyOf(a, ['When'])).not.toBe(exactKeyOf(b, ['When']));
	});

	it('loose keys ignore case and surrounding whitespace, never other differences', () => {
		expect(looseKeyOf({ Email: '  A@X ' }, ['Email'])).toBe(looseKeyOf({ Email: 'a@x' }, ['Email']));
		expect(looseKeyOf({ Email: 'a @x' }, ['Email'])).not.toBe(looseKeyOf({ Email: 'a@x' }, ['Email']));
		expect(looseKeyOf({ Id: 7 }, ['Id'])).toBe(looseKeyOf({ Id: '7' }, ['Id']));
	});

	it('has no loose key for values no formula can look up', () => {
		expect(looseKeyOf({ Who: { email: 'a@x' } }, ['Who'])).toBeUndefined();
		expect(looseKeyOf({ Email: '' }, ['Email'])).toBeUndefined();
	});

	it('finds empty merge values (0 and false are values)', () => {
		expect(missingMergeFields({ Id: 0, Email: '' }, ['Id', 'Email'])).toEqual(['Email']);
		expect(missingMergeFields({ Id: null, Done: false }, ['Id', 'Email', 'Done'])).toEqual(['Id', 'Email']);
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
