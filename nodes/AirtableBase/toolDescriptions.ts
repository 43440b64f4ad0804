/** What a model reads about each Base operation used as a tool. */
import type { INodeProperties } from 'n8n-workflow';

import { toolDescriptionsByOperation } from '../shared/tools/toolDescription';

export const baseToolDescriptions: INodeProperties[] = toolDescriptionsByOperation({
	listBases: 'Lists the Airtable bases this connection can see: { id, name, permissionLevel } each. Costs one Airtable request per 1000 bases.',
	getSchema: "Gets every table of the Airtable base with all its fields (name, id, type, options) and views. Large; to write records into one table, prefer the describe-table tool. Costs one Airtable request.",
	describeTable:
		'Describes one Airtable table before you write to it: for each field its name, type, whether it can be written, what value to send (e.g. "a list of record IDs", "one option name") and the allowed select options. Call it first instead of guessing field names. Free after the first call in a minute (the schema is cached).',
	createTable: 'Creates a table in the Airtable base with the fields you pass (the first is the primary field). Returns the new table with its field IDs. Costs one Airtable request.',
	createField:
		'Adds one field to an Airtable table: pass its name and type (and select options for a select field). Returns the field with its id; records can be written to it at once. Costs one Airtable request.',
	updateField: 'Renames one field of an Airtable table or changes its description. Returns the field. Costs one Airtable request.',
});
