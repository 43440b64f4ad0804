/**
 * Schema writes of one base: create a table, create a field, update a field (name, description,
 * options). Each needs the token scope schema.bases:write and a creator role; a 403 says so.
 * After each write the process's cached schema is revised in place (reviseCachedSchema), so a
 * field created in this execution is known to the field check of the next write at once.
 *
 * Inputs are checked before anything is sent (a name, at least one field, no name twice in a
 * new table), and Airtable's schema errors are explained: DUPLICATE_OR_EMPTY_FIELD_NAME (which
 * comes without a message) and INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE (options a type needs).
 */
import { AirtableInputError, AirtableValidationError, type ErrorContext } from '../errors';
import { withScopeHint } from '../scopes';
import type { RequestRunner } from '../transport/request';
import { fieldTypeInfo } from './fieldTypes';
import { BaseSchema, reviseCachedSchema, type SchemaCacheSlot } from './schema';
import type { FieldSchema, TableSchema } from './types';

export const SCHEMA_WRITE_SCOPE = 'schema.bases:write';

/** A field to create: as Airtable's field model with a name ("Field config"). */
export interface FieldSpec {
	name: string;
	type: string;
	description?: string;
	options?: Record<string, unknown>;
}

export interface TableSpec {
	name: string;
	description?: string;
	/** At least one; the first becomes the primary field. */
	fields: FieldSpec[];
}

/** What update field changes; at least one of them. */
export interface FieldUpdate {
	name?: string;
	description?: string;
	options?: Record<string, unknown>;
}

function requireName(name: unknown, what: string, context: ErrorContext): string {
	if (typeof name !== 'string' || !name.trim()) throw new AirtableInputError(`${what} needs a name`, context);
	return name;
}

function checkFieldSpec(spec: FieldSpec, position: string, context: ErrorContext): void {
	if (!spec || typeof spec !== 'object') throw new AirtableInputError(`${position} must be an object with name and type`, context);
	requireName(spec.name, position, context);
	if (typeof spec.type !== 'string' || !spec.type) throw new AirtableInputError(`${position} ("${spec.name}") needs a type, e.g. singleLineText`, context);
	if (spec.options !== undefined && (typeof spec.options !== 'object' || spec.options === null || Array.isArray(spec.options))) {
		throw new AirtableInputError(`${position} ("${spec.name}"): options must be an object`, context);
	}
}

/** Airtable's schema 422s, told in words a user can act on; every other error unchanged. */
function explained(error: unknown, spec: { name?: string; type?: string } | undefined, scope: string): unknown {
	const hinted = withScopeHint(error, scope);
	if (!(hinted instanceof AirtableValidationError) || hinted instanceof AirtableInputError) return hinted;
	const details = {
		status: hinted.status,
		type: hinted.type,
		airtableMessage: hinted.airtableMessage,
		baseId: hinted.baseId,
		table: hinted.table,
		operation: hinted.operation,
		retries: hinted.retries,
	};
	if (hinted.type === 'DUPLICATE_OR_EMPTY_FIELD_NAME') {
		return new AirtableValidationError(
			{ ...details, field: spec?.name },
			`A field named "${spec?.name ?? ''}" already exists in this table (names are compared ignoring case), or the name is empty: choose another name`,
		);
	}
	if (hinted.type === 'INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE') {
		const needs = spec?.type ? fieldTypeInfo(spec.type)?.createOptions : undefined;
		return new AirtableValidationError(
			{ ...details, field: spec?.name },
			`Airtable refused the options of the ${spec?.type ?? ''} field "${spec?.name ?? ''}"` +
				(needs ? `: a ${spec?.type} field needs options such as ${needs}` : ': check the options this field type takes'),
		);
	}
	return hinted;
}

export class SchemaWriter {
	constructor(
		private readonly runner: RequestRunner,
		readonly baseId: string,
		private readonly cache: SchemaCacheSlot,
	) {}

	private get tablesPath(): string {
		return `/v0/meta/bases/${encodeURIComponent(this.baseId)}/tables`;
	}

