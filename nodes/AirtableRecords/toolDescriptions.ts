/** The tool descriptions an AI model reads for each Records operation used as a tool. */

import type { INodeProperties } from 'n8n-workflow';

import { toolDescriptionsByOperation } from '../shared/tools/toolDescription';

const ID_HINT = 'Record IDs start with "rec" (e.g. recAbC123dEf456gHi); find them with a search tool first.';
const VALUES_HINT =
	'Pass each field value as its own argument, as the argument descriptions say; a value the field cannot hold (e.g. an unknown select option) is refused with Airtable\'s message.';

/** What a model reads about each operation used as a tool: what it does, what to pass, what it costs. */
export const recordsToolDescriptions: INodeProperties[] = toolDescriptionsByOperation({
	create: `Creates one new Airtable record from the field values you pass. ${VALUES_HINT} Returns the new record { id, createdTime, fields }. Costs one Airtable request.`,
	get: `Gets one Airtable record by its record ID. ${ID_HINT} Returns { id, createdTime, fields } with every non-empty field. Costs one Airtable request.`,
	getManyByIds: `Gets Airtable records by their record IDs, up to 100 in one request. ${ID_HINT} Returns { id, createdTime, fields } per record found.`,
	update: `Changes fields of one existing Airtable record: pass its record ID and the new values; fields you do not pass stay as they are. ${ID_HINT} Returns the updated record. Costs one Airtable request.`,
	replace: `Overwrites one existing Airtable record: pass its record ID and the values; every field you do not pass is cleared. ${ID_HINT} Returns the record. Costs one Airtable request.`,
	delete: `Deletes one Airtable record by its record ID; this cannot be undone. ${ID_HINT} Returns { id, deleted: true }. Costs one Airtable request.`,
});
