/** The emulator's table of Airtable REST routes, with the scopes each needs. */

import { deleteMany, deleteOne, createRecords, getRecord, updateMany, updateOne } from './records';
import { listRecordsGet, listRecordsPost } from './list';
import { baseSchema, listBases, whoami } from './meta';
import { attachmentRoutes } from './attachments';
import type { Route } from './router';
import { webhookRoutes } from './webhooks/routes';

const READ = 'data.records:read';
const WRITE = 'data.records:write';
const SCHEMA = 'schema.bases:read';

/** Airtable's REST routes. Order matters: fixed segments before `:baseId/:table` captures. */
export const apiRoutes: Route[] = [
	{ method: 'GET', pattern: '/v0/meta/whoami', endpoint: 'meta.whoami', handler: whoami },
	{ method: 'GET', pattern: '/v0/meta/bases', endpoint: 'meta.bases', scope: SCHEMA, handler: listBases },
	{ method: 'GET', pattern: '/v0/meta/bases/:baseId/tables', endpoint: 'meta.tables', scope: SCHEMA, baseParam: 'baseId', handler: baseSchema },
	...webhookRoutes,
	...attachmentRoutes,
	{ method: 'POST', pattern: '/v0/:baseId/:table/listRecords', endpoint: 'records.list', scope: READ, baseParam: 'baseId', handler: listRecordsPost },
	{ method: 'GET', pattern: '/v0/:baseId/:table/:recordId', endpoint: 'records.get', scope: READ, baseParam: 'baseId', handler: getRecord },
	{ method: 'PATCH', pattern: '/v0/:baseId/:table/:recordId', endpoint: 'records.update', scope: WRITE, baseParam: 'baseId', write: true, handler: updateOne },
	{ method: 'PUT', pattern: '/v0/:baseId/:table/:recordId', endpoint: 'records.replace', scope: WRITE, baseParam: 'baseId', write: true, handler: updateOne },
	{ method: 'DELETE', pattern: '/v0/:baseId/:table/:recordId', endpoint: 'records.delete', scope: WRITE, baseParam: 'baseId', write: true, handler: deleteOne },
	{ method: 'GET', pattern: '/v0/:baseId/:table', endpoint: 'records.list', scope: READ, baseParam: 'baseId', handler: listRecordsGet },
	{ method: 'POST', pattern: '/v0/:baseId/:table', endpoint: 'records.create', scope: WRITE, baseParam: 'baseId', write: true, handler: createRecords },
	{ method: 'PATCH', pattern: '/v0/:baseId/:table', endpoint: 'records.updateMany', scope: WRITE, baseParam: 'baseId', write: true, handler: updateMany },
	{ method: 'PUT', pattern: '/v0/:baseId/:table', endpoint: 'records.replaceMany', scope: WRITE, baseParam: 'baseId', write: true, handler: updateMany },
	{ method: 'DELETE', pattern: '/v0/:baseId/:table', endpoint: 'records.deleteMany', scope: WRITE, baseParam: 'baseId', write: true, handler: deleteMany },
];
