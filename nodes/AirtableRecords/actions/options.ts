import { downloadAttachmentsOptions } from '../../shared/attachmentProperties';
import { ignoreFieldsOption, optionsCollection, typecastOption, useFieldIdsOption } from '../../shared/properties';
import { WRITE_OPERATIONS } from './operation';

/** Options of every operation; each item may resolve them differently (expressions). */
export const recordsOptionsProperty = optionsCollection([
	{
		...ignoreFieldsOption,
		displayOptions: { show: { '/operation': WRITE_OPERATIONS, '/columns.mappingMode': ['autoMapInputData'] } },
	},
	{ ...typecastOption, displayOptions: { show: { '/operation': WRITE_OPERATIONS } } },
	useFieldIdsOption,
	...downloadAttachmentsOptions.map((option) => ({ ...option, displayOptions: { show: { '/operation': ['get', 'getManyByIds'] } } })),
]);
