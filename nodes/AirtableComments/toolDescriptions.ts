/** What a model reads about each Comments operation used as a tool. */
import type { INodeProperties } from 'n8n-workflow';

import { toolDescriptionsByOperation } from '../shared/tools/toolDescription';

const RECORD_HINT = 'Pass the record ID (starts with "rec"; find it with a search tool first).';

export const commentsToolDescriptions: INodeProperties[] = toolDescriptionsByOperation({
	list: `Lists the comments on one Airtable record, newest first. ${RECORD_HINT} Returns { id, text, author, createdTime, lastUpdatedTime, parentCommentId?, mentioned? } per comment; mentions appear in the text as @[usr…]. Costs one Airtable request per 100 comments.`,
	add: `Adds a comment to one Airtable record, to tell a person about it. ${RECORD_HINT} Write the text; to notify someone, put @[usr…] (their user ID, from a comment's author or mentioned list) in the text. Returns the new comment with its id. Costs one Airtable request.`,
	edit: `Replaces the text of one comment you wrote earlier. ${RECORD_HINT} Pass the comment ID (starts with "com") and the new text. Returns the comment. Costs one Airtable request.`,
	delete: `Deletes one comment (this cannot be undone). ${RECORD_HINT} Pass the comment ID (starts with "com"). Returns { id, deleted: true }. Costs one Airtable request.`,
});
