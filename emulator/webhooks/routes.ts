/**
 * The emulator's webhook endpoints: create, list, refresh, enable notifications, delete, and list
 * payloads.
 */

import { hasScope, visibleBase } from '../auth';
import { apiError, modelNotFound } from '../errors';
import { jsonBody, ok, type ApiRequest, type ApiResponse, type CallInfo } from '../http';
import type { Route } from '../router';
import type { EmulatorApp } from '../state';
import { validateSpec } from './spec';
import type { Webhook } from './types';

const MANAGE = 'webhook:manage';
const MAX_PAYLOADS_PER_PAGE = 50;

/** Data scopes a spec needs on top of webhook:manage (create and list payloads). */
function requireDataScopes(call: CallInfo, dataTypes: string[]): void {
	const token = call.token!;
	if (dataTypes.includes('tableData') && !hasScope(token, 'data.records:read')) throw modelNotFound();
	if ((dataTypes.includes('tableFields') || dataTypes.includes('tableMetadata')) && !hasScope(token, 'schema.bases:read')) throw modelNotFound();
}

function webhookNotFound(id: string) {
	return apiError(404, 'NOT_FOUND', `Could not find webhook ${id}`);
}

/** OAuth integrations only see the webhooks they created; PATs see every webhook of the base. */
function visibleHooks(app: EmulatorApp, call: CallInfo, baseId: string): Webhook[] {
	const clientId = call.token?.kind === 'oauth' ? call.token.clientId : undefined;
	return app.webhooks.forBase(baseId).filter((h) => clientId === undefined || h.ownerClientId === clientId);
}

function findHook(app: EmulatorApp, call: CallInfo, req: ApiRequest): Webhook {
	const hook = visibleHooks(app, call, req.params.baseId).find((h) => h.id === req.params.webhookId);
	if (!hook) throw webhookNotFound(req.params.webhookId);
	return hook;
}

function requireCreator(app: EmulatorApp, call: CallInfo, baseId: string): void {
	const base = visibleBase(app, call.token!, baseId);
	if (base.permissionLevel !== 'create') throw apiError(403, 'INVALID_PERMISSIONS', 'You are not permitted to perform this operation');
}

function create(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const base = visibleBase(app, call.token!, req.params.baseId);
	requireCreator(app, call, base.id);
	const body = jsonBody(req);
	const spec = validateSpec(base, body.specification);
	requireDataScopes(call, spec.options.filters.dataTypes);
	const url = body.notificationUrl;
	if (url !== undefined && url !== null) {
		let parsed: URL | undefined;
		try {
			parsed = typeof url === 'string' ? new URL(url) : undefined;
		} catch {
			parsed = undefined;
		}
		if (!parsed || !/^https?:$/.test(parsed.protocol)) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', `Invalid notificationUrl: ${String(url)}`);
	}
	const live = app.webhooks.forBase(base.id).filter((h) => !app.webhooks.isExpired(h));
	if (live.length >= app.options.webhooksPerBase) {
		throw apiError(422, 'TOO_MANY_WEBHOOKS', `A base can have at most ${app.options.webhooksPerBase} webhooks; delete one before creating another`);
	}
	const clientId = call.token?.kind === 'oauth' ? call.token.clientId : undefined;
	if (clientId && live.filter((h) => h.ownerClientId === clientId).length >= app.options.webhooksPerOAuthClient) {
		throw apiError(
			422,
			'TOO_MANY_WEBHOOKS_BY_OAUTH_INTEGRATION_IN_BASE',
			`An OAuth integration can have at most ${app.options.webhooksPerOAuthClient} webhooks per base`,
		);
	}
	const hook = app.webhooks.create(base.id, typeof url === 'string' ? url : null, spec, clientId);
	return ok({ id: hook.id, macSecretBase64: hook.macSecret.toString('base64'), expirationTime: new Date(hook.expirationTime).toISOString() });
}

function list(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	visibleBase(app, call.token!, req.params.baseId);
	return ok({ webhooks: visibleHooks(app, call, req.params.baseId).map((h) => app.webhooks.describe(h)) });
}

function refresh(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	requireCreator(app, call, req.params.baseId);
	const hook = findHook(app, call, req);
	if (!app.webhooks.isEnabled(hook)) throw apiError(404, 'NOT_FOUND', `Webhook ${hook.id} is expired or disabled and cannot be refreshed; create a new one`);
	app.webhooks.extend(hook);
	return ok({ expirationTime: new Date(hook.expirationTime).toISOString() });
}

function enableNotifications(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	requireCreator(app, call, req.params.baseId);
	const hook = findHook(app, call, req);
	const body = jsonBody(req);
	if (typeof body.enable !== 'boolean') throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'Invalid request: "enable" must be a boolean');
	hook.areNotificationsEnabled = body.enable;
	hook.failures = 0;
	return ok();
}

function remove(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	requireCreator(app, call, req.params.baseId);
	const hook = findHook(app, call, req);
	app.webhooks.remove(hook.id);
	return ok();
}

function payloads(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	visibleBase(app, call.token!, req.params.baseId);
	const hook = findHook(app, call, req);
	requireDataScopes(call, hook.specification.options.filters.dataTypes);
	const cursor = intParam(req.query.get('cursor'), 'cursor') ?? 1;
	const limit = intParam(req.query.get('limit'), 'limit') ?? MAX_PAYLOADS_PER_PAGE;
	if (cursor < 1) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', 'cursor must be a positive integer');
	if (limit < 1 || limit > MAX_PAYLOADS_PER_PAGE) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', `limit must be between 1 and ${MAX_PAYLOADS_PER_PAGE}`);
	app.webhooks.extend(hook);
	// Purged payloads leave a gap at the start; a cursor before the oldest kept one resumes there.
	const available = hook.payloads.filter((p) => p.number >= cursor);
	const page = available.slice(0, limit);
	call.records = page.length;
	return ok({
		cursor: page.length ? page[page.length - 1].number + 1 : cursor,
		mightHaveMore: available.length > page.length,
		payloads: page.map((p) => structuredClone(p.payload)),
	});
}

function intParam(value: string | null, name: string): number | undefined {
	if (value === null || value === '') return undefined;
	const n = Number(value);
	if (!Number.isInteger(n)) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', `${name} must be an integer`);
	return n;
}

export const webhookRoutes: Route[] = [
	{ method: 'POST', pattern: '/v0/bases/:baseId/webhooks', endpoint: 'webhooks.create', scope: MANAGE, baseParam: 'baseId', handler: create },
	{ method: 'GET', pattern: '/v0/bases/:baseId/webhooks', endpoint: 'webhooks.list', scope: MANAGE, baseParam: 'baseId', handler: list },
	{ method: 'POST', pattern: '/v0/bases/:baseId/webhooks/:webhookId/refresh', endpoint: 'webhooks.refresh', scope: MANAGE, baseParam: 'baseId', handler: refresh },
	{
		method: 'POST',
		pattern: '/v0/bases/:baseId/webhooks/:webhookId/enableNotifications',
		endpoint: 'webhooks.enableNotifications',
		scope: MANAGE,
		baseParam: 'baseId',
		handler: enableNotifications,
	},
	{ method: 'DELETE', pattern: '/v0/bases/:baseId/webhooks/:webhookId', endpoint: 'webhooks.delete', scope: MANAGE, baseParam: 'baseId', handler: remove },
	{ method: 'GET', pattern: '/v0/bases/:baseId/webhooks/:webhookId/payloads', endpoint: 'webhooks.payloads', scope: MANAGE, baseParam: 'baseId', handler: payloads },
];
