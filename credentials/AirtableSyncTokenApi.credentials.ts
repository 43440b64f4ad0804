/**
 * The personal access token credential: a token plus the API base URL, signed by a function so it
 * also works outside executions.
 */

import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { apiBaseUrlProperty } from './apiBaseUrl';
import { sharedLimitsProperties } from './sharedLimits';

/**
 * Personal access token. The API base URL is a field so the same credential works against a
 * gateway, a proxy or the local emulator; nodes read it through the shared executor.
 */
export class AirtableSyncTokenApi implements ICredentialType {
	name = 'airtableSyncTokenApi';

	displayName = 'Airtable Sync Access Token API';

	documentationUrl = 'https://airtable.com/developers/web/guides/personal-access-tokens';

	icon: Icon = { light: 'file:airtableSync.svg', dark: 'file:airtableSync.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Personal access token from airtable.com/create/tokens. Give it the scopes data.records:read, data.records:write and schema.bases:read (plus webhook:manage for the Instant Trigger, schema.bases:write to create tables and fields, data.recordComments:read and :write for comments) and access to the bases you use.',
		},
		apiBaseUrlProperty,
		...sharedLimitsProperties,
	];

	/**
	 * A function, not the declarative `{ type: 'generic' }` form: n8n 2.41 resolves declarative
	 * auth through its expression sandbox, which exists only inside executions, activation and
	 * webhook calls. The Instant Trigger's keep-alive timer signs requests outside all of
	 * those (seen: "No bridge acquired for this context"); a function needs no sandbox.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.accessToken ?? '')}` },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v0/meta/whoami',
		},
	};
}
