import type { ICredentialDataDecryptedObject, IHttpRequestOptions, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { AirtableSyncOAuth2Api } from '../../credentials/AirtableSyncOAuth2Api.credentials';
import { AirtableSyncTokenApi } from '../../credentials/AirtableSyncTokenApi.credentials';
import { TestCredentialsHelper } from '../nodes/harness/credentials-helper';

const BUILT_IN_NAMES = ['airtableApi', 'airtableTokenApi', 'airtableOAuth2Api'];

function property(credential: { properties: Array<{ name: string }> }, name: string) {
	return credential.properties.find((candidate) => candidate.name === name) as Record<string, unknown> | undefined;
}

async function resolved(type: string, data: ICredentialDataDecryptedObject) {
	const helper = new TestCredentialsHelper({ [type]: data });
	return await helper.getDecrypted({} as IWorkflowExecuteAdditionalData, { id: '1', name: 'c' }, type, 'manual');
}

describe('access-token credential (airtableSyncTokenApi)', () => {
	const credential = new AirtableSyncTokenApi();

	it('has its own name, a password field for the token and an optional API base URL', () => {
		expect(credential.name).toBe('airtableSyncTokenApi');
		expect(BUILT_IN_NAMES).not.toContain(credential.name);
		expect(property(credential, 'accessToken')).toMatchObject({ type: 'string', typeOptions: { password: true }, required: true });
		expect(property(credential, 'baseUrl')).toMatchObject({ type: 'string', default: 'https://api.airtable.com' });
	});

	it('signs requests with a Bearer header and keeps the caller options', async () => {
		const request: IHttpRequestOptions = { url: 'https://api.airtable.com/v0/meta/whoami', headers: { Accept: 'application/json' } };
		const authenticate = credential.authenticate as (
			credentials: Record<string, unknown>,
			options: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>;
		const signed = await authenticate({ accessToken: 'patABC.123' }, request);
		expect(signed.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer patABC.123' });
		expect(signed.url).toBe(request.url);
		expect(request.headers).toEqual({ Accept: 'application/json' });
	});

	it('tests itself against whoami at the configured base URL', () => {
		expect(credential.test.request.url).toBe('/v0/meta/whoami');
		expect(String(credential.test.request.baseURL)).toContain('$credentials.baseUrl');
	});
});

describe('OAuth2 credential (airtableSyncOAuth2Api)', () => {
	const credential = new AirtableSyncOAuth2Api();

	it('extends oAuth2Api with PKCE and header authentication under its own name', () => {
		expect(credential.name).toBe('airtableSyncOAuth2Api');
		expect(BUILT_IN_NAMES).not.toContain(credential.name);
		expect(credential.extends).toEqual(['oAuth2Api']);
		expect(property(credential, 'grantType')).toMatchObject({ type: 'hidden', default: 'pkce' });
		expect(property(credential, 'authentication')).toMatchObject({ type: 'hidden', default: 'header' });
	});

	it('asks for the scopes every node needs (webhook:manage, schema writes and comments included) and lets users edit them', () => {
		const scope = property(credential, 'scope');
		expect(scope?.type).toBe('string');
		expect(String(scope?.default).split(' ').sort()).toEqual(
			[
				'data.records:read',
				'data.records:write',
				'schema.bases:read',
				'schema.bases:write',
				'data.recordComments:read',
				'data.recordComments:write',
				'webhook:manage',
			].sort(),
		);
		expect(scope?.description).toMatch(/schema\.bases:write/);
		expect(scope?.description).toMatch(/data\.recordComments:read/);
	});

	it("points at Airtable's authorize and token endpoints by default", async () => {
		const data = await resolved('airtableSyncOAuth2Api', { clientId: 'client' });
		expect(data.authUrl).toBe('https://airtable.com/oauth2/v1/authorize');
		expect(data.accessTokenUrl).toBe('https://airtable.com/oauth2/v1/token');
		expect(data.baseUrl).toBe('https://api.airtable.com');
	});
});
