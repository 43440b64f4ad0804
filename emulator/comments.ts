/**
 * Record comments: list (newest first, `pageSize` ≤ 100 and `offset` pages, `"offset": null` on
 * the last page), create (threaded replies, `@[usr…]` mentions resolved into `mentioned` from
 * the users the emulator knows), update and delete by the comment's author. Comments live per
 * base object, so a reset or a re-seeded base starts without any.
 */
import { visibleBase } from './auth';
import { apiError, modelNotFound, notFound } from './errors';
import { jsonBody, ok, type ApiRequest, type ApiResponse, type CallInfo } from './http';
import { newId } from './ids';
import { findTable, type BaseData } from './model';
import type { TokenConfig } from './options';
import type { EmulatorApp } from './state';

const MAX_PAGE_SIZE = 100;
const INVALID = 'Invalid request: parameter validation failed. Check your request data.';

interface CommentData {
	id: string;
	recordId: string;
	authorId: string;
	text: string;
	createdTime: number;
	lastUpdatedTime: number | null;
	parentCommentId?: string;
}

/** Comments by record id, oldest first, per base. */
const commentsByBase = new WeakMap<BaseData, Map<string, CommentData[]>>();

function commentsOf(base: BaseData, recordId: string): CommentData[] {
	let byRecord = commentsByBase.get(base);
	if (!byRecord) commentsByBase.set(base, (byRecord = new Map()));
	let list = byRecord.get(recordId);
	if (!list) byRecord.set(recordId, (list = []));
	return list;
}

/** The base and the record's comments; unknown tables are the usual 403, unknown records 404. */
function target(req: ApiRequest, call: CallInfo, app: EmulatorApp): { base: BaseData; comments: CommentData[] } {
	const base = visibleBase(app, call.token!, req.params.baseId);
	const table = findTable(base, req.params.table);
	if (!table) throw modelNotFound();
	if (!table.records.has(req.params.recordId)) throw notFound();
	return { base, comments: commentsOf(base, req.params.recordId) };
}

function userOf(app: EmulatorApp, userId: string): TokenConfig | undefined {
	return [...app.tokens.values()].find((token) => token.userId === userId);
}

function commentJson(app: EmulatorApp, comment: CommentData): Record<string, unknown> {
	const author = userOf(app, comment.authorId);
	const mentioned: Record<string, unknown> = {};
	for (const [, id] of comment.text.matchAll(/@\[((?:usr|ugp)[A-Za-z0-9]+)\]/g)) {
		const user = userOf(app, id);
		if (user) mentioned[id] = { id, type: 'user', displayName: user.name ?? user.email ?? id, ...(user.email ? { email: user.email } : {}) };
	}
	return {
		id: comment.id,
		author: { id: comment.authorId, email: author?.email ?? `${comment.authorId}@example.com`, ...(author?.name ? { name: author.name } : {}) },
		text: comment.text,
		createdTime: new Date(comment.createdTime).toISOString(),
		lastUpdatedTime: comment.lastUpdatedTime === null ? null : new Date(comment.lastUpdatedTime).toISOString(),
		...(comment.parentCommentId ? { parentCommentId: comment.parentCommentId } : {}),
		...(Object.keys(mentioned).length ? { mentioned } : {}),
	};
}

function requireCommenter(base: BaseData): void {
	if (base.permissionLevel === 'read' || base.permissionLevel === 'none') throw modelNotFound();
}

function textOf(body: Record<string, unknown>): string {
	if (typeof body.text !== 'string' || body.text === '') throw apiError(422, 'INVALID_REQUEST_UNKNOWN', INVALID);
	return body.text;
}

export function listComments(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const { comments } = target(req, call, app);
	const pageSizeText = req.query.get('pageSize');
	const pageSize = pageSizeText === null ? MAX_PAGE_SIZE : Number(pageSizeText);
	if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw apiError(422, 'INVALID_REQUEST_UNKNOWN', INVALID);
	const newestFirst = [...comments].reverse();
	let start = 0;
	const offset = req.query.get('offset');
	if (offset) {
		start = newestFirst.findIndex((comment) => comment.id === offset.split('/')[1]);
		if (start < 0) throw apiError(422, 'INVALID_OFFSET_VALUE', 'The offset is invalid or has expired');
	}
	const page = newestFirst.slice(start, start + pageSize);
	const next = newestFirst[start + pageSize];
	call.records = 0;
	return ok({ comments: page.map((comment) => commentJson(app, comment)), offset: next ? `${newId('itr')}/${next.id}` : null });
}

export function createComment(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const { base, comments } = target(req, call, app);
	requireCommenter(base);
	const body = jsonBody(req);
	const text = textOf(body);
	const parent = body.parentCommentId;
	if (parent !== undefined && (typeof parent !== 'string' || !comments.some((comment) => comment.id === parent))) {
		throw apiError(422, 'INVALID_REQUEST_UNKNOWN', INVALID);
	}
	const comment: CommentData = {
		id: newId('com'),
		recordId: req.params.recordId,
		authorId: call.token!.userId,
		text,
		createdTime: app.clock.now(),
		lastUpdatedTime: null,
		...(typeof parent === 'string' ? { parentCommentId: parent } : {}),
	};
	comments.push(comment);
	return ok(commentJson(app, comment));
}

/** The comment the path names, written by the caller: others' comments cannot be changed. */
function ownComment(req: ApiRequest, call: CallInfo, app: EmulatorApp): { comments: CommentData[]; comment: CommentData } {
	const { base, comments } = target(req, call, app);
	requireCommenter(base);
	const comment = comments.find((candidate) => candidate.id === req.params.commentId);
	if (!comment) throw notFound();
	if (comment.authorId !== call.token!.userId) throw modelNotFound();
	return { comments, comment };
}

export function updateComment(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const { comment } = ownComment(req, call, app);
	comment.text = textOf(jsonBody(req));
	comment.lastUpdatedTime = app.clock.now();
	return ok(commentJson(app, comment));
}

export function deleteComment(req: ApiRequest, call: CallInfo, app: EmulatorApp): ApiResponse {
	const { comments, comment } = ownComment(req, call, app);
	comments.splice(comments.indexOf(comment), 1);
	return ok({ id: comment.id, deleted: true });
}
