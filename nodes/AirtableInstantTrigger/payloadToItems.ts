/**
 * Turning one webhook payload into the trigger's output items: one per record change, plus schema
 * and error items.
 */

import type { IDataObject } from 'n8n-workflow';

import type { BaseSchema } from '../client/schema/schema';
import type {
	CellValuesByFieldId,
	NumberedPayload,
	TableSchema,
	WebhookPayload,
	WebhookTableChanged,
} from '../client/types';
import { toRestCellValue } from './cellValues';
import type { RecordEvent, TriggerSettings } from './specification';

export type MappingSettings = Pick<
	TriggerSettings,
	'useFieldIds' | 'includePreviousValues' | 'includeSchemaChanges' | 'events' | 'viewId' | 'output'
>;

export interface MappingContext {
	baseId: string;
	/** The webhook the payload came from (names raw payloads in their eventId). */
	webhookId?: string;
	/** Field names and types; without it fields stay keyed by id and values are converted by shape. */
	schema?: BaseSchema;
	settings: MappingSettings;
}

/** An error payload: Airtable stopped the webhook (its specification became invalid). */
export interface PayloadError {
	code: string;
	cursor: number;
}

export interface MappedPayload {
	items: IDataObject[];
	error?: PayloadError;
}

type TableChanges = Omit<WebhookTableChanged, 'changedViewsById'>;

function metadataOf(numbered: NumberedPayload): IDataObject {
	const { payload, number } = numbered;
	const user = payload.actionMetadata?.sourceMetadata?.user;
	return {
		timestamp: payload.timestamp,
		source: payload.actionMetadata?.source ?? 'unknown',
		user: user
			? {
					id: user.id,
					...(user.email !== undefined ? { email: user.email } : {}),
					...(user.name !== undefined ? { name: user.name } : {}),
				}
			: null,
		cursor: number,
		baseTransactionNumber: payload.baseTransactionNumber,
	};
}

class TableMapper {
	private readonly table?: TableSchema;

	constructor(
		private readonly context: MappingContext,
		readonly tableId: string,
	) {
		this.table = context.schema?.table(tableId);
	}

	get tableName(): string | null {
		return this.table?.name ?? null;
	}

	fieldKey(fieldId: string): string {
		if (this.context.settings.useFieldIds) return fieldId;
		return this.table?.fields.find((field) => field.id === fieldId)?.name ?? fieldId;
	}

	fields(cells: CellValuesByFieldId | undefined): IDataObject {
		const result: IDataObject = {};
		for (const [fieldId, value] of Object.entries(cells?.cellValuesByFieldId ?? {})) {
			const field = this.table?.fields.find((candidate) => candidate.id === fieldId);
			result[this.fieldKey(fieldId)] = toRestCellValue(value, field) as IDataObject[string];
		}
		return result;
	}

	changedKeys(cells: CellValuesByFieldId | undefined): string[] {
		return Object.keys(cells?.cellValuesByFieldId ?? {}).map((fieldId) => this.fieldKey(fieldId));
	}
}

function recordItems(
	mapper: TableMapper,
	changes: TableChanges,
	context: MappingContext,
	head: IDataObject,
	meta: IDataObject,
): IDataObject[] {
	const { events, includePreviousValues } = context.settings;
	const wants = (event: RecordEvent) => events.includes(event);
	const items: IDataObject[] = [];
	if (wants('created')) {
		for (const [recordId, record] of Object.entries(changes.createdRecordsById ?? {})) {
			const fields = mapper.fields(record);
			items.push({
				event: 'record.created',
				...head,
				recordId,
				fields,
				changedFields: Object.keys(fields),
				...(record.createdTime ? { createdTime: record.createdTime } : {}),
				...meta,
			});
		}
	}
	if (wants('updated')) {
		for (const [recordId, record] of Object.entries(changes.changedRecordsById ?? {})) {
			const item: IDataObject = {
				event: 'record.updated',
				...head,
				recordId,
				fields: { ...mapper.fields(record.unchanged), ...mapper.fields(record.current) },
				changedFields: mapper.changedKeys(record.current),
			};
			if (includePreviousValues) item.previousFields = mapper.fields(record.previous);
			items.push({ ...item, ...meta });
		}
	}
	if (wants('deleted')) {
		for (const recordId of changes.destroyedRecordIds ?? []) {
			items.push({ event: 'record.deleted', ...head, recordId, fields: {}, changedFields: [], ...meta });
		}
	}
	return items;
}

