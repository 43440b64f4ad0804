/** The syntax tree of an Airtable formula, as the parser builds it and the evaluator walks it. */

export type Node =
	| { type: 'literal'; value: string | number | boolean; pos: number }
	| { type: 'field'; name: string; pos: number }
	| { type: 'call'; name: string; args: Node[]; pos: number }
	| { type: 'binary'; op: string; left: Node; right: Node; pos: number }
	| { type: 'negate'; operand: Node; pos: number };
