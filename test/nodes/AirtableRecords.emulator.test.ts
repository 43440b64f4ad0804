import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, startEmulator, type RunningEmulator } from '../../emulator';
import { defaultTokens } from '../../emulator/state';
import { AirtableRecords } from '../../nodes/AirtableRecords/AirtableRecords.node';
import { contactsWithThreeBad } from './harness/badContacts';
import { jsonItems, runNode, type RunNodeOptions } from './harness/run-node';

/**
 * The Records node in n8n-core's engine against the emulator's demo base (Contacts, Orders,
 * feature_flags): per-item Base/Table/Options, the value check before the first write, and
 * where failed items go for each "On Error" setting. Request counts come from the emulator.
 */

/** A token without schema.bases:read: the node cannot read field types and must not guess. */
const NO_SCHEMA_TOKEN = 'pat-demo-no-schema-token';

let emu: RunningEmulator;

beforeAll(async () => {
	emu = await startEmulator({
		seed: 'demo',
		log: false,
		limits: { enabled: false },
		tokens: [
			...defaultTokens(),
			{ token: NO_SCHEMA_TOKEN, userId: 'usrNoSchema000001', kind: 'pat', scopes: ['data.records:read', 'data.records:write'], bases: [DEMO_BASE_ID] },
		],
	});
});

afterAll(async () => {
	await emu?.close();
});

const AUTO_MAP = { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] };
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

async function run(parameters: IDataObject, input: INodeExecutionData[], options: Partial<RunNodeOptions> & { token?: string } = {}) {
	const { token = DEMO_TOKEN, ...rest } = options;
	return await runNode(new AirtableRecords(), {
		parameters: { base: byId(DEMO_BASE_ID), table: byId(DEMO_IDS.contacts), ...parameters } as RunNodeOptions['parameters'],
		credentials: { airtableSyncTokenApi: { accessToken: token, baseUrl: emu.url } },
		input,
		...rest,
	});
}

/** What the emulator counted while `action` ran. */
async function counted<T>(action: () => Promise<T>): Promise<{ result: T; writes: number; rejected: number; metaReads: number }> {
	const before = emu.state.metrics.snapshot();
	const result = await action();
	const after = emu.state.metrics.snapshot();
	const status = (code: string) => (after.requests.byStatus[code] ?? 0) - (before.requests.byStatus[code] ?? 0);
	return {
		result,
		writes: after.writes.requests - before.writes.requests,
		rejected: status('422'),
		metaReads: (after.requests.byEndpoint['meta.tables'] ?? 0) - (before.requests.byEndpoint['meta.tables'] ?? 0),
	};
}

/** Field values by name of the table's records whose `field` starts with `prefix`. */
function rowsWhere(tableId: string, field: string, prefix: string): IDataObject[] {
	const table = emu.state.bases.get(DEMO_BASE_ID)!.tables.find((t) => t.id === tableId)!;
	const names = new Map(table.fields.map((f) => [f.id, f.name]));
	return [...table.records.values()]
		.map((record) => Object.fromEntries(Object.entries(record.cells).map(([id, value]) => [names.get(id) ?? id, value])) as IDataObject)
		.filter((row) => String(row[field] ?? '').startsWith(prefix));
}

describe('Airtable Records: Base, Table and Options per item', () => {
	it('writes items to three tables named by the items, one request per 10 of each table, in input order', async () => {
		const tables = [DEMO_IDS.contacts, DEMO_IDS.orders, DEMO_IDS.flags];
		const input = jsonItems(
			...Array.from({ length: 25 }, (_, n) => {
				const table = tables[n % 3];
				const key = table === DEMO_IDS.contacts ? 'Name' : table === DEMO_IDS.orders ? 'Order' : 'flag_name';
				return { table, [key]: `three-tables ${n}` };
			}),
		);
		const { result, writes } = await counted(() =>
			run({ operation: 'create', table: byId('={{ $json.table }}'), columns: AUTO_MAP, options: { ignoreFields: 'table' } }, input),
		);

		expect(result.error).toBeUndefined();
		// 9 contacts, 8 orders, 8 flags: one request each.
		expect(writes).toBe(3);
		const output = result.output[0];
		expect(output).toHaveLength(25);
		output.forEach((item, n) => {
			expect(item.pairedItem).toEqual({ item: n });
			expect(Object.values(item.json.fields as IDataObject)).toContain(`three-tables ${n}`);
		});
		expect(rowsWhere(DEMO_IDS.contacts, 'Name', 'three-tables ')).toHaveLength(9);
		expect(rowsWhere(DEMO_IDS.orders, 'Order', 'three-tables ')).toHaveLength(8);
		expect(rowsWhere(DEMO_IDS.flags, 'flag_name', 'three-tables ')).toHaveLength(8);
	});

	it('reads Typecast per item: the items that ask for it get their text converted, the others are checked strictly', async () => {
		const input = jsonItems(
			{ Name: 'typecast-per-item 0', Score: '41', cast: true },
			{ Name: 'typecast-per-item 1', Score: '42', cast: false },
			{ Name: 'typecast-per-item 2', Score: '43', cast: true },
		);
		const { result, writes, rejected } = await counted(() =>
			run(
				{ operation: 'create', columns: AUTO_MAP, options: { ignoreFields: 'cast', typecast: '={{ $json.cast }}' } },
				input,
				{ continueOnFail: true },
			),
		);

		expect(writes).toBe(1);
		expect(rejected).toBe(0);
		const output = result.output[0];
		expect(output.map((item) => (item.json.fields as IDataObject | undefined)?.Score ?? null)).toEqual([41, null, 43]);
		expect(output[1].json).toMatchObject({ field: 'Score', errorType: 'INVALID_VALUE_FOR_COLUMN' });
		expect(String(output[1].json.error)).toContain('turn on Typecast');
	});

	it('fails only the item whose Table expression comes out empty', async () => {
		const input = jsonItems({ table: DEMO_IDS.contacts, Name: 'empty-table 0' }, { table: '', Name: 'empty-table 1' });
		const result = await run(
			{ operation: 'create', table: byId('={{ $json.table }}'), columns: AUTO_MAP, options: { ignoreFields: 'table' } },
			input,
			{ continueOnFail: true },
		);
		expect(result.output[0][0].json.id).toMatch(/^rec/);
		expect(String(result.output[0][1].json.error)).toContain('The Table is empty');
	});
});

