/**
 * Turning the records of a flags table into flag definitions: which columns mean what, and how
 * their cells are parsed.
 */

import type { AirtableRecord } from '../client/types';

/** Which columns of the flags table hold what; names as they appear in Airtable. */
export interface FlagColumns {
	flagName: string;
	enabled: string;
	rolloutPct: string;
	metadata: string;
}

export const DEFAULT_COLUMNS: FlagColumns = {
	flagName: 'flag_name',
	enabled: 'enabled',
	rolloutPct: 'rollout_pct',
	metadata: 'metadata',
};

export interface FlagDefinition {
	name: string;
	enabled: boolean;
	/** 0–100; 100 when the cell is empty. */
	rolloutPct: number;
	/** Parsed metadata, null when the cell is empty or invalid (see metadataError). */
	metadata: unknown;
	/** Set when the metadata cell holds text that is not JSON. */
	metadataError?: string;
	recordId: string;
}

export type FlagTable = Map<string, FlagDefinition>;

const TRUE_TEXT = new Set(['true', 'yes', 'y', 'on', '1', 'enabled', 'enable', 'checked']);

/** Checkbox cells are `true` or absent (Airtable omits empty cells); text and numbers are accepted too. */
export function parseEnabled(cell: unknown): boolean {
	if (typeof cell === 'boolean') return cell;
	if (typeof cell === 'number') return cell !== 0 && !Number.isNaN(cell);
	if (typeof cell === 'string') return TRUE_TEXT.has(cell.trim().toLowerCase());
	return false;
}

/**
 * Percentage points, clamped to 0–100. An empty cell means a full rollout (100); a cell that
 * is not a number (e.g. "abc") means 0, so a typo turns the flag off rather than on for all.
 */
export function parseRolloutPct(cell: unknown): number {
	if (cell === undefined || cell === null || (typeof cell === 'string' && !cell.trim())) return 100;
	const value = typeof cell === 'number' ? cell : Number.parseFloat(String(cell).replace('%', '').trim());
	if (!Number.isFinite(value)) return 0;
	return Math.min(100, Math.max(0, value));
}

function parseMetadata(name: string, cell: unknown): Pick<FlagDefinition, 'metadata' | 'metadataError'> {
	if (cell === undefined || cell === null) return { metadata: null };
	if (typeof cell !== 'string') return { metadata: cell };
	if (!cell.trim()) return { metadata: null };
	try {
		return { metadata: JSON.parse(cell) as unknown };
	} catch (error) {
		return {
			metadata: null,
			metadataError: `The metadata of flag "${name}" is not valid JSON: ${(error as Error).message}`,
		};
	}
}

function flagNameOf(cell: unknown): string {
	if (typeof cell === 'string') return cell.trim();
	if (typeof cell === 'number') return String(cell);
	return '';
}

/**
 * The flags table as a map by flag name. Rows without a name are skipped; when a name occurs
 * twice the oldest record (by createdTime, then id) wins, so the result does not depend on
 * the order Airtable happens to list records in.
 */
export function buildFlagTable(records: AirtableRecord[], columns: FlagColumns): FlagTable {
	const ordered = [...records].sort(
		(a, b) => a.createdTime.localeCompare(b.createdTime) || a.id.localeCompare(b.id),
	);
	const table: FlagTable = new Map();
	for (const record of ordered) {
		const fields = record.fields ?? {};
		const name = flagNameOf(fields[columns.flagName]);
		if (!name || table.has(name)) continue;
		table.set(name, {
			name,
			enabled: parseEnabled(fields[columns.enabled]),
			rolloutPct: parseRolloutPct(fields[columns.rolloutPct]),
			...parseMetadata(name, fields[columns.metadata]),
			recordId: record.id,
		});
	}
	return table;
}
