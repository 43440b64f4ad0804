import nock from 'nock';
import { Readable } from 'node:stream';

import {
	AirtableAttachmentError,
	AirtableUnknownOutcomeError,
	rootForHost,
	type AttachmentCell,
} from '../../index';
import { BASE, makeClient, record, TABLE, TOKEN, useNock } from './helpers';

useNock();

const CONTENT = 'https://content.airtable.com';
const FILES = 'https://v5.airtableusercontent.com';
const FIELD_ID = 'fldFILES00000001';
const RECORD = 'recFILE000000001';
const UPLOAD_PATH = `/v0/${BASE}/${RECORD}/Files/uploadAttachment`;

function cell(id: string, filename: string, size: number, url = `${FILES}/v3/u/${id}/sig`): AttachmentCell {
	return { id, url, filename, size, type: 'text/plain' };
}

function uploadAnswer(cells: AttachmentCell[]) {
	return { id: RECORD, createdTime: '2024-01-01T00:00:00.000Z', fields: { [FIELD_ID]: cells } };
}

describe('content host', () => {
	it('maps Airtable’s API host to its content host and keeps any other root (emulator, proxy)', () => {
		expect(rootForHost('https://api.airtable.com', 'content')).toBe('https://content.airtable.com');
		expect(rootForHost('https://api.airtable.com/', undefined)).toBe('https://api.airtable.com');
		expect(rootForHost('http://127.0.0.1:4010', 'content')).toBe('http://127.0.0.1:4010');
		expect(rootForHost('https://gateway.example.com/airtable', 'content')).toBe('https://gateway.example.com/airtable');
	});
});