describe('Airtable Records: values checked before the first write', () => {
	it('fails 3 bad items of 30 with no request spent on them; the 27 good ones go out in 3 full-size requests', async () => {
		const { result, writes, rejected, metaReads } = await counted(() =>
			run({ operation: 'create', columns: AUTO_MAP }, contactsWithThreeBad('checked'), { continueOnFail: true }),
		);

		expect(result.error).toBeUndefined();
		expect(writes).toBe(3);
		expect(rejected).toBe(0);
		expect(metaReads).toBeLessThanOrEqual(1);
		const output = result.output[0];
		expect(output).toHaveLength(30);
		expect(output[4].json).toMatchObject({ field: 'Score', errorType: 'INVALID_VALUE_FOR_COLUMN', status: null });
		expect(String(output[4].json.error)).toMatch(/Field "Score" \(number\) got text \(5 characters\): send a number/);
		expect(output[15].json).toMatchObject({ field: 'Stauts', errorType: 'UNKNOWN_FIELD_NAME' });
		expect(output[27].json).toMatchObject({ field: 'Status', errorType: 'INVALID_MULTIPLE_CHOICE_OPTIONS' });
		// No request was made for them, so nothing claims Airtable answered.
		expect(String(output[4].json.error)).not.toContain('Airtable said');
		// Messages describe the value, never repeat it.
		expect(String(output[4].json.error)).not.toContain('forty');
		expect(String(output[27].json.error)).not.toContain('Prospect');
		expect(rowsWhere(DEMO_IDS.contacts, 'Name', 'checked ')).toHaveLength(27);
	});

	it('with Typecast on, lets through what Airtable converts (a new select option) and still stops text in a number field', async () => {
		const input = jsonItems({ Name: 'typecast-check 0', Status: 'Partner' }, { Name: 'typecast-check 1', Score: 'many' });
		const { result, rejected } = await counted(() =>
			run({ operation: 'create', columns: AUTO_MAP, options: { typecast: true } }, input, { continueOnFail: true }),
		);
		expect(rejected).toBe(0);
		expect((result.output[0][0].json.fields as IDataObject).Status).toBe('Partner');
		expect(result.output[0][1].json).toMatchObject({ field: 'Score', errorType: 'INVALID_VALUE_FOR_COLUMN' });
	});

	it('checks computed fields and links on update', async () => {
		const [contact] = rowsWhere(DEMO_IDS.contacts, 'Name', 'checked 0');
		expect(contact).toBeDefined();
		const created = await run({ operation: 'create', table: byId(DEMO_IDS.orders), columns: AUTO_MAP }, jsonItems({ Order: 'link-check 0' }));
		const orderId = created.output[0][0].json.id as string;
		const input = jsonItems(
			{ id: orderId, Contact: ['not-a-record-id'] },
			{ id: orderId, Amount: 12.5 },
		);
		const contacts = await run(
			{ operation: 'update', table: byId(DEMO_IDS.contacts), recordId: '={{ $json.id }}', columns: AUTO_MAP },
			jsonItems({ id: orderId, 'Last Modified': '2024-01-01T00:00:00.000Z' }),
			{ continueOnFail: true },
		);
		expect(contacts.output[0][0].json).toMatchObject({ field: 'Last Modified', errorType: 'INVALID_VALUE_FOR_COLUMN' });
		expect(String(contacts.output[0][0].json.error)).toContain('computed by Airtable');

		const orders = await run(
			{ operation: 'update', table: byId(DEMO_IDS.orders), recordId: '={{ $json.id }}', columns: AUTO_MAP },
			input,
			{ continueOnFail: true },
		);
		expect(orders.output[0][0].json).toMatchObject({ field: 'Contact' });
		expect(String(orders.output[0][0].json.error)).toContain('record ID');
		expect((orders.output[0][1].json.fields as IDataObject).Amount).toBe(12.5);
	});

	it('without Continue On Fail, stops before any write and names the item and the field', async () => {
		const { result, writes } = await counted(() => run({ operation: 'create', columns: AUTO_MAP }, contactsWithThreeBad('stopped')));

		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toContain('Item 4');
		expect(result.error?.message).toContain('Field "Score"');
		expect(writes).toBe(0);
		expect(rowsWhere(DEMO_IDS.contacts, 'Name', 'stopped ')).toHaveLength(0);
	});

	it('without schema access, writes unchecked once noticed, and Airtable’s rejections are split down to the bad item', async () => {
		const input = jsonItems({ Name: 'no-schema 0', Score: 1 }, { Name: 'no-schema 1', Score: 'x' }, { Name: 'no-schema 2', Score: 3 });
		const { result, rejected } = await counted(() =>
			run({ operation: 'create', columns: AUTO_MAP }, input, { continueOnFail: true, token: NO_SCHEMA_TOKEN }),
		);
		expect(rejected).toBeGreaterThan(0);
		expect(result.output[0].map((item) => Boolean(item.json.id))).toEqual([true, false, true]);
		expect(result.output[0][1].json).toMatchObject({ field: 'Score', status: 422 });
		const hints = result.taskData?.hints ?? [];
		expect(hints.filter((hint) => hint.message.includes('were not checked before writing'))).toHaveLength(1);
		expect(hints[0].message).toContain('schema.bases:read');
	});
});

