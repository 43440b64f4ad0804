/**
 * Building the List node's filterByFormula from its condition rows or formula, with values escaped
 * and checked per type.
 */

import { and, condition, type ConditionOperator, CONDITION_OPERATORS, or } from '../client/records/formula';
import { toInstant, utcIso } from './dates';

export type FilterMode = 'none' | 'conditions' | 'formula';
export type ValueType = 'auto' | 'string' | 'number' | 'boolean';

/** One row of the condition builder, as n8n stores it. */
export interface ConditionRow {
	field?: string;
	operator?: ConditionOperator;
	value?: unknown;
	valueType?: ValueType;
}

export interface FilterParameters {
	filterMode: FilterMode;
	conditions?: { condition?: ConditionRow[] };
	combine?: 'and' | 'or';
	formula?: string;
}

/** A problem with the filter settings; the node reports it against the item. */
export class FilterError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FilterError';
	}
}

const VALUELESS: ReadonlySet<ConditionOperator> = new Set(['isEmpty', 'isNotEmpty']);
const NUMERIC: ReadonlySet<ConditionOperator> = new Set(['greaterThan', 'greaterOrEqual', 'lessThan', 'lessOrEqual']);
const DATE: ReadonlySet<ConditionOperator> = new Set(['isAfter', 'isBefore']);
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

function toNumber(value: unknown, row: number): number {
	const number = typeof value === 'number' ? value : Number(String(value).trim());
	if (String(value).trim() === '' || !Number.isFinite(number)) {
		throw new FilterError(`Condition ${row + 1}: "${String(value)}" is not a number`);
	}
	return number;
}

function toBoolean(value: unknown, row: number): boolean {
	if (typeof value === 'boolean') return value;
	const text = String(value).trim().toLowerCase();
	if (['true', '1', 'yes'].includes(text)) return true;
	if (['false', '0', 'no', ''].includes(text)) return false;
	throw new FilterError(`Condition ${row + 1}: "${String(value)}" is not true or false`);
}

/**
 * A date for IS_AFTER / IS_BEFORE as a UTC ISO string. Text without an offset is read in the
 * workflow's time zone, the way n8n's date pickers mean it.
 */
export function toUtcIso(value: unknown, timeZone: string, what: string): string {
	const instant = toInstant(value, timeZone);
	if (instant === undefined) throw new FilterError(`${what}: "${String(value)}" is not a date (use ISO 8601, e.g. 2024-05-01T09:30:00)`);
	return utcIso(instant);
}

/**
 * The value the formula builder gets: numbers for numeric comparisons when the text is a
 * number ("auto"), dates as UTC ISO for date operators, otherwise what the user chose.
 */
function conditionValue(rowData: ConditionRow, row: number, timeZone: string): unknown {
	const operator = rowData.operator as ConditionOperator;
	const value = rowData.value;
	if (DATE.has(operator)) return toUtcIso(value, timeZone, `Condition ${row + 1}`);
	switch (rowData.valueType ?? 'auto') {
		case 'string':
			return value === undefined || value === null ? '' : String(value);
		case 'number':
			return toNumber(value, row);
		case 'boolean':
			return toBoolean(value, row);
		default:
			if (typeof value === 'number' || typeof value === 'boolean') return value;
			if (NUMERIC.has(operator) && NUMBER_TEXT.test(String(value ?? '').trim())) return Number(String(value).trim());
			return value === undefined || value === null ? '' : String(value);
	}
}

/** The condition builder's rows as one formula, every value escaped by the client's formula builder. */
export function conditionsFormula(rows: ConditionRow[], combine: 'and' | 'or', timeZone: string): string {
	const parts = rows.map((rowData, row) => {
		const field = String(rowData.field ?? '').trim();
		if (!field) throw new FilterError(`Condition ${row + 1}: choose a field`);
		const operator = rowData.operator ?? 'equals';
		if (!CONDITION_OPERATORS.includes(operator)) {
			throw new FilterError(`Condition ${row + 1}: unknown operator "${String(operator)}"`);
		}
		return VALUELESS.has(operator)
			? condition(field, operator)
			: condition(field, operator, conditionValue(rowData, row, timeZone));
	});
	if (parts.length === 0) return '';
	return combine === 'or' ? or(...parts) : and(...parts);
}

/** The user's filter as a formula, or '' for none. */
export function userFilterFormula(parameters: FilterParameters, timeZone: string): string {
	if (parameters.filterMode === 'formula') return String(parameters.formula ?? '').trim();
	if (parameters.filterMode === 'conditions') {
		return conditionsFormula(parameters.conditions?.condition ?? [], parameters.combine ?? 'and', timeZone);
	}
	return '';
}