function schemaItems(mapper: TableMapper, changes: WebhookTableChanged, head: IDataObject, meta: IDataObject) {
	const items: IDataObject[] = [];
	if (changes.changedMetadata) {
		items.push({
			event: 'table.changed',
			...head,
			current: (changes.changedMetadata.current ?? {}) as IDataObject,
			previous: (changes.changedMetadata.previous ?? {}) as IDataObject,
			...meta,
		});
	}
	for (const [fieldId, field] of Object.entries(changes.createdFieldsById ?? {})) {
		items.push({ event: 'field.created', ...head, fieldId, fieldName: field.name ?? null, fieldType: field.type ?? null, ...meta });
	}
	for (const [fieldId, change] of Object.entries(changes.changedFieldsById ?? {})) {
		items.push({
			event: 'field.changed',
			...head,
			fieldId,
			fieldName: (change.current?.name as string | undefined) ?? mapper.fieldKey(fieldId),
			current: (change.current ?? {}) as IDataObject,
			previous: (change.previous ?? {}) as IDataObject,
			...meta,
		});
	}
	for (const fieldId of changes.destroyedFieldIds ?? []) {
		items.push({ event: 'field.deleted', ...head, fieldId, ...meta });
	}
	return items;
}

function baseSchemaItems(payload: WebhookPayload, baseId: string, meta: IDataObject): IDataObject[] {
	const items: IDataObject[] = [];
	for (const [tableId, created] of Object.entries(payload.createdTablesById ?? {})) {
		const metadata = (created as { metadata?: { name?: string } }).metadata;
		items.push({ event: 'table.created', baseId, tableId, tableName: metadata?.name ?? null, ...meta });
	}
	for (const tableId of payload.destroyedTableIds ?? []) {
		items.push({ event: 'table.deleted', baseId, tableId, tableName: null, ...meta });
	}
	return items;
}

/** The record changes of one table: the view's when the webhook is scoped to a view, else the table's. */
function scopedChanges(changes: WebhookTableChanged, viewId: string | undefined): { changes: TableChanges; viewId?: string } {
	const inView = viewId ? changes.changedViewsById?.[viewId] : undefined;
	return inView ? { changes: inView, viewId } : { changes };
}

/**
 * One webhook payload -> one item per record change (created / updated / deleted), plus
 * schema-change items when asked, or the raw payload as one item. Error payloads (the
 * webhook's specification became invalid) are reported in `error`; any change they still
 * carry is mapped as usual.
 */
export function payloadToItems(numbered: NumberedPayload, context: MappingContext): MappedPayload {
	const { payload } = numbered;
	const meta = metadataOf(numbered);
	const error = payload.error === true ? { code: String(payload.code ?? 'UNKNOWN'), cursor: numbered.number } : undefined;

	if (context.settings.output === 'payloads') {
		const item: IDataObject = {
			eventId: [context.baseId, context.webhookId ?? '', `payload${numbered.number}`].join(':'),
			baseId: context.baseId,
			...meta,
			payload: payload as unknown as IDataObject,
		};
		return error ? { items: [item], error } : { items: [item] };
	}

	const items: IDataObject[] = [];
	for (const [tableId, tableChanges] of Object.entries(payload.changedTablesById ?? {})) {
		const mapper = new TableMapper(context, tableId);
		const tableName =
			(tableChanges.changedMetadata?.current?.name as string | undefined) ?? mapper.tableName;
		const scoped = scopedChanges(tableChanges, context.settings.viewId);
		const head: IDataObject = { baseId: context.baseId, tableId, tableName };
		const recordHead = scoped.viewId ? { ...head, viewId: scoped.viewId } : head;
		items.push(...recordItems(mapper, scoped.changes, context, recordHead, meta));
		if (context.settings.includeSchemaChanges) items.push(...schemaItems(mapper, tableChanges, head, meta));
	}
	if (context.settings.includeSchemaChanges) items.push(...baseSchemaItems(payload, context.baseId, meta));
	const identified = items.map((item) => ({ eventId: eventIdOf(item, payload.baseTransactionNumber), ...item }));
	return error ? { items: identified, error } : { items: identified };
}

/**
 * The same change always gets the same id, whichever webhook, ping, process or retry
 * delivered it: base, Airtable's base-wide transaction number, table, the record (or field)
 * and what happened to it. One transaction changes a record at most once.
 */
function eventIdOf(item: IDataObject, transaction: number): string {
	const subject = item.recordId ?? item.fieldId ?? '';
	return [item.baseId, `txn${transaction}`, item.tableId ?? '', subject, item.event].map(String).join(':');
}

/** Whether mapping these payloads needs a fresher schema than the one at hand (new or renamed fields or tables). */
export function needsFreshSchema(payloads: WebhookPayload[], schema: BaseSchema | undefined): boolean {
	for (const payload of payloads) {
		if (payload.createdTablesById || payload.destroyedTableIds?.length) return true;
		for (const [tableId, changes] of Object.entries(payload.changedTablesById ?? {})) {
			if (changes.createdFieldsById || changes.changedFieldsById || changes.destroyedFieldIds || changes.changedMetadata) {
				return true;
			}
			const table = schema?.table(tableId);
			if (!table) return true;
			const known = new Set(table.fields.map((field) => field.id));
			const records = [
				...Object.values(changes.createdRecordsById ?? {}),
				...Object.values(changes.changedRecordsById ?? {}).flatMap((change) => [change.current, change.unchanged]),
			];
			for (const cells of records) {
				for (const fieldId of Object.keys(cells?.cellValuesByFieldId ?? {})) {
					if (!known.has(fieldId)) return true;
				}
			}
		}
	}
	return false;
}