describe('Airtable Records: a failure after some writes landed', () => {
	it('names how many records and which ids were already created', async () => {
		// The check cannot see this one: of two requests of 10, one is refused on Airtable's side.
		emu.state.faults.enqueue([{ kind: 'status', status: 403, match: { writesOnly: true } }]);
		const input = jsonItems(...Array.from({ length: 20 }, (_, n) => ({ Name: `partial ${n}` })));
		const result = await run({ operation: 'create', columns: AUTO_MAP }, input);

		expect(result.error).toBeInstanceOf(NodeApiError);
		const landed = rowsWhere(DEMO_IDS.contacts, 'Name', 'partial ');
		expect(landed).toHaveLength(10);
		expect(result.error?.message).toContain('10 records were already created before this failure');
		const table = emu.state.bases.get(DEMO_BASE_ID)!.tables.find((t) => t.id === DEMO_IDS.contacts)!;
		const landedIds = [...table.records.values()]
			.filter((record) => String(record.cells[DEMO_IDS.contactName]).startsWith('partial '))
			.map((record) => record.id);
		expect(landedIds).toHaveLength(10);
		for (const id of landedIds) expect(result.error?.message).toContain(id);
		expect(result.error?.message).toContain('Re-running after a partial failure');
	});
});

describe('Airtable Records: where failed items go', () => {
	it('"Continue (using error output)": 27 on the success branch, 3 on the error branch naming item and field, input fields kept', async () => {
		const input = contactsWithThreeBad('error-output');
		const result = await run({ operation: 'create', columns: AUTO_MAP }, input, { onError: 'continueErrorOutput' });

		expect(result.error).toBeUndefined();
		const [success, failed] = result.output;
		expect(success).toHaveLength(27);
		expect(success.every((item) => /^rec/.test(String(item.json.id)))).toBe(true);
		expect(failed.map((item) => item.pairedItem)).toEqual([{ item: 4 }, { item: 15 }, { item: 27 }]);
		expect(failed.map((item) => (item.json.details as IDataObject).field)).toEqual(['Score', 'Stauts', 'Status']);
		failed.forEach((item, n) => {
			const itemIndex = [4, 15, 27][n];
			expect(item.json.error).toEqual(expect.stringContaining(`Item ${itemIndex}: Field "${['Score', 'Stauts', 'Status'][n]}"`));
			expect(item.json.details).toMatchObject({ itemIndex, errorKind: 'invalid-input', status: null });
			// n8n merged the input item under the error details.
			expect(item.json.Name).toBe(`error-output ${itemIndex}`);
		});
	});

	it('"Continue (regular output)": every item on the one output, error items in place', async () => {
		const result = await run({ operation: 'create', columns: AUTO_MAP }, contactsWithThreeBad('regular-output'), { onError: 'continueRegularOutput' });
		expect(result.output).toHaveLength(1);
		const output = result.output[0];
		expect(output).toHaveLength(30);
		expect(output.filter((item) => item.json.error).map((item) => item.pairedItem)).toEqual([{ item: 4 }, { item: 15 }, { item: 27 }]);
		expect(output.some((item) => item.error)).toBe(false);
	});

	it('"Stop Workflow": the node fails with the first bad item and writes nothing', async () => {
		const { result, writes } = await counted(() => run({ operation: 'create', columns: AUTO_MAP }, contactsWithThreeBad('stop'), { onError: 'stopWorkflow' }));
		expect(result.error?.message).toContain('Item 4');
		expect(writes).toBe(0);
	});
});
