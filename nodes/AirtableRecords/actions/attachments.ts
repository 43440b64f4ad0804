/** The Records node's attachment upload property, shown on the operations that write fields. */

import type { INodeProperties } from 'n8n-workflow';

import { attachmentsToUploadProperty } from '../../shared/attachments/attachmentProperties';
import { WRITE_OPERATIONS } from './operation';

/** Files for attachment fields, on the operations that write fields. */
export const recordsAttachmentsProperty: INodeProperties = {
	...attachmentsToUploadProperty,
	displayOptions: { show: { operation: WRITE_OPERATIONS } },
};
