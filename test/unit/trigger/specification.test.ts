import {
	readSettings,
	resolveSettings,
	sameSpecification,
	specificationFor,
	type TriggerSettings,
} from '../../../nodes/AirtableInstantTrigger/specification';
import type { WebhookSpecification } from '../../../nodes/client/types';
import { api, makeClient, useNock } from '../helpers';

function reader(parameters: Record<string, unknown>) {
	return {
		getNodeParameter(name: string, fallback?: unknown, options?: { extractValue?: boolean }) {
			const value = parameters[name];
			if (value === undefined) return fallback;
			if (options?.extractValue && value && typeof value === 'object' && 'value' in value) {
				return (value as { value: unknown }).value;
			}
			return value;
		},
	};
}

const locator = (value: string) => ({ __rl: true, mode: 'id', value });

const baseSettings: TriggerSettings = {
	baseId: 'app1',
	tableId: 'tbl1',
	events: ['created', 'updated', 'deleted'],
	watchFieldIds: [],
	sources: [],
	allFieldValues: true,
	includePreviousValues: false,
	includeSchemaChanges: false,
	useFieldIds: false,
	output: 'records',
	ignore: { own: false, users: [], sources: [] },
};

describe('readSettings', () => {
	it('reads locators, events, watched fields and options', () => {
		const settings = readSettings(
			reader({
				base: locator('appB'),
				table: locator('tblT'),
				view: locator('viwV'),
				events: ['updated'],
				watchFields: ['fldA', 'fldB'],
				fieldValues: 'changed',
				options: {
					includePreviousValues: true,
					sources: ['client'],
					useFieldIds: true,
					output: 'payloads',
					ignoreOwnChanges: true,
					ignoreUsers: 'usrA, bot@example.com',
					ignoreSources: ['automation'],
				},
			}),
		);
		expect(settings).toEqual({
			baseId: 'appB',
			tableId: 'tblT',
			viewId: 'viwV',
			events: ['updated'],
			watchFieldIds: ['fldA', 'fldB'],
			sources: ['client'],
			allFieldValues: false,
			includePreviousValues: true,
			includeSchemaChanges: false,
			useFieldIds: true,
			output: 'payloads',
			ignore: { own: true, users: ['usrA', 'bot@example.com'], sources: ['automation'] },
		});
	});

	it('defaults to every event, the whole table, all values', () => {
		const settings = readSettings(reader({ base: locator('appB'), table: locator('tblT'), view: locator('') }));
		expect(settings).toMatchObject({
			viewId: undefined,
			events: ['created', 'updated', 'deleted'],
			allFieldValues: true,
			ignore: { own: false, users: [], sources: [] },
		});
	});
});

describe('specificationFor', () => {
	it('builds the smallest spec for the defaults', () => {
		expect(specificationFor(baseSettings)).toEqual({
			options: {
				filters: { dataTypes: ['tableData'], recordChangeScope: 'tbl1', changeTypes: ['add', 'update', 'remove'] },
				includes: { includeCellValuesInFieldIds: 'all' },
			},
		});
	});

	it('scopes to the view, filters fields and sources, asks for previous values and schema changes', () => {
		expect(
			specificationFor({
				...baseSettings,
				viewId: 'viw1',
				events: ['deleted', 'created'],
				watchFieldIds: ['fldA'],
				sources: ['publicApi', 'client'],
				allFieldValues: false,
				includePreviousValues: true,
				includeSchemaChanges: true,
			}),
		).toEqual({
			options: {
				filters: {
					dataTypes: ['tableData', 'tableFields', 'tableMetadata'],
					recordChangeScope: 'viw1',
					changeTypes: ['add', 'remove'],
					fromSources: ['publicApi', 'client'],
					watchDataInFieldIds: ['fldA'],
				},
				includes: { includePreviousCellValues: true, includePreviousFieldDefinitions: true },
			},
		});
	});
});

describe('sameSpecification', () => {
	const ours = specificationFor({ ...baseSettings, sources: ['client', 'publicApi'], watchFieldIds: ['fldB', 'fldA'] });

	it('ignores order and spelled-out defaults in what Airtable echoes back', () => {
		const echoed: WebhookSpecification = {
			options: {
				filters: {
					recordChangeScope: 'tbl1',
					dataTypes: ['tableData'],
					changeTypes: ['remove', 'add', 'update'],
					fromSources: ['publicApi', 'client'],
					watchDataInFieldIds: ['fldA', 'fldB'],
					watchSchemasOfFieldIds: [],
					sourceOptions: {},
				},
				includes: { includeCellValuesInFieldIds: 'all', includePreviousCellValues: false },
			},
		};
		expect(sameSpecification(ours, echoed)).toBe(true);
	});

	it('treats "all change types" and "no changeTypes" alike', () => {
		const withoutTypes = specificationFor(baseSettings);
		delete withoutTypes.options.filters.changeTypes;
		expect(sameSpecification(specificationFor(baseSettings), withoutTypes)).toBe(true);
	});

	it.each([
		['another scope', { ...baseSettings, tableId: 'tbl2' }],
		['fewer events', { ...baseSettings, events: ['created'] as TriggerSettings['events'] }],
		['previous values', { ...baseSettings, includePreviousValues: true }],
		['changed values only', { ...baseSettings, allFieldValues: false }],
		['a watched field', { ...baseSettings, watchFieldIds: ['fldA'] }],
		['a source filter', { ...baseSettings, sources: ['client'] }],
		['schema changes', { ...baseSettings, includeSchemaChanges: true }],
	])('sees %s as a different spec', (_label, other) => {
		expect(sameSpecification(specificationFor(baseSettings), specificationFor(other))).toBe(false);
	});
});

describe('resolveSettings', () => {
	useNock();

	it('keeps ids as they are without asking Airtable', async () => {
		await expect(resolveSettings(makeClient(), { ...baseSettings, tableId: 'tblX', viewId: 'viwY' })).resolves.toMatchObject({
			tableId: 'tblX',
			viewId: 'viwY',
		});
	});

	it('turns table and view names from expressions into ids', async () => {
		api()
			.get('/v0/meta/bases/app1/tables')
			.reply(200, {
				tables: [
					{ id: 'tblT', name: 'Tasks', primaryFieldId: 'fld1', fields: [], views: [{ id: 'viwO', name: 'Open', type: 'grid' }] },
				],
			});
		await expect(
			resolveSettings(makeClient(), { ...baseSettings, tableId: 'Tasks', viewId: 'Open' }),
		).resolves.toMatchObject({ tableId: 'tblT', viewId: 'viwO' });
	});

	it('says which table is missing', async () => {
		api().get('/v0/meta/bases/app1/tables').reply(200, { tables: [] });
		await expect(resolveSettings(makeClient(), { ...baseSettings, tableId: 'Nope' })).rejects.toThrow(
			'Table "Nope" is not in base app1',
		);
	});
});
