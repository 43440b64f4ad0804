import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startEmulator, type RunningEmulator } from '../../emulator';
import { filesOf } from '../../emulator/attachments';
import type { AttachmentCell } from '../../index';
import { AirtableBatchUpsert } from '../../nodes/AirtableBatchUpsert/AirtableBatchUpsert.node';
import { AirtableList } from '../../nodes/AirtableList/AirtableList.node';
import { AirtableRecords } from '../../nodes/AirtableRecords/AirtableRecords.node';
import { callLoadOptions } from './harness/editor-methods';
import { runNode, type RunNodeOptions } from './harness/run-node';
import { pngHeader as png } from '../support/pngHeader';

/*
 * Records with files, through n8n-core's engine against the emulator: binary data in (upload
 * after the record exists), binary data out (Download Attachments), bytes compared.
 */

const TOKEN = 'pat-attachments-node-test';
const TABLE = 'tblDocs0000000001';
let BASE_COUNTER = 0;
let BASE = '';
let emu: RunningEmulator;

const PDF = Buffer.from('%PDF-1.4 a tiny document\n%%EOF\n');
const IMAGE = png(4, 3, 100);

function binaryItem(json: IDataObject, files: Record<string, { data: Buffer; fileName: string; mimeType: string }>, index: number): INodeExecutionData {
	const binary: INodeExecutionData['binary'] = {};
	for (const [name, file] of Object.entries(files)) {
		binary[name] = { data: file.data.toString('base64'), fileName: file.fileName, mimeType: file.mimeType, bytes: file.data.length };
	}
	return { json, binary, pairedItem: { item: index } };
}

const credentials = () => ({ airtableSyncTokenApi: { accessToken: TOKEN, baseUrl: emu.url } });

function params(extra: IDataObject): RunNodeOptions['parameters'] {
	return {
		base: { __rl: true, mode: 'id', value: BASE },
		table: { __rl: true, mode: 'id', value: TABLE },
		...extra,
	} as RunNodeOptions['parameters'];
}

const NAME_MAPPING = {
	mappingMode: 'defineBelow',
	value: { Name: '={{ $json.name }}' },
	matchingColumns: [],
	schema: [{ id: 'Name', displayName: 'Name', required: false, defaultMatch: false, display: true, canBeUsedToMatch: false, type: 'string' }],
};

async function run(parameters: IDataObject, input: INodeExecutionData[], extra: Partial<RunNodeOptions> = {}) {
	return await runNode(new AirtableRecords(), { parameters: params(parameters), credentials: credentials(), input, ...extra });
}

function cellsOf(recordId: string): AttachmentCell[] {
	const table = emu.state.bases.get(BASE)!.tables[0];
	const field = table.fields.find((f) => f.name === 'Files')!;
	return (table.records.get(recordId)?.cells[field.id] as AttachmentCell[] | undefined) ?? [];
}

/** A loopback file server (the emulator fetches URL attachments from loopback only): `bytes` at any path. */
async function serveCsv(bytes: Buffer): Promise<{ server: http.Server; origin: string }> {
	const server = http.createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'text/csv' });
		res.end(bytes);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function storedBytes(attachment: AttachmentCell): Buffer | undefined {
	return filesOf(emu.state).get(attachment.id)?.data;
}

beforeAll(async () => {
	emu = await startEmulator({ tokens: [{ token: TOKEN, userId: 'usrAttach00000001', bases: '*' }], seed: [], limits: { enabled: false } });
});
afterAll(async () => await emu.close());

beforeEach(() => {
	BASE_COUNTER++;
	BASE = `appAttachNode${String(BASE_COUNTER).padStart(4, '0')}`;
	emu.state.clock.reset();
	emu.state.putBase({
		id: BASE,
		name: 'Attachments',
		tables: [
			{
				id: TABLE,
				name: 'Docs',
				fields: [
					{ name: 'Name', type: 'singleLineText' },
					{ name: 'Files', type: 'multipleAttachments' },
					{ name: 'Status', type: 'singleSelect', options: { choices: ['Open'] } },
				],
				records: [],
			},
		],
	});
});

