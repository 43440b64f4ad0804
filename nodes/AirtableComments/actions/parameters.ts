/** Parameters the comment operations share: the record, the comment ID, the text with its mentions. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { isMentionableId, mention } from '../../client/comments/comments';
import { AirtableInputError } from '../../client/errors';
import { recordIdOf } from '../../shared/execution/recordId';
import type { CommentsOperation } from './operation';

const show = (...operation: CommentsOperation[]) => ({ show: { operation } });

export const recordIdProperty: INodeProperties = {
	displayName: 'Record ID',
	name: 'recordId',
	type: 'string',
	default: '={{ $json.id }}',
	required: true,
	placeholder: 'recXXXXXXXXXXXXXX',
	description: 'ID of the record whose comments these are (starts with "rec"), usually read from the input item',
};

export const commentIdProperty: INodeProperties = {
	displayName: 'Comment ID',
	name: 'commentId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'comXXXXXXXXXXXXXX',
	description: 'ID of the comment (starts with "com"), e.g. from List or Add',
	displayOptions: show('edit', 'delete'),
};

export const textProperty: INodeProperties = {
	displayName: 'Text',
	name: 'text',
	type: 'string',
	typeOptions: { rows: 3 },
	default: '',
	required: true,
	description: 'The comment. Mention someone with @[usr…] (their user ID) anywhere in the text, or list them under Mention Users.',
	displayOptions: show('add', 'edit'),
};

export const mentionUsersProperty: INodeProperties = {
	displayName: 'Mention Users',
	name: 'mentionUsers',
	type: 'string',
	default: '',
	placeholder: 'usrAbC123dEf456gHi, usrXyZ987wVu654tSr',
	description: 'User IDs (usr…) to mention, comma-separated: each is put before the text as @[usr…], so Airtable notifies them',
	displayOptions: show('add'),
};

export const replyToProperty: INodeProperties = {
	displayName: 'Reply To (Comment ID)',
	name: 'replyTo',
	type: 'string',
	default: '',
	placeholder: 'comXXXXXXXXXXXXXX',
	description: 'Makes the comment a threaded reply to this comment',
	displayOptions: show('add'),
};

export const returnAllProperty: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
	displayOptions: show('list'),
};

export const limitProperty: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { operation: ['list'], returnAll: [false] } },
};

function stringParameter(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

export { recordIdOf };

export function commentIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	const id = stringParameter(ctx, 'commentId', itemIndex);
	if (!id) throw new AirtableInputError(`Item ${itemIndex}: the Comment ID is empty; map it from List or Add (com…)`, { itemIndexes: [itemIndex] });
	return id;
}

/** The text with the mentioned users put in front (each once, in the order given). */
export function commentTextOf(ctx: IExecuteFunctions, itemIndex: number): string {
	const text = (ctx.getNodeParameter('text', itemIndex, '') as string | undefined) ?? '';
	const users = stringParameter(ctx, 'mentionUsers', itemIndex)
		.split(/[\s,]+/)
		.filter(Boolean);
	const wrong = users.find((user) => !isMentionableId(user));
	if (wrong !== undefined) {
		throw new AirtableInputError(`Item ${itemIndex}: Mention Users: "${wrong}" is not an Airtable user ID (usr…) or group ID (ugp…)`, { itemIndexes: [itemIndex] });
	}
	const mentions = [...new Set(users)].map(mention);
	const full = [mentions.join(' '), String(text).trim()].filter(Boolean).join(' ');
	if (!full) throw new AirtableInputError(`Item ${itemIndex}: the Text is empty; write the comment`, { itemIndexes: [itemIndex] });
	return full;
}

export function replyToOf(ctx: IExecuteFunctions, itemIndex: number): string | undefined {
	return stringParameter(ctx, 'replyTo', itemIndex) || undefined;
}

/** How many comments List returns for this item: undefined = all. */
export function limitOf(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) === true) return undefined;
	const limit = Number(ctx.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) throw new AirtableInputError(`Item ${itemIndex}: the Limit must be a whole number of at least 1`, { itemIndexes: [itemIndex] });
	return limit;
}
