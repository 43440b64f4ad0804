/**
 * The trigger's settings as read from its parameters, and the Airtable webhook specification they
 * translate into.
 */

import type { IDataObject } from 'n8n-workflow';

import type { AirtableClient } from '../client/AirtableClient';
import type { WebhookChangeType, WebhookDataType, WebhookSpecification } from '../client/types';
import { useFieldIdsIn } from '../shared/execution/parameters';

export type RecordEvent = 'created' | 'updated' | 'deleted';
export type OutputMode = 'records' | 'payloads';

/** The node's parameters, read once per call, in the terms the rest of the trigger uses. */
export interface TriggerSettings {
	baseId: string;
	/** A table id (tbl…) once resolved; may still be a name straight from an expression. */
	tableId: string;
	/** View scope (viw…), or undefined for the whole table. */
	viewId?: string;
	events: RecordEvent[];
	watchFieldIds: string[];
	sources: string[];
	allFieldValues: boolean;
	includePreviousValues: boolean;
	includeSchemaChanges: boolean;
	useFieldIds: boolean;
	output: OutputMode;
	/** Changes dropped before any execution (Ignore Changes Made By …). */
	ignore: IgnoreSettings;
}

/** Options → Ignore Changes Made by This Credential / by Users / From Sources. */
export interface IgnoreSettings {
	/** API changes by the credential's own user (whoami): the workflow's own writes. */
	own: boolean;
	/** User ids (usr…) or emails. */
	users: string[];
	sources: string[];
}

/** What every n8n context offers to read parameters outside an item loop. */
export interface ParameterReader {
	getNodeParameter(name: string, fallback?: unknown, options?: { extractValue?: boolean }): unknown;
}

const ALL_EVENTS: RecordEvent[] = ['created', 'updated', 'deleted'];

const CHANGE_TYPE: Record<RecordEvent, WebhookChangeType> = {
	created: 'add',
	updated: 'update',
	deleted: 'remove',
};

function stringList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).filter((entry) => entry.trim() !== '');
	if (typeof value === 'string' && value.trim()) {
		return value
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean);
	}
	return [];
}

export function readSettings(ctx: ParameterReader): TriggerSettings {
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const events = stringList(ctx.getNodeParameter('events', ALL_EVENTS)).filter((event): event is RecordEvent =>
		ALL_EVENTS.includes(event as RecordEvent),
	);
	const viewId = String(ctx.getNodeParameter('view', '', { extractValue: true }) ?? '').trim();
	return {
		baseId: String(ctx.getNodeParameter('base', '', { extractValue: true }) ?? '').trim(),
		tableId: String(ctx.getNodeParameter('table', '', { extractValue: true }) ?? '').trim(),
		viewId: viewId || undefined,
		events: events.length ? events : ALL_EVENTS,
		watchFieldIds: stringList(ctx.getNodeParameter('watchFields', [])),
		sources: stringList(options.sources),
		allFieldValues: ctx.getNodeParameter('fieldValues', 'all') !== 'changed',
		includePreviousValues: options.includePreviousValues === true,
		includeSchemaChanges: options.includeSchemaChanges === true,
		useFieldIds: useFieldIdsIn({ options }),
		output: options.output === 'payloads' ? 'payloads' : 'records',
		ignore: {
			own: options.ignoreOwnChanges === true,
			users: stringList(options.ignoreUsers),
			sources: stringList(options.ignoreSources),
		},
	};
}

/**
 * Airtable's specification takes ids only. The locators give ids, but an expression may give a
 * table or view name: resolve those through the (cached) base schema.
 */
