import { metricsText } from '../../../index';
import { newestCursor } from '../../../nodes/AirtableInstantTrigger/cursorMemory';
import { drainWebhook } from '../../../nodes/AirtableInstantTrigger/drain';
import { ignoredAs } from '../../../nodes/client/webhooks/changeAuthors';
import { resetMetrics } from '../../../nodes/client/observability/metrics';
import type { WebhookPayload } from '../../../nodes/client/types';
import { contractCase, webhookCases, webhookSchema } from '../../contract/corpus';
import { api, makeClient, useNock } from '../helpers';
import { sample } from '../metricsSupport';
import { BASE_ID, defaultSettings } from './fixtures';

/*
 * "Ignore Changes Made By": which payloads a trigger drops before any item exists. The payloads
 * are the contract case `payloads-sources-and-users` (test/contract/fixtures/webhooks.json): one
 * change each by this token's user through the API, by another integration's user through the
 * API, by the token's user in the app, by an automation, a form and the system.
 */
useNock();
beforeEach(() => resetMetrics());

const OWN_USER = 'usrSyncBot0000001';
const FIXTURE_TABLE = 'tblTasks00000001';
const page = contractCase(webhookCases, 'payloads-sources-and-users').response.body as { payloads: WebhookPayload[]; cursor: number };
const payloads = page.payloads;
const sourceOf = (payload: WebhookPayload) => `${payload.actionMetadata?.source}:${payload.actionMetadata?.sourceMetadata?.user?.id ?? '-'}`;

describe('ignoredAs', () => {
	it('"this credential" drops only API changes by its own user: the same user in the app and other API users stay', () => {
		const kept = payloads.filter((payload) => !ignoredAs(payload, { ownUserId: OWN_USER }));
		expect(kept.map(sourceOf)).toEqual([
			'publicApi:usrOtherApp000001',
			`client:${OWN_USER}`,
			'automation:-',
			'formSubmission:-',
			'system:-',
		]);
		expect(ignoredAs(payloads[0], { ownUserId: OWN_USER })).toBe('own');
	});

	it('a user list matches ids and emails (any case) whatever the source; a source list drops those sources', () => {
		expect(payloads.filter((p) => ignoredAs(p, { users: ['SYNC-BOT@example.com'] })).map(sourceOf)).toEqual([
			`publicApi:${OWN_USER}`,
			`client:${OWN_USER}`,
		]);
		expect(payloads.filter((p) => ignoredAs(p, { users: ['usrOtherApp000001'] })).map(sourceOf)).toEqual(['publicApi:usrOtherApp000001']);
		expect(payloads.filter((p) => ignoredAs(p, { sources: ['automation', 'system'] })).map(sourceOf)).toEqual(['automation:-', 'system:-']);
	});

	it('a payload without actionMetadata counts as source "unknown"', () => {
		const bare = { ...payloads[0], actionMetadata: undefined };
		expect(ignoredAs(bare, { sources: ['unknown'] })).toBe('source');
		expect(ignoredAs(bare, { ownUserId: OWN_USER })).toBeUndefined();
	});
});

describe('drainWebhook with Ignore Changes Made By This Credential', () => {
	const hookId = 'achIGNORE00000001';
	const payloadsPath = (cursor: number, hook = hookId) => `/v0/bases/${BASE_ID}/webhooks/${hook}/payloads?cursor=${cursor}&limit=50`;

	it('learns the user from whoami once, drops its API changes before mapping, moves the cursor past them and counts them', async () => {
		const client = makeClient();
		const scope = api()
			.get('/v0/meta/whoami')
			.once()
			.reply(200, { id: OWN_USER })
			.get(payloadsPath(1))
			.reply(200, { ...page, cursor: 1 + payloads.length })
			.get(`/v0/meta/bases/${BASE_ID}/tables`)
			.reply(200, { tables: webhookSchema.tables })
			.get(payloadsPath(1 + payloads.length))
			.reply(200, { cursor: 2 + payloads.length, mightHaveMore: false, payloads: [payloads[0]] });
		const first = await drainWebhook({ client, baseId: BASE_ID, webhookId: hookId, storedCursor: 1, settings: defaultSettings, ignore: { own: true, users: [], sources: [] } });
		expect(first.items.map((item) => `${item.source}:${(item.user as { id?: string } | null)?.id ?? '-'}`)).toEqual([
			'publicApi:usrOtherApp000001',
			`client:${OWN_USER}`,
			'automation:-',
			'formSubmission:-',
			'system:-',
		]);
		expect(first).toMatchObject({ cursor: 1 + payloads.length, payloadCount: payloads.length, ignored: 1 });
		// Only its own change this time: nothing to emit, no schema read, the cursor still moves; whoami is not asked again.
		const second = await drainWebhook({ client, baseId: BASE_ID, webhookId: hookId, storedCursor: first.cursor, settings: defaultSettings, ignore: { own: true, users: [], sources: [] } });
		expect(second).toMatchObject({ items: [], cursor: 2 + payloads.length, ignored: 1 });
		expect(scope.isDone()).toBe(true);
		expect(sample(metricsText(), 'airtable_webhook_events_total', { base: BASE_ID, table: FIXTURE_TABLE, type: 'ignored' })).toBe(2);
	});

	it('without whoami (it fails) nothing is dropped blindly: the drain fails and the cursor stays', async () => {
		const client = makeClient({}, { maxRetries: 0 });
		api().get('/v0/meta/whoami').reply(401, { error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' } });
		api().get(payloadsPath(1, 'achIGNORE00000002')).reply(200, { ...page, cursor: 1 + payloads.length });
		await expect(
			drainWebhook({ client, baseId: BASE_ID, webhookId: 'achIGNORE00000002', storedCursor: 1, settings: defaultSettings, ignore: { own: true, users: [], sources: [] } }),
		).rejects.toThrow(/access token/);
		expect(newestCursor('achIGNORE00000002', 1)).toBe(1);
	});
});
