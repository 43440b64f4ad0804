/**
 * Splitting formula text into tokens: numbers, strings, {field} references, names and operators.
 */

import { FormulaSyntaxError } from './errors';

export type TokenKind = 'number' | 'string' | 'field' | 'ident' | 'op' | 'lparen' | 'rparen' | 'comma' | 'eof';

export interface Token {
	kind: TokenKind;
	value: string;
	/** 0-based character offset in the formula, reported in syntax errors. */
	pos: number;
}

const TWO_CHAR_OPS = ['!=', '<=', '>=', '<>'];
const ONE_CHAR_OPS = '=<>&+-*/';

export function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const ch = text[i];
		if (/\s/.test(ch)) {
			i++;
			continue;
		}
		const start = i;
		if (ch === '"' || ch === "'") {
			let value = '';
			i++;
			while (i < text.length && text[i] !== ch) {
				// Airtable strings escape quotes and backslashes with a backslash.
				if (text[i] === '\\' && i + 1 < text.length) {
					const next = text[i + 1];
					value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
					i += 2;
					continue;
				}
				value += text[i++];
			}
			if (i >= text.length) throw new FormulaSyntaxError('Unterminated string', start);
			i++;
			tokens.push({ kind: 'string', value, pos: start });
			continue;
		}
		if (ch === '{') {
			const end = text.indexOf('}', i + 1);
			if (end < 0) throw new FormulaSyntaxError('Unterminated field reference', start);
			tokens.push({ kind: 'field', value: text.slice(i + 1, end), pos: start });
			i = end + 1;
			continue;
		}
		if (/[0-9.]/.test(ch)) {
			const match = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
			if (!match) throw new FormulaSyntaxError(`Unexpected character "${ch}"`, start);
			tokens.push({ kind: 'number', value: match[0], pos: start });
			i += match[0].length;
			continue;
		}
		if (/[A-Za-z_]/.test(ch)) {
			const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
			tokens.push({ kind: 'ident', value: match[0], pos: start });
			i += match[0].length;
			continue;
		}
		const two = text.slice(i, i + 2);
		if (TWO_CHAR_OPS.includes(two)) {
			tokens.push({ kind: 'op', value: two === '<>' ? '!=' : two, pos: start });
			i += 2;
			continue;
		}
		if (ONE_CHAR_OPS.includes(ch)) {
			tokens.push({ kind: 'op', value: ch, pos: start });
			i++;
			continue;
		}
		if (ch === '(' || ch === ')' || ch === ',') {
			tokens.push({ kind: ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'comma', value: ch, pos: start });
			i++;
			continue;
		}
		throw new FormulaSyntaxError(`Unexpected character "${ch}"`, start);
	}
	tokens.push({ kind: 'eof', value: '', pos: text.length });
	return tokens;
}
