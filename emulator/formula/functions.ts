/** The Airtable formula functions the emulator supports, and what they may ask about the record. */

import { parseWithFormat } from '../datetime';
import { compareValues, ErrorValue, isError, toDate, toNumber, toText, truthy, type Value } from './values';

/** What a formula can ask about the record it runs against. */
export interface EvalContext {
	field(name: string): Value;
	recordId: string;
	createdTime: Date;
	/** Last change of the whole record, or of the named fields when given. */
	lastModifiedTime(fieldNames: string[]): Date;
	now: Date;
}

interface FunctionDef {
	min: number;
	max: number;
	/** Field-name arguments (LAST_MODIFIED_TIME({A})) need the reference, not the value. */
	rawFieldArgs?: boolean;
	fn(args: Value[], ctx: EvalContext, fieldNames: string[]): Value;
}

const VARIADIC = Number.POSITIVE_INFINITY;

function text(fn: (s: string) => Value): FunctionDef {
	return { min: 1, max: 1, fn: ([v]) => (isError(v) ? v : fn(toText(v))) };
}

function find(caseSensitive: boolean, notFound: Value): FunctionDef['fn'] {
	return ([needle, haystack, start]) => {
		const h = toText(haystack);
		const n = toText(needle);
		const from = start === undefined ? 0 : Math.max(0, toNumber(start) - 1);
		const index = caseSensitive ? h.indexOf(n, from) : h.toLowerCase().indexOf(n.toLowerCase(), from);
		return index < 0 ? notFound : index + 1;
	};
}

function dateCompare(test: (cmp: number) => boolean): FunctionDef {
	return {
		min: 2,
		max: 3,
		fn: ([a, b]) => {
			const da = toDate(a);
			const db = toDate(b);
			if (!da || !db) return new ErrorValue('invalid date');
			const cmp = compareValues(da, db);
			return cmp !== null && test(cmp);
		},
	};
}

export const FUNCTIONS: Record<string, FunctionDef> = {
	AND: { min: 1, max: VARIADIC, fn: (args) => flatten(args).every(truthy) },
	OR: { min: 1, max: VARIADIC, fn: (args) => flatten(args).some(truthy) },
	XOR: { min: 1, max: VARIADIC, fn: (args) => flatten(args).filter(truthy).length % 2 === 1 },
	NOT: { min: 1, max: 1, fn: ([v]) => !truthy(v) },
	IF: { min: 2, max: 3, fn: ([cond, a, b]) => (truthy(cond) ? a : (b ?? null)) },
	BLANK: { min: 0, max: 0, fn: () => null },
	TRUE: { min: 0, max: 0, fn: () => true },
	FALSE: { min: 0, max: 0, fn: () => false },
	ISERROR: { min: 1, max: 1, fn: ([v]) => isError(v) },
	LOWER: text((s) => s.toLowerCase()),
	UPPER: text((s) => s.toUpperCase()),
	LEN: text((s) => s.length),
	TRIM: text((s) => s.trim()),
	VALUE: text((s) => {
		const n = Number(s.replace(/[^0-9.eE+-]/g, ''));
		return Number.isNaN(n) ? new ErrorValue('not a number') : n;
	}),
	CONCATENATE: { min: 1, max: VARIADIC, fn: (args) => args.map(toText).join('') },
	FIND: { min: 2, max: 3, fn: find(true, 0) },
	SEARCH: { min: 2, max: 3, fn: find(true, null) },
	LEFT: { min: 2, max: 2, fn: ([s, n]) => toText(s).slice(0, Math.max(0, toNumber(n))) },
	RIGHT: {
		min: 2,
		max: 2,
		fn: ([s, n]) => {
			const count = Math.max(0, toNumber(n));
			return count === 0 ? '' : toText(s).slice(-count);
		},
	},
	SUBSTITUTE: {
		min: 3,
		max: 3,
		fn: ([s, from, to]) => (toText(from) === '' ? toText(s) : toText(s).split(toText(from)).join(toText(to))),
	},
	ABS: { min: 1, max: 1, fn: ([n]) => Math.abs(toNumber(n)) },
	ROUND: {
		min: 1,
		max: 2,
		fn: ([n, digits]) => {
			const factor = 10 ** (digits === undefined ? 0 : toNumber(digits));
			return Math.round(toNumber(n) * factor) / factor;
		},
	},
	ARRAYJOIN: {
		min: 1,
		max: 2,
		fn: ([list, separator]) => {
			const sep = separator === undefined ? ', ' : toText(separator);
			return Array.isArray(list) ? list.map(toText).join(sep) : toText(list);
		},
	},
	IS_AFTER: dateCompare((cmp) => cmp > 0),
	IS_BEFORE: dateCompare((cmp) => cmp < 0),
	IS_SAME: dateCompare((cmp) => cmp === 0),
	DATETIME_PARSE: {
		min: 1,
		max: 3,
		fn: ([v, format]) => {
			const parsed = format === undefined || toText(format) === '' ? toDate(v) : parseWithFormat(toText(v), toText(format));
			return parsed ?? new ErrorValue('cannot parse date');
		},
	},
	NOW: { min: 0, max: 0, fn: (_args, ctx) => ctx.now },
	TODAY: {
		min: 0,
		max: 0,
		fn: (_args, ctx) => new Date(Date.UTC(ctx.now.getUTCFullYear(), ctx.now.getUTCMonth(), ctx.now.getUTCDate())),
	},
	RECORD_ID: { min: 0, max: 0, fn: (_args, ctx) => ctx.recordId },
	CREATED_TIME: { min: 0, max: 0, fn: (_args, ctx) => ctx.createdTime },
	LAST_MODIFIED_TIME: {
		min: 0,
		max: VARIADIC,
		rawFieldArgs: true,
		fn: (_args, ctx, fieldNames) => ctx.lastModifiedTime(fieldNames),
	},
};

function flatten(values: Value[]): Value[] {
	return values.flatMap((v) => (Array.isArray(v) ? v : [v]));
}
