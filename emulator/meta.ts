/**
 * The emulator's metadata API: whoami, the base list and base schemas (tables, fields, views).
 */
import { canSeeBase, hasScope, visibleBase } from './auth';
import { apiError } from './errors';
import { ok, type ApiRequest, type ApiResponse, type CallInfo } from './http';
import { newId } from './ids';
import type { TableData } from './model';
import type { EmulatorWorld } from './world';
import type { SeedField } from './seed/types';

export function whoami(_req: ApiRequest, call: CallInfo): ApiResponse {
	const token = call.token!;
	const body: { id: string; email?: string; scopes?: string[] } = { id: token.userId };
	if (token.email && hasScope(token, 'user.email:read')) body.email = token.email;
	if (token.kind === 'oauth') body.scopes = [...(token.scopes ?? [])];
	return ok(body);
}

export function listBases(req: ApiRequest, call: CallInfo, app: EmulatorWorld): ApiResponse {
	const visible = [...app.bases.values()].filter((b) => canSeeBase(call.token!, b.id));
	let start = 0;
	const offset = req.query.get('offset');
	if (offset) {
		// Offsets are `itr…/appNextBase`; the base id after the slash says where the page starts.
		start = visible.findIndex((b) => b.id === offset.split('/')[1]);
		if (start < 0) throw apiError(422, 'INVALID_OFFSET_VALUE', 'The offset is invalid or has expired');
	}
	const page = visible.slice(start, start + app.options.basesPageSize);
	const next = visible[start + app.options.basesPageSize];
	call.records = 0;
	return ok({
		bases: page.map((b) => ({ id: b.id, name: b.name, permissionLevel: b.permissionLevel })),
		...(next ? { offset: `${newId('itr')}/${next.id}` } : {}),
	});
}

export function baseSchema(req: ApiRequest, call: CallInfo, app: EmulatorWorld): ApiResponse {
	const base = visibleBase(app, call.token!, req.params.baseId);
	const include = [...req.query.getAll('include'), ...req.query.getAll('include[]')];
	return ok({ tables: base.tables.map((t) => tableSchema(t, include.includes('visibleFieldIds'))) });
}

/** A field as the metadata API (and a seed export) shows it. */
export function fieldSchema(f: TableData['fields'][number]): SeedField {
	return {
		id: f.id,
		name: f.name,
		type: f.type,
		...(f.description ? { description: f.description } : {}),
		...(f.options ? { options: structuredClone(f.options) } : {}),
	};
}

export function tableSchema(table: TableData, withVisibleFields: boolean): unknown {
	return {
		id: table.id,
		name: table.name,
		...(table.description ? { description: table.description } : {}),
		primaryFieldId: table.primaryFieldId,
		fields: table.fields.map(fieldSchema),
		views: table.views.map((v) => ({
			id: v.id,
			name: v.name,
			type: v.type,
			...(withVisibleFields && v.type === 'grid' ? { visibleFieldIds: v.visibleFieldIds ?? table.fields.map((f) => f.id) } : {}),
		})),
	};
}
