/**
 * Metadata shapes: bases, table schemas (fields, views) and the token's identity, as the meta
 * API returns them. A leaf: imports nothing.
 */

/* ------------------------------------------------------------------ metadata */

export interface BaseInfo {
	id: string;
	name: string;
	permissionLevel: 'none' | 'read' | 'comment' | 'edit' | 'create' | string;
}

export interface FieldSchema {
	id: string;
	name: string;
	type: string;
	description?: string;
	options?: Record<string, unknown>;
}

export interface ViewSchema {
	id: string;
	name: string;
	type: string;
	visibleFieldIds?: string[];
}

export interface TableSchema {
	id: string;
	name: string;
	description?: string;
	primaryFieldId: string;
	fields: FieldSchema[];
	views: ViewSchema[];
}

export interface WhoAmI {
	id: string;
	email?: string;
	scopes?: string[];
}

