/**
 * The List node's dates without luxon (nodes/AirtableList/dates.ts), checked against luxon
 * itself (a devDependency, the library the node used before): the same instant for the same
 * text and time zone, clocks set forward included, and no instant where luxon finds none.
 */
import { DateTime } from 'luxon';

import { parseIsoDate, toInstant, utcIso } from '../../../nodes/AirtableList/dates';

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'];

const TEXTS = [
	'2024-05-01',
	'2024-05',
	'2024-05-01T09',
	'2024-05-01T09:30',
	'2024-05-01T09:30:15',
	'2024-05-01T09:30:15.250',
	'2024-05-01T09:30:15.2',
	'2024-05-01T09:30:15Z',
	'2024-05-01T09:30:15.123+02:00',
	'2024-05-01T09:30:15-0530',
	'2024-05-01T09:30:15+05',
	// Berlin and New York spring forward: 02:30 does not exist there and moves forward by the gap.
	'2024-03-31T02:30:00',
	'2024-03-10T02:30:00',
	'2024-02-29T12:00:00',
	'1969-12-31T23:59:59.999',
];

const INVALID = ['', 'tomorrow', '2024-02-30', '2023-02-29T10:00', '2024-13-01', '2024-05-01T24:30', '2024-05-01T10:60', '05/01/2024'];

describe('parseIsoDate', () => {
	it.each(ZONES)('reads every text as luxon does in %s', (zone) => {
		const mismatches = TEXTS.filter((text) => {
			const expected = DateTime.fromISO(text, { zone });
			return parseIsoDate(text, zone) !== (expected.isValid ? expected.toMillis() : undefined);
		});
		expect(mismatches).toEqual([]);
	});

	it('finds no date where luxon finds none', () => {
		for (const text of INVALID) {
			expect(DateTime.fromISO(text, { zone: 'UTC' }).isValid).toBe(false);
			expect(parseIsoDate(text, 'UTC')).toBeUndefined();
		}
	});

	it('finds none in a time zone that does not exist (text without an offset)', () => {
		expect(parseIsoDate('2024-05-01T09:30', 'Mars/Olympus_Mons')).toBeUndefined();
		expect(parseIsoDate('2024-05-01T09:30Z', 'Mars/Olympus_Mons')).toBe(Date.UTC(2024, 4, 1, 9, 30));
	});

	it('reads an hour that clocks set back repeat as its first pass', () => {
		// luxon's pick here depended on the date it ran (its first guess is today's offset).
		expect(utcIso(parseIsoDate('2024-10-27T02:30:00', 'Europe/Berlin') as number)).toBe('2024-10-27T00:30:00.000Z');
		expect(utcIso(parseIsoDate('2024-11-03T01:30:00', 'America/New_York') as number)).toBe('2024-11-03T05:30:00.000Z');
		expect(utcIso(parseIsoDate('2024-04-07T01:45:00', 'Australia/Lord_Howe') as number)).toBe('2024-04-06T14:45:00.000Z');
	});
});

describe('toInstant', () => {
	it('takes the date objects n8n expressions hand over', () => {
		const instant = Date.UTC(2024, 6, 1, 10);
		expect(toInstant(DateTime.fromMillis(instant, { zone: 'Asia/Tokyo' }), 'UTC')).toBe(instant);
		expect(toInstant(new Date(instant), 'UTC')).toBe(instant);
		expect(toInstant(instant, 'UTC')).toBe(instant);
		expect(toInstant(DateTime.fromISO('nonsense'), 'UTC')).toBeUndefined();
		expect(toInstant(new Date('nonsense'), 'UTC')).toBeUndefined();
		expect(toInstant({ toMillis: 'no' }, 'UTC')).toBeUndefined();
		expect(toInstant(null, 'UTC')).toBeUndefined();
	});

	it('writes the UTC form Airtable formulas take', () => {
		expect(utcIso(Date.UTC(2024, 4, 1, 7, 30))).toBe('2024-05-01T07:30:00.000Z');
	});
});
