/**
 * The emulator's admin API under /_emulator: reset, bases, UI-style edits, schema changes, tokens,
 * faults, limits and the virtual clock, so tests can set up and change state the public API
 * cannot.
 */

import { ApiError, apiError } from './errors';
import { APPLY_THEN_FAIL_STATUSES, type FaultConfig, type QueuedFault } from './faults';
import { jsonBody, ok, type ApiRequest, type ApiResponse } from './http';
import { findField, findTable, type BaseData, type TableData } from './model';
import { createRecord, deleteRecord, prepareFields, updateRecord, type Actor } from './mutations';
import type { LimitsConfig, PingConfig, TokenConfig } from './options';
import { recordJson } from './output';
import { CellReader } from './read';
import { matchRoute } from './router';
import { DEMO_USER } from './seed/demo';
import { exportBase } from './seed/export';
import { createField } from './seed/materialize';
import type { SeedBase } from './seed/types';
import type { EmulatorApp } from './state';

type AdminHandler = (req: ApiRequest, app: EmulatorApp) => ApiResponse | Promise<ApiResponse>;

export const ADMIN_PREFIX = '/_emulator';

function base(app: EmulatorApp, id: string): BaseData {
	const found = app.bases.get(id);
	if (!found) throw apiError(404, 'NOT_FOUND', `No base ${id}`);
	return found;
}

function table(app: EmulatorApp, req: ApiRequest): { base: BaseData; table: TableData } {
	const b = base(app, req.params.baseId);
	const t = findTable(b, req.params.table);
	if (!t) throw apiError(404, 'NOT_FOUND', `No table ${req.params.table} in ${b.id}`);
	return { base: b, table: t };
}

/** "A person in the UI" by default; body.source/user/sourceMetadata override (automation, forms…). */
function uiActor(body: Record<string, unknown>, b: BaseData): Actor {
	const source = typeof body.source === 'string' ? body.source : 'client';
	const user = body.user as Actor['user'] | undefined;
	if (source !== 'client' && source !== 'publicApi' && !user) return { source, ...(body.sourceMetadata ? { sourceMetadata: body.sourceMetadata as Record<string, unknown> } : {}) };
	return { source, user: { id: DEMO_USER.id, email: DEMO_USER.email, name: DEMO_USER.name, permissionLevel: b.permissionLevel, ...(user ?? {}) } };
}

function recordsOf(app: EmulatorApp, b: BaseData, t: TableData, records: Array<{ id: string }>) {
	const reader = new CellReader(b, app.clock.now());
	return records.map((r) => t.records.get(r.id)).filter((r) => r !== undefined).map((r) => recordJson(reader, t, r, { byFieldId: false }));
}

const uiCreate: AdminHandler = (req, app) => {
	const { base: b, table: t } = table(app, req);
	const body = jsonBody(req);
	const inputs = Array.isArray(body.records) ? body.records : [body];
	const reader = new CellReader(b, app.clock.now());
	const prepared = inputs.map((r) => prepareFields(b, t, (r as { fields?: unknown }).fields ?? {}, body.typecast !== false, reader));
	const tx = app.transaction(b, uiActor(body, b));
	const created = prepared.map((p) => createRecord(tx, t, p));
	app.commit(tx);
	return ok({ records: recordsOf(app, b, t, created) });
};

const uiUpdate: AdminHandler = (req, app) => {
	const { base: b, table: t } = table(app, req);
	const body = jsonBody(req);
	const inputs = (Array.isArray(body.records) ? body.records : []) as Array<{ id?: string; fields?: unknown }>;
	const reader = new CellReader(b, app.clock.now());
	const plan = inputs.map((r) => {
		const record = t.records.get(String(r.id));
		if (!record) throw apiError(404, 'NOT_FOUND', `No record ${String(r.id)}`);
		return { record, prepared: prepareFields(b, t, r.fields ?? {}, body.typecast !== false, reader) };
	});
	const tx = app.transaction(b, uiActor(body, b));
	for (const { record, prepared } of plan) updateRecord(tx, t, record, prepared, body.replace === true);
	app.commit(tx);
	return ok({ records: recordsOf(app, b, t, plan.map((p) => p.record)) });
};

