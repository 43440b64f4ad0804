/** The part of a node description every action node of the package shares. */

import { type INodeTypeDescription, NodeConnectionTypes } from 'n8n-workflow';

import { credentialsDescription } from './properties';

/**
 * What every action node of the package has in common: version 1, one main input and output
 * (a node with more outputs sets its own), either credential. Spread into each node's
 * description literal, next to what is its own (name, icon, properties, and `usableAsTool`,
 * which n8n's linter wants to see written in the node itself).
 */
export const actionNodeBase = {
	version: 1,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: credentialsDescription,
} satisfies Partial<INodeTypeDescription>;
