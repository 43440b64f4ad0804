/**
 * The failure a conflicting write becomes when it was not written: an AirtableError of kind
 * `conflict`, carrying the conflict (current and intended values) for the caller's output.
 * Its message names the record and the fields, never a cell value.
 */
import { AirtableError, type ErrorContext } from '../errors';
import type { WriteConflict } from './types';

function summaryOf(conflict: WriteConflict): string {
	if (conflict.reason === 'deleted') {
		return `Record ${conflict.id} was deleted in Airtable after it was read; nothing was written`;
	}
	const fields = conflict.changedFields.length ? ` (${conflict.changedFields.map((field) => `"${field}"`).join(', ')})` : '';
	const why =
		conflict.resolution === 'keptAirtable'
			? "Airtable's edit is newer than this item's change (newest wins), so it was kept"
			: 'it was not written, so that edit is not lost';
	return `Record ${conflict.id} was changed in Airtable after it was read${fields}: ${why}. Review the item's "current" and "intended" values`;
}

export class AirtableConflictError extends AirtableError {
	readonly conflict: WriteConflict;

	constructor(conflict: WriteConflict, context: ErrorContext = {}) {
		super('conflict', summaryOf(conflict), context);
		this.conflict = conflict;
	}
}
