import { READONLY_TOKEN } from '../../emulator';
import { startHarness, BASE, type Answer, type Harness } from '../emulator/helpers';
import comments from './fixtures/comments.json';
import schemaWrites from './fixtures/schemaWrites.json';
import { shapeDifferences, type ContractCase } from './corpus';

/**
 * The emulator's comment and schema-write answers against the recorded ones: each case is
 * provoked and the two answers compared key by key (structure, not values). Keys Airtable leaves
 * out when empty may be missing on either side (OPTIONAL).
 */

const cases = [...(comments.cases as ContractCase[]), ...(schemaWrites.cases as ContractCase[])];

const OPTIONAL: Record<string, string[]> = {
	'create-comment': ['parentCommentId', 'mentioned'],
	'list-comments-last-page': ['comments[].parentCommentId', 'comments[].mentioned'],
};

/** `mentioned` is keyed by user id: its entries are compared, not its (id) keys. */
function byEntries(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(byEntries);
	if (!value || typeof value !== 'object') return value;
	return Object.fromEntries(
		Object.entries(value as Record<string, unknown>).map(([key, entry]) => [
			key,
			key === 'mentioned' && entry && typeof entry === 'object' ? Object.values(entry).map(byEntries) : byEntries(entry),
		]),
	);
}

let h: Harness;
let CONTACT: string;
beforeEach(async () => {
	h = await startHarness();
	CONTACT = (await h.api(`/v0/${BASE}/Contacts?maxRecords=1`)).body.records[0].id as string;
});
afterEach(async () => h.emu.close());

const commentsPath = () => `/v0/${BASE}/Contacts/${CONTACT}/comments`;
const addComment = (text: string, parentCommentId?: string) =>
	h.api(commentsPath(), { method: 'POST', body: parentCommentId ? { text, parentCommentId } : { text } });
const fieldsPath = `/v0/meta/bases/${BASE}/tables/Contacts/fields`;

/** A reply mentioning the demo user (whom the emulator knows) to a first comment. */
async function thread(): Promise<Answer> {
	const first = await addComment('Please check the invoice.');
	const me = (await h.api('/v0/meta/whoami')).body.id as string;
	return addComment(`Done, thanks @[${me}]!`, first.body.id as string);
}

const provoke: Record<string, () => Promise<Answer>> = {
	'list-comments-page': async () => {
		await thread();
		return h.api(`${commentsPath()}?pageSize=1`);
	},
	'list-comments-last-page': async () => {
		await addComment('Please check the invoice.');
		return h.api(commentsPath());
	},
	'create-comment': async () => addComment('Please check the invoice.'),
	'create-comment-mention-reply': thread,
	'update-comment': async () => {
		const created = await addComment('Please check the invoice.');
		return h.api(`${commentsPath()}/${created.body.id as string}`, { method: 'PATCH', body: { text: 'Never mind.' } });
	},
	'delete-comment': async () => {
		const created = await addComment('Please check the invoice.');
		return h.api(`${commentsPath()}/${created.body.id as string}`, { method: 'DELETE' });
	},
	'403-comments-scope': async () => h.api(commentsPath(), { method: 'POST', body: { text: 'Hello' }, token: READONLY_TOKEN }),
	'create-table': async () => h.api(`/v0/meta/bases/${BASE}/tables`, { method: 'POST', body: schemaWrites.cases[0].request.body }),
	'create-field': async () => h.api(fieldsPath, { method: 'POST', body: { name: 'Visited', type: 'checkbox', description: 'Whether visited', options: { icon: 'check', color: 'greenBright' } } }),
	'update-field': async () => {
		const created = await h.api(fieldsPath, { method: 'POST', body: { name: 'Visited', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } } });
		return h.api(`${fieldsPath}/${created.body.id as string}`, { method: 'PATCH', body: { name: 'Seen', description: 'Visited at least once' } });
	},
	'422-duplicate-field-name': async () => h.api(fieldsPath, { method: 'POST', body: { name: 'name', type: 'singleLineText' } }),
	'422-options-not-taken': async () => h.api(fieldsPath, { method: 'POST', body: { name: 'Code', type: 'singleLineText', options: {} } }),
	'422-options-missing': async () => h.api(fieldsPath, { method: 'POST', body: { name: 'Done', type: 'checkbox' } }),
	'403-schema-write-scope': async () =>
		h.api(fieldsPath, { method: 'POST', body: { name: 'Visited', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } }, token: READONLY_TOKEN }),
};

describe('contract corpus: the emulator answers comments and schema writes like Airtable', () => {
	it('has a provocation for every case', () => {
		expect(cases.map((contract) => contract.id).filter((id) => !provoke[id])).toEqual([]);
	});

	it.each(cases.map((contract) => [contract.id, contract] as const))('%s', async (id, contract) => {
		const answer = await provoke[id]();
		expect(answer.status).toBe(contract.response.status);
		expect(shapeDifferences(byEntries(contract.response.body), byEntries(answer.body), OPTIONAL[id] ?? [])).toEqual([]);
	});
});
