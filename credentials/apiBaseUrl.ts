/**
 * The API Base URL field both credentials share, so one credential can point at Airtable, a
 * gateway or proxy, or the emulator.
 */

import type { INodeProperties } from 'n8n-workflow';

/**
 * The API root both credentials carry, so one credential works against Airtable, a gateway or
 * proxy, or the local emulator; nodes read it through the shared executor.
 */
export const apiBaseUrlProperty: INodeProperties = {
	displayName: 'API Base URL',
	name: 'baseUrl',
	type: 'string',
	default: 'https://api.airtable.com',
	description:
		'Leave as is for Airtable. Change it only to send requests through a gateway or proxy, or to a local Airtable emulator.',
};
