/** The tool description an AI model reads for the List node used as a tool. */

import { toolDescriptionProperty } from '../shared/tools/toolDescription';

/** What a model reads about the List node used as a tool. */
export const listToolDescription = toolDescriptionProperty(
	'Searches an Airtable table and returns the matching records as { id, createdTime, fields }, at most the configured limit (50 unless set otherwise) so answers stay small. Pass the search values the arguments ask for; text matching ignores case. Costs one Airtable request per 100 records returned.',
);
