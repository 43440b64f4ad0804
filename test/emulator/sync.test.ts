import { AirtableClient, type Fields } from '../../index';
import { resetProcessStateForTests } from '../../nodes/client/state';
import type { SeedRecord } from '../../emulator';
import { TOKEN, startHarness, type Harness } from './helpers';

/*
 * table.sync against the emulator, whose upsert matches merge values exactly: wherever the
 * key read's case- and whitespace-blind net finds a near match, the row must still be written,
 * so the table ends up holding every input row exactly.
 */
const BASE = 'appSyncEmu0000001';
let h: Harness;
let client: AirtableClient;

async function start(records: SeedRecord[]): Promise<void> {
	resetProcessStateForTests();
	h = await startHarness({
		tokens: [{ token: TOKEN, userId: 'usrSync0000000001', email: 'sync@example.com', name: 'Sync', kind: 'pat', bases: '*' }],
		seed: [
			{
				id: BASE,
				name: 'Sync',
				tables: [
					{
						name: 'Items',
						fields: [
							{ name: 'Key', type: 'singleLineText' },
							{ name: 'Value', type: 'number', options: { precision: 0 } },
							{ name: 'When', type: 'dateTime', options: { timeZone: 'utc', dateFormat: { name: 'iso' }, timeFormat: { name: '24hour' } } },
						],
						records,
					},
				],
			},
		],
	});
	client = new AirtableClient({ token: TOKEN, baseUrl: h.emu.url, limits: { windowMarginMs: 0 } });
}
afterEach(() => h.emu.close());

const items = () => client.base(BASE).table('Items');

async function tableRows(): Promise<Fields[]> {
	return (await items().list({ fields: ['Key', 'Value'] }).all()).map((record) => record.fields);
}

async function requestsByKind(): Promise<{ reads: number; writes: number }> {
	const log = (await h.admin('/metrics')).body.log as Array<{ endpoint: string; write: boolean }>;
	const api = log.filter((entry) => !entry.endpoint.startsWith('admin'));
	return { reads: api.filter((entry) => !entry.write).length, writes: api.filter((entry) => entry.write).length };
}

it('writes every row whose record differs only in case or surrounding whitespace; skips only exact, unchanged ones', async () => {
	await start([
		{ fields: { Key: 'Ann@Example.com', Value: 1 } },
		{ fields: { Key: ' bob@example.com', Value: 2 } },
		{ fields: { Key: 'cy@example.com', Value: 3 } },
		{ fields: { Key: 'dee@example.com', Value: 4 } },
		{ fields: { Key: 'DEE@example.com', Value: 4 } },
	]);
	const input = [
		{ Key: 'ann@example.com', Value: 1 },
		{ Key: 'bob@example.com', Value: 2 },
		{ Key: 'cy@example.com', Value: 3 },
		{ Key: 'dee@example.com', Value: 4 },
	];
	const result = await items().sync(input, { fieldsToMergeOn: ['Key'], skipUnchanged: true });

	expect(result.rows.map((row) => row.status)).toEqual(['created', 'created', 'unchanged', 'updated']);
	const after = await tableRows();
	for (const row of input) expect(after).toContainEqual(row);
	expect(await requestsByKind()).toMatchObject({ writes: 1 });
});

it('on a larger table (probe, then key reads) the table ends up holding every input row exactly', async () => {
	const seed: SeedRecord[] = Array.from({ length: 450 }, (_, n) => ({ fields: { Key: `Key-${n}`, Value: n } }));
	// Case and whitespace twins of some input keys, spread over the table.
	for (const n of [5, 150, 420, 449]) seed[n] = { fields: { Key: n % 2 ? `  key-${n}` : `KEY-${n}`, Value: n } };
	await start(seed);
	const input = Array.from({ length: 450 }, (_, n) => ({ Key: `Key-${n}`, Value: n === 300 ? -1 : n }));
	const result = await items().sync(input, { fieldsToMergeOn: ['Key'], skipUnchanged: true });

	expect(result.readPlan).toBe('probe+keys');
	expect(result.counts).toMatchObject({ unchanged: 445, created: 4, updated: 1, failed: 0 });
	const after = await tableRows();
	const exact = new Set(after.map((fields) => JSON.stringify([fields.Key, fields.Value])));
	for (const row of input) expect(exact.has(JSON.stringify([row.Key, row.Value]))).toBe(true);
	// At most one read more than ⌈450 / 100⌉ (page 1, 4 key reads, 1 read checking page 1's keys);
	// one upsert request carries the 5 writes.
	const { reads, writes } = await requestsByKind();
	expect(reads - 5).toBeLessThanOrEqual(6); // the listing above is 5 more reads
	expect(writes).toBe(1);
}, 120_000);

it('matches a date-time merge field by instant, however the input writes it', async () => {
	await start([
		{ fields: { Key: 'a', When: '2024-05-01T10:00:00.000Z', Value: 1 } },
		{ fields: { Key: 'b', When: '2024-05-02T10:00:00.000Z', Value: 2 } },
	]);
	const result = await items().sync(
		[
			{ When: '2024-05-01T12:00:00+02:00', Value: 1 },
			{ When: '2024-05-02T10:00:01Z', Value: 2 },
		],
		{ fieldsToMergeOn: ['When'], skipUnchanged: true, keyTypes: { When: 'date' } },
	);
	expect(result.rows.map((row) => row.status)).toEqual(['unchanged', 'created']);
});
