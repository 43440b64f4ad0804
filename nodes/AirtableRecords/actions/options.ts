/** The Records node's Options collection, with the options each operation shows. */

import { downloadAttachmentsOption, maxFileSizeOption } from '../../shared/attachments/attachmentProperties';
import {
	ignoreFieldsOption,
	optionsCollection,
	timeBudgetOption,
	typecastOption,
	useFieldIdsOption,
} from '../../shared/editor/properties';
import { type RecordsOperation, WRITE_OPERATIONS } from './operation';

const READ_OPERATIONS: RecordsOperation[] = ['get', 'getManyByIds'];

/** Options of every operation; each item may resolve them differently (expressions). */
export const recordsOptionsProperty = optionsCollection([
	{
		...ignoreFieldsOption,
		displayOptions: { show: { '/operation': WRITE_OPERATIONS, '/columns.mappingMode': ['autoMapInputData'] } },
	},
	timeBudgetOption,
	{ ...typecastOption, displayOptions: { show: { '/operation': WRITE_OPERATIONS } } },
	useFieldIdsOption,
	{ ...downloadAttachmentsOption, displayOptions: { show: { '/operation': READ_OPERATIONS } } },
	{ ...maxFileSizeOption, displayOptions: { show: { '/operation': READ_OPERATIONS } } },
]);
