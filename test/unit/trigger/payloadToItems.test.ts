import { needsFreshSchema, payloadToItems } from '../../../nodes/AirtableInstantTrigger/payloadToItems';
import {
	BASE_ID,
	defaultSettings,
	numbered,
	OTHER_TABLE_ID,
	payload,
	schema,
	TABLE_ID,
	VIEW_ID,
} from './fixtures';

const context = { baseId: BASE_ID, schema, settings: defaultSettings };

describe('payloadToItems: record changes', () => {
	it('maps a created record with names, REST-shaped values, and who/when/where', () => {
		const { items, error } = payloadToItems(
			numbered(
				payload({
					changedTablesById: {
						[TABLE_ID]: {
							createdRecordsById: {
								recNEW00000000001: {
									createdTime: '2024-05-01T09:59:59.000Z',
									cellValuesByFieldId: {
										fldNAME0000000001: 'Write docs',
										fldSTATUS00000001: { id: 'selTODO', name: 'Todo', color: 'blueLight2' },
										fldTAGS0000000001: [
											{ id: 'selA', name: 'urgent' },
											{ id: 'selB', name: 'docs', color: 'red' },
										],
										fldOWNER000000001: [{ id: 'recPERSON00000001', name: 'Bob' }],
									},
								},
							},
						},
					},
				}),
				12,
			),
			context,
		);
		expect(error).toBeUndefined();
		expect(items).toEqual([
			{
				eventId: `${BASE_ID}:txn7:${TABLE_ID}:recNEW00000000001:record.created`,
				event: 'record.created',
				baseId: BASE_ID,
				tableId: TABLE_ID,
				tableName: 'Tasks',
				recordId: 'recNEW00000000001',
				fields: { Name: 'Write docs', Status: 'Todo', Tags: ['urgent', 'docs'], Owner: ['recPERSON00000001'] },
				changedFields: ['Name', 'Status', 'Tags', 'Owner'],
				createdTime: '2024-05-01T09:59:59.000Z',
				timestamp: '2024-05-01T10:00:00.000Z',
				source: 'client',
				user: { id: 'usrALICE000000001', email: 'alice@example.com', name: 'Alice' },
				cursor: 12,
				baseTransactionNumber: 7,
			},
		]);
	});

	it('maps an updated record: all values (unchanged + current), changed field names, previous values', () => {
		const { items } = payloadToItems(
			numbered(
				payload({
					changedTablesById: {
						[TABLE_ID]: {
							changedRecordsById: {
								recOLD00000000001: {
									current: { cellValuesByFieldId: { fldSTATUS00000001: { id: 'selDONE', name: 'Done' }, fldPOINTS00000001: null } },
									previous: { cellValuesByFieldId: { fldSTATUS00000001: { id: 'selTODO', name: 'Todo' }, fldPOINTS00000001: 3 } },
									unchanged: { cellValuesByFieldId: { fldNAME0000000001: 'Write docs' } },
								},
							},
						},
					},
				}),
				13,
			),
			context,
		);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			event: 'record.updated',
			recordId: 'recOLD00000000001',
			fields: { Name: 'Write docs', Status: 'Done', Points: null },
			changedFields: ['Status', 'Points'],
			previousFields: { Status: 'Todo', Points: 3 },
			cursor: 13,
		});
	});

	it('leaves previousFields out unless asked', () => {
		const { items } = payloadToItems(
			numbered(
				payload({
					changedTablesById: {
						[TABLE_ID]: {
							changedRecordsById: {
								recOLD00000000001: {
									current: { cellValuesByFieldId: { fldPOINTS00000001: 5 } },
									previous: { cellValuesByFieldId: { fldPOINTS00000001: 3 } },
								},
							},
						},
					},
				}),
				1,
			),
			{ ...context, settings: { ...defaultSettings, includePreviousValues: false } },
		);
		expect(items[0]).not.toHaveProperty('previousFields');
		expect(items[0].fields).toEqual({ Points: 5 });
	});

	it('maps deleted records with empty fields', () => {
		const { items } = payloadToItems(
			numbered(payload({ changedTablesById: { [TABLE_ID]: { destroyedRecordIds: ['recGONE0000000001', 'recGONE0000000002'] } } }), 4),
			context,
		);
		expect(items.map((item) => [item.event, item.recordId, item.fields, item.changedFields])).toEqual([
			['record.deleted', 'recGONE0000000001', {}, []],
			['record.deleted', 'recGONE0000000002', {}, []],
		]);
	});

	it('maps changes in several tables of one payload, each with its own table name', () => {
		const { items } = payloadToItems(
			numbered(
				payload({
					changedTablesById: {
						[TABLE_ID]: { destroyedRecordIds: ['recGONE0000000001'] },
						[OTHER_TABLE_ID]: {
							createdRecordsById: { recP1: { cellValuesByFieldId: { fldPNAME000000001: 'Carol' } } },
						},
					},
				}),
				2,
			),
			context,
		);
		expect(items.map((item) => [item.tableId, item.tableName, item.event, item.fields])).toEqual([
			[TABLE_ID, 'Tasks', 'record.deleted', {}],
			[OTHER_TABLE_ID, 'People', 'record.created', { 'Full Name': 'Carol' }],
		]);
	});

	it('keys fields by id when asked', () => {
		const { items } = payloadToItems(
			numbered(
				payload({
					changedTablesById: {
						[TABLE_ID]: {
							changedRecordsById: {
								rec1: {
									current: { cellValuesByFieldId: { fldSTATUS00000001: { id: 'selDONE', name: 'Done' } } },
									previous: { cellValuesByFieldId: { fldSTATUS00000001: null } },
								},
							},
						},
					},
				}),
				3,
			),
			{ ...context, settings: { ...defaultSettings, useFieldIds: true } },
		);
		expect(items[0]).toMatchObject({
			fields: { fldSTATUS00000001: 'Done' },
			changedFields: ['fldSTATUS00000001'],
			previousFields: { fldSTATUS00000001: null },
		});
	});

	it('keeps ids (and converts values by shape) when the schema is unavailable', () => {
		const { items } = payloadToItems(
			numbered(
				payload({
					changedTablesById: {
						[TABLE_ID]: {
							createdRecordsById: {
								rec1: {
									cellValuesByFieldId: {
										fldNEW: { id: 'selX', name: 'X' },
										fldLINKS: [{ id: 'recA', name: 'A' }],
										fldWHO: { id: 'usrB', email: 'b@example.com', permissionLevel: 'edit' },
									},
								},
							},
						},
					},
				}),
				3,
			),
			{ ...context, schema: undefined },
		);
		expect(items[0]).toMatchObject({
			tableName: null,
			fields: { fldNEW: 'X', fldLINKS: ['recA'], fldWHO: { id: 'usrB', email: 'b@example.com' } },
		});
	});

	it('drops record events the node does not watch', () => {
		const { items } = payloadToItems(
			numbered(
				payload({
					changedTablesById: {
						[TABLE_ID]: {
							createdRecordsById: { rec1: { cellValuesByFieldId: {} } },
							destroyedRecordIds: ['rec2'],
						},
					},
				}),
				3,
			),
			{ ...context, settings: { ...defaultSettings, events: ['deleted'] } },
		);
		expect(items.map((item) => item.event)).toEqual(['record.deleted']);
	});

	it('reports the source, and a null user for sources without one', () => {
		const { items } = payloadToItems(
			numbered(
				payload({
					actionMetadata: { source: 'automation', sourceMetadata: { automationId: 'atmX' } },
					changedTablesById: { [TABLE_ID]: { destroyedRecordIds: ['rec1'] } },
				}),
				9,
			),
			context,
		);
		expect(items[0]).toMatchObject({ source: 'automation', user: null });
	});
});

