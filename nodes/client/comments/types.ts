/**
 * Record comments as the comments API returns them (list, create, update). A leaf: imports nothing.
 * Shapes from Airtable's "Create comment" page and pyairtable's comment model; see
 * test/contract/README.md for the recorded cases.
 */

export interface CommentAuthor {
	id: string;
	email?: string;
	name?: string;
}

/** Someone named in the text as `@[usr…]` (or a group, `@[ugp…]`). */
export interface CommentMention {
	id: string;
	type: 'user' | 'userGroup' | string;
	displayName?: string;
	email?: string;
}

export interface RecordComment {
	id: string;
	text: string;
	createdTime: string;
	/** null until the comment is edited. */
	lastUpdatedTime: string | null;
	author: CommentAuthor;
	/** Set when the comment is a threaded reply. */
	parentCommentId?: string;
	/** The mentioned users and groups by id. */
	mentioned?: Record<string, CommentMention>;
	reactions?: Array<{ emoji: { unicodeCharacter: string }; reactingUser: { userId: string; email?: string; name?: string } }>;
}

export interface CommentsPage {
	comments: RecordComment[];
	pageIndex: number;
}

export interface ListCommentsOptions {
	/** Comments per request, 1–100 (default 100). */
	pageSize?: number;
	/** Stop after this many comments (newest first). */
	maxComments?: number;
}

export interface AddCommentOptions {
	/** Makes the comment a threaded reply to this one (`com…`). */
	parentCommentId?: string;
}

export interface DeletedComment {
	id: string;
	deleted: boolean;
	/** A delete re-sent after a lost answer found the comment gone: the first attempt deleted it. */
	alreadyGone?: boolean;
}
