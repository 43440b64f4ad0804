/**
 * The attachment parameters of the nodes: which fields to download as binary data, and which
 * binary properties or URLs to upload into which fields, read per item.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { AttachmentInput } from './attachmentTypes';
import { DEFAULT_MAX_FILE_SIZE_MB, parseBinarySelection, type DownloadSettings } from './binary';

/* ------------------------------------------------------------------ download */

/** Options-collection entry for nodes that read records: which attachment fields become binary data. */
export const downloadAttachmentsOption: INodeProperties = {
	displayName: 'Download Attachments: Field Names or IDs',
	name: 'downloadAttachments',
	type: 'multiOptions',
	typeOptions: {
		loadOptionsMethod: 'getAttachmentFields',
		loadOptionsDependsOn: ['base.value', 'table.value'],
	},
	default: [],
	description:
		'Attachment fields whose files become binary data on each item, named <field>_<index> (e.g. Files_0). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

/** Goes with Download Attachments. */
export const maxFileSizeOption: INodeProperties = {
	displayName: 'Max File Size (MB)',
	name: 'maxFileSizeMb',
	type: 'number',
	typeOptions: { minValue: 0.001 },
	default: DEFAULT_MAX_FILE_SIZE_MB,
	description: 'Files larger than this fail their item instead of being downloaded (only with Download Attachments)',
};

/** The download settings in a node's Options, or undefined when no field is chosen. */
export function downloadSettingsFrom(options: IDataObject): DownloadSettings | undefined {
	const raw = options.downloadAttachments;
	const fields = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [])
		.map((field) => String(field).trim())
		.filter(Boolean);
	if (!fields.length) return undefined;
	const megabytes = Number(options.maxFileSizeMb ?? DEFAULT_MAX_FILE_SIZE_MB);
	return {
		fields,
		maxFileSizeBytes: Math.round((megabytes > 0 ? megabytes : DEFAULT_MAX_FILE_SIZE_MB) * 1024 * 1024),
	};
}

/* ------------------------------------------------------------------ upload */

/** The "Attachments" parameter of nodes that write records: files from binary data and/or URLs. */
export const attachmentsToUploadProperty: INodeProperties = {
	displayName: 'Attachments',
	name: 'attachments',
	type: 'fixedCollection',
	placeholder: 'Add Attachment Field',
	typeOptions: { multipleValues: true },
	default: {},
	description:
		'Files for attachment fields: binary data is uploaded (≤ 5 MB per file) after the record is written, in the same run; URLs are fetched by Airtable (≤ 1 GB)',
	options: [
		{
			displayName: 'Attachment Field',
			name: 'values',
			values: [
				{
					displayName: 'Field Name or ID',
					name: 'field',
					type: 'options',
					typeOptions: {
						loadOptionsMethod: 'getAttachmentFields',
						loadOptionsDependsOn: ['base.value', 'table.value'],
					},
					default: '',
					description:
						'The attachment field. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				},
				{
					displayName: 'Binary Properties',
					name: 'binaryProperties',
					type: 'string',
					default: 'data',
					placeholder: 'data, invoice',
					description: 'Binary properties of the input item to upload, comma-separated; * = all of them; empty = none',
				},
				{
					displayName: 'URLs',
					name: 'urls',
					type: 'string',
					default: '',
					placeholder: 'https://example.com/report.pdf',
					description: 'Public file URLs for Airtable to fetch, comma-separated (or an expression giving a list)',
				},
				{
					displayName: 'Mode',
					name: 'mode',
					type: 'options',
					options: [
						{
							name: 'Append',
							value: 'append',
							description: 'Keep the files already in the field and add these',
						},
						{
							name: 'Replace',
							value: 'replace',
							description: 'These files become the whole field',
						},
					],
					default: 'append',
				},
			],
		},
	],
};

/** One item's Attachments parameter (expressions resolved for that item). */
export function attachmentInputsFor(ctx: IExecuteFunctions, itemIndex: number): AttachmentInput[] {
	const collection = ctx.getNodeParameter('attachments', itemIndex, {}) as {
		values?: IDataObject[];
	};
	return (collection.values ?? []).map((entry) => ({
		field: String(entry.field ?? '').trim(),
		binary: parseBinarySelection(String(entry.binaryProperties ?? '')),
		urls: listOf(entry.urls),
		mode: entry.mode === 'replace' ? 'replace' : 'append',
	}));
}

function listOf(value: unknown): string[] {
	const items = Array.isArray(value) ? value : String(value ?? '').split(',');
	return items.map((item) => String(item).trim()).filter(Boolean);
}
