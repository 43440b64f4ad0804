/** Compiling a formula (checking functions and fields) and evaluating it against a record. */

import type { Node } from './ast';
import { FormulaSyntaxError } from './errors';
import { FUNCTIONS, type EvalContext } from './functions';
import { parseFormula } from './parser';
import { compareValues, equalValues, ErrorValue, isError, toNumber, toText, type Value } from './values';

export interface CompiledFormula {
	text: string;
	ast: Node;
	evaluate(ctx: EvalContext): Value;
}

/**
 * Parses and checks a formula against the table's field names, so unknown functions, wrong
 * argument counts and unknown fields fail the request (422) even when no record would be read.
 */
export function compileFormula(text: string, hasField: (name: string) => boolean): CompiledFormula {
	const ast = parseFormula(text);
	const unknownFields: string[] = [];
	check(ast, hasField, unknownFields);
	if (unknownFields.length > 0) throw new FormulaSyntaxError(`Unknown field names: ${unknownFields.join(', ')}`);
	return { text, ast, evaluate: (ctx) => evaluate(ast, ctx) };
}

/** compileFormula without throwing: the formula, or the reason it is invalid. */
export function tryCompileFormula(text: string, hasField: (name: string) => boolean): CompiledFormula | FormulaSyntaxError {
	try {
		return compileFormula(text, hasField);
	} catch (error) {
		return error instanceof FormulaSyntaxError ? error : new FormulaSyntaxError(String(error));
	}
}

function check(node: Node, hasField: (name: string) => boolean, unknownFields: string[]): void {
	switch (node.type) {
		case 'field':
			if (!hasField(node.name) && !unknownFields.includes(node.name)) unknownFields.push(node.name);
			return;
		case 'call': {
			const def = FUNCTIONS[node.name];
			if (!def) throw new FormulaSyntaxError(`Unknown function name: ${node.name}`, node.pos);
			if (node.args.length < def.min || node.args.length > def.max) {
				throw new FormulaSyntaxError(`Wrong number of arguments to ${node.name}`, node.pos);
			}
			if (def.rawFieldArgs && node.args.some((a) => a.type !== 'field')) {
				throw new FormulaSyntaxError(`${node.name} only accepts field references`, node.pos);
			}
			node.args.forEach((a) => check(a, hasField, unknownFields));
			return;
		}
		case 'binary':
			check(node.left, hasField, unknownFields);
			check(node.right, hasField, unknownFields);
			return;
		case 'negate':
			check(node.operand, hasField, unknownFields);
			return;
		default:
			return;
	}
}

function evaluate(node: Node, ctx: EvalContext): Value {
	switch (node.type) {
		case 'literal':
			return node.value;
		case 'field':
			return ctx.field(node.name);
		case 'negate': {
			const v = evaluate(node.operand, ctx);
			return isError(v) ? v : -toNumber(v);
		}
		case 'call': {
			const def = FUNCTIONS[node.name];
			const fieldNames = def.rawFieldArgs ? node.args.map((a) => (a.type === 'field' ? a.name : '')) : [];
			const args = def.rawFieldArgs ? [] : node.args.map((a) => evaluate(a, ctx));
			return def.fn(args, ctx, fieldNames);
		}
		case 'binary':
			return binary(node.op, evaluate(node.left, ctx), evaluate(node.right, ctx));
	}
}

function binary(op: string, a: Value, b: Value): Value {
	if (isError(a)) return a;
	if (isError(b)) return b;
	switch (op) {
		case '&':
			return toText(a) + toText(b);
		case '=':
			return equalValues(a, b);
		case '!=':
			return !equalValues(a, b);
		case '<':
		case '>':
		case '<=':
		case '>=': {
			const cmp = compareValues(a ?? (typeof b === 'string' ? '' : 0), b ?? (typeof a === 'string' ? '' : 0));
			if (cmp === null) return false;
			return op === '<' ? cmp < 0 : op === '>' ? cmp > 0 : op === '<=' ? cmp <= 0 : cmp >= 0;
		}
		default: {
			const na = toNumber(a);
			const nb = toNumber(b);
			if (Number.isNaN(na) || Number.isNaN(nb)) return new ErrorValue(`cannot apply ${op} to text`);
			if (op === '+') return na + nb;
			if (op === '-') return na - nb;
			if (op === '*') return na * nb;
			return nb === 0 ? new ErrorValue('division by zero') : na / nb;
		}
	}
}
