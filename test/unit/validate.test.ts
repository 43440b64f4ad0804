import {
	AirtableValueError,
	checkBeforeWrite,
	checkRecords,
	checkValue,
	describeValue,
	MAX_TEXT_LENGTH,
} from '../../nodes/client/schema/validate';
import { AirtableNotFoundError } from '../../nodes/client/errors';
import { BaseSchema } from '../../nodes/client/schema/schema';
import type { FieldSchema, TableSchema } from '../../nodes/client/types';

/** Field definitions in the metadata API's shape (reference §5.2/5.3), written for these tests. */
function field(name: string, type: string, options?: Record<string, unknown>): FieldSchema {
	return { id: `fld${name.replace(/\W/g, '').padEnd(14, '0').slice(0, 14)}`, name, type, options } as FieldSchema;
}

const FIELDS = {
	text: field('Name', 'singleLineText'),
	notes: field('Notes', 'multilineText'),
	email: field('Email', 'email'),
	url: field('Website', 'url'),
	phone: field('Phone', 'phoneNumber'),
	number: field('Score', 'number', { precision: 0 }),
	rating: field('Stars', 'rating', { max: 5 }),
	checkbox: field('Active', 'checkbox'),
	date: field('Born', 'date'),
	dateTime: field('Seen', 'dateTime'),
	select: field('Status', 'singleSelect', { choices: [{ id: 'selA', name: 'Lead' }, { id: 'selB', name: 'Customer' }] }),
	multi: field('Tags', 'multipleSelects', { choices: [{ id: 'selC', name: 'vip' }, { id: 'selD', name: 'new' }] }),
	links: field('Orders', 'multipleRecordLinks'),
	files: field('Files', 'multipleAttachments'),
	owner: field('Owner', 'singleCollaborator'),
	barcode: field('Code', 'barcode'),
	formula: field('Label', 'formula'),
	future: field('Future', 'someFutureType'),
};

const TABLE: TableSchema = { id: 'tblPeople00000001', name: 'People', primaryFieldId: FIELDS.text.id, fields: Object.values(FIELDS), views: [] } as TableSchema;

const strict = (f: FieldSchema, value: unknown) => checkValue(f, value, { typecast: false });
const cast = (f: FieldSchema, value: unknown) => checkValue(f, value, { typecast: true });