	/** Creates a table with its fields and a grid view; returns its schema. */
	async createTable(spec: TableSpec): Promise<TableSchema> {
		const context = { baseId: this.baseId, operation: 'meta.createTable' };
		requireName(spec?.name, 'A table', context);
		if (!Array.isArray(spec.fields) || spec.fields.length === 0) {
			throw new AirtableInputError(`Table "${spec.name}" needs at least one field (the first is its primary field)`, context);
		}
		const seen = new Set<string>();
		spec.fields.forEach((field, index) => {
			checkFieldSpec(field, `fields[${index}]`, context);
			const key = field.name.toLowerCase();
			if (seen.has(key)) throw new AirtableInputError(`Table "${spec.name}" names the field "${field.name}" twice (Airtable compares names ignoring case)`, context);
			seen.add(key);
		});
		const body = { name: spec.name, ...(spec.description ? { description: spec.description } : {}), fields: spec.fields };
		let table: TableSchema;
		try {
			// Not repeated after a lost answer: a second create would fail on the name or make a copy.
			table = await this.runner.call<TableSchema>({ method: 'POST', path: this.tablesPath, body, operation: 'meta.createTable', baseId: this.baseId, safety: 'create' });
		} catch (error) {
			throw explained(error, spec.fields.length === 1 ? spec.fields[0] : undefined, SCHEMA_WRITE_SCOPE);
		}
		reviseCachedSchema(this.cache, (schema) => new BaseSchema(schema.baseId, [...schema.tables.filter((t) => t.id !== table.id), table]));
		return table;
	}

	/** Adds a field to a table (id or name); returns the field's schema. */
	async createField(table: string, spec: FieldSpec): Promise<FieldSchema> {
		const context = { baseId: this.baseId, table, operation: 'meta.createField' };
		if (typeof table !== 'string' || !table) throw new AirtableInputError('A table id or name is required', context);
		checkFieldSpec(spec, 'The field', context);
		let field: FieldSchema;
		try {
			field = await this.runner.call<FieldSchema>({
				method: 'POST',
				path: `${this.tablesPath}/${encodeURIComponent(table)}/fields`,
				body: spec,
				operation: 'meta.createField',
				baseId: this.baseId,
				table,
				safety: 'create',
			});
		} catch (error) {
			throw explained(error, spec, SCHEMA_WRITE_SCOPE);
		}
		this.revise(table, (fields) => [...fields.filter((f) => f.id !== field.id), field]);
		return field;
	}

	/** Changes a field's name, description and/or options; returns the field's new schema. */
	async updateField(table: string, fieldId: string, update: FieldUpdate): Promise<FieldSchema> {
		const context = { baseId: this.baseId, table, operation: 'meta.updateField' };
		if (typeof table !== 'string' || !table) throw new AirtableInputError('A table id or name is required', context);
		if (typeof fieldId !== 'string' || !/^fld[A-Za-z0-9]{3,}$/.test(fieldId)) {
			throw new AirtableInputError(`"${String(fieldId)}" is not an Airtable field ID (field IDs start with "fld")`, context);
		}
		const body: FieldUpdate = {};
		if (update?.name !== undefined) body.name = requireName(update.name, 'The field', context);
		if (update?.description !== undefined) body.description = update.description;
		if (update?.options !== undefined) body.options = update.options;
		if (!Object.keys(body).length) throw new AirtableInputError('Update field needs a new name, description or options', context);
		let field: FieldSchema;
		try {
			// Setting a name or description twice gives the same result: safe to repeat.
			field = await this.runner.call<FieldSchema>({
				method: 'PATCH',
				path: `${this.tablesPath}/${encodeURIComponent(table)}/fields/${encodeURIComponent(fieldId)}`,
				body,
				operation: 'meta.updateField',
				baseId: this.baseId,
				table,
				safety: 'repeatable',
			});
		} catch (error) {
			throw explained(error, { name: body.name }, SCHEMA_WRITE_SCOPE);
		}
		this.revise(table, (fields) => fields.map((f) => (f.id === fieldId ? { ...f, ...field } : f)));
		return field;
	}

	private revise(table: string, change: (fields: FieldSchema[]) => FieldSchema[]): void {
		reviseCachedSchema(this.cache, (schema) => {
			const current = schema.table(table);
			if (!current) return undefined;
			const revised = { ...current, fields: change(current.fields) };
			return new BaseSchema(schema.baseId, schema.tables.map((t) => (t === current ? revised : t)));
		});
	}
}
