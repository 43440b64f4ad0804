import { type INodeTypeDescription, NodeConnectionTypes } from 'n8n-workflow';

import { authenticationProperty, credentialsDescription } from './properties';

/** What differs between the package's action nodes; the rest is the same for all of them. */
export type ActionNodeParts = Pick<
	INodeTypeDescription,
	'displayName' | 'name' | 'icon' | 'group' | 'subtitle' | 'description' | 'properties'
> &
	Partial<Pick<INodeTypeDescription, 'outputs'>>;

/**
 * An action node's description: version 1, one main input and output (unless `outputs` says
 * otherwise), usable as an AI tool, either credential, and the Authentication picker first.
 */
export function actionNodeDescription(parts: ActionNodeParts): INodeTypeDescription {
	return {
		...parts,
		version: 1,
		defaults: { name: parts.displayName },
		inputs: [NodeConnectionTypes.Main],
		outputs: parts.outputs ?? [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: credentialsDescription,
		properties: [authenticationProperty, ...parts.properties],
	};
}
