/** Records as the emulator's REST API returns them, and the cell format options of get and list. */

import { apiError } from './errors';
import { isValidTimeZone } from './datetime';
import type { FieldDef, RecordData, TableData } from './model';
import type { CellReader, StringFormat } from './read';

export interface OutputOptions {
	byFieldId: boolean;
	/** Set for cellFormat=string. */
	stringFormat?: StringFormat;
	/** Restrict to these fields (the `fields` parameter). */
	only?: FieldDef[];
	commentCount?: boolean;
}

export interface RecordJson {
	id: string;
	createdTime: string;
	fields: Record<string, unknown>;
	commentCount?: number;
}

/** A record as the REST API returns it: empty cells are omitted. */
export function recordJson(reader: CellReader, table: TableData, record: RecordData, options: OutputOptions): RecordJson {
	const fields: Record<string, unknown> = {};
	for (const field of options.only ?? table.fields) {
		const value = options.stringFormat ? reader.asString(table, record, field, options.stringFormat) : reader.value(table, record, field);
		if (value !== undefined) fields[options.byFieldId ? field.id : field.name] = value;
	}
	const out: RecordJson = { id: record.id, createdTime: new Date(record.createdTime).toISOString(), fields };
	if (options.commentCount) out.commentCount = 0;
	return out;
}

/** cellFormat/timeZone/userLocale validation shared by list and get. */
export function stringFormatFrom(cellFormat: unknown, timeZone: unknown, userLocale: unknown): StringFormat | undefined {
	if (cellFormat === undefined || cellFormat === 'json') return undefined;
	if (cellFormat !== 'string') throw apiError(422, 'INVALID_REQUEST_UNKNOWN', `Invalid cellFormat: "${String(cellFormat)}". Use "json" or "string".`);
	if (typeof timeZone !== 'string' || !timeZone) {
		throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'The "timeZone" parameter is required when "cellFormat" is "string"');
	}
	if (typeof userLocale !== 'string' || !userLocale) {
		throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'The "userLocale" parameter is required when "cellFormat" is "string"');
	}
	if (!isValidTimeZone(timeZone)) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', `Invalid timeZone: "${timeZone}"`);
	try {
		new Intl.NumberFormat(userLocale);
	} catch {
		throw apiError(422, 'INVALID_REQUEST_UNKNOWN', `Invalid userLocale: "${userLocale}"`);
	}
	return { timeZone, userLocale };
}