describe('Airtable Records with attachments (n8n engine, emulator)', () => {
	it('the field picker offers attachment fields only', async () => {
		const options = await callLoadOptions(new AirtableRecords(), 'getAttachmentFields', credentials(), params({ operation: 'create' })!);
		expect(options.map((option) => option.name)).toEqual(['Files']);
	});

	it('Create uploads each item’s binary properties after the record exists (Typecast on) and outputs the final cells', async () => {
		const input = [
			binaryItem({ name: 'with two files' }, { data: { data: PDF, fileName: 'doc.pdf', mimeType: 'application/pdf' }, image: { data: IMAGE, fileName: 'pic.png', mimeType: 'image/png' } }, 0),
			binaryItem({ name: 'with one file' }, { data: { data: IMAGE, fileName: 'only.png', mimeType: 'image/png' } }, 1),
		];
		const result = await run(
			{
				operation: 'create',
				columns: { ...NAME_MAPPING, value: { Name: '={{ $json.name }}', Status: 'Brand new option' } },
				attachments: { values: [{ field: 'Files', binaryProperties: '*', urls: '', mode: 'append' }] },
				options: { typecast: true },
			},
			input,
		);
		expect(result.error).toBeUndefined();
		const [first, second] = result.output[0];
		const firstCells = (first.json.fields as IDataObject).Files as AttachmentCell[];
		expect(firstCells.map((cell) => cell.filename)).toEqual(['doc.pdf', 'pic.png']);
		expect(firstCells[1]).toMatchObject({ type: 'image/png', width: 4, height: 3, size: IMAGE.length });
		expect((first.json.fields as IDataObject).Status).toBe('Brand new option');
		const stored = cellsOf(String(first.json.id));
		expect(storedBytes(stored[0])?.equals(PDF)).toBe(true);
		expect(storedBytes(stored[1])?.equals(IMAGE)).toBe(true);
		expect(cellsOf(String(second.json.id)).map((cell) => cell.filename)).toEqual(['only.png']);
		expect(first.pairedItem).toEqual({ item: 0 });
	});

	it('a file over 5 MB fails its item with file name and size, before anything is written; the others land', async () => {
		const big = Buffer.alloc(5 * 1024 * 1024 + 10, 1);
		const input = [
			binaryItem({ name: 'too big' }, { data: { data: big, fileName: 'scan.tiff', mimeType: 'image/tiff' } }, 0),
			binaryItem({ name: 'fine' }, { data: { data: PDF, fileName: 'ok.pdf', mimeType: 'application/pdf' } }, 1),
		];
		const result = await run(
			{ operation: 'create', columns: NAME_MAPPING, attachments: { values: [{ field: 'Files', binaryProperties: 'data', urls: '', mode: 'append' }] } },
			input,
			{ continueOnFail: true },
		);
		const [bad, good] = result.output[0];
		expect(String(bad.json.error)).toMatch(/File "scan\.tiff" \(binary property "data"\) is 5\.0 MB.*at most 5 MB.*public URL/);
		expect(good.json.id).toBeDefined();
		const names = [...emu.state.bases.get(BASE)!.tables[0].records.values()].map((r) => Object.values(r.cells)[0]);
		expect(names).toEqual(['fine']);
	});

	it('a missing binary property is a clear item error', async () => {
		const result = await run(
			{ operation: 'create', columns: NAME_MAPPING, attachments: { values: [{ field: 'Files', binaryProperties: 'invoice', urls: '', mode: 'append' }] } },
			[binaryItem({ name: 'no invoice' }, { data: { data: PDF, fileName: 'a.pdf', mimeType: 'application/pdf' } }, 0)],
			{ continueOnFail: true },
		);
		expect(String(result.output[0][0].json.error)).toMatch(/invoice/);
		expect(emu.state.bases.get(BASE)!.tables[0].records.size).toBe(0);
	});

	it('Update: Append keeps what is there and adds URL and binary files; Replace swaps them', async () => {
		const served = Buffer.from('a,b\n1,2\n');
		const { server, origin } = await serveCsv(served);
		const csvUrl = `${origin}/data.csv`;
		try {
			const created = await run(
				{ operation: 'create', columns: NAME_MAPPING, attachments: { values: [{ field: 'Files', binaryProperties: 'data', urls: '', mode: 'append' }] } },
				[binaryItem({ name: 'doc' }, { data: { data: PDF, fileName: 'v1.pdf', mimeType: 'application/pdf' } }, 0)],
			);
			const id = String(created.output[0][0].json.id);
			const updateMapping = { ...NAME_MAPPING, value: { id, Name: 'doc' } };
			const appended = await run(
				{ operation: 'update', columns: updateMapping, attachments: { values: [{ field: 'Files', binaryProperties: 'data', urls: csvUrl, mode: 'append' }] } },
				[binaryItem({}, { data: { data: IMAGE, fileName: 'v2.png', mimeType: 'image/png' } }, 0)],
			);
			expect(appended.error).toBeUndefined();
			await Promise.all([...filesOf(emu.state).pending.values()]);
			expect(cellsOf(id).map((cell) => cell.filename)).toEqual(['v1.pdf', 'data.csv', 'v2.png']);
			expect(storedBytes(cellsOf(id)[1])?.equals(served)).toBe(true);

			const replaced = await run(
				{ operation: 'update', columns: updateMapping, attachments: { values: [{ field: 'Files', binaryProperties: 'data', urls: '', mode: 'replace' }] } },
				[binaryItem({}, { data: { data: PDF, fileName: 'v3.pdf', mimeType: 'application/pdf' } }, 0)],
			);
			expect(replaced.error).toBeUndefined();
			expect(cellsOf(id).map((cell) => cell.filename)).toEqual(['v3.pdf']);
		} finally {
			server.close();
		}
	});

	it('Get and Get Many by IDs with Download Attachments put the files on the items as binary data', async () => {
		const created = await run(
			{ operation: 'create', columns: NAME_MAPPING, attachments: { values: [{ field: 'Files', binaryProperties: 'data, image', urls: '', mode: 'append' }] } },
			[binaryItem({ name: 'doc' }, { data: { data: PDF, fileName: 'doc.pdf', mimeType: 'application/pdf' }, image: { data: IMAGE, fileName: 'pic.png', mimeType: 'image/png' } }, 0)],
		);
		const id = String(created.output[0][0].json.id);
		for (const operation of ['get', 'getManyByIds']) {
			const read = await run({ operation, options: { downloadAttachments: ['Files'], maxFileSizeMb: 1 } }, [{ json: { id }, pairedItem: { item: 0 } }]);
			expect(read.error).toBeUndefined();
			const item = read.output[0][0];
			expect(Object.keys(item.binary ?? {}).sort()).toEqual(['Files_0', 'Files_1']);
			expect(item.binary!.Files_0).toMatchObject({ fileName: 'doc.pdf', mimeType: 'application/pdf' });
			expect(Buffer.from(item.binary!.Files_0.data, 'base64').equals(PDF)).toBe(true);
			expect(Buffer.from(item.binary!.Files_1.data, 'base64').equals(IMAGE)).toBe(true);
		}
	});

	it('Max File Size fails the item whose file is larger, naming it', async () => {
		const created = await run(
			{ operation: 'create', columns: NAME_MAPPING, attachments: { values: [{ field: 'Files', binaryProperties: 'data', urls: '', mode: 'append' }] } },
			[binaryItem({ name: 'doc' }, { data: { data: Buffer.alloc(3000, 5), fileName: 'big.bin', mimeType: 'application/octet-stream' } }, 0)],
		);
		const id = String(created.output[0][0].json.id);
		const read = await run({ operation: 'get', options: { downloadAttachments: ['Files'], maxFileSizeMb: 0.001 } }, [{ json: { id }, pairedItem: { item: 0 } }], {
			continueOnFail: true,
		});
		expect(String(read.output[0][0].json.error)).toMatch(/File "big\.bin" is 2\.9 KB, more than the Max File Size of 1\.0 KB/);
	});

	it('List with Download Attachments: one item per record, flattened, or per page', async () => {
		await run(
			{ operation: 'create', columns: NAME_MAPPING, attachments: { values: [{ field: 'Files', binaryProperties: 'data', urls: '', mode: 'append' }] } },
			[
				binaryItem({ name: 'a' }, { data: { data: PDF, fileName: 'a.pdf', mimeType: 'application/pdf' } }, 0),
				binaryItem({ name: 'b' }, { data: { data: IMAGE, fileName: 'b.png', mimeType: 'image/png' } }, 1),
			],
		);
		const list = async (extra: IDataObject) =>
			await runNode(new AirtableList(), {
				parameters: params({ returnAll: true, options: { downloadAttachments: ['Files'] }, ...extra }),
				credentials: credentials(),
			});
		const records = await list({});
		expect(records.error).toBeUndefined();
		expect(records.output[0].map((item) => item.binary?.Files_0?.fileName)).toEqual(['a.pdf', 'b.png']);
		expect(Buffer.from(records.output[0][1].binary!.Files_0.data, 'base64').equals(IMAGE)).toBe(true);

		const flat = await list({ options: { downloadAttachments: ['Files'], flatten: true } });
		expect(flat.output[0].map((item) => item.binary?.Files_0?.fileName)).toEqual(['a.pdf', 'b.png']);

		const pages = await list({ output: 'page' });
		expect(Object.keys(pages.output[0][0].binary ?? {}).sort()).toEqual(['Files_0_0', 'Files_1_0']);
	});

	describe('Batch Upsert', () => {
		const UPSERT_MAPPING = {
			mappingMode: 'defineBelow',
			value: { Name: '={{ $json.name }}', Status: '={{ $json.status }}' },
			matchingColumns: ['Name'],
			schema: [
				{ id: 'Name', displayName: 'Name', required: false, defaultMatch: false, display: true, canBeUsedToMatch: true, type: 'string' },
				{ id: 'Status', displayName: 'Status', required: false, defaultMatch: false, display: true, canBeUsedToMatch: true, type: 'string' },
			],
		};
		const upsert = async (input: INodeExecutionData[], extra: IDataObject = {}, mode: 'append' | 'replace' = 'append', urls = '') =>
			await runNode(new AirtableBatchUpsert(), {
				parameters: params({
					columns: UPSERT_MAPPING,
					attachments: { values: [{ field: 'Files', binaryProperties: '*', urls, mode }] },
					skipUnchanged: true,
					...extra,
				}),
				credentials: credentials(),
				input,
			});
		const pdfItem = (name: string, data: Buffer = PDF, fileName = `${name}.pdf`, index = 0) =>
			binaryItem({ name, status: 'Open' }, { data: { data, fileName, mimeType: 'application/pdf' } }, index);
		/** Requests since `seq`, by endpoint. */
		const endpointsSince = (seq: number) => emu.state.metrics.snapshot().log.filter((entry) => entry.seq > seq).map((entry) => entry.endpoint);
		const lastSeq = () => emu.state.metrics.snapshot().log.at(-1)?.seq ?? 0;
		const recordNamed = (name: string) => [...emu.state.bases.get(BASE)!.tables[0].records.entries()].find(([, r]) => Object.values(r.cells).includes(name))?.[0] ?? '';

		it('uploads each item’s files after the upsert, then Skip Unchanged neither rewrites nor re-uploads them', async () => {
			const input = [pdfItem('alpha', PDF, 'alpha.pdf', 0), pdfItem('beta', IMAGE, 'beta.png', 1)];
			const first = await upsert(input);
			expect(first.error).toBeUndefined();
			expect(first.output[0].map((item) => item.json.status)).toEqual(['created', 'created']);
			expect(((first.output[0][0].json.fields as IDataObject).Files as AttachmentCell[]).map((cell) => cell.filename)).toEqual(['alpha.pdf']);
			expect(storedBytes(cellsOf(recordNamed('beta'))[0])?.equals(IMAGE)).toBe(true);

			const seq = lastSeq();
			const second = await upsert(input);
			expect(second.error).toBeUndefined();
			expect(second.output[0].map((item) => item.json.status)).toEqual(['unchanged', 'unchanged']);
			const endpoints = endpointsSince(seq);
			expect(endpoints).not.toContain('attachments.upload');
			expect(endpoints.filter((endpoint) => endpoint.startsWith('records.') && endpoint !== 'records.list')).toEqual([]);
			expect(cellsOf(recordNamed('alpha')).map((cell) => cell.filename)).toEqual(['alpha.pdf']);
			// The output still shows the record's files.
			expect(((second.output[0][1].json.fields as IDataObject).Files as AttachmentCell[])[0].filename).toBe('beta.png');
		});

		it('Append: a new file (other name or size) is uploaded next to the old one; the item reads "updated"', async () => {
			await upsert([pdfItem('gamma')]);
			const id = recordNamed('gamma');
			const changed = Buffer.concat([PDF, Buffer.from('% one more line\n')]);
			const seq = lastSeq();
			const again = await upsert([pdfItem('gamma', changed)]);
			expect(again.error).toBeUndefined();
			expect(again.output[0][0].json.status).toBe('updated');
			expect(endpointsSince(seq).filter((endpoint) => endpoint === 'attachments.upload')).toHaveLength(1);
			expect(cellsOf(id).map((cell) => cell.size)).toEqual([PDF.length, changed.length]);
			expect(storedBytes(cellsOf(id)[1])?.equals(changed)).toBe(true);
		});

		it('Replace: the same files leave the cell alone; other files replace what it holds', async () => {
			await upsert([pdfItem('delta')], {}, 'replace');
			const id = recordNamed('delta');
			const before = cellsOf(id).map((cell) => cell.id);
			let seq = lastSeq();
			const same = await upsert([pdfItem('delta')], {}, 'replace');
			expect(same.output[0][0].json.status).toBe('unchanged');
			expect(endpointsSince(seq)).toEqual(['records.list']);
			expect(cellsOf(id).map((cell) => cell.id)).toEqual(before);

			seq = lastSeq();
			const other = await upsert([pdfItem('delta', IMAGE, 'new.png')], {}, 'replace');
			expect(other.output[0][0].json.status).toBe('updated');
			expect(endpointsSince(seq).filter((endpoint) => endpoint !== 'records.list').sort()).toEqual(['attachments.upload', 'records.updateMany']);
			expect(cellsOf(id).map((cell) => cell.filename)).toEqual(['new.png']);
			expect(((other.output[0][0].json.fields as IDataObject).Files as AttachmentCell[]).map((cell) => cell.filename)).toEqual(['new.png']);
		});

		it('without Skip Unchanged every run uploads the files again (Append adds them)', async () => {
			await upsert([pdfItem('epsilon')], { skipUnchanged: false });
			const again = await upsert([pdfItem('epsilon')], { skipUnchanged: false });
			expect(again.output[0][0].json.status).toBe('updated');
			expect(cellsOf(recordNamed('epsilon')).map((cell) => cell.filename)).toEqual(['epsilon.pdf', 'epsilon.pdf']);
		});

		it('a file URL is sent with its file name, so the next Skip Unchanged run recognises it', async () => {
			const served = Buffer.from('x,y\n3,4\n');
			const { server, origin } = await serveCsv(served);
			const url = `${origin}/files/report%20v1.csv`;
			try {
				const item = () => [{ json: { name: 'zeta', status: 'Open' }, pairedItem: { item: 0 } }];
				await upsert(item(), {}, 'append', url);
				await Promise.all([...filesOf(emu.state).pending.values()]);
				const id = recordNamed('zeta');
				expect(cellsOf(id).map((cell) => cell.filename)).toEqual(['report v1.csv']);
				expect(storedBytes(cellsOf(id)[0])?.equals(served)).toBe(true);
				const seq = lastSeq();
				const again = await upsert(item(), {}, 'append', url);
				expect(again.output[0][0].json.status).toBe('unchanged');
				expect(endpointsSince(seq)).toEqual(['records.list']);
			} finally {
				server.close();
			}
		});

		it('a file over 5 MB fails its item before anything is written; the other items land with their files', async () => {
			const big = Buffer.alloc(5 * 1024 * 1024 + 1, 2);
			const result = await runNode(new AirtableBatchUpsert(), {
				parameters: params({
					columns: UPSERT_MAPPING,
					attachments: { values: [{ field: 'Files', binaryProperties: 'data', urls: '', mode: 'append' }] },
				}),
				credentials: credentials(),
				input: [pdfItem('eta', big, 'huge.pdf', 0), pdfItem('theta', PDF, 'small.pdf', 1)],
				continueOnFail: true,
			});
			const [bad, good] = result.output[0];
			expect(String(bad.json.error)).toMatch(/File "huge\.pdf" \(binary property "data"\) is 5\.0 MB/);
			expect(good.json.status).toBe('created');
			expect(recordNamed('eta')).toBe('');
			expect(cellsOf(recordNamed('theta')).map((cell) => cell.filename)).toEqual(['small.pdf']);
		});
	});
});
