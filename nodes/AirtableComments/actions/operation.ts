/** The Comments node's operations and their picker. */
import { operationProperty } from '../../shared/editor/properties';

export type CommentsOperation = 'list' | 'add' | 'edit' | 'delete';

export const commentsOperationProperty = operationProperty(
	[
		{ name: 'Add', value: 'add', description: "Add a comment to each item's record, with mentions", action: 'Add a comment' },
		{ name: 'Delete', value: 'delete', description: 'Delete a comment by its ID', action: 'Delete a comment' },
		{ name: 'Edit', value: 'edit', description: "Replace a comment's text (only your own comments)", action: 'Edit a comment' },
		{ name: 'List', value: 'list', description: "List the comments of each item's record, newest first", action: 'List comments' },
	],
	'add',
);
