/**
 * Which host a request goes to. Airtable serves attachment uploads from its own host
 * (`content.airtable.com`), everything else from the API host. Any other API root — the local
 * emulator, a proxy or a gateway — is one URL that serves both, so a credential keeps a single
 * "API Base URL" and uploads follow it.
 */
export type ApiHost = 'api' | 'content';

const AIRTABLE_API_HOST = 'api.airtable.com';
const AIRTABLE_CONTENT_HOST = 'content.airtable.com';

/** The root URL (no trailing slash) a request for `host` is sent to, given the API root. */
export function rootForHost(apiRoot: string, host: ApiHost | undefined): string {
	const root = apiRoot.replace(/\/+$/, '');
	if (host !== 'content') return root;
	let url: URL;
	try {
		url = new URL(root);
	} catch {
		return root;
	}
	if (url.hostname !== AIRTABLE_API_HOST) return root;
	url.hostname = AIRTABLE_CONTENT_HOST;
	return url.toString().replace(/\/+$/, '');
}
