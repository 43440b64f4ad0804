/**
 * The comments of one record: list (all pages, newest first, as Airtable orders them), add (with
 * `@[usr…]` mentions), edit and delete. Every request goes through the record's base limiter like
 * any other call. A token without the comment scopes gets an error that names the scope.
 */
import { AirtableInputError, AirtableNotFoundError } from '../errors';
import { withScopeHint } from '../scopes';
import type { RequestRunner } from '../transport/request';
import type {
	AddCommentOptions,
	CommentsPage,
	DeletedComment,
	ListCommentsOptions,
	RecordComment,
} from './types';

export const MAX_COMMENTS_PAGE_SIZE = 100;

const READ_SCOPE = 'data.recordComments:read';
const WRITE_SCOPE = 'data.recordComments:write';
const RECORD_ID = /^rec[A-Za-z0-9]{3,}$/;
const COMMENT_ID = /^com[A-Za-z0-9]{3,}$/;
const USER_ID = /^(?:usr|ugp)[A-Za-z0-9]{3,}$/;

/** Whether `id` is something a comment can mention: a user (usr…) or a user group (ugp…). */
export function isMentionableId(id: string): boolean {
	return USER_ID.test(id);
}

/** `@[usr…]`: how a comment's text mentions a user (or `ugp…` a user group). */
export function mention(userId: string): string {
	if (!isMentionableId(userId)) throw new AirtableInputError(`"${userId}" is not an Airtable user ID (usr…) or group ID (ugp…)`);
	return `@[${userId}]`;
}

interface CommentsResponse {
	comments?: RecordComment[];
	offset?: string | null;
}

export class RecordCommentsHandle {
	private readonly path: string;

	constructor(
		private readonly runner: RequestRunner,
		readonly baseId: string,
		readonly table: string,
		readonly recordId: string,
		tablePath: string,
	) {
		if (typeof recordId !== 'string' || !RECORD_ID.test(recordId)) {
			throw new AirtableInputError(`"${String(recordId)}" is not an Airtable record ID (record IDs start with "rec")`, { baseId, table });
		}
		this.path = `${tablePath}/${encodeURIComponent(recordId)}/comments`;
	}

	/** Pages of comments, newest first, until Airtable gives no offset (or maxComments is reached). */
	async *pages(options: ListCommentsOptions = {}): AsyncGenerator<CommentsPage> {
		const pageSize = options.pageSize ?? MAX_COMMENTS_PAGE_SIZE;
		if (!(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= MAX_COMMENTS_PAGE_SIZE)) {
			throw new AirtableInputError(`pageSize must be a whole number from 1 to ${MAX_COMMENTS_PAGE_SIZE}, not ${pageSize}`);
		}
		let remaining = options.maxComments ?? Number.POSITIVE_INFINITY;
		if (!(remaining >= 1)) throw new AirtableInputError(`maxComments must be at least 1, not ${remaining}`);
		let offset: string | undefined;
		let pageIndex = 0;
		do {
			const query = [`pageSize=${Math.min(pageSize, remaining)}`, ...(offset ? [`offset=${encodeURIComponent(offset)}`] : [])];
			const page = await this.call<CommentsResponse | undefined>('GET', `${this.path}?${query.join('&')}`, 'comments.list', READ_SCOPE);
			let comments = Array.isArray(page?.comments) ? page.comments : [];
			if (comments.length > remaining) comments = comments.slice(0, remaining);
			remaining -= comments.length;
			yield { comments, pageIndex: pageIndex++ };
			offset = typeof page?.offset === 'string' && page.offset ? page.offset : undefined;
		} while (offset && remaining > 0);
	}

	/** Every comment of the record (all pages). */
	async list(options: ListCommentsOptions = {}): Promise<RecordComment[]> {
		const all: RecordComment[] = [];
		for await (const page of this.pages(options)) all.push(...page.comments);
		return all;
	}

	/**
	 * Adds a comment. Not re-sent after a lost answer (it would post twice): such a failure says
	 * its outcome is unknown, like a record create.
	 */
	async add(text: string, options: AddCommentOptions = {}): Promise<RecordComment> {
		requireText(text, this.baseId, this.table);
		const body: Record<string, string> = { text };
		if (options.parentCommentId !== undefined) {
			requireCommentId(options.parentCommentId, this.baseId, this.table);
			body.parentCommentId = options.parentCommentId;
		}
		return await this.call<RecordComment>('POST', this.path, 'comments.create', WRITE_SCOPE, body, 'create');
	}

	/** Replaces a comment's text (Airtable lets only its author do so). Safe to repeat. */
	async edit(commentId: string, text: string): Promise<RecordComment> {
		requireCommentId(commentId, this.baseId, this.table);
		requireText(text, this.baseId, this.table);
		return await this.call<RecordComment>('PATCH', `${this.path}/${encodeURIComponent(commentId)}`, 'comments.update', WRITE_SCOPE, { text });
	}

	/**
	 * Deletes a comment. Re-sent after a lost answer; a 404 to that re-send means the first attempt
	 * most likely deleted it, and counts as deleted (`alreadyGone`), as record deletes do.
	 */
	async delete(commentId: string): Promise<DeletedComment> {
		requireCommentId(commentId, this.baseId, this.table);
		const gone: DeletedComment = { id: commentId, deleted: true, alreadyGone: true };
		const answer = await this.call<Partial<DeletedComment> | undefined>('DELETE', `${this.path}/${encodeURIComponent(commentId)}`, 'comments.delete', WRITE_SCOPE).catch(
			async (error: unknown) => (error instanceof AirtableNotFoundError && error.afterLostAnswer ? gone : await Promise.reject(error)),
		);
		if (answer === gone) return gone;
		return { id: typeof answer?.id === 'string' ? answer.id : commentId, deleted: answer?.deleted !== false };
	}

	private async call<T>(
		method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
		path: string,
		operation: string,
		scope: string,
		body?: unknown,
		safety: 'repeatable' | 'create' = 'repeatable',
	): Promise<T> {
		try {
			return await this.runner.call<T>({ method, path, body, operation, baseId: this.baseId, table: this.table, safety });
		} catch (error) {
			throw withScopeHint(error, scope);
		}
	}
}

function requireText(text: unknown, baseId: string, table: string): void {
	if (typeof text !== 'string' || !text.trim()) throw new AirtableInputError('A comment needs some text', { baseId, table });
}

function requireCommentId(id: unknown, baseId: string, table: string): void {
	if (typeof id !== 'string' || !COMMENT_ID.test(id)) {
		throw new AirtableInputError(`"${String(id)}" is not an Airtable comment ID (comment IDs start with "com")`, { baseId, table });
	}
}
