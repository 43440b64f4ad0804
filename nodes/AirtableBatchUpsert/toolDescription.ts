/** The tool description an AI model reads for the Batch Upsert node used as a tool. */

import { toolDescriptionProperty } from '../shared/tools/toolDescription';

/** What a model reads about the Batch Upsert node used as a tool. */
export const upsertToolDescription = toolDescriptionProperty(
	'Creates or updates one Airtable record matched by its merge field (e.g. Email): if a record with the same value exists it is updated, otherwise a new one is created. Pass each field value as its own argument. Returns { id, status: "created" | "updated" | "unchanged", fields }. Costs one Airtable request (plus one read of the matching record when Skip Unchanged is on).',
);
