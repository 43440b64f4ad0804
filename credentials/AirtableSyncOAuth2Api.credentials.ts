/**
 * The OAuth2 credential (authorization code with PKCE) the nodes can sign Airtable requests with;
 * n8n refreshes its tokens.
 */

import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { apiBaseUrlProperty } from './apiBaseUrl';
import { sharedLimitsProperties } from './sharedLimits';

const DEFAULT_SCOPES =
	'data.records:read data.records:write schema.bases:read schema.bases:write data.recordComments:read data.recordComments:write webhook:manage';

/**
 * OAuth2 authorization code with PKCE (S256), as Airtable requires. Token refresh is n8n's
 * job: the nodes call Airtable through httpRequestWithAuthentication, which refreshes on 401
 * and stores the rotated refresh token.
 *
 * The hidden authUrl/accessTokenUrl may stay expressions (unlike the token credential's
 * declarative auth, see there): n8n 2.41 resolves credential field expressions while
 * decrypting the credential, in an expression sandbox it acquires for that itself, and signs
 * and refreshes OAuth2 requests without the workflow's sandbox. So they also resolve in the
 * Instant Trigger's keep-alive cron, outside any execution (test/e2e/triggerOAuth2.e2e.test.ts:
 * an expired token refreshed from the cron against the emulator's token endpoint).
 */
export class AirtableSyncOAuth2Api implements ICredentialType {
	name = 'airtableSyncOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Airtable Sync OAuth2 API';

	documentationUrl = 'https://airtable.com/developers/web/guides/oauth-integrations';

	icon: Icon = { light: 'file:airtableSync.svg', dark: 'file:airtableSync.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'pkce',
		},
		{
			displayName: 'Authorization Server URL',
			name: 'oauthServerUrl',
			type: 'string',
			default: 'https://airtable.com',
			description:
				'Where the OAuth authorize and token endpoints live. Leave as is for Airtable; change it only for a local Airtable emulator.',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '={{$self["oauthServerUrl"].replace(/\\/+$/, "")}}/oauth2/v1/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{$self["oauthServerUrl"].replace(/\\/+$/, "")}}/oauth2/v1/token',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: DEFAULT_SCOPES,
			description:
				'Space-separated Airtable scopes, each enabled on your OAuth integration. Every node needs schema.bases:read for its base and table lists; the Instant Trigger needs webhook:manage; Airtable Base\'s create and update operations need schema.bases:write; Airtable Comments needs data.recordComments:read and :write. Remove what you do not use.',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
		apiBaseUrlProperty,
		...sharedLimitsProperties,
	];
}