describe('uploadAttachment', () => {
	it('posts the file as base64 to the content host with the token and returns the new attachment', async () => {
		const bytes = Buffer.from('hello attachment');
		let sent: { contentType: string; file: string; filename: string } | undefined;
		const scope = nock(CONTENT, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
			.post(UPLOAD_PATH, (body: typeof sent) => {
				sent = body;
				return true;
			})
			.reply(200, uploadAnswer([cell('attOLD', 'old.txt', 3), cell('attNEW', 'hello.txt', bytes.length)]));
		const client = makeClient();
		const result = await client.base(BASE).table(TABLE).uploadAttachment(RECORD, 'Files', {
			data: bytes,
			filename: 'hello.txt',
			contentType: 'text/plain',
		});
		expect(scope.isDone()).toBe(true);
		expect(sent).toEqual({ contentType: 'text/plain', file: bytes.toString('base64'), filename: 'hello.txt' });
		expect(result.fieldId).toBe(FIELD_ID);
		expect(result.attachment.id).toBe('attNEW');
		expect(result.attachments.map((a) => a.id)).toEqual(['attOLD', 'attNEW']);
		expect(client.stats().requests).toBe(1);
	});

	it('refuses a file over 5 MB with an error naming the file and its size, before any request', async () => {
		const client = makeClient();
		const big = Buffer.alloc(6 * 1024 * 1024, 1);
		const upload = client.base(BASE).table(TABLE).uploadAttachment(RECORD, 'Files', { data: big, filename: 'scan.pdf' });
		await expect(upload).rejects.toBeInstanceOf(AirtableAttachmentError);
		await expect(upload).rejects.toThrow(/File "scan\.pdf" is 6\.0 MB.*at most 5 MB.*public URL/);
		expect(client.stats().requests).toBe(0);
	});

	it('stops reading a stream as soon as it passes 5 MB', async () => {
		let produced = 0;
		const chunk = Buffer.alloc(1024 * 1024, 2);
		const stream = Readable.from(
			(function* () {
				for (let i = 0; i < 50; i++) {
					produced++;
					yield chunk;
				}
			})(),
		);
		const client = makeClient();
		await expect(
			client.base(BASE).table(TABLE).uploadAttachment(RECORD, 'Files', { stream, filename: 'huge.bin' }),
		).rejects.toThrow(/File "huge\.bin" is more than 5 MB/);
		expect(produced).toBeLessThan(10);
		expect(client.stats().requests).toBe(0);
	});

	it('a lost answer is settled by re-reading the record: the file is there, so it is not uploaded twice', async () => {
		const bytes = Buffer.from('x'.repeat(100));
		const upload = nock(CONTENT).post(UPLOAD_PATH).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		const reread = nock('https://api.airtable.com')
			.get(`/v0/${BASE}/${TABLE}/${RECORD}`)
			.reply(200, record(RECORD, { Files: [cell('attLANDED', 'a.txt', 100)] }));
		const result = await makeClient().base(BASE).table(TABLE).uploadAttachment(RECORD, 'Files', { data: bytes, filename: 'a.txt' });
		expect(upload.isDone() && reread.isDone()).toBe(true);
		expect(result.attachment.id).toBe('attLANDED');
	});

	it('a lost answer whose file did not land is sent once more', async () => {
		const bytes = Buffer.from('y'.repeat(10));
		nock(CONTENT).post(UPLOAD_PATH).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		nock('https://api.airtable.com')
			.get(`/v0/${BASE}/${TABLE}/${RECORD}`)
			.query(true)
			.reply(200, record(RECORD, { Files: [cell('attOTHER', 'other.txt', 10)] }));
		const second = nock(CONTENT).post(UPLOAD_PATH).reply(200, uploadAnswer([cell('attOTHER', 'other.txt', 10), cell('attB', 'b.txt', 10)]));
		const result = await makeClient().base(BASE).table(TABLE).uploadAttachment(RECORD, 'Files', { data: bytes, filename: 'b.txt' });
		expect(second.isDone()).toBe(true);
		expect(result.attachment.id).toBe('attB');
	});

	it('a second lost answer is reported as an unknown outcome, not retried again', async () => {
		nock(CONTENT).post(UPLOAD_PATH).times(2).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		nock('https://api.airtable.com').get(`/v0/${BASE}/${TABLE}/${RECORD}`).query(true).reply(200, record(RECORD, {}));
		await expect(
			makeClient().base(BASE).table(TABLE).uploadAttachment(RECORD, 'Files', { data: Buffer.from('z'), filename: 'z.txt' }),
		).rejects.toBeInstanceOf(AirtableUnknownOutcomeError);
	});

	it('errors from the upload endpoint are the client’s usual errors (422 names the field)', async () => {
		nock(CONTENT)
			.post(UPLOAD_PATH)
			.reply(422, { error: { type: 'INVALID_VALUE_FOR_COLUMN', message: 'Field "Files" cannot accept the provided value' } });
		const upload = makeClient().base(BASE).table(TABLE).uploadAttachment(RECORD, 'Files', { data: Buffer.from('a'), filename: 'a.txt' });
		await expect(upload).rejects.toMatchObject({ kind: 'invalid-input', field: 'Files', status: 422, operation: 'attachment.upload' });
	});
});

describe('downloadAttachment', () => {
	it('fetches the file without sending the token and counts it as a request', async () => {
		const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
		const scope = nock(FILES, { badheaders: ['authorization'] }).get('/v3/u/attA/sig').reply(200, bytes, { 'content-type': 'image/png' });
		const client = makeClient();
		const file = await client.base(BASE).table(TABLE).downloadAttachment({ ...cell('attA', 'a.png', bytes.length), type: 'image/png' });
		expect(scope.isDone()).toBe(true);
		expect(file.data.equals(bytes)).toBe(true);
		expect(file).toMatchObject({ filename: 'a.png', contentType: 'image/png', size: 6 });
		expect(client.stats().requests).toBe(1);
	});

	it('retries a 503 from the file host like a read', async () => {
		nock(FILES).get('/v3/u/attR/sig').reply(503, 'busy').get('/v3/u/attR/sig').reply(200, 'ok');
		const client = makeClient();
		const file = await client.base(BASE).table(TABLE).downloadAttachment(cell('attR', 'r.txt', 2));
		expect(file.data.toString()).toBe('ok');
		expect(client.stats().retries).toBe(1);
	});

	it('refuses a file whose cell says it is over Max File Size, without downloading it', async () => {
		const client = makeClient();
		await expect(
			client.base(BASE).table(TABLE).downloadAttachment(cell('attBig', 'big.zip', 3 * 1024 * 1024), { maxBytes: 1024 * 1024 }),
		).rejects.toThrow(/File "big\.zip" is 3\.0 MB, more than the Max File Size of 1\.0 MB/);
		expect(client.stats().requests).toBe(0);
	});

	it('refuses a file that turns out larger than Max File Size while reading', async () => {
		nock(FILES).get('/v3/u/attLie/sig').reply(200, Buffer.alloc(5000, 7));
		await expect(
			makeClient().base(BASE).table(TABLE).downloadAttachment(cell('attLie', 'lie.bin', 10), { maxBytes: 1000 }),
		).rejects.toThrow(/File "lie\.bin" is 1001 B, more than the Max File Size of 1000 B/);
	});

	it('an expired URL is replaced by re-reading the record once', async () => {
		const stale = cell('attE', 'e.txt', 5, `${FILES}/v3/u/attE/old`);
		nock(FILES).get('/v3/u/attE/old').reply(410, 'expired');
		const reread = nock('https://api.airtable.com')
			.get(`/v0/${BASE}/${TABLE}/${RECORD}`)
			.reply(200, record(RECORD, { Files: [cell('attE', 'e.txt', 5, `${FILES}/v3/u/attE/new`)] }));
		nock(FILES).get('/v3/u/attE/new').reply(200, 'fresh');
		const file = await makeClient().base(BASE).table(TABLE).downloadAttachment(stale, { recordId: RECORD, field: 'Files' });
		expect(reread.isDone()).toBe(true);
		expect(file.data.toString()).toBe('fresh');
	});

	it('when the fresh URL fails too, the error says so clearly (one re-read only)', async () => {
		nock(FILES).get('/v3/u/attE/old').reply(410, 'expired').get('/v3/u/attE/new').reply(403, 'denied');
		nock('https://api.airtable.com')
			.get(`/v0/${BASE}/${TABLE}/${RECORD}`)
			.query(true)
			.once()
			.reply(200, record(RECORD, { Files: [cell('attE', 'e.txt', 5, `${FILES}/v3/u/attE/new`)] }));
		const download = makeClient()
			.base(BASE)
			.table(TABLE)
			.downloadAttachment(cell('attE', 'e.txt', 5, `${FILES}/v3/u/attE/old`), { recordId: RECORD, field: 'Files' });
		await expect(download).rejects.toBeInstanceOf(AirtableAttachmentError);
		await expect(download).rejects.toThrow(/"e\.txt" \(attE\) expired or was refused, and so did the fresh URL/);
	});

	it('an attachment removed from the record meanwhile gets its own clear error', async () => {
		nock(FILES).get('/v3/u/attGone/sig').reply(404, 'gone');
		nock('https://api.airtable.com').get(`/v0/${BASE}/${TABLE}/${RECORD}`).query(true).reply(200, record(RECORD, {}));
		await expect(
			makeClient().base(BASE).table(TABLE).downloadAttachment(cell('attGone', 'g.txt', 1), { recordId: RECORD, field: 'Files' }),
		).rejects.toThrow(/File "g\.txt" \(attGone\) is no longer in field "Files" of record recFILE000000001/);
	});

	it('without a record to re-read, an expired URL fails with advice', async () => {
		nock(FILES).get('/v3/u/attX/sig').reply(410, 'expired');
		await expect(makeClient().base(BASE).table(TABLE).downloadAttachment(cell('attX', 'x.txt', 1))).rejects.toThrow(
			/expired or was refused; Airtable URLs last about 2 hours/,
		);
	});
});
