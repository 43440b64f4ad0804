/**
 * A base's schema (tables and fields) with lookups by id or name, which fields are writable, and
 * its process-wide cache.
 */

import { clockTag, type Clock } from '../clock';
import { processState } from '../state';
import type { FieldSchema, TableSchema } from './types';

/** Computed field types: Airtable refuses writes to them. */
export const READ_ONLY_FIELD_TYPES: ReadonlySet<string> = new Set([
	'aiText',
	'autoNumber',
	'button',
	'count',
	'createdBy',
	'createdTime',
	'formula',
	'lastModifiedBy',
	'lastModifiedTime',
	'multipleLookupValues',
	'rollup',
	'externalSyncSource',
	'manualSort',
]);

/** Unknown (future) types count as writable: Airtable will say so if they are not. */
export function isWritableField(field: Pick<FieldSchema, 'type'>): boolean {
	return !READ_ONLY_FIELD_TYPES.has(field.type);
}

/**
 * A base's tables and fields with lookups by id or name. Ids win over names, since a field
 * may be named like another field's id; names match exactly first, then case-insensitively.
 */
export class BaseSchema {
	constructor(
		readonly baseId: string,
		readonly tables: TableSchema[],
	) {}

	table(idOrName: string): TableSchema | undefined {
		return findByIdOrName(this.tables, idOrName);
	}

	field(table: string | TableSchema, nameOrId: string): FieldSchema | undefined {
		const schema = typeof table === 'string' ? this.table(table) : table;
		return schema ? findByIdOrName(schema.fields, nameOrId) : undefined;
	}

	fieldIdByName(table: string | TableSchema, name: string): string | undefined {
		return this.field(table, name)?.id;
	}

	fieldNameById(table: string | TableSchema, id: string): string | undefined {
		return this.field(table, id)?.name;
	}

	/** Field id -> name for one table, e.g. to turn webhook cell values into named fields. */
	fieldNamesById(table: string | TableSchema): Map<string, string> {
		const schema = typeof table === 'string' ? this.table(table) : table;
		return new Map((schema?.fields ?? []).map((field) => [field.id, field.name]));
	}
}

function findByIdOrName<T extends { id: string; name: string }>(items: T[], idOrName: string): T | undefined {
	const lower = idOrName.toLowerCase();
	return (
		items.find((item) => item.id === idOrName) ??
		items.find((item) => item.name === idOrName) ??
		items.find((item) => item.name.toLowerCase() === lower)
	);
}

interface CacheEntry {
	expiresAt: number;
	schema: Promise<BaseSchema>;
}

/* Process-wide, keyed by (token identity hash, base id): different tokens may see different bases. */
const schemaCache = processState.registry<CacheEntry>('client.schemas', { maxEntries: 2_000, idleMs: 30 * 60_000 });

export interface SchemaCacheSlot {
	/** Identity hash and base id. */
	key: string;
	ttlMs: number;
	clock: Clock;
}

/**
 * Returns the cached schema or loads it; concurrent callers share one request. Failed
 * loads are not cached.
 */
export async function cachedSchema(
	slot: SchemaCacheSlot,
	refresh: boolean,
	load: () => Promise<BaseSchema>,
): Promise<BaseSchema> {
	const key = slot.key + clockTag(slot.clock);
	const now = slot.clock.now();
	const cached = schemaCache.get(key);
	if (cached && !refresh && cached.expiresAt > now) return await cached.schema;
	const entry: CacheEntry = { expiresAt: now + slot.ttlMs, schema: load() };
	schemaCache.set(key, entry);
	entry.schema.catch(() => {
		if (schemaCache.get(key) === entry) schemaCache.delete(key);
	});
	return await entry.schema;
}

/**
 * After a schema write: the cached schema (if any) with the change applied, so a field just
 * created is known to the field check at once, without another schema read. When the change
 * cannot be applied (the table is not in the cached schema), the entry is dropped and the next
 * check reads the schema again. The cached object itself is never changed: callers may hold it.
 */
export function reviseCachedSchema(slot: SchemaCacheSlot, revise: (schema: BaseSchema) => BaseSchema | undefined): void {
	const key = slot.key + clockTag(slot.clock);
	const cached = schemaCache.get(key);
	if (!cached) return;
	const entry: CacheEntry = {
		expiresAt: cached.expiresAt,
		schema: cached.schema.then((schema) => {
			const revised = revise(schema);
			if (!revised && schemaCache.get(key) === entry) schemaCache.delete(key);
			return revised ?? schema;
		}),
	};
	schemaCache.set(key, entry);
	entry.schema.catch(() => {
		if (schemaCache.get(key) === entry) schemaCache.delete(key);
	});
}
