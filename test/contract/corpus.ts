import errors from './fixtures/errors.json';
import meta from './fixtures/meta.json';
import records from './fixtures/records.json';
import webhooks from './fixtures/webhooks.json';

/** One recorded exchange of the contract corpus (sources in test/contract/README.md). */
export interface ContractCase {
	id: string;
	/** Key of the source in README.md's source list. */
	source: string;
	request?: { method: string; path: string; body?: unknown };
	response: { status: number; headers?: Record<string, string>; body: unknown };
	expect?: Record<string, unknown>;
}

export const errorCases = errors.cases as ContractCase[];
export const recordCases = records.cases as ContractCase[];
export const metaCases = meta.cases as ContractCase[];
export const webhookCases = webhooks.cases as ContractCase[];
export const webhookSchema = webhooks.schema;

export function contractCase(cases: ContractCase[], id: string): ContractCase {
	const found = cases.find((candidate) => candidate.id === id);
	if (!found) throw new Error(`No contract case ${id}`);
	return found;
}

/**
 * Keys whose content depends on the table, not on Airtable's answer format: a record's `fields`
 * (user field names), a field's `options` (per field type), webhook cell values.
 */
const OPAQUE_KEYS = new Set(['fields', 'options', 'cellValuesByFieldId']);

export type Shape = string | { array: Shape | 'empty' } | { object: Record<string, Shape> };

/** The structure of a JSON value: key names and value types; arrays by the union of their elements. */
export function shapeOf(value: unknown, key?: string): Shape {
	if (value === null) return 'null';
	if (Array.isArray(value)) {
		if (!value.length) return { array: 'empty' };
		return { array: value.map((entry) => shapeOf(entry)).reduce(mergeShapes) };
	}
	if (typeof value === 'object') {
		if (key !== undefined && OPAQUE_KEYS.has(key)) return 'object';
		const object: Record<string, Shape> = {};
		for (const [name, entry] of Object.entries(value as Record<string, unknown>)) object[name] = shapeOf(entry, name);
		return { object };
	}
	return typeof value;
}

function mergeShapes(a: Shape, b: Shape): Shape {
	if (typeof a === 'object' && typeof b === 'object' && 'object' in a && 'object' in b) {
		const object: Record<string, Shape> = { ...a.object };
		for (const [name, shape] of Object.entries(b.object)) object[name] = name in object ? mergeShapes(object[name], shape) : shape;
		return { object };
	}
	if (typeof a === 'object' && typeof b === 'object' && 'array' in a && 'array' in b) {
		if (a.array === 'empty') return b;
		if (b.array === 'empty') return a;
		return { array: mergeShapes(a.array, b.array) };
	}
	return a;
}

/**
 * Where two answers differ in structure, key by key: `path: expected X, got Y`. `optional` lists
 * paths (like `tables[].description`) that either side may leave out.
 */
export function shapeDifferences(expected: unknown, actual: unknown, optional: string[] = []): string[] {
	const differences: string[] = [];
	const walk = (want: Shape, got: Shape, path: string) => {
		if (typeof want === 'string' || typeof got === 'string') {
			if (JSON.stringify(want) !== JSON.stringify(got)) differences.push(`${path || '(root)'}: expected ${describe(want)}, got ${describe(got)}`);
			return;
		}
		if ('array' in want && 'array' in got) {
			if (want.array !== 'empty' && got.array !== 'empty') walk(want.array, got.array, `${path}[]`);
			return;
		}
		if ('object' in want && 'object' in got) {
			for (const name of new Set([...Object.keys(want.object), ...Object.keys(got.object)])) {
				const child = path ? `${path}.${name}` : name;
				if (name in want.object && name in got.object) walk(want.object[name], got.object[name], child);
				else if (!optional.includes(child)) differences.push(`${child}: ${name in want.object ? 'missing in the answer' : 'not in the real answer'}`);
			}
			return;
		}
		differences.push(`${path || '(root)'}: expected ${describe(want)}, got ${describe(got)}`);
	};
	walk(shapeOf(expected), shapeOf(actual), '');
	return differences;
}

function describe(shape: Shape): string {
	if (typeof shape === 'string') return shape;
	return 'array' in shape ? 'an array' : 'an object';
}
