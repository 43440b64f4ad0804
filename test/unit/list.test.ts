import { AirtableInputError, AirtableIteratorExpiredError, type ListOptions } from '../../index';
import { api, BASE, makeClient, record, TABLE, TABLE_PATH, useNock } from './helpers';

useNock();

const table = () => makeClient().base(BASE).table(TABLE);
const page = (from: number, count: number, offset?: string) => ({
	records: Array.from({ length: count }, (_, i) => record(`rec${from + i}`)),
	...(offset ? { offset } : {}),
});

describe('list over GET', () => {
	it('serializes every option in Airtable’s bracket form', async () => {
		let seen = '';
		api()
			.get(TABLE_PATH)
			.query(true)
			.reply(200, (uri) => {
				seen = uri;
				return page(0, 1);
			});
		await table()
			.list({
				pageSize: 50,
				maxRecords: 70,
				view: 'Grid view',
				fields: ['Name', 'fldX'],
				filterByFormula: "{Status} = 'Open'",
				sort: [{ field: 'Name', direction: 'desc' }, { field: 'Age' }],
				cellFormat: 'string',
				timeZone: 'Europe/Berlin',
				userLocale: 'en-gb',
				returnFieldsByFieldId: true,
				recordMetadata: ['commentCount'],
			})
			.all();
		const query = seen.slice(seen.indexOf('?') + 1);
		expect(query).toContain('fields[]=Name&fields[]=fldX');
		expect(query).toContain('sort[0][field]=Name&sort[0][direction]=desc&sort[1][field]=Age&sort[1][direction]=asc');
		expect(query).toContain('recordMetadata[]=commentCount');
		// fetch's URL parser also percent-encodes the quote on the wire.
		expect(query).toContain('filterByFormula=%7BStatus%7D%20%3D%20%27Open%27');
		expect(query).toContain('view=Grid%20view');
		expect(query).toContain('pageSize=50&maxRecords=70');
		expect(query).toContain('cellFormat=string&timeZone=Europe%2FBerlin&userLocale=en-gb&returnFieldsByFieldId=true');
	});

	it('follows offsets across pages and stops when none is returned', async () => {
		const offsets: Array<string | null> = [];
		api()
			.get(TABLE_PATH)
			.query(true)
			.times(3)
			.reply(200, (uri) => {
				const offset = new URL(`http://x${uri}`).searchParams.get('offset');
				offsets.push(offset);
				if (!offset) return page(0, 100, 'itr1/rec99');
				if (offset === 'itr1/rec99') return page(100, 100, 'itr2/rec199');
				return page(200, 7);
			});
		const records = await table().list().all();
		expect(records).toHaveLength(207);
		expect(records[206].id).toBe('rec206');
		expect(offsets).toEqual([null, 'itr1/rec99', 'itr2/rec199']);
	});

	it('is lazy: a page is fetched only when iteration reaches it', async () => {
		let requests = 0;
		api()
			.get(TABLE_PATH)
			.query(true)
			.times(3)
			.reply(200, () => {
				requests++;
				return page(requests * 10, 10, `itr${requests}`);
			});
		const query = table().list({ pageSize: 10 });
		expect(requests).toBe(0);
		const seen: string[] = [];
		for await (const rec of query) {
			seen.push(rec.id);
			if (seen.length === 15) break;
		}
		expect(requests).toBe(2);
	});

	it('stops at maxRecords even when Airtable offers more', async () => {
		let requests = 0;
		api()
			.get(TABLE_PATH)
			.query(true)
			.times(3)
			.reply(200, () => {
				requests++;
				return page(requests * 10, 10, `itr${requests}`);
			});
		const records = await table().list({ pageSize: 10, maxRecords: 15 }).all();
		expect(records).toHaveLength(15);
		expect(requests).toBe(2);
	});

	it('pages() yields pages with their index', async () => {
		api().get(TABLE_PATH).query(true).reply(200, page(0, 2, 'itrA'));
		api().get(TABLE_PATH).query(true).reply(200, page(2, 1));
		const pages = [];
		for await (const p of table().list().pages()) pages.push(p);
		expect(pages.map((p) => [p.pageIndex, p.records.length])).toEqual([
			[0, 2],
			[1, 1],
		]);
	});
});