describe('payloadToItems: view scope', () => {
	const viewPayload = payload({
		changedTablesById: {
			[TABLE_ID]: {
				changedRecordsById: {
					recA: { current: { cellValuesByFieldId: { fldPOINTS00000001: 1 } } },
					recB: { current: { cellValuesByFieldId: { fldPOINTS00000001: 2 } } },
				},
				changedViewsById: {
					[VIEW_ID]: {
						createdRecordsById: { recA: { cellValuesByFieldId: { fldNAME0000000001: 'A' } } },
						destroyedRecordIds: ['recB'],
					},
				},
			},
		},
	});

	it("uses the view's changes: entering the view is created, leaving it is deleted", () => {
		const { items } = payloadToItems(numbered(viewPayload, 5), {
			...context,
			settings: { ...defaultSettings, viewId: VIEW_ID },
		});
		expect(items.map((item) => [item.event, item.recordId, item.viewId])).toEqual([
			['record.created', 'recA', VIEW_ID],
			['record.deleted', 'recB', VIEW_ID],
		]);
	});

	it('uses the table changes when the node is not scoped to a view', () => {
		const { items } = payloadToItems(numbered(viewPayload, 5), context);
		expect(items.map((item) => [item.event, item.recordId])).toEqual([
			['record.updated', 'recA'],
			['record.updated', 'recB'],
		]);
		expect(items[0]).not.toHaveProperty('viewId');
	});
});

