/**
 * A table's schema told compactly, for an AI agent (or a person) about to write records: each
 * field's name, type, whether it can be written and what to send, the options a value must be
 * one of (select choices, rating max, linked table). Descriptions are cut short and long choice
 * lists capped, so the answer stays small for a model; ids are kept for "Use Field IDs".
 */
import { fieldTypeInfo } from './fieldTypes';
import type { BaseSchema } from './schema';
import type { FieldSchema, TableSchema } from './types';

export const DESCRIBED_CHOICES = 50;
const DESCRIPTION_CHARS = 200;

export interface DescribedField {
	name: string;
	id: string;
	type: string;
	writable: boolean;
	/** What a write must carry (or why nothing can be written). */
	write: string;
	description?: string;
	/** Select options, up to DESCRIBED_CHOICES. */
	choices?: string[];
	/** How many choices were left out. */
	moreChoices?: number;
	/** Rating scale, number precision, currency symbol… */
	max?: number;
	precision?: number;
	symbol?: string;
	/** Links: the table the record IDs belong to (name when in the schema). */
	linksTo?: string;
	/** Computed fields: the type of the value they produce. */
	resultType?: string;
}

export interface DescribedTable {
	table: string;
	id: string;
	description?: string;
	primaryField: string;
	fields: DescribedField[];
	views: string[];
}

function short(text: string | undefined): string | undefined {
	if (!text) return undefined;
	return text.length > DESCRIPTION_CHARS ? `${text.slice(0, DESCRIPTION_CHARS - 1)}…` : text;
}

function describeField(field: FieldSchema, schema: BaseSchema | undefined): DescribedField {
	const info = fieldTypeInfo(field.type);
	const options = field.options ?? {};
	const described: DescribedField = {
		name: field.name,
		id: field.id,
		type: field.type,
		writable: info?.writable ?? true,
		write: info?.write ?? 'a value of this newer field type (not known to this package): Airtable checks it',
	};
	const description = short(field.description);
	if (description) described.description = description;
	if (Array.isArray(options.choices)) {
		const names = (options.choices as Array<{ name?: unknown }>).map((choice) => String(choice.name));
		described.choices = names.slice(0, DESCRIBED_CHOICES);
		if (names.length > DESCRIBED_CHOICES) described.moreChoices = names.length - DESCRIBED_CHOICES;
	}
	if (typeof options.max === 'number') described.max = options.max;
	if (typeof options.precision === 'number') described.precision = options.precision;
	if (typeof options.symbol === 'string') described.symbol = options.symbol;
	if (typeof options.linkedTableId === 'string') {
		described.linksTo = schema?.table(options.linkedTableId)?.name ?? options.linkedTableId;
	}
	const result = options.result as { type?: unknown } | undefined;
	if (!described.writable && typeof result?.type === 'string') described.resultType = result.type;
	return described;
}

export function describeTable(table: TableSchema, schema?: BaseSchema): DescribedTable {
	const primary = table.fields.find((field) => field.id === table.primaryFieldId) ?? table.fields[0];
	const described: DescribedTable = {
		table: table.name,
		id: table.id,
		primaryField: primary?.name ?? '',
		fields: table.fields.map((field) => describeField(field, schema)),
		views: table.views.map((view) => view.name),
	};
	const description = short(table.description);
	if (description) described.description = description;
	return described;
}