const uiDelete: AdminHandler = (req, app) => {
	const { base: b, table: t } = table(app, req);
	const body = jsonBody(req);
	const ids = (Array.isArray(body.ids) ? body.ids : []) as string[];
	const tx = app.transaction(b, uiActor(body, b));
	for (const id of ids) {
		const record = t.records.get(id);
		if (record) deleteRecord(tx, t, record);
	}
	app.commit(tx);
	return ok({ records: ids.map((id) => ({ id, deleted: true })) });
};

const createFieldAdmin: AdminHandler = (req, app) => {
	const { base: b, table: t } = table(app, req);
	const body = jsonBody(req);
	if (typeof body.name !== 'string' || typeof body.type !== 'string') throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'name and type are required');
	if (findField(t, body.name)) throw apiError(422, 'DUPLICATE_FIELD_NAME', `Field ${body.name} already exists`);
	const field = createField({ name: body.name, type: body.type, options: body.options as Record<string, unknown> | undefined });
	t.fields.push(field);
	const tx = app.transaction(b, uiActor(body, b));
	tx.fieldChanges.push({ tableId: t.id, fieldId: field.id, kind: 'create', current: { name: field.name, type: field.type } });
	app.commit(tx);
	return ok(field);
};

const updateFieldAdmin: AdminHandler = (req, app) => {
	const { base: b, table: t } = table(app, req);
	const field = findField(t, req.params.field);
	if (!field) throw apiError(404, 'NOT_FOUND', `No field ${req.params.field}`);
	const body = jsonBody(req);
	const previous = { name: field.name };
	if (typeof body.name === 'string') field.name = body.name;
	if (typeof body.description === 'string') field.description = body.description;
	const tx = app.transaction(b, uiActor(body, b));
	if (previous.name !== field.name) tx.fieldChanges.push({ tableId: t.id, fieldId: field.id, kind: 'update', current: { name: field.name }, previous });
	app.commit(tx);
	return ok(field);
};

const deleteFieldAdmin: AdminHandler = (req, app) => {
	const { base: b, table: t } = table(app, req);
	const field = findField(t, req.params.field);
	if (!field) throw apiError(404, 'NOT_FOUND', `No field ${req.params.field}`);
	if (field.id === t.primaryFieldId) throw apiError(422, 'CANNOT_DELETE_PRIMARY_FIELD', 'The primary field cannot be deleted');
	t.fields = t.fields.filter((f) => f !== field);
	for (const record of t.records.values()) delete record.cells[field.id];
	for (const view of t.views) {
		view.sort = view.sort?.filter((s) => s.fieldId !== field.id);
		view.visibleFieldIds = view.visibleFieldIds?.filter((id) => id !== field.id);
	}
	const tx = app.transaction(b, uiActor(jsonBody(req), b));
	tx.fieldChanges.push({ tableId: t.id, fieldId: field.id, kind: 'destroy' });
	app.commit(tx);
	return ok({ id: field.id, deleted: true });
};

const deleteTableAdmin: AdminHandler = (req, app) => {
	const { base: b, table: t } = table(app, req);
	if (b.tables.length === 1) throw apiError(422, 'CANNOT_DELETE_LAST_TABLE', 'A base needs at least one table');
	b.tables = b.tables.filter((x) => x !== t);
	const tx = app.transaction(b, uiActor(jsonBody(req), b));
	tx.destroyedTableIds.push(t.id);
	tx.destroyedViewIds.push(...t.views.map((v) => v.id));
	for (const field of t.fields) tx.fieldChanges.push({ tableId: t.id, fieldId: field.id, kind: 'destroy' });
	app.commit(tx);
	return ok({ id: t.id, deleted: true });
};