describe('checkValue: what Airtable would refuse without typecast', () => {
	it.each([
		['text', FIELDS.text, 'Ada', 42],
		['number', FIELDS.number, 42, '42'],
		['checkbox', FIELDS.checkbox, true, 'yes'],
		['date', FIELDS.date, '2024-05-01', '1 May 2024'],
		['dateTime', FIELDS.dateTime, '2024-05-01T09:30:00.000Z', 'May 1 2024 09:30'],
		['select option', FIELDS.select, 'Lead', 'Prospect'],
		['multiple select', FIELDS.multi, ['vip', 'new'], ['vip', 'gold']],
		['link', FIELDS.links, ['recAbC123dEf456gHi'], ['Ada Lovelace']],
	])('%s: accepts the right shape, refuses the wrong one, and typecast lets Airtable convert it', (_name, f, good, convertible) => {
		expect(strict(f, good)).toBeUndefined();
		expect(strict(f, convertible)).toBeDefined();
		expect(cast(f, convertible)).toBeUndefined();
	});

	it('lists the options to pick from when an option is unknown, without echoing the refused value', () => {
		const problem = strict(FIELDS.select, 'Prospect');
		expect(problem?.text).toContain('its options: "Lead", "Customer"');
		expect(problem?.text).not.toContain('Prospect');
		const many = field('Stage', 'singleSelect', { choices: Array.from({ length: 13 }, (_, i) => ({ id: `sel${i}`, name: `Stage ${i}` })) });
		expect(strict(many, 'Stage 99')?.text).toContain('"Stage 8", "Stage 9" and 3 more');
	});

	it('names the error type Airtable would use: unknown option vs bad value', () => {
		expect(strict(FIELDS.select, 'Prospect')?.type).toBe('INVALID_MULTIPLE_CHOICE_OPTIONS');
		expect(strict(FIELDS.number, 'forty')?.type).toBe('INVALID_VALUE_FOR_COLUMN');
	});

	it('refuses what typecast cannot convert either', () => {
		expect(cast(FIELDS.number, 'forty')).toBeDefined();
		expect(cast(FIELDS.number, { amount: 1 })).toBeDefined();
		expect(cast(FIELDS.date, 'not a date')).toBeDefined();
		expect(cast(FIELDS.files, [{ name: 'x.png' }])).toBeDefined();
		expect(cast(FIELDS.text, 'x'.repeat(MAX_TEXT_LENGTH + 1))).toBeDefined();
	});

	it('checks email, URL and phone shapes, and lets an empty string clear them', () => {
		expect(strict(FIELDS.email, 'ada@example.com')).toBeUndefined();
		expect(strict(FIELDS.email, 'ada at example')?.text).toContain('not an email address');
		expect(strict(FIELDS.url, 'https://example.com/a')).toBeUndefined();
		expect(strict(FIELDS.url, 'see our site')?.text).toContain('not a URL');
		expect(strict(FIELDS.phone, '+44 20 7946 0958')).toBeUndefined();
		expect(strict(FIELDS.phone, 'call me')).toBeDefined();
		for (const f of [FIELDS.email, FIELDS.url, FIELDS.phone]) expect(strict(f, '')).toBeUndefined();
	});

	it('keeps ratings whole and within the field maximum', () => {
		expect(strict(FIELDS.rating, 5)).toBeUndefined();
		expect(strict(FIELDS.rating, 6)?.text).toContain('from 0 to 5');
		expect(strict(FIELDS.rating, 2.5)).toBeDefined();
	});

	it('accepts attachments as {url} or {id} objects only', () => {
		expect(strict(FIELDS.files, [{ url: 'https://example.com/a.png', filename: 'a.png' }, { id: 'attAbC123dEf456gH' }])).toBeUndefined();
		expect(strict(FIELDS.files, ['https://example.com/a.png'])?.text).toContain('1 of 1 entries');
		expect(strict(FIELDS.files, { url: 'https://example.com/a.png' })).toBeDefined();
	});

	it('accepts collaborators by id or email and barcodes as {text}', () => {
		expect(strict(FIELDS.owner, { email: 'ada@example.com' })).toBeUndefined();
		expect(strict(FIELDS.owner, 'ada@example.com')).toBeDefined();
		expect(strict(FIELDS.barcode, { text: '0123' })).toBeUndefined();
		expect(strict(FIELDS.barcode, '0123')).toBeDefined();
	});

	it('refuses every value for a computed field, even null, and accepts null elsewhere', () => {
		expect(strict(FIELDS.formula, null)?.text).toContain('computed by Airtable');
		expect(cast(FIELDS.formula, 'x')).toBeDefined();
		for (const f of [FIELDS.number, FIELDS.select, FIELDS.links, FIELDS.files]) expect(strict(f, null)).toBeUndefined();
	});

	it('leaves types it does not know to Airtable', () => {
		expect(strict(FIELDS.future, { anything: true })).toBeUndefined();
	});

	it('describes values by kind, never by content', () => {
		expect(describeValue('secret value')).toBe('text (12 characters)');
		expect(describeValue([1, 2, 3])).toBe('a list of 3 values');
		expect(describeValue({ token: 'x' })).toBe('an object');
		expect(strict(FIELDS.number, 'secret-ish')?.text).not.toContain('secret-ish');
	});
});

describe('checkRecords', () => {
	const schema = new BaseSchema('appPeople00000001', [TABLE]);

	it('fails each bad record by position with the field named, leaving the good ones and non-objects alone', () => {
		const result = checkRecords(
			schema,
			'People',
			[{ Name: 'A', Score: 1 }, { Nmae: 'typo' }, 'not an object', { Name: 'D', Status: 'Prospect' }, { name: 'e', score: 5 }],
			{},
			{ operation: 'create' },
		);
		expect(result.checked).toBe(true);
		expect([...result.failures.keys()]).toEqual([1, 3]);
		const unknown = result.failures.get(1)!;
		expect(unknown).toBeInstanceOf(AirtableValueError);
		expect(unknown).toMatchObject({ field: 'Nmae', type: 'UNKNOWN_FIELD_NAME', kind: 'invalid-input', itemIndexes: [1], status: undefined });
		expect(unknown.message).toContain('Field "Nmae" does not exist in table "People"');
		expect(unknown.message).not.toContain('Airtable said');
		expect(result.failures.get(3)).toMatchObject({ field: 'Status', type: 'INVALID_MULTIPLE_CHOICE_OPTIONS' });
	});

	it('finds fields by id as well as by name', () => {
		const result = checkRecords(schema, TABLE.id, [{ [FIELDS.number.id]: 'x' }]);
		expect(result.failures.get(0)).toMatchObject({ field: 'Score' });
	});

	it('skips the check for a table the schema does not hold', () => {
		const result = checkRecords(schema, 'Elsewhere', [{ Anything: 1 }]);
		expect(result).toMatchObject({ checked: false, failures: new Map() });
		expect(result.skippedBecause).toContain('Elsewhere');
	});

	it('without schema access, checks nothing and says why', async () => {
		const base = { schema: async () => await Promise.reject(new AirtableNotFoundError({ status: 403, operation: 'meta.schema' })) };
		const result = await checkBeforeWrite(base, 'People', [{ Nmae: 1 }]);
		expect(result.checked).toBe(false);
		expect(result.failures.size).toBe(0);
		expect(result.skippedBecause).toContain('the base schema could not be read');
	});
});
