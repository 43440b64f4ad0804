/**
 * Field configs as the Base node builds them from its parameters: a type's usual options filled
 * in when none were given (Airtable refuses a checkbox, number, date… without them), select
 * choices from a plain list of names, JSON parameters parsed with an error naming the item.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { AirtableInputError } from '../../client/errors';
import type { FieldSpec } from '../../client/schema/schemaWrites';

/** The options Airtable's own UI starts a new field of each type with. */
const DEFAULT_OPTIONS: Record<string, Record<string, unknown>> = {
	number: { precision: 0 },
	percent: { precision: 0 },
	currency: { precision: 2, symbol: '$' },
	rating: { max: 5, icon: 'star', color: 'yellowBright' },
	duration: { durationFormat: 'h:mm' },
	checkbox: { icon: 'check', color: 'greenBright' },
	date: { dateFormat: { name: 'iso' } },
	dateTime: { dateFormat: { name: 'iso' }, timeFormat: { name: '24hour' }, timeZone: 'utc' },
	singleSelect: { choices: [] },
	multipleSelects: { choices: [] },
};

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON parameter (n8n hands it as text or already parsed), or an error naming item and parameter. */
export function jsonParameter(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number, fallback: unknown): unknown {
	const raw = ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (typeof raw !== 'string') return raw ?? fallback;
	if (!raw.trim()) return fallback;
	let parsed: unknown = fallback;
	let valid = true;
	try {
		parsed = JSON.parse(raw) as unknown;
	} catch {
		valid = false;
	}
	if (!valid) throw new AirtableInputError(`Item ${itemIndex}: ${label} is not valid JSON`, { itemIndexes: [itemIndex] });
	return parsed;
}

/** Choice names, comma-separated or one per line, as select options. */
export function choicesFrom(text: string): Array<{ name: string }> {
	return text
		.split(/[,\n]/)
		.map((name) => name.trim())
		.filter(Boolean)
		.map((name) => ({ name }));
}

/** A field config with the type's usual options when it has none of its own. */
export function withDefaultOptions(spec: FieldSpec): FieldSpec {
	if (spec.options && Object.keys(spec.options).length) return spec;
	const rest: FieldSpec = { name: spec.name, type: spec.type, ...(spec.description ? { description: spec.description } : {}) };
	const defaults = DEFAULT_OPTIONS[spec.type];
	return defaults ? { ...rest, options: structuredClone(defaults) } : rest;
}

/** The field configs of Create Table's Fields (JSON), checked enough to say which entry is wrong. */
export function fieldSpecsFrom(value: unknown, itemIndex: number): FieldSpec[] {
	if (!Array.isArray(value) || value.length === 0) {
		throw new AirtableInputError(`Item ${itemIndex}: Fields must be a JSON list such as [{"name": "Name", "type": "singleLineText"}]`, { itemIndexes: [itemIndex] });
	}
	return value.map((entry, position) => {
		if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.type !== 'string') {
			throw new AirtableInputError(`Item ${itemIndex}: Fields entry ${position + 1} needs a "name" and a "type"`, { itemIndexes: [itemIndex] });
		}
		return withDefaultOptions(entry as unknown as FieldSpec);
	});
}