export async function resolveSettings(client: AirtableClient, settings: TriggerSettings): Promise<TriggerSettings> {
	if (!settings.baseId) throw new Error('Choose the base to watch');
	if (!settings.tableId) throw new Error('Choose the table to watch');
	const needsTable = !settings.tableId.startsWith('tbl');
	const needsView = settings.viewId !== undefined && !settings.viewId.startsWith('viw');
	if (!needsTable && !needsView) return settings;
	const schema = await client.base(settings.baseId).schema();
	const table = schema.table(settings.tableId);
	if (!table) throw new Error(`Table "${settings.tableId}" is not in base ${settings.baseId}: pick it from the list`);
	let viewId = settings.viewId;
	if (needsView) {
		const view = table.views.find((candidate) => candidate.id === viewId || candidate.name === viewId);
		if (!view) throw new Error(`View "${viewId}" is not in table "${table.name}": pick it from the list`);
		viewId = view.id;
	}
	return { ...settings, tableId: table.id, viewId };
}

export function specificationFor(settings: TriggerSettings): WebhookSpecification {
	const dataTypes: WebhookDataType[] = ['tableData'];
	if (settings.includeSchemaChanges) dataTypes.push('tableFields', 'tableMetadata');
	const filters: WebhookSpecification['options']['filters'] = {
		dataTypes,
		recordChangeScope: settings.viewId ?? settings.tableId,
		changeTypes: ALL_EVENTS.filter((event) => settings.events.includes(event)).map((event) => CHANGE_TYPE[event]),
	};
	if (settings.sources.length) filters.fromSources = [...settings.sources];
	if (settings.watchFieldIds.length) filters.watchDataInFieldIds = [...settings.watchFieldIds];
	const includes: NonNullable<WebhookSpecification['options']['includes']> = {};
	if (settings.allFieldValues) includes.includeCellValuesInFieldIds = 'all';
	if (settings.includePreviousValues) includes.includePreviousCellValues = true;
	if (settings.includeSchemaChanges && settings.includePreviousValues) includes.includePreviousFieldDefinitions = true;
	return { options: Object.keys(includes).length ? { filters, includes } : { filters } };
}

function sortedOrNull(list: unknown, emptyMeans: string[] = []): string[] | null {
	const values = stringList(list).sort();
	if (values.length === 0) return null;
	const defaults = [...emptyMeans].sort();
	if (defaults.length && values.length === defaults.length && values.every((value, i) => value === defaults[i])) {
		return null;
	}
	return values;
}

function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, entry]) => entry !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableJson(entry)}`).join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

/**
 * One canonical form per meaning: Airtable may echo a specification back with defaults spelled
 * out (empty lists, `false` flags, all three change types), which must not count as a change.
 */
function canonical(spec: WebhookSpecification | undefined): string {
	const filters = spec?.options?.filters ?? ({} as Partial<WebhookSpecification['options']['filters']>);
	const includes = spec?.options?.includes ?? {};
	const cellValues = includes.includeCellValuesInFieldIds;
	const hasSourceOptions = filters.sourceOptions && Object.keys(filters.sourceOptions).length > 0;
	return stableJson({
		dataTypes: sortedOrNull(filters.dataTypes),
		recordChangeScope: filters.recordChangeScope || null,
		changeTypes: sortedOrNull(filters.changeTypes, ['add', 'remove', 'update']),
		fromSources: sortedOrNull(filters.fromSources),
		sourceOptions: hasSourceOptions ? filters.sourceOptions : null,
		watchDataInFieldIds: sortedOrNull(filters.watchDataInFieldIds),
		watchSchemasOfFieldIds: sortedOrNull(filters.watchSchemasOfFieldIds),
		includeCellValuesInFieldIds: cellValues === 'all' ? 'all' : sortedOrNull(cellValues),
		includePreviousCellValues: includes.includePreviousCellValues === true,
		includePreviousFieldDefinitions: includes.includePreviousFieldDefinitions === true,
	});
}

/** Whether two specifications watch the same thing the same way. */
export function sameSpecification(a: WebhookSpecification | undefined, b: WebhookSpecification | undefined): boolean {
	return canonical(a) === canonical(b);
}
