import type { INodeProperties } from 'n8n-workflow';

import { attachmentsToUploadProperty } from '../../shared/attachmentProperties';
import { WRITE_OPERATIONS } from './operation';

/** Files for attachment fields, on the operations that write fields. */
export const recordsAttachmentsProperty: INodeProperties = {
	...attachmentsToUploadProperty,
	displayOptions: { show: { operation: WRITE_OPERATIONS } },
};
