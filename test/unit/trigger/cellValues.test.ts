import { toRestCellValue } from '../../../nodes/AirtableInstantTrigger/cellValues';
import type { FieldSchema } from '../../../nodes/client/types';

function field(type: string, options?: Record<string, unknown>): FieldSchema {
	return { id: 'fldX', name: 'X', type, options };
}

describe('toRestCellValue (webhook V2 -> REST V1)', () => {
	it('turns select options into their names', () => {
		expect(toRestCellValue({ id: 'selA', name: 'Todo', color: 'blue' }, field('singleSelect'))).toBe('Todo');
		expect(toRestCellValue([{ id: 'selA', name: 'a' }, { id: 'selB', name: 'b' }], field('multipleSelects'))).toEqual([
			'a',
			'b',
		]);
		expect(toRestCellValue({ id: 'selS', name: 'Salesforce' }, field('externalSyncSource'))).toBe('Salesforce');
	});

	it('turns linked records into record ids', () => {
		expect(
			toRestCellValue([{ id: 'recA', name: 'Alpha' }, { id: 'recB', name: 'Beta' }], field('multipleRecordLinks')),
		).toEqual(['recA', 'recB']);
	});

	it('keeps collaborators as { id, email, name } objects, without webhook-only keys', () => {
		const alice = { id: 'usrA', email: 'a@example.com', name: 'Alice', permissionLevel: 'edit', profilePicUrl: 'x' };
		expect(toRestCellValue(alice, field('singleCollaborator'))).toEqual({ id: 'usrA', email: 'a@example.com', name: 'Alice' });
		expect(toRestCellValue([alice], field('multipleCollaborators'))).toEqual([
			{ id: 'usrA', email: 'a@example.com', name: 'Alice' },
		]);
		expect(toRestCellValue({ id: 'usrB' }, field('lastModifiedBy'))).toEqual({ id: 'usrB' });
	});

	it('flattens lookups in linked-record order, converting by the result type', () => {
		const lookup = {
			linkedRecordIds: ['recB', 'recA'],
			valuesByLinkedRecordId: { recA: [{ id: 'sel1', name: 'one' }], recB: [{ id: 'sel2', name: 'two' }] },
		};
		expect(toRestCellValue(lookup, field('multipleLookupValues', { result: { type: 'singleSelect' } }))).toEqual([
			'two',
			'one',
		]);
		expect(
			toRestCellValue(
				{ linkedRecordIds: ['recA'], valuesByLinkedRecordId: { recA: ['x', 'y'] } },
				field('multipleLookupValues'),
			),
		).toEqual(['x', 'y']);
	});

	describe('lookups in the real V2 form: each record lists the looked-up field\'s own V2 elements', () => {
		// Shapes per ../shared/reference/airtable-api.md §5.4 (Airtable field model, "multipleLookupValues").
		const red = { id: 'selRed', name: 'Red', color: 'redBright' };
		const blue = { id: 'selBlue', name: 'Blue', color: 'blueBright' };
		const alice = { id: 'usrA', email: 'a@example.com', name: 'Alice', permissionLevel: 'edit', profilePicUrl: 'https://p/a.png' };
		const bob = { id: 'usrB', email: 'b@example.com', name: 'Bob', permissionLevel: 'read', profilePicUrl: 'https://p/b.png' };
		const file = { id: 'attF', url: 'https://files/x.png', filename: 'x.png', size: 10, type: 'image/png' };
		const lookup = (valuesByLinkedRecordId: Record<string, unknown[]>, linkedRecordIds = Object.keys(valuesByLinkedRecordId)) => ({
			linkedRecordIds,
			valuesByLinkedRecordId,
		});
		const cases: Array<[string, unknown, unknown, Record<string, unknown> | undefined]> = [
			['multipleSelects', lookup({ rec1: [red, blue], rec2: [blue] }), ['Red', 'Blue', 'Blue'], { choices: [red, blue] }],
			['singleSelect', lookup({ rec1: [red], rec2: [blue] }), ['Red', 'Blue'], undefined],
			['multipleRecordLinks', lookup({ rec1: [{ id: 'recX', name: 'X' }, { id: 'recY', name: 'Y' }] }), ['recX', 'recY'], undefined],
			[
				'multipleCollaborators',
				lookup({ rec1: [alice], rec2: [bob, alice] }),
				[
					{ id: 'usrA', email: 'a@example.com', name: 'Alice' },
					{ id: 'usrB', email: 'b@example.com', name: 'Bob' },
					{ id: 'usrA', email: 'a@example.com', name: 'Alice' },
				],
				undefined,
			],
			['singleCollaborator', lookup({ rec1: [bob] }), [{ id: 'usrB', email: 'b@example.com', name: 'Bob' }], undefined],
			['multipleAttachments', lookup({ rec1: [file] }), [file], undefined],
			['date', lookup({ rec1: ['2024-05-01'], rec2: ['2024-06-01'] }), ['2024-05-01', '2024-06-01'], undefined],
			['number', lookup({ rec1: [3], rec2: [0] }), [3, 0], undefined],
			['checkbox', lookup({ rec1: [true] }), [true], undefined],
		];

		it.each(cases)('a lookup of %s comes out as the flat REST list (by options.result)', (resultType, value, expected, options) => {
			const result = options ? { type: resultType, options } : { type: resultType };
			expect(toRestCellValue(value, field('multipleLookupValues', { result }))).toEqual(expected);
		});

		it.each(cases.filter(([type]) => type !== 'singleCollaborator' && type !== 'singleSelect'))(
			'a lookup of %s needs no schema entry to come out the same',
			(_type, value, expected) => {
				expect(toRestCellValue(value, undefined)).toEqual(expected);
			},
		);

		it('keeps linked-record order, skips records without values, and an empty lookup is an empty list', () => {
			const value = lookup({ rec2: [blue], rec1: [red] }, ['rec1', 'recGone', 'rec2']);
			expect(toRestCellValue(value, field('multipleLookupValues', { result: { type: 'multipleSelects' } }))).toEqual(['Red', 'Blue']);
			expect(toRestCellValue(lookup({}), field('multipleLookupValues'))).toEqual([]);
		});
	});

	it('passes other types through and keeps a cleared cell as null', () => {
		expect(toRestCellValue(42, field('number'))).toBe(42);
		expect(toRestCellValue({ text: '123', type: 'upc' }, field('barcode'))).toEqual({ text: '123', type: 'upc' });
		expect(toRestCellValue(null, field('singleSelect'))).toBeNull();
		expect(toRestCellValue(undefined, field('number'))).toBeNull();
		expect(toRestCellValue({ id: 'selA', name: 'kept' }, field('formula'))).toEqual({ id: 'selA', name: 'kept' });
	});

	it('recognises V2 shapes without a schema entry', () => {
		expect(toRestCellValue({ id: 'selA', name: 'A' }, undefined)).toBe('A');
		expect(toRestCellValue([{ id: 'recA', name: 'A' }], undefined)).toEqual(['recA']);
		expect(toRestCellValue([{ id: 'usrA', email: 'e', permissionLevel: 'read' }], undefined)).toEqual([
			{ id: 'usrA', email: 'e' },
		]);
		expect(toRestCellValue({ linkedRecordIds: ['recA'], valuesByLinkedRecordId: { recA: [1] } }, undefined)).toEqual([1]);
		expect(toRestCellValue(['plain', 'strings'], undefined)).toEqual(['plain', 'strings']);
		expect(toRestCellValue({ id: 'attX', url: 'https://x' }, undefined)).toEqual({ id: 'attX', url: 'https://x' });
	});
});
