import { mockDeep } from 'jest-mock-extended';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { recordIdFormula } from '../../../nodes/AirtableRecords/actions/getManyByIds.operation';
import { recordIdOf } from '../../../nodes/AirtableRecords/actions/recordId';
import { recordJson } from '../../../nodes/AirtableRecords/actions/recordJson';
import { mappedFieldsOf, mappedValueOf, parseFieldList } from '../../../nodes/shared/execution/mapper';

function contextWith(parameters: Record<string, unknown>, items: IDataObject[] = [{}]) {
	const ctx = mockDeep<IExecuteFunctions>();
	ctx.getNodeParameter.mockImplementation(((name: string, _itemIndex: number, fallback?: unknown) =>
		name in parameters ? parameters[name] : fallback) as IExecuteFunctions['getNodeParameter']);
	ctx.getInputData.mockReturnValue(items.map((json) => ({ json })) as INodeExecutionData[]);
	return ctx;
}

const schema = [
	{ id: 'Name', displayName: 'Name', type: 'string' },
	{ id: 'Age', displayName: 'Age', type: 'number' },
	{ id: 'Done', displayName: 'Done', type: 'boolean' },
	{ id: 'Total', displayName: 'Total (read-only: formula)', type: 'number', readOnly: true, removed: true },
	{ id: 'id', displayName: 'Record ID', type: 'string', readOnly: true },
];

describe('mappedFieldsOf', () => {
	it('takes the mapped columns, converts them per type and drops read-only columns', () => {
		const ctx = contextWith({
			columns: { mappingMode: 'defineBelow', value: { Name: 'Ada', Age: '36', Done: 'false', Total: 3 }, schema },
		});
		expect(mappedFieldsOf(ctx, 0)).toEqual({
			fields: { Name: 'Ada', Age: 36, Done: false },
			mappedFields: ['Name', 'Age', 'Done'],
		});
	});

	it('keeps null (clears the cell) but not undefined', () => {
		const ctx = contextWith({ columns: { mappingMode: 'defineBelow', value: { Name: null, Age: undefined }, schema } });
		expect(mappedFieldsOf(ctx, 0).fields).toEqual({ Name: null });
	});

	it('auto-maps the item keys minus ignored and excluded ones and read-only columns', () => {
		const ctx = contextWith({ columns: { mappingMode: 'autoMapInputData', value: null, schema } }, [
			{ id: 'rec1', Name: 'Ada', Age: '36', Total: 9, debug: true },
		]);
		expect(mappedFieldsOf(ctx, 0, { ignoreFields: ['debug'], exclude: ['id'] }).fields).toEqual({ Name: 'Ada', Age: 36 });
	});

	it('reads one mapped value', () => {
		const ctx = contextWith({ columns: { mappingMode: 'defineBelow', value: { id: 'recX' }, schema } });
		expect(mappedValueOf(ctx, 0, 'id')).toBe('recX');
	});

	it('parses "Fields to Ignore"', () => {
		expect(parseFieldList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
		expect(parseFieldList(undefined)).toEqual([]);
	});
});

describe('Records: record ids and output', () => {
	it('accepts rec ids, trims them, and names the item for anything else', () => {
		expect(recordIdOf(contextWith({ recordId: ' recAbC123dEf456gHi ' }), 0)).toBe('recAbC123dEf456gHi');
		expect(() => recordIdOf(contextWith({ recordId: 'tblAbC123dEf456gHi' }), 3)).toThrow(
			'Item 3: "tblAbC123dEf456gHi" is not an Airtable record ID',
		);
		expect(() => recordIdOf(contextWith({ recordId: '' }), 2)).toThrow('Item 2: the Record ID is empty');
	});

	it('falls back to the mapped record id when the parameter is empty', () => {
		expect(recordIdOf(contextWith({ recordId: '' }), 0, () => 'recFromMapper123')).toBe('recFromMapper123');
	});

	it('outputs {id, createdTime, fields}', () => {
		expect(recordJson({ id: 'recA', createdTime: 't', fields: { Name: 'x' } })).toEqual({
			id: 'recA',
			createdTime: 't',
			fields: { Name: 'x' },
		});
	});

	it('builds an escaped RECORD_ID() formula', () => {
		expect(recordIdFormula(['recA'])).toBe("RECORD_ID() = 'recA'");
		expect(recordIdFormula(['recA', "rec'B"])).toBe("OR(RECORD_ID() = 'recA', RECORD_ID() = 'rec\\'B')");
	});
});