describe('list over POST listRecords', () => {
	const longFormula = `OR(${Array.from({ length: 800 }, (_, i) => `{Code} = 'C${String(i).padStart(5, '0')}'`).join(', ')})`;

	it('switches to POST past 15,000 characters: options and offset in the body, locale in the query', async () => {
		const bodies: Array<Record<string, unknown>> = [];
		const uris: string[] = [];
		api()
			.post(`${TABLE_PATH}/listRecords`)
			.query(true)
			.times(2)
			.reply(200, (uri, body) => {
				uris.push(uri);
				bodies.push(body as Record<string, unknown>);
				return bodies.length === 1 ? page(0, 3, 'itrNEXT/rec2') : page(3, 2);
			});
		const options: ListOptions = {
			filterByFormula: longFormula,
			fields: ['Name'],
			sort: [{ field: 'Name', direction: 'desc' }],
			cellFormat: 'string',
			timeZone: 'America/Chicago',
			userLocale: 'en-us',
			pageSize: 3,
			recordMetadata: ['commentCount'],
		};
		const records = await table().list(options).all();
		expect(records).toHaveLength(5);
		expect(uris.every((uri) => uri.endsWith('/listRecords?timeZone=America%2FChicago&userLocale=en-us'))).toBe(true);
		expect(bodies[0]).toEqual({
			filterByFormula: longFormula,
			fields: ['Name'],
			sort: [{ field: 'Name', direction: 'desc' }],
			cellFormat: 'string',
			pageSize: 3,
			recordMetadata: ['commentCount'],
		});
		expect(bodies[1].offset).toBe('itrNEXT/rec2');
		expect(bodies[0]).not.toHaveProperty('timeZone');
	});

	it('stays on GET below the threshold', async () => {
		const scope = api().get(TABLE_PATH).query(true).reply(200, page(0, 1));
		await table().list({ filterByFormula: longFormula.slice(0, 5000) }).all();
		expect(scope.isDone()).toBe(true);
	});
});

describe('iterator expiry and validation', () => {
	it('turns LIST_RECORDS_ITERATOR_NOT_AVAILABLE into a clear error without restarting', async () => {
		let requests = 0;
		api()
			.get(TABLE_PATH)
			.query(true)
			.times(3)
			.reply(() => {
				requests++;
				return requests === 1
					? [200, page(0, 2, 'itrOLD')]
					: [422, { error: { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' } }];
			});
		const seen: string[] = [];
		const error = await (async () => {
			for await (const rec of table().list()) seen.push(rec.id);
		})().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AirtableIteratorExpiredError);
		expect((error as Error).message).toMatch(/restart from the first page/);
		expect((error as AirtableIteratorExpiredError).kind).toBe('temporarily-unavailable');
		expect(seen).toEqual(['rec0', 'rec1']);
		expect(requests).toBe(2);
	});

	it.each([
		[{ pageSize: 101 }, /pageSize/],
		[{ pageSize: 0 }, /pageSize/],
		[{ maxRecords: 0 }, /maxRecords/],
		[{ cellFormat: 'string' as const, timeZone: 'UTC' }, /userLocale/],
		[{ cellFormat: 'string' as const, userLocale: 'en' }, /timeZone/],
		[{ sort: [{ field: '' }] }, /sort\[0\]/],
		[{ sort: [{ field: 'a', direction: 'up' as 'asc' }] }, /direction/],
	])('rejects %j before sending', (options, pattern) => {
		expect(() => table().list(options as ListOptions)).toThrow(AirtableInputError);
		expect(() => table().list(options as ListOptions)).toThrow(pattern);
	});
});
