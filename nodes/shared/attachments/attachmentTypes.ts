/**
 * The shapes of an attachment write: the files the node's parameters name for a field, and the
 * plan made of them before anything is written. A leaf: the parameters, the plan and the
 * reconciliation with what a record already holds all use it.
 */
import type { BinarySelection } from './binary';

/** One attachment field's files for one item, as the node's parameters give them. */
export interface AttachmentInput {
	field: string;
	binary: BinarySelection;
	urls: string[];
	/** append: keep what the cell has; replace: the given files become the whole cell. */
	mode: 'append' | 'replace';
}

/** A binary property to upload, checked but not yet read (bytes are read right before its upload). */
export interface PlannedUpload {
	property: string;
	filename: string;
	/** Known size, when n8n knows it. */
	bytes?: number;
}

export interface PlannedFiles {
	field: string;
	mode: 'append' | 'replace';
	uploads: PlannedUpload[];
	/** With the file name we give each (so a later Skip Unchanged run can recognise the file). */
	urls: Array<{ url: string; filename?: string }>;
	/** Set the cell to `urls` (dropping what it holds) before the uploads: Replace mode when the cell was not part of the write. */
	clearFirst?: boolean;
}

export type WriteKind = 'create' | 'update' | 'replace' | 'upsert';
