/** Parsing formula tokens into a syntax tree, with Airtable's operator precedence. */

import type { Node } from './ast';
import { FormulaSyntaxError } from './errors';
import { tokenize, type Token } from './tokenizer';

/**
 * Recursive-descent parser. Precedence, lowest first: comparison (= != < > <= >=),
 * concatenation (&), additive (+ -), multiplicative (* /), unary minus.
 */
export function parseFormula(text: string): Node {
	const tokens = tokenize(text);
	let index = 0;
	const peek = (): Token => tokens[index];
	const take = (): Token => tokens[index++];

	const expect = (kind: Token['kind'], what: string): Token => {
		const token = peek();
		if (token.kind !== kind) throw new FormulaSyntaxError(`Expected ${what} but found ${describe(token)}`, token.pos);
		return take();
	};

	const binaryLevel = (ops: string[], next: () => Node) => (): Node => {
		let left = next();
		while (peek().kind === 'op' && ops.includes(peek().value)) {
			const op = take();
			left = { type: 'binary', op: op.value, left, right: next(), pos: op.pos };
		}
		return left;
	};

	const primary = (): Node => {
		const token = take();
		switch (token.kind) {
			case 'number':
				return { type: 'literal', value: Number(token.value), pos: token.pos };
			case 'string':
				return { type: 'literal', value: token.value, pos: token.pos };
			case 'field':
				return { type: 'field', name: token.value, pos: token.pos };
			case 'lparen': {
				const inner = expression();
				expect('rparen', '")"');
				return inner;
			}
			case 'ident': {
				if (peek().kind === 'lparen') {
					take();
					const args: Node[] = [];
					if (peek().kind !== 'rparen') {
						args.push(expression());
						while (peek().kind === 'comma') {
							take();
							args.push(expression());
						}
					}
					expect('rparen', '")"');
					return { type: 'call', name: token.value.toUpperCase(), args, pos: token.pos };
				}
				const upper = token.value.toUpperCase();
				if (upper === 'TRUE' || upper === 'FALSE') return { type: 'literal', value: upper === 'TRUE', pos: token.pos };
				// Airtable accepts single-word field names without braces.
				return { type: 'field', name: token.value, pos: token.pos };
			}
			case 'op':
				if (token.value === '-') return { type: 'negate', operand: unary(), pos: token.pos };
				if (token.value === '+') return unary();
				break;
			default:
				break;
		}
		throw new FormulaSyntaxError(`Unexpected ${describe(token)}`, token.pos);
	};
	const unary = (): Node => primary();
	const multiplicative = binaryLevel(['*', '/'], unary);
	const additive = binaryLevel(['+', '-'], multiplicative);
	const concat = binaryLevel(['&'], additive);
	const comparison = binaryLevel(['=', '!=', '<', '>', '<=', '>='], concat);
	function expression(): Node {
		return comparison();
	}

	if (peek().kind === 'eof') throw new FormulaSyntaxError('Empty formula', 0);
	const root = expression();
	if (peek().kind !== 'eof') throw new FormulaSyntaxError(`Unexpected ${describe(peek())}`, peek().pos);
	return root;
}

function describe(token: Token): string {
	if (token.kind === 'eof') return 'end of formula';
	if (token.kind === 'string') return `string "${token.value}"`;
	return `"${token.value}"`;
}
