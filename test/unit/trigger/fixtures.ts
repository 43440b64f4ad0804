import { BaseSchema } from '../../../nodes/client/schema/schema';
import type { NumberedPayload, TableSchema, WebhookPayload } from '../../../nodes/client/types';
import type { MappingSettings } from '../../../nodes/AirtableInstantTrigger/payloadToItems';

export const BASE_ID = 'appTRIGGER0000001';
export const TABLE_ID = 'tblTASKS000000001';
export const OTHER_TABLE_ID = 'tblPEOPLE00000001';
export const VIEW_ID = 'viwOPEN0000000001';

export const tasksTable: TableSchema = {
	id: TABLE_ID,
	name: 'Tasks',
	primaryFieldId: 'fldNAME0000000001',
	fields: [
		{ id: 'fldNAME0000000001', name: 'Name', type: 'singleLineText' },
		{ id: 'fldSTATUS00000001', name: 'Status', type: 'singleSelect' },
		{ id: 'fldTAGS0000000001', name: 'Tags', type: 'multipleSelects' },
		{ id: 'fldOWNER000000001', name: 'Owner', type: 'multipleRecordLinks' },
		{ id: 'fldASSIGNEE000001', name: 'Assignee', type: 'singleCollaborator' },
		{ id: 'fldWATCHERS000001', name: 'Watchers', type: 'multipleCollaborators' },
		{
			id: 'fldOWNERNAME00001',
			name: 'Owner Name',
			type: 'multipleLookupValues',
			options: { result: { type: 'singleLineText' } },
		},
		{ id: 'fldPOINTS00000001', name: 'Points', type: 'number' },
	],
	views: [{ id: VIEW_ID, name: 'Open', type: 'grid' }],
};

export const peopleTable: TableSchema = {
	id: OTHER_TABLE_ID,
	name: 'People',
	primaryFieldId: 'fldPNAME000000001',
	fields: [{ id: 'fldPNAME000000001', name: 'Full Name', type: 'singleLineText' }],
	views: [],
};

export const schema = new BaseSchema(BASE_ID, [tasksTable, peopleTable]);

export const defaultSettings: MappingSettings = {
	useFieldIds: false,
	includePreviousValues: true,
	includeSchemaChanges: false,
	events: ['created', 'updated', 'deleted'],
	viewId: undefined,
	output: 'records',
};

export const user = {
	id: 'usrALICE000000001',
	email: 'alice@example.com',
	permissionLevel: 'create',
	name: 'Alice',
	profilePicUrl: 'https://example.com/a.png',
};

export function payload(extra: Partial<WebhookPayload>, transaction = 7): WebhookPayload {
	return {
		timestamp: '2024-05-01T10:00:00.000Z',
		baseTransactionNumber: transaction,
		payloadFormat: 'v0',
		actionMetadata: { source: 'client', sourceMetadata: { user } },
		...extra,
	};
}

export function numbered(body: WebhookPayload, number: number): NumberedPayload {
	return { payload: body, number, nextCursor: number + 1 };
}
