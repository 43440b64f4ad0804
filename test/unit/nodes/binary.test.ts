import nock from 'nock';
import type { IBinaryData } from 'n8n-workflow';

import { triggerItemsWithFiles } from '../../../nodes/shared/attachments/attachmentReads';
import {
	binaryPropertyName,
	downloadAttachmentsToItems,
	forEachBounded,
	parseBinarySelection,
	type BinaryWriter,
	type RecordItem,
} from '../../../nodes/shared/attachments/binary';
import { BASE, makeClient, record, TABLE, useNock } from '../helpers';

useNock();

const FILES = 'https://v5.airtableusercontent.com';

function writer(): BinaryWriter & { written: Array<{ data: Buffer; fileName?: string; mimeType?: string }> } {
	const written: Array<{ data: Buffer; fileName?: string; mimeType?: string }> = [];
	return {
		written,
		helpers: {
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> => {
				written.push({ data, fileName, mimeType });
				return { data: data.toString('base64'), mimeType: mimeType ?? '', fileName, fileSize: `${data.length} B`, bytes: data.length };
			},
		},
	};
}

function attachment(id: string, filename: string, size: number, type = 'application/pdf') {
	return { id, url: `${FILES}/${id}`, filename, size, type };
}

describe('binary helpers', () => {
	it('names binary properties <field>_<index>, with characters expressions trip over replaced', () => {
		expect(binaryPropertyName('Files', 0)).toBe('Files_0');
		expect(binaryPropertyName('Signed contract (PDF)', 2)).toBe('Signed_contract_PDF__2');
	});

	it('reads a binary selection: names, or * for all', () => {
		expect(parseBinarySelection('data, invoice ,')).toEqual(['data', 'invoice']);
		expect(parseBinarySelection(' * ')).toBe('all');
		expect(parseBinarySelection('')).toEqual([]);
	});

	it('forEachBounded never has more than the limit in flight and runs every job', async () => {
		let inFlight = 0;
		let peak = 0;
		const done: number[] = [];
		await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (job) => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			await new Promise((resolve) => setTimeout(resolve, 5));
			inFlight--;
			done.push(job);
		});
		expect(peak).toBe(3);
		expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
	});
});

describe('downloadAttachmentsToItems', () => {
	it('puts each file of the chosen fields on its item as binary data with name, MIME type and size', async () => {
		nock(FILES).get('/attA').reply(200, 'AAAA').get('/attB').reply(200, 'BB').get('/attC').reply(200, 'C');
		const items: RecordItem[] = [
			{ json: { id: 'rec1', fields: { Files: [attachment('attA', 'a.pdf', 4), attachment('attB', 'b.png', 2, 'image/png')], Other: [attachment('attZ', 'z.txt', 1)] } } },
			{ json: { id: 'rec2', fields: { Files: [attachment('attC', 'c.txt', 1, 'text/plain')] } } },
			{ json: { id: 'rec3', fields: {} } },
		];
		const ctx = writer();
		const errors = await downloadAttachmentsToItems(ctx, makeClient().base(BASE).table(TABLE), items, { fields: ['Files'], maxFileSizeBytes: 1024 });
		expect(errors).toEqual([undefined, undefined, undefined]);
		expect(Object.keys(items[0].binary ?? {}).sort()).toEqual(['Files_0', 'Files_1']);
		expect(items[0].binary!.Files_1).toMatchObject({ fileName: 'b.png', mimeType: 'image/png', bytes: 2 });
		expect(Buffer.from(items[1].binary!.Files_0.data, 'base64').toString()).toBe('C');
		expect(items[2].binary).toBeUndefined();
		expect(ctx.written.map((w) => w.fileName).sort()).toEqual(['a.pdf', 'b.png', 'c.txt']);
	});

	it('a file over Max File Size fails its own item only', async () => {
		nock(FILES).get('/attOk').reply(200, 'ok');
		const items: RecordItem[] = [
			{ json: { id: 'rec1', fields: { Files: [attachment('attBig', 'big.pdf', 5000)] } } },
			{ json: { id: 'rec2', fields: { Files: [attachment('attOk', 'ok.pdf', 2)] } } },
		];
		const errors = await downloadAttachmentsToItems(writer(), makeClient().base(BASE).table(TABLE), items, { fields: ['Files'], maxFileSizeBytes: 1000 });
		expect(errors[0]?.message).toMatch(/File "big\.pdf" is 4\.9 KB, more than the Max File Size/);
		expect(errors[1]).toBeUndefined();
		expect(items[1].binary?.Files_0).toBeDefined();
	});

	it('downloads several files at once, but no more than the concurrency', async () => {
		let inFlight = 0;
		let peak = 0;
		const scope = nock(FILES)
			.get(/\/att\d+/)
			.times(12)
			.reply(200, async () => {
				inFlight++;
				peak = Math.max(peak, inFlight);
				await new Promise((resolve) => setTimeout(resolve, 15));
				inFlight--;
				return 'x';
			});
		const items: RecordItem[] = Array.from({ length: 6 }, (_, i) => ({
			json: { id: `rec${i}`, fields: { Files: [attachment(`att${i}1`, 'x', 1), attachment(`att${i}2`, 'y', 1)] } },
		}));
		await downloadAttachmentsToItems(writer(), makeClient().base(BASE).table(TABLE), items, { fields: ['Files'], maxFileSizeBytes: 10, concurrency: 3 });
		expect(scope.isDone()).toBe(true);
		expect(peak).toBeGreaterThan(1);
		expect(peak).toBeLessThanOrEqual(3);
	});
});

describe('triggerItemsWithFiles', () => {
	it('gives record changes their files and never drops a change whose file cannot be had', async () => {
		nock(FILES).get('/attT1').reply(200, 'first').get('/attGone').reply(410, 'expired');
		nock('https://api.airtable.com').get(`/v0/${BASE}/${TABLE}/recGone`).reply(200, record('recGone', {}));
		const items = [
			{ event: 'record.created', baseId: BASE, tableId: TABLE, recordId: 'recOk', fields: { Files: [attachment('attT1', 't.pdf', 5)] } },
			{ event: 'record.updated', baseId: BASE, tableId: TABLE, recordId: 'recGone', fields: { Files: [attachment('attGone', 'g.pdf', 1)] } },
			{ event: 'record.deleted', baseId: BASE, tableId: TABLE, recordId: 'recDel', fields: {} },
			{ event: 'field.created', baseId: BASE, tableId: TABLE, fieldId: 'fldX' },
		];
		const output = await triggerItemsWithFiles(writer(), makeClient(), BASE, items, { downloadAttachments: ['Files'] });
		expect(output).toHaveLength(4);
		expect(Buffer.from(output[0].binary!.Files_0.data, 'base64').toString()).toBe('first');
		expect(output[1].binary).toBeUndefined();
		expect(String(output[1].json.attachmentError)).toMatch(/"g\.pdf" \(attGone\) is no longer in field "Files" of record recGone/);
		expect(output[2].json.event).toBe('record.deleted');
		expect(output[3].json).toEqual(items[3]);
	});

	it('without Download Attachments the items are passed on untouched and nothing is fetched', async () => {
		const items = [{ event: 'record.created', tableId: TABLE, recordId: 'rec1', fields: { Files: [attachment('attN', 'n.pdf', 1)] } }];
		const client = makeClient();
		const output = await triggerItemsWithFiles(writer(), client, BASE, items, {});
		expect(output).toEqual([{ json: items[0] }]);
		expect(client.stats().requests).toBe(0);
	});
});
