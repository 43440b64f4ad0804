import type { IDataObject } from 'n8n-workflow';

import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, DEMO_USER, READONLY_TOKEN, startEmulator, type RunningEmulator } from '../../emulator';
import { AirtableComments } from '../../nodes/AirtableComments/AirtableComments.node';
import { jsonItems, runNode, type RunNodeOptions } from './harness/run-node';

/**
 * The Comments node in n8n-core's engine against the emulator: add with mentions and a reply,
 * list across pages (all, or up to a limit), edit, delete; a bad item fails alone; a token
 * without the comment scopes is told which one to add.
 */

let emu: RunningEmulator;
let record: string;
beforeAll(async () => {
	emu = await startEmulator({ seed: 'demo', log: false, limits: { enabled: false } });
	record = [...emu.state.bases.get(DEMO_BASE_ID)!.tables.find((t) => t.id === DEMO_IDS.contacts)!.records.keys()][0];
});
afterAll(async () => emu?.close());

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

async function comments(parameters: IDataObject, input = jsonItems({ id: record }), options: Partial<RunNodeOptions> & { token?: string } = {}) {
	const { token = DEMO_TOKEN, ...rest } = options;
	return await runNode(new AirtableComments(), {
		parameters: { base: byId(DEMO_BASE_ID), table: byId(DEMO_IDS.contacts), ...parameters } as RunNodeOptions['parameters'],
		credentials: { airtableSyncTokenApi: { accessToken: token, baseUrl: emu.url } },
		input,
		...rest,
	});
}

const listRequests = () => emu.state.metrics.snapshot().requests.byEndpoint['comments.list'] ?? 0;

describe('Airtable Comments node', () => {
	it('adds a comment mentioning a user, then a threaded reply; list returns them newest first', async () => {
		const added = await comments({ operation: 'add', text: 'Please call back', mentionUsers: DEMO_USER.id });
		expect(added.error).toBeUndefined();
		const first = added.output[0][0].json;
		expect(first).toMatchObject({ text: `@[${DEMO_USER.id}] Please call back`, recordId: record, lastUpdatedTime: null });
		expect(Object.keys(first.mentioned as IDataObject)).toEqual([DEMO_USER.id]);

		const reply = await comments({ operation: 'add', text: 'Done', replyTo: first.id });
		expect(reply.output[0][0].json).toMatchObject({ parentCommentId: first.id });

		const listed = await comments({ operation: 'list', returnAll: true });
		expect(listed.output[0].map((item) => item.json.text)).toEqual(['Done', `@[${DEMO_USER.id}] Please call back`]);
		expect(listed.output[0].every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('list reads every page (100 per request) with Return All, and stops at the Limit otherwise', async () => {
		// Straight to the emulator: through the node, 150 adds are paced at 5 a second.
		for (let n = 0; n < 150; n++) {
			await fetch(`${emu.url}/v0/${DEMO_BASE_ID}/${DEMO_IDS.contacts}/${record}/comments`, {
				method: 'POST',
				headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
				body: JSON.stringify({ text: `Note ${n}` }),
			});
		}
		const before = listRequests();
		const all = await comments({ operation: 'list', returnAll: true });
		expect(all.output[0].length).toBeGreaterThanOrEqual(152);
		expect(listRequests() - before).toBe(2);
		const some = await comments({ operation: 'list', returnAll: false, limit: 3 });
		expect(some.output[0].map((item) => item.json.text)).toEqual(['Note 149', 'Note 148', 'Note 147']);
		expect(listRequests() - before).toBe(3);
	});

	it('edits and deletes a comment by its ID', async () => {
		const added = await comments({ operation: 'add', text: 'Typo hree' });
		const id = added.output[0][0].json.id as string;
		const edited = await comments({ operation: 'edit', commentId: id, text: 'Typo here' });
		expect(edited.output[0][0].json).toMatchObject({ id, text: 'Typo here', lastUpdatedTime: expect.any(String) });
		const deleted = await comments({ operation: 'delete', commentId: id });
		expect(deleted.output[0][0].json).toEqual({ id, deleted: true, recordId: record });
		const listed = await comments({ operation: 'list', returnAll: true });
		expect(listed.output[0].some((item) => item.json.id === id)).toBe(false);
	});

	it('a bad item fails alone with what to fix; the good one is added', async () => {
		const result = await comments({ operation: 'add', text: 'Hello', mentionUsers: '={{ $json.who }}' }, jsonItems({ id: record, who: 'ada@example.com' }, { id: record, who: '' }), { continueOnFail: true });
		expect(String(result.output[0][0].json.error)).toMatch(/Mention Users: "ada@example.com" is not an Airtable user ID/);
		expect(result.output[0][1].json).toMatchObject({ text: 'Hello' });
	});

	it('a token without the comment scopes is told which scope to add', async () => {
		const result = await comments({ operation: 'list', returnAll: true }, jsonItems({ id: record }), { token: READONLY_TOKEN });
		expect(result.error?.message).toMatch(/needs the scope data\.recordComments:read/);
	});
});