const routes: Array<{ method: string; pattern: string; handler: AdminHandler }> = [
	{ method: 'GET', pattern: '/health', handler: (_req, app) => ok({ ok: true, now: app.clock.iso(), clockOffsetMs: app.clock.offset }) },
	{
		method: 'POST',
		pattern: '/reset',
		handler: (req, app) => {
			const body = jsonBody(req);
			app.reset((body.seed as 'demo' | SeedBase[] | undefined) ?? app.options.seed);
			return ok({ bases: [...app.bases.keys()] });
		},
	},
	{ method: 'GET', pattern: '/bases', handler: (_req, app) => ok({ bases: app.exportBases() }) },
	{ method: 'POST', pattern: '/bases', handler: (req, app) => ok({ id: app.putBase(jsonBody(req) as unknown as SeedBase).id }) },
	{ method: 'GET', pattern: '/bases/:baseId', handler: (req, app) => ok(exportBase(base(app, req.params.baseId))) },
	{
		method: 'DELETE',
		pattern: '/bases/:baseId',
		handler: (req, app) => {
			base(app, req.params.baseId);
			app.bases.delete(req.params.baseId);
			return ok({ id: req.params.baseId, deleted: true });
		},
	},
	{ method: 'POST', pattern: '/bases/:baseId/tables/:table/records', handler: uiCreate },
	{ method: 'PATCH', pattern: '/bases/:baseId/tables/:table/records', handler: uiUpdate },
	{ method: 'DELETE', pattern: '/bases/:baseId/tables/:table/records', handler: uiDelete },
	{ method: 'POST', pattern: '/bases/:baseId/tables/:table/fields', handler: createFieldAdmin },
	{ method: 'PATCH', pattern: '/bases/:baseId/tables/:table/fields/:field', handler: updateFieldAdmin },
	{ method: 'DELETE', pattern: '/bases/:baseId/tables/:table/fields/:field', handler: deleteFieldAdmin },
	{ method: 'DELETE', pattern: '/bases/:baseId/tables/:table', handler: deleteTableAdmin },
	{
		method: 'POST',
		pattern: '/tokens',
		handler: (req, app) => {
			const token = jsonBody(req) as unknown as TokenConfig;
			if (typeof token.token !== 'string' || typeof token.userId !== 'string') throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'token and userId are required');
			app.tokens.set(token.token, { ...token, bases: token.bases ?? '*' });
			return ok({ token: token.token });
		},
	},
	{
		method: 'DELETE',
		pattern: '/tokens/:token',
		handler: (req, app) => ok({ deleted: app.tokens.delete(req.params.token) }),
	},
	{ method: 'GET', pattern: '/faults', handler: (_req, app) => ok(app.faults.describe()) },
	{
		method: 'PUT',
		pattern: '/faults',
		handler: (req, app) => {
			app.faults.configure(jsonBody(req) as FaultConfig);
			return ok(app.faults.describe());
		},
	},
	{
		method: 'POST',
		pattern: '/faults/queue',
		handler: (req, app) => {
			const faults = jsonBody(req).faults;
			if (!Array.isArray(faults)) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'faults must be an array');
			for (const fault of faults as QueuedFault[]) {
				if (fault.kind === 'statusAfter' && fault.status !== undefined && !(APPLY_THEN_FAIL_STATUSES as readonly string[]).includes(String(fault.status))) {
					throw apiError(422, 'INVALID_REQUEST_UNKNOWN', `statusAfter answers ${APPLY_THEN_FAIL_STATUSES.join(', ')}: Airtable documents a 503 as not applied`);
				}
			}
			app.faults.enqueue(faults as QueuedFault[]);
			return ok(app.faults.describe());
		},
	},
	{
		method: 'DELETE',
		pattern: '/faults',
		handler: (_req, app) => {
			app.faults.clear();
			return ok(app.faults.describe());
		},
	},
	{ method: 'GET', pattern: '/limits', handler: (_req, app) => ok({ config: app.limiter.config, lockouts: app.limiter.lockouts(app.clock.now()) }) },
	{
		method: 'PUT',
		pattern: '/limits',
		handler: (req, app) => {
			app.limiter.config = { ...app.limiter.config, ...(jsonBody(req) as Partial<LimitsConfig>) };
			return ok({ config: app.limiter.config });
		},
	},
	{
		method: 'POST',
		pattern: '/limits/clear',
		handler: (_req, app) => {
			app.limiter.clear();
			return ok({ cleared: true });
		},
	},
	{ method: 'GET', pattern: '/clock', handler: (_req, app) => ok({ now: app.clock.iso(), offsetMs: app.clock.offset }) },
	{
		method: 'POST',
		pattern: '/clock/advance',
		handler: (req, app) => {
			const ms = Number(jsonBody(req).ms);
			if (!Number.isFinite(ms) || ms < 0) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'ms must be a non-negative number');
			app.clock.advance(ms);
			return ok({ now: app.clock.iso(), offsetMs: app.clock.offset });
		},
	},
	{
		method: 'POST',
		pattern: '/clock/reset',
		handler: (_req, app) => {
			app.clock.reset();
			return ok({ now: app.clock.iso(), offsetMs: 0 });
		},
	},
	{
		method: 'GET',
		pattern: '/metrics',
		handler: (req, app) => {
			const since = req.query.get('since');
			const sinceSeq = req.query.get('sinceSeq');
			const sinceMs = since === null ? undefined : /^\d+$/.test(since) ? Number(since) : Date.parse(since);
			return ok(app.metrics.snapshot({ since: sinceMs, sinceSeq: sinceSeq === null ? undefined : Number(sinceSeq) }));
		},
	},
	{
		method: 'POST',
		pattern: '/metrics/reset',
		handler: (_req, app) => {
			app.metrics.reset();
			return ok({ reset: true });
		},
	},
	{
		method: 'GET',
		pattern: '/webhooks',
		handler: (_req, app) =>
			ok({
				webhooks: [...app.webhooks.hooks.values()].map((h) => ({
					...app.webhooks.describe(h),
					baseId: h.baseId,
					macSecretBase64: h.macSecret.toString('base64'),
					payloadCount: h.payloads.length,
					errorCode: h.errorCode ?? null,
				})),
			}),
	},
	{
		method: 'POST',
		pattern: '/webhooks/:webhookId/ping',
		handler: async (req, app) => {
			const hook = app.webhooks.hooks.get(req.params.webhookId);
			if (!hook) throw apiError(404, 'NOT_FOUND', `No webhook ${req.params.webhookId}`);
			if (!hook.notificationUrl) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'The webhook has no notificationUrl');
			return ok(await app.webhooks.pings.sendExtra(hook, jsonBody(req).forged === true));
		},
	},
	{
		method: 'GET',
		pattern: '/pings',
		handler: (req, app) => {
			const id = req.query.get('webhookId');
			return ok({ pings: app.webhooks.pings.sent.filter((p) => !id || p.webhookId === id), config: app.webhooks.pings.config });
		},
	},
	{
		method: 'PUT',
		pattern: '/pings/config',
		handler: (req, app) => {
			app.webhooks.pings.config = { ...app.webhooks.pings.config, ...(jsonBody(req) as Partial<PingConfig>) };
			return ok({ config: app.webhooks.pings.config });
		},
	},
];

const adminRoutes = routes.map((r) => ({ ...r, pattern: ADMIN_PREFIX + r.pattern, endpoint: `admin${r.pattern}` }));

export async function handleAdmin(req: ApiRequest, app: EmulatorApp): Promise<ApiResponse> {
	if (app.options.adminToken !== undefined && req.headers['x-emulator-admin'] !== app.options.adminToken) {
		throw apiError(401, 'AUTHENTICATION_REQUIRED', 'Admin API needs the x-emulator-admin header');
	}
	const match = matchRoute(adminRoutes, req.method, req.path);
	if (!match || match === 'method') throw new ApiError(404, { error: 'NOT_FOUND' });
	return match.route.handler({ ...req, params: match.params }, app);
}

