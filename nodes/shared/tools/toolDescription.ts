/**
 * The Tool Description property for nodes used as AI tools: one text for the node, or one per
 * operation.
 */

import type { INodeProperties } from 'n8n-workflow';

const TOOL_DESCRIPTION_HELP =
	'What the AI model reads about this tool: what it does, its limits and what to pass. Adjust it to your table.';

/**
 * The text an AI model gets for this node used as a tool. n8n writes one from the operation's
 * `action` only when the operation belongs to a `resource`; otherwise every operation shows the
 * node's one generic description, and a model cannot tell "get" from "create". n8n adds its own
 * `toolDescription` only when a node has none, so this property takes its place: shown only on
 * the tool variant (`@tool`), editable, with a default written for a model.
 */
export function toolDescriptionProperty(text: string, show: Record<string, string[]> = {}): INodeProperties {
	return {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 4 },
		default: text,
		description: TOOL_DESCRIPTION_HELP,
		displayOptions: { show: { '@tool': [true], ...show } },
	};
}

/** One `toolDescription` per operation, so each operation's tool says what it alone does. */
export function toolDescriptionsByOperation(texts: Record<string, string>): INodeProperties[] {
	return Object.entries(texts).map(([operation, text]) => toolDescriptionProperty(text, { operation: [operation] }));
}
