/** The emulator's table of Airtable REST routes, with the scopes each needs. */

import { deleteMany, deleteOne, createRecords, getRecord, updateMany, updateOne } from './records';
import { listRecordsGet, listRecordsPost } from './list';
import { baseSchema, listBases, whoami } from './meta';
import { createComment, deleteComment, listComments, updateComment } from './comments';
import { createFieldRoute, createTable, updateField } from './metaWrites';
import { attachmentRoutes } from './attachments';
import type { Route } from './router';
import { webhookRoutes } from './webhooks/routes';

const READ = 'data.records:read';
const WRITE = 'data.records:write';
const SCHEMA = 'schema.bases:read';
const SCHEMA_WRITE = 'schema.bases:write';
const COMMENTS_READ = 'data.recordComments:read';
const COMMENTS_WRITE = 'data.recordComments:write';

/** Airtable's REST routes. Order matters: fixed segments before `:baseId/:table` captures. */
export const apiRoutes: Route[] = [
	{ method: 'GET', pattern: '/v0/meta/whoami', endpoint: 'meta.whoami', handler: whoami },
	{ method: 'GET', pattern: '/v0/meta/bases', endpoint: 'meta.bases', scope: SCHEMA, handler: listBases },
	{ method: 'GET', pattern: '/v0/meta/bases/:baseId/tables', endpoint: 'meta.tables', scope: SCHEMA, baseParam: 'baseId', handler: baseSchema },
	{ method: 'POST', pattern: '/v0/meta/bases/:baseId/tables', endpoint: 'meta.createTable', scope: SCHEMA_WRITE, baseParam: 'baseId', write: true, handler: createTable },
	{ method: 'POST', pattern: '/v0/meta/bases/:baseId/tables/:tableId/fields', endpoint: 'meta.createField', scope: SCHEMA_WRITE, baseParam: 'baseId', write: true, handler: createFieldRoute },
	{ method: 'PATCH', pattern: '/v0/meta/bases/:baseId/tables/:tableId/fields/:fieldId', endpoint: 'meta.updateField', scope: SCHEMA_WRITE, baseParam: 'baseId', write: true, handler: updateField },
	...webhookRoutes,
	{ method: 'GET', pattern: '/v0/:baseId/:table/:recordId/comments', endpoint: 'comments.list', scope: COMMENTS_READ, baseParam: 'baseId', handler: listComments },
	{ method: 'POST', pattern: '/v0/:baseId/:table/:recordId/comments', endpoint: 'comments.create', scope: COMMENTS_WRITE, baseParam: 'baseId', write: true, handler: createComment },
	{ method: 'PATCH', pattern: '/v0/:baseId/:table/:recordId/comments/:commentId', endpoint: 'comments.update', scope: COMMENTS_WRITE, baseParam: 'baseId', write: true, handler: updateComment },
	{ method: 'DELETE', pattern: '/v0/:baseId/:table/:recordId/comments/:commentId', endpoint: 'comments.delete', scope: COMMENTS_WRITE, baseParam: 'baseId', write: true, handler: deleteComment },
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
