import {
	AirtableInputError,
	and,
	condition,
	escapeFormulaString,
	fieldRef,
	formulaDate,
	formulaValue,
	not,
	or,
} from '../../index';

describe('escaping', () => {
	it('escapes quotes, backslashes, newlines and tabs', () => {
		expect(escapeFormulaString(`it's "x" \\ a\nb\tc\r`)).toBe(`it\\'s \\"x\\" \\\\ a\\nb\\tc\\r`);
	});

	it('cannot be broken out of: a hostile value stays inside one literal', () => {
		const hostile = "x') , TRUE(), ('";
		const literal = formulaValue(hostile);
		expect(literal).toBe("'x\\') , TRUE(), (\\''");
		// Every quote inside the literal is escaped, so only the outer two remain unescaped.
		expect(literal.replace(/\\\\|\\'/g, '').match(/'/g)).toHaveLength(2);
	});

	it('renders values by type', () => {
		expect(formulaValue('a')).toBe("'a'");
		expect(formulaValue(42.5)).toBe('42.5');
		expect(formulaValue(-3)).toBe('-3');
		expect(formulaValue(true)).toBe('TRUE()');
		expect(formulaValue(false)).toBe('FALSE()');
		expect(formulaValue(null)).toBe('BLANK()');
		expect(formulaValue(new Date('2024-03-01T10:00:00Z'))).toBe("DATETIME_PARSE('2024-03-01T10:00:00.000Z')");
		expect(formulaValue('2024-03-01')).toBe("'2024-03-01'");
		expect(() => formulaValue(Number.NaN)).toThrow(AirtableInputError);
		expect(() => formulaValue({ a: 1 })).toThrow(/Cannot use a value of type object/);
	});

	it('parses ISO strings as dates only through formulaDate', () => {
		expect(formulaDate('2024-03-01')).toBe("DATETIME_PARSE('2024-03-01')");
		expect(formulaDate('2024-03-01T10:00:00+02:00')).toBe("DATETIME_PARSE('2024-03-01T10:00:00+02:00')");
		expect(() => formulaDate("2024') & ('")).toThrow(AirtableInputError);
		expect(() => formulaDate(new Date('nope'))).toThrow(/Invalid date/);
	});
});

describe('field references', () => {
	it('wraps names in braces', () => {
		expect(fieldRef('Due date')).toBe('{Due date}');
		expect(fieldRef('fldABC123')).toBe('{fldABC123}');
	});

	it('refuses names containing } and suggests the field id', () => {
		expect(() => fieldRef('Weird}Name')).toThrow(/use the field id/);
		expect(() => fieldRef('')).toThrow(AirtableInputError);
	});
});

describe('condition builder', () => {
	it.each([
		['equals', 'Open', "{Status} = 'Open'"],
		['notEquals', 3, '{Status} != 3'],
		['greaterThan', 5, '{Status} > 5'],
		['greaterOrEqual', 5, '{Status} >= 5'],
		['lessThan', 5, '{Status} < 5'],
		['lessOrEqual', 5, '{Status} <= 5'],
		['equals', true, '{Status} = TRUE()'],
		['contains', "O'Neil", "FIND(LOWER('O\\'Neil'), LOWER({Status} & '')) > 0"],
		['notContains', 'x', "FIND(LOWER('x'), LOWER({Status} & '')) = 0"],
		['startsWith', 'Ab', "LEFT(LOWER({Status} & ''), LEN(LOWER('Ab'))) = LOWER('Ab')"],
		['endsWith', 'z', "RIGHT(LOWER({Status} & ''), LEN(LOWER('z'))) = LOWER('z')"],
		['isEmpty', undefined, "LEN({Status} & '') = 0"],
		['isNotEmpty', undefined, "LEN({Status} & '') > 0"],
		['isAfter', '2024-01-01', "IS_AFTER({Status}, DATETIME_PARSE('2024-01-01'))"],
		['isBefore', new Date('2024-01-01T00:00:00Z'), "IS_BEFORE({Status}, DATETIME_PARSE('2024-01-01T00:00:00.000Z'))"],
	] as const)('%s %p', (operator, value, expected) => {
		expect(condition('Status', operator, value)).toBe(expected);
	});

	it('compares dates for equality with IS_SAME', () => {
		expect(condition('Due', 'equals', new Date('2024-01-01T00:00:00Z'))).toBe(
			"IS_SAME({Due}, DATETIME_PARSE('2024-01-01T00:00:00.000Z'))",
		);
	});

	it('rejects unknown operators and missing text values', () => {
		expect(() => condition('A', 'like' as 'equals', 'x')).toThrow(/Unknown condition operator/);
		expect(() => condition('A', 'contains')).toThrow(/needs a value/);
		expect(() => condition('A', 'isAfter', 'yesterday')).toThrow(AirtableInputError);
	});

	it('combines with and / or / not', () => {
		const open = condition('Status', 'equals', 'Open');
		const big = condition('Amount', 'greaterThan', 100);
		expect(and(open, big)).toBe("AND({Status} = 'Open', {Amount} > 100)");
		expect(or(open, not(big))).toBe("OR({Status} = 'Open', NOT({Amount} > 100))");
		expect(and(open)).toBe(open);
		expect(and()).toBe('TRUE()');
		expect(or()).toBe('FALSE()');
	});
});