describe('payloadToItems: error payloads, schema changes, raw output', () => {
	it('reports INVALID_FILTERS with its cursor, and still maps the change it carries', () => {
		const result = payloadToItems(
			numbered(
				payload({ error: true, code: 'INVALID_FILTERS', changedTablesById: { [TABLE_ID]: { destroyedRecordIds: ['rec1'] } } }),
				21,
			),
			context,
		);
		expect(result.error).toEqual({ code: 'INVALID_FILTERS', cursor: 21 });
		expect(result.items.map((item) => item.event)).toEqual(['record.deleted']);
	});

	it('reports INVALID_HOOK without items', () => {
		expect(payloadToItems(numbered(payload({ error: true, code: 'INVALID_HOOK' }), 3), context)).toEqual({
			items: [],
			error: { code: 'INVALID_HOOK', cursor: 3 },
		});
	});

	it('emits field and table changes only when asked', () => {
		const body = payload({
			changedTablesById: {
				[TABLE_ID]: {
					changedMetadata: { current: { name: 'Tasks 2' }, previous: { name: 'Tasks' } },
					createdFieldsById: { fldNEW: { name: 'Due', type: 'date' } },
					changedFieldsById: { fldPOINTS00000001: { current: { name: 'Score' }, previous: { name: 'Points' } } },
					destroyedFieldIds: ['fldOLD'],
				},
			},
			createdTablesById: { tblNEW: { metadata: { name: 'Projects' } } },
			destroyedTableIds: ['tblGONE'],
		});
		expect(payloadToItems(numbered(body, 1), context).items).toEqual([]);
		const { items } = payloadToItems(numbered(body, 1), {
			...context,
			settings: { ...defaultSettings, includeSchemaChanges: true },
		});
		expect(items.map((item) => [item.event, item.tableName, item.fieldId ?? item.tableId, item.fieldName])).toEqual([
			['table.changed', 'Tasks 2', TABLE_ID, undefined],
			['field.created', 'Tasks 2', 'fldNEW', 'Due'],
			['field.changed', 'Tasks 2', 'fldPOINTS00000001', 'Score'],
			['field.deleted', 'Tasks 2', 'fldOLD', undefined],
			['table.created', 'Projects', 'tblNEW', undefined],
			['table.deleted', null, 'tblGONE', undefined],
		]);
		expect(items[2]).toMatchObject({ current: { name: 'Score' }, previous: { name: 'Points' } });
	});

	it('gives one item per payload in raw mode, payload untouched', () => {
		const body = payload({ changedTablesById: { [TABLE_ID]: { destroyedRecordIds: ['rec1', 'rec2'] } } });
		const { items } = payloadToItems(numbered(body, 8), {
			...context,
			webhookId: 'achRAW00000000001',
			settings: { ...defaultSettings, output: 'payloads' },
		});
		expect(items).toEqual([
			{
				eventId: `${BASE_ID}:achRAW00000000001:payload8`,
				baseId: BASE_ID,
				timestamp: body.timestamp,
				source: 'client',
				user: { id: 'usrALICE000000001', email: 'alice@example.com', name: 'Alice' },
				cursor: 8,
				baseTransactionNumber: 7,
				payload: body,
			},
		]);
	});
});

describe('needsFreshSchema', () => {
	it('is false when every table and field is known', () => {
		const body = payload({
			changedTablesById: { [TABLE_ID]: { createdRecordsById: { rec1: { cellValuesByFieldId: { fldNAME0000000001: 'x' } } } } },
		});
		expect(needsFreshSchema([body], schema)).toBe(false);
	});

	it('is true for an unknown field, an unknown table or a schema change', () => {
		const unknownField = payload({
			changedTablesById: { [TABLE_ID]: { changedRecordsById: { rec1: { current: { cellValuesByFieldId: { fldBRANDNEW: 1 } } } } } },
		});
		const unknownTable = payload({ changedTablesById: { tblUNKNOWN: { destroyedRecordIds: ['rec1'] } } });
		const renamed = payload({
			changedTablesById: { [TABLE_ID]: { changedFieldsById: { fldNAME0000000001: { current: { name: 'Title' } } } } },
		});
		expect(needsFreshSchema([unknownField], schema)).toBe(true);
		expect(needsFreshSchema([unknownTable], schema)).toBe(true);
		expect(needsFreshSchema([renamed], schema)).toBe(true);
		expect(needsFreshSchema([unknownField], undefined)).toBe(true);
	});
});

describe('payloadToItems: eventId', () => {
	const change = (transaction: number, recordId = 'recSAME0000000001') =>
		payload(
			{
				changedTablesById: {
					[TABLE_ID]: {
						changedRecordsById: { [recordId]: { current: { cellValuesByFieldId: { fldPOINTS00000001: 5 } } } },
						destroyedRecordIds: ['recGONE0000000001'],
					},
				},
			},
			transaction,
		);

	it('is the same for the same change, whichever webhook, payload number or drain delivered it', () => {
		const fromOld = payloadToItems(numbered(change(41), 3), { ...context, webhookId: 'achOLD00000000001' }).items;
		const fromNew = payloadToItems(numbered(change(41), 1), { ...context, webhookId: 'achNEW00000000001' }).items;
		expect(fromOld.map((item) => item.eventId)).toEqual(fromNew.map((item) => item.eventId));
	});

	it('differs between records, events and transactions', () => {
		const ids = [
			...payloadToItems(numbered(change(41), 3), context).items,
			...payloadToItems(numbered(change(42), 4), context).items,
			...payloadToItems(numbered(change(42, 'recOTHER000000001'), 4), context).items,
		].map((item) => item.eventId);
		expect(new Set(ids).size).toBe(5);
		expect(ids[0]).toBe(`${BASE_ID}:txn41:${TABLE_ID}:recSAME0000000001:record.updated`);
	});
});
