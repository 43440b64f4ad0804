import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEMO_BASE_ID, DEMO_IDS, DEMO_TOKEN, startEmulator, type RunningEmulator } from '../../emulator';
import { AirtableBatchUpsert } from '../../nodes/AirtableBatchUpsert/AirtableBatchUpsert.node';
import { contactsWithThreeBad } from './harness/badContacts';
import { runNode, type RunNodeOptions } from './harness/run-node';

/*
 * Batch Upsert in n8n-core's engine against the emulator's demo base: values are checked
 * against the table's schema before the first write. Request counts come from the emulator.
 */

let emu: RunningEmulator;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'demo', log: false, limits: { enabled: false } });
});

afterAll(async () => {
	await emu?.close();
});

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const MERGE_ON_NAME = { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['Name'], schema: [] };

async function run(parameters: IDataObject, input: INodeExecutionData[], options: Partial<RunNodeOptions> = {}) {
	return await runNode(new AirtableBatchUpsert(), {
		parameters: { base: byId(DEMO_BASE_ID), table: byId(DEMO_IDS.contacts), columns: MERGE_ON_NAME, ...parameters } as RunNodeOptions['parameters'],
		credentials: { airtableSyncTokenApi: { accessToken: DEMO_TOKEN, baseUrl: emu.url } },
		input,
		...options,
	});
}

/** What the emulator counted while `action` ran. */
async function counted<T>(action: () => Promise<T>): Promise<{ result: T; writes: number; rejected: number }> {
	const before = emu.state.metrics.snapshot();
	const result = await action();
	const after = emu.state.metrics.snapshot();
	const status = (code: string) => (after.requests.byStatus[code] ?? 0) - (before.requests.byStatus[code] ?? 0);
	return { result, writes: after.writes.requests - before.writes.requests, rejected: status('422') };
}

function contactRecords(): Array<{ id: string; fields: IDataObject }> {
	const table = emu.state.bases.get(DEMO_BASE_ID)!.tables.find((t) => t.id === DEMO_IDS.contacts)!;
	const names = new Map(table.fields.map((f) => [f.id, f.name]));
	return [...table.records.values()].map((record) => ({
		id: record.id,
		fields: Object.fromEntries(Object.entries(record.cells).map(([id, value]) => [names.get(id) ?? id, value])) as IDataObject,
	}));
}

describe('Airtable Batch Upsert: values checked before the first write (n8n engine, emulator)', () => {
	it('3 bad items of 30 fail naming item and field with no request spent on them; the 27 good ones sync', async () => {
		const { result, writes, rejected } = await counted(() => run({}, contactsWithThreeBad('upsert-checked'), { continueOnFail: true }));

		expect(result.error).toBeUndefined();
		expect(rejected).toBe(0);
		expect(writes).toBe(3);
		const output = result.output[0];
		expect(output).toHaveLength(30);
		expect(output[4].json).toMatchObject({ status: 'failed', field: 'Score', errorType: 'INVALID_VALUE_FOR_COLUMN' });
		expect(output[4].pairedItem).toEqual({ item: 4 });
		expect(String(output[4].json.error)).toMatch(/Field "Score" \(number\) got text/);
		expect(output[15].json).toMatchObject({ status: 'failed', field: 'Stauts', errorType: 'UNKNOWN_FIELD_NAME' });
		expect(output[27].json).toMatchObject({ status: 'failed', field: 'Status', errorType: 'INVALID_MULTIPLE_CHOICE_OPTIONS' });
		const good = output.filter((_, n) => ![4, 15, 27].includes(n));
		expect(good.map((item) => item.json.status)).toEqual(Array(27).fill('created'));
		const landed = contactRecords().filter((record) => String(record.fields.Name).startsWith('upsert-checked '));
		expect(landed).toHaveLength(27);
		expect(landed.map((record) => record.fields.Name)).not.toContain('upsert-checked 4');
	});

	it('with Delete Records Missing From Input, a bad item keeps every record in place', async () => {
		const before = contactRecords().map((record) => record.id);
		const { result, rejected } = await counted(() =>
			run({ deleteMissing: true, maxDeletions: 0, options: { output: 'summary' } }, contactsWithThreeBad('upsert-mirror'), {
				continueOnFail: true,
			}),
		);

		expect(result.error).toBeUndefined();
		expect(rejected).toBe(0);
		expect(result.output[0][0].json).toMatchObject({ created: 27, failed: 3, deleted: 0 });
		const after = contactRecords().map((record) => record.id);
		expect(after).toEqual(expect.arrayContaining(before));
	});

	it('without Continue On Fail, stops before any write and names the item and the field', async () => {
		const { result, writes } = await counted(() => run({}, contactsWithThreeBad('upsert-stopped')));

		expect(writes).toBe(0);
		expect(result.error?.message).toMatch(/Item 4/);
		expect(result.error?.message).toContain('Score');
		expect(contactRecords().filter((record) => String(record.fields.Name).startsWith('upsert-stopped'))).toHaveLength(0);
	});
});
