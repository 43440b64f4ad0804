import { FIELD_TYPES, fieldTypeInfo, isWritableField, READ_ONLY_FIELD_TYPES, type FieldSchema } from '../../index';
import { checkValue } from '../../nodes/client/schema/validate';

/**
 * The field check before writes knows every field type the metadata API returns (the list in
 * /work/shared/reference/airtable-api.md §5.3, plus the undocumented manualSort): for each
 * writable type one right value passes and one wrong value is refused; every computed type
 * refuses any value. A type Airtable adds later is left for Airtable to judge.
 */

const SCHEMA_API_TYPES = [
	'aiText', 'autoNumber', 'barcode', 'button', 'checkbox', 'count', 'createdBy', 'createdTime', 'currency', 'date', 'dateTime',
	'duration', 'email', 'externalSyncSource', 'formula', 'lastModifiedBy', 'lastModifiedTime', 'multilineText', 'multipleAttachments',
	'multipleCollaborators', 'multipleLookupValues', 'multipleRecordLinks', 'multipleSelects', 'number', 'percent', 'phoneNumber', 'rating',
	'richText', 'rollup', 'singleCollaborator', 'singleLineText', 'singleSelect', 'url', 'manualSort',
];

/** A value Airtable accepts and one it refuses, per writable type (Typecast off). */
const EXAMPLES: Record<string, { good: unknown; bad: unknown }> = {
	singleLineText: { good: 'Ada', bad: 42 },
	multilineText: { good: 'Line 1\nLine 2', bad: ['a'] },
	richText: { good: '**bold** and _italic_', bad: { markdown: 'x' } },
	email: { good: 'ada@example.com', bad: 'ada at example' },
	url: { good: 'https://example.com', bad: 'not a url' },
	phoneNumber: { good: '+44 20 7946 0000', bad: 'call me' },
	number: { good: 3.5, bad: 'three' },
	currency: { good: 19.99, bad: '$19.99' },
	percent: { good: 0.25, bad: '25%' },
	rating: { good: 4, bad: 11 },
	duration: { good: 5400, bad: '1:30' },
	checkbox: { good: true, bad: 'yes' },
	date: { good: '2024-05-01', bad: 'May 1st' },
	dateTime: { good: '2024-05-01T09:30:00.000Z', bad: 1714555800 },
	singleSelect: { good: 'Open', bad: 'Nope' },
	multipleSelects: { good: ['Open', 'Done'], bad: 'Open' },
	multipleRecordLinks: { good: ['recAbC123dEf456gHi'], bad: ['Ada'] },
	multipleAttachments: { good: [{ url: 'https://example.com/a.png' }], bad: ['https://example.com/a.png'] },
	singleCollaborator: { good: { email: 'ada@example.com' }, bad: 'ada@example.com' },
	multipleCollaborators: { good: [{ id: 'usrAbc123def456gh' }], bad: { id: 'usrAbc123def456gh' } },
	barcode: { good: { text: '4006381333931' }, bad: '4006381333931' },
};

const CHOICES = [{ name: 'Open' }, { name: 'Done' }];

function field(type: string): FieldSchema {
	const options = type === 'rating' ? { max: 10 } : type === 'singleSelect' || type === 'multipleSelects' ? { choices: CHOICES } : {};
	return { id: 'fldX00000000001', name: 'X', type, options };
}

describe('field types', () => {
	it('the catalogue lists every type the schema API returns, and agrees with the read-only set', () => {
		expect(Object.keys(FIELD_TYPES).sort()).toEqual([...SCHEMA_API_TYPES].sort());
		for (const [type, info] of Object.entries(FIELD_TYPES)) {
			expect([type, info.writable]).toEqual([type, !READ_ONLY_FIELD_TYPES.has(type)]);
			expect([type, isWritableField({ type })]).toEqual([type, info.writable]);
			expect(info.write.length).toBeGreaterThan(3);
		}
		expect(fieldTypeInfo('someNewType')).toBeUndefined();
		expect(fieldTypeInfo('toString')).toBeUndefined();
	});

	it.each(Object.keys(EXAMPLES))('%s: a right value passes, a wrong one is refused before sending', (type) => {
		expect(FIELD_TYPES[type].writable).toBe(true);
		expect(checkValue(field(type), EXAMPLES[type].good)).toBeUndefined();
		expect(checkValue(field(type), EXAMPLES[type].bad)).toMatchObject({ type: expect.stringMatching(/^INVALID_/) });
		expect(checkValue(field(type), null)).toBeUndefined();
	});

	it('every writable type has an example above', () => {
		const writable = Object.entries(FIELD_TYPES).filter(([, info]) => info.writable).map(([type]) => type);
		expect(writable.sort()).toEqual(Object.keys(EXAMPLES).sort());
	});

	it.each(Object.entries(FIELD_TYPES).filter(([, info]) => !info.writable).map(([type]) => type))('%s is computed: any value is refused', (type) => {
		expect(checkValue(field(type), 'anything')?.text).toMatch(/computed by Airtable and cannot be written/);
	});

	it('a type added after this list is left to Airtable', () => {
		expect(checkValue(field('someNewType'), { anything: true })).toBeUndefined();
	});
});
