/** A comment as the Comments node outputs it: Airtable's comment with the record it belongs to. */
import type { IDataObject } from 'n8n-workflow';

import type { RecordComment } from '../../client/comments/types';

export function commentJson(comment: RecordComment, recordId: string): IDataObject {
	return { ...(comment as unknown as IDataObject), recordId };
}
