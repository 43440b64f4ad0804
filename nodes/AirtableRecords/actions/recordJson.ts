/** The shape in which the Records node outputs a record. */

import type { IDataObject } from 'n8n-workflow';

import type { AirtableRecord } from '../../client/types';

/** The record as the node outputs it. */
export function recordJson(record: AirtableRecord): IDataObject {
	const json: IDataObject = { id: record.id, createdTime: record.createdTime, fields: record.fields as IDataObject };
	if (record.commentCount !== undefined) json.commentCount = record.commentCount;
	return json;
}
