import type { WorkflowNode } from '../runtime/api';
import { DEMO_IDS, locators, PKG } from './context';

export const TRIGGER_NODE = 'Airtable Instant Trigger';

/**
 * The Airtable Instant Trigger on the demo base's Contacts table, as the e2e workflows place it:
 * every event, with a token credential unless `parameters` say otherwise.
 */
export function instantTriggerNode(
	credentials: WorkflowNode['credentials'],
	webhookId: string,
	parameters: Record<string, unknown> = {},
): WorkflowNode {
	return {
		name: TRIGGER_NODE,
		type: `${PKG}.airtableInstantTrigger`,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		credentials,
		parameters: {
			authentication: 'accessToken',
			...locators(DEMO_IDS.contacts, 'Contacts'),
			events: ['created', 'updated', 'deleted'],
			...parameters,
		},
	};
}
