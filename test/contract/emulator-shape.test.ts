import { startHarness, BASE, type Answer, type Harness } from '../emulator/helpers';
import { errorCases, metaCases, recordCases, shapeDifferences, type ContractCase } from './corpus';

/**
 * The emulator must answer like Airtable: for each case of the corpus the same request is
 * provoked in the emulator and the two answers are compared key by key (values may differ,
 * structure may not). Known, accepted differences are listed here and in README.md.
 */
const OPTIONAL: Record<string, string[]> = {
	// Airtable leaves description out when a table or field has none; the seed's fields have none.
	'base-schema': ['tables[].description', 'tables[].fields[].description', 'tables[].fields[].options'],
};

let h: Harness;
/** A seeded contact's id. */
let CONTACT: string;
beforeEach(async () => {
	h = await startHarness();
	await h.admin('/bases', 'POST', {
		id: 'appReadOnly000001',
		name: 'Read only',
		permissionLevel: 'read',
		tables: [{ name: 'Tasks', fields: [{ name: 'Name', type: 'singleLineText' }] }],
	});
	CONTACT = (await h.api(`/v0/${BASE}/Contacts?maxRecords=1`)).body.records[0].id as string;
});
afterEach(async () => h.emu.close());

const post = (body: unknown) => h.api(`/v0/${BASE}/Contacts`, { method: 'POST', body });
const patch = (body: unknown) => h.api(`/v0/${BASE}/Contacts`, { method: 'PATCH', body });

/** How to make the emulator give each answer of the corpus. */
const provoke: Record<string, () => Promise<Answer>> = {
	'401-authentication-required': async () => h.api(`/v0/${BASE}/Contacts/${CONTACT}`, { token: null }),
	'403-model-not-found': async () => h.api(`/v0/${BASE}/NoSuchTable/${CONTACT}`),
	'403-invalid-permissions': async () => h.api('/v0/appReadOnly000001/Tasks', { method: 'POST', body: { records: [{ fields: { Name: 'x' } }] } }),
	'404-not-found-string': async () => h.api(`/v0/${BASE}/Contacts/recNoSuchRecord01`),
	'422-unknown-field-quoted': async () => post({ records: [{ fields: { Nmae: 'x' } }] }),
	'422-unknown-field-in-sort': async () => h.api(`/v0/${BASE}/Contacts?sort%5B0%5D%5Bfield%5D=NON_EXISTING`),
	'422-cannot-parse-unquoted': async () => post({ records: [{ fields: { Score: 'many' } }] }),
	'422-cannot-accept-quoted': async () => patch({ records: [{ id: CONTACT, fields: { Score: { n: 1 } } }] }),
	'422-can-not-accept-unquoted': async () => post({ records: [{ fields: { Score: [1] } }] }),
	'422-computed-field': async () => post({ records: [{ fields: { 'Last Modified': '2024-01-01' } }] }),
	'422-select-option': async () => post({ records: [{ fields: { Status: 'Meeting Room' } }] }),
	'422-invalid-request-unknown': async () => post({ records: [{ fields: 'Ada' }] }),
	'422-iterator-expired': async () => h.api(`/v0/${BASE}/Contacts?offset=itrGone0000000001%2FrecGone000000001`),
	'422-row-does-not-exist': async () => patch({ records: [{ id: 'recGone000000001', fields: { Name: 'x' } }] }),
	'429-rate-limit': async () => {
		await h.admin('/limits', 'PUT', { enabled: true, perBase: { requests: 1, perMs: 60_000 } });
		await h.api(`/v0/${BASE}/Contacts/${CONTACT}`);
		return h.api(`/v0/${BASE}/Contacts/${CONTACT}`);
	},
	'429-billing-limit': async () => {
		await h.admin('/limits', 'PUT', { monthlyQuota: 0 });
		return h.api(`/v0/${BASE}/Contacts/${CONTACT}`);
	},
	'502-gateway-html': async () => {
		await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'status', status: 502 }] });
		return h.api(`/v0/${BASE}/Contacts/${CONTACT}`);
	},
	'503-retriable': async () => {
		await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'status', status: 503 }] });
		return h.api(`/v0/${BASE}/Contacts/${CONTACT}`);
	},
	'list-page-with-offset': async () => h.api(`/v0/${BASE}/Contacts?pageSize=2`),
	'list-last-page': async () => {
		let page = await h.api(`/v0/${BASE}/Contacts?pageSize=2`);
		while (page.body.offset) page = await h.api(`/v0/${BASE}/Contacts?pageSize=2&offset=${encodeURIComponent(page.body.offset as string)}`);
		return page;
	},
	'get-record': async () => h.api(`/v0/${BASE}/Contacts/${CONTACT}`),
	'create-records': async () => post({ records: [{ fields: { Name: 'Ada' } }, { fields: { Name: 'Grace' } }] }),
	'update-records': async () => patch({ records: [{ id: CONTACT, fields: { Score: 5 } }] }),
	'upsert-created-and-updated': async () =>
		patch({ performUpsert: { fieldsToMergeOn: ['Name'] }, records: [{ fields: { Name: 'Ada', Score: 7 } }, { fields: { Name: 'Katherine', Score: 3 } }] }),
	'delete-records': async () => {
		const second = await post({ records: [{ fields: { Name: 'Grace' } }] });
		return h.api(`/v0/${BASE}/Contacts?records[]=${CONTACT}&records[]=${second.body.records[0].id as string}`, { method: 'DELETE' });
	},
	'delete-one-record': async () => h.api(`/v0/${BASE}/Contacts/${CONTACT}`, { method: 'DELETE' }),
	'base-schema': async () => h.api(`/v0/meta/bases/${BASE}/tables`),
	'list-bases': async () => h.api('/v0/meta/bases'),
};

const cases = [...errorCases, ...recordCases, ...metaCases];

it('every request case of the corpus has a way to provoke it in the emulator', () => {
	expect(cases.map((contract) => contract.id).filter((id) => !provoke[id])).toEqual([]);
});

describe('contract corpus: the emulator answers with the real shapes', () => {
	it.each(cases.map((contract) => [contract.id, contract] as const))('%s', async (id, contract: ContractCase) => {
		const answer = await provoke[id]();
		expect(answer.status).toBe(contract.response.status);
		expect(shapeDifferences(contract.response.body, answer.body, OPTIONAL[id])).toEqual([]);
	});
});

describe('the shape comparison', () => {
	it('catches an envelope that differs from the real one (the emulator’s former 429 body)', () => {
		const real = errorCases.find((contract) => contract.id === '429-rate-limit')?.response.body;
		const former = { error: { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' } };
		expect(shapeDifferences(real, former)).toEqual(['errors: missing in the answer', 'error: not in the real answer']);
	});

	it('compares nested keys and value types, not values', () => {
		expect(shapeDifferences({ records: [{ id: 'recA', deleted: true }] }, { records: [{ id: 'recB', deleted: false }] })).toEqual([]);
		expect(shapeDifferences({ records: [{ id: 'recA', deleted: true }] }, { records: [{ id: 'recB', deleted: 'yes' }] })).toEqual([
			'records[].deleted: expected boolean, got string',
		]);
	});
});
