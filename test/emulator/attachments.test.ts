import http from 'http';
import type { AddressInfo } from 'net';

import { FILE_URL_LIFETIME_MS, filesOf } from '../../emulator/attachments';
import { AirtableClient, type AttachmentCell } from '../../index';
import { resetProcessStateForTests } from '../../nodes/client/state';
import { startHarness, TOKEN, waitFor, type Harness, type Json } from './helpers';
import { pngHeader as png } from '../support/pngHeader';

const BASE = 'appFiles000000001';
const TABLE = 'Docs';

describe('emulator attachments', () => {
	let h: Harness;
	let client: AirtableClient;
	let recordId: string;

	beforeAll(async () => {
		h = await startHarness({
			tokens: [{ token: TOKEN, userId: 'usrFiles000000001', bases: '*' }],
			seed: [
				{
					id: BASE,
					name: 'Files',
					tables: [
						{
							name: TABLE,
							fields: [
								{ name: 'Name', type: 'singleLineText' },
								{ id: 'fldFiles000000001', name: 'Files', type: 'multipleAttachments', options: { isReversed: false } },
								{ name: 'Notes', type: 'multilineText' },
							],
							records: [{ fields: { Name: 'first' } }],
						},
					],
				},
			],
		});
	});
	afterAll(async () => await h.emu.close());

	beforeEach(async () => {
		resetProcessStateForTests();
		h.emu.state.clock.reset();
		client = new AirtableClient({ token: TOKEN, baseUrl: h.emu.url });
		const [created] = await client.base(BASE).table(TABLE).create([{ Name: 'doc' }]);
		recordId = created.id;
	});

	const table = () => client.base(BASE).table(TABLE);

	it('uploads on the API port: the cell gets id, url, filename, size and type, keyed by field id', async () => {
		const bytes = Buffer.from('plain text file');
		const result = await table().uploadAttachment(recordId, 'Files', { data: bytes, filename: 'a.txt', contentType: 'text/plain' });
		expect(result.fieldId).toBe('fldFiles000000001');
		expect(result.attachment).toMatchObject({ filename: 'a.txt', size: bytes.length, type: 'text/plain' });
		expect(result.attachment.id).toMatch(/^att/);
		expect(result.attachment.url.startsWith(`${h.emu.url}/_files/${result.attachment.id}/a.txt?expires=`)).toBe(true);
		const read = await table().get(recordId);
		expect((read.fields.Files as AttachmentCell[]).map((a) => a.id)).toEqual([result.attachment.id]);
		const metrics: Json = (await h.admin('/metrics')).body;
		expect(metrics.requests.byEndpoint['attachments.upload']).toBeGreaterThanOrEqual(1);
		expect(metrics.requests.byBase[BASE]).toBeGreaterThanOrEqual(2);
	});

	it('appends to what is there and reports pixel size and thumbnails for images', async () => {
		await table().uploadAttachment(recordId, 'Files', { data: Buffer.from('one'), filename: 'one.txt', contentType: 'text/plain' });
		const result = await table().uploadAttachment(recordId, 'Files', { data: png(3, 2), filename: 'pic.png', contentType: 'image/png' });
		expect(result.attachments.map((a) => a.filename)).toEqual(['one.txt', 'pic.png']);
		expect(result.attachment).toMatchObject({ width: 3, height: 2 });
		expect(Object.keys(result.attachment.thumbnails ?? {}).sort()).toEqual(['full', 'large', 'small']);
		const thumb = await fetch(result.attachment.thumbnails!.full.url);
		expect(thumb.status).toBe(200);
	});

	it('serves the bytes behind the URL, without a token, until the URL expires (410); a re-read gives a working URL', async () => {
		const bytes = Buffer.from([1, 2, 3, 4, 5, 255]);
		const { attachment } = await table().uploadAttachment(recordId, 'Files', { data: bytes, filename: 'b.bin' });
		const direct = await fetch(attachment.url);
		expect(Buffer.from(await direct.arrayBuffer()).equals(bytes)).toBe(true);

		h.emu.state.clock.advance(FILE_URL_LIFETIME_MS + 1000);
		expect((await fetch(attachment.url)).status).toBe(410);
		const downloaded = await table().downloadAttachment(attachment, { recordId, field: 'Files' });
		expect(downloaded.data.equals(bytes)).toBe(true);
		const forged = attachment.url.replace(/signature=[0-9a-f]+/, 'signature=00');
		expect((await fetch(forged)).status).toBe(404);
	});

	it('refuses more than 5 MB of file bytes with 413 and leaves the cell alone', async () => {
		const answer = await h.api(`/v0/${BASE}/${recordId}/Files/uploadAttachment`, {
			body: { contentType: 'application/octet-stream', file: Buffer.alloc(5 * 1024 * 1024 + 1).toString('base64'), filename: 'big.bin' },
		});
		expect(answer.status).toBe(413);
		expect((await table().get(recordId)).fields.Files).toBeUndefined();
	});

	it('refuses uploads into a field that is not an attachment field', async () => {
		const answer = await h.api(`/v0/${BASE}/${recordId}/Notes/uploadAttachment`, {
			body: { contentType: 'text/plain', file: Buffer.from('x').toString('base64'), filename: 'x.txt' },
		});
		expect(answer.status).toBe(422);
		expect(answer.body.error.type).toBe('INVALID_VALUE_FOR_COLUMN');
	});

	it('an upload whose answer is lost lands once: the client re-reads and finds it', async () => {
		await h.admin('/faults/queue', 'POST', { faults: [{ kind: 'dropAfter', match: { path: '/uploadAttachment' } }] });
		const result = await table().uploadAttachment(recordId, 'Files', { data: Buffer.from('lost answer'), filename: 'lost.txt' });
		const cell = (await table().get(recordId)).fields.Files as AttachmentCell[];
		expect(cell.map((a) => a.id)).toEqual([result.attachment.id]);
	});

	it('fetches URL attachments from loopback only; other URLs are dropped without any request', async () => {
		const served = Buffer.from('served by a local server');
		let hits = 0;
		const server = http.createServer((_req, res) => {
			hits++;
			res.writeHead(200, { 'content-type': 'text/csv' });
			res.end(served);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const port = (server.address() as AddressInfo).port;
		try {
			const [created] = await table().create([
				{ Name: 'by url', Files: [{ url: `http://127.0.0.1:${port}/report.csv`, filename: 'report.csv' }, { url: 'https://example.com/far.png' }] },
			]);
			await Promise.all([...filesOf(h.emu.state).pending.values()]);
			const cell = await waitFor(async () => {
				const files = (await table().get(created.id)).fields.Files as AttachmentCell[] | undefined;
				return files?.length === 1 && files[0].size ? files : undefined;
			});
			expect(hits).toBe(1);
			expect(cell[0]).toMatchObject({ filename: 'report.csv', size: served.length, type: 'text/csv' });
			const file = await table().downloadAttachment(cell[0]);
			expect(file.data.equals(served)).toBe(true);
		} finally {
			server.close();
		}
	});
});
