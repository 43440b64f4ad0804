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
