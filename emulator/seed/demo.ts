/**
 * The demo bases, users and tokens the emulator starts with, with fixed ids that tests and
 * examples can hard-code.
 */

import type { SeedBase } from './types';

/** Fixed, readable ids (prefix + 14 chars) so curl examples and tests can hard-code them. */
export function fixedId(prefix: string, tag: string): string {
	return prefix + `${tag}00000000000000`.slice(0, 14);
}

/** Select options with fixed ids too, so webhook payloads ({id, name, color}) are predictable. */
function choices(prefix: string, names: string[]): Array<{ id: string; name: string }> {
	return names.map((name) => ({ id: fixedId('sel', prefix + name), name }));
}

export const DEMO_BASE_ID = 'appDemoCrm0000001';
export const OTHER_BASE_ID = 'appOtherBase00001';
export const DEMO_USER = { id: 'usrDemoUser000001', email: 'demo@example.com', name: 'Demo User' };
export const DEMO_TOKEN = 'pat-demo-emulator-token';
export const READONLY_TOKEN = 'pat-demo-readonly-token';
export const OTHER_TOKEN = 'pat-other-base-token';

export const DEMO_IDS = {
	contacts: fixedId('tbl', 'Contacts'),
	orders: fixedId('tbl', 'Orders'),
	flags: fixedId('tbl', 'FeatureFlags'),
	contactsAllView: fixedId('viw', 'ContactsAll'),
	customersView: fixedId('viw', 'Customers'),
	contactName: fixedId('fld', 'CName'),
	contactEmail: fixedId('fld', 'CEmail'),
	contactCompany: fixedId('fld', 'CCompany'),
	contactStatus: fixedId('fld', 'CStatus'),
	contactScore: fixedId('fld', 'CScore'),
	contactNotes: fixedId('fld', 'CNotes'),
	contactLastModified: fixedId('fld', 'CLastMod'),
	contactOrders: fixedId('fld', 'COrders'),
	contactFiles: fixedId('fld', 'CFiles'),
	graceBadge: fixedId('att', 'GraceBadge'),
	orderName: fixedId('fld', 'OOrder'),
	orderContact: fixedId('fld', 'OContact'),
	orderAmount: fixedId('fld', 'OAmount'),
	orderStatus: fixedId('fld', 'OStatus'),
	orderDate: fixedId('fld', 'OOrdered'),
	flagName: fixedId('fld', 'FName'),
	flagEnabled: fixedId('fld', 'FEnabled'),
	flagRollout: fixedId('fld', 'FRollout'),
	flagMetadata: fixedId('fld', 'FMetadata'),
	ada: fixedId('rec', 'Ada'),
	grace: fixedId('rec', 'Grace'),
	alan: fixedId('rec', 'Alan'),
	katherine: fixedId('rec', 'Katherine'),
};

const T0 = '2024-01-02T09:00:00.000Z';

/** An 8×8 PNG made for the demo (a colour gradient), inline so the seed needs no files on disk. */
const GRACE_BADGE = {
	id: DEMO_IDS.graceBadge,
	url:
		'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAbUlEQVR4nBXOUREAUQhCUaMYhShEMcqNQhSi7Fs/OQzjzLCDBg83MGToMLPsosXLLSxZug/ECgmLE4iI6oFZI2NzBhNTPzj20OHjDo4cvQf/7Bt41Rf+F+h7YsIGBYfLHyc0D8oWFZfrX05p+QDeqGABsIj8kAAAAABJRU5ErkJggg==',
	filename: 'grace-badge.png',
};

export function demoSeed(): SeedBase[] {
	const id = DEMO_IDS;
	return [
		{
			id: DEMO_BASE_ID,
			name: 'Demo CRM',
			tables: [
				{
					id: id.contacts,
					name: 'Contacts',
					description: 'People we sell to.',
					fields: [
						{ id: id.contactName, name: 'Name', type: 'singleLineText' },
						{ id: id.contactEmail, name: 'Email', type: 'email' },
						{ id: id.contactCompany, name: 'Company', type: 'singleLineText' },
						{ id: id.contactStatus, name: 'Status', type: 'singleSelect', options: { choices: choices('C', ['Lead', 'Customer', 'Churned']) } },
						{ id: id.contactScore, name: 'Score', type: 'number', options: { precision: 0 } },
						{ id: id.contactNotes, name: 'Notes', type: 'multilineText' },
						{ id: id.contactLastModified, name: 'Last Modified', type: 'lastModifiedTime' },
						{ id: id.contactFiles, name: 'Files', type: 'multipleAttachments', options: { isReversed: false } },
					],
					views: [
						{ id: id.contactsAllView, name: 'All' },
						{ id: id.customersView, name: 'Customers', filterByFormula: '{Status} = "Customer"', sort: [{ field: 'Name' }] },
					],
					records: [
						{ id: id.grace, createdTime: T0, fields: { Name: 'Grace Hopper', Email: 'grace@example.com', Company: 'Navy', Status: 'Customer', Score: 91, Notes: 'Prefers email.', Files: [GRACE_BADGE] } },
						{ id: id.ada, createdTime: T0, fields: { Name: 'Ada Lovelace', Email: 'ada@example.com', Company: 'Analytical Engines', Status: 'Customer', Score: 97 } },
						{ id: id.alan, createdTime: T0, fields: { Name: 'Alan Turing', Email: 'alan@example.com', Company: 'Bletchley', Status: 'Lead', Score: 64 } },
						{ id: id.katherine, createdTime: T0, fields: { Name: 'Katherine Johnson', Email: 'katherine@example.com', Company: 'NASA', Status: 'Churned', Score: 40 } },
					],
				},
				{
					id: id.orders,
					name: 'Orders',
					fields: [
						{ id: id.orderName, name: 'Order', type: 'singleLineText' },
						{ id: id.orderContact, name: 'Contact', type: 'multipleRecordLinks', options: { linkedTable: id.contacts, inverseName: 'Orders', inverseId: id.contactOrders } },
						{ id: id.orderAmount, name: 'Amount', type: 'currency', options: { precision: 2, symbol: '$' } },
						{ id: id.orderStatus, name: 'Status', type: 'singleSelect', options: { choices: choices('O', ['New', 'Paid', 'Shipped', 'Cancelled']) } },
						{ id: id.orderDate, name: 'Ordered', type: 'date', options: { dateFormat: { name: 'iso', format: 'YYYY-MM-DD' } } },
					],
					views: [{ name: 'All' }, { name: 'Big orders', filterByFormula: '{Amount} >= 100', sort: [{ field: 'Amount', direction: 'desc' }] }],
					records: [
						{ id: fixedId('rec', 'Order1001'), createdTime: T0, fields: { Order: 'SO-1001', Contact: [id.ada], Amount: 250, Status: 'Paid', Ordered: '2024-01-05' } },
						{ id: fixedId('rec', 'Order1002'), createdTime: T0, fields: { Order: 'SO-1002', Contact: [id.grace], Amount: 75.5, Status: 'Shipped', Ordered: '2024-02-11' } },
						{ id: fixedId('rec', 'Order1003'), createdTime: T0, fields: { Order: 'SO-1003', Contact: [id.ada], Amount: 1200, Status: 'New', Ordered: '2024-03-20' } },
					],
				},
				{
					id: id.flags,
					name: 'feature_flags',
					fields: [
						{ id: id.flagName, name: 'flag_name', type: 'singleLineText' },
						{ id: id.flagEnabled, name: 'enabled', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } },
						{ id: id.flagRollout, name: 'rollout_pct', type: 'number', options: { precision: 0 } },
						{ id: id.flagMetadata, name: 'metadata', type: 'multilineText' },
					],
					views: [{ name: 'All' }, { name: 'Enabled', filterByFormula: '{enabled}', sort: [{ field: 'flag_name' }] }],
					records: [
						{ id: fixedId('rec', 'FlagCheckout'), createdTime: T0, fields: { flag_name: 'new_checkout', enabled: true, rollout_pct: 50, metadata: '{"owner":"payments","since":"2024-01-10"}' } },
						{ id: fixedId('rec', 'FlagDarkMode'), createdTime: T0, fields: { flag_name: 'dark_mode', enabled: true, rollout_pct: 100, metadata: '{"owner":"web"}' } },
						{ id: fixedId('rec', 'FlagBetaRep'), createdTime: T0, fields: { flag_name: 'beta_reports', enabled: false, rollout_pct: 0, metadata: '{"owner":"analytics"}' } },
					],
				},
			],
		},
		{
			id: OTHER_BASE_ID,
			name: 'Other Workspace',
			tables: [
				{
					id: fixedId('tbl', 'Secrets'),
					name: 'Secrets',
					fields: [{ id: fixedId('fld', 'SName'), name: 'Name', type: 'singleLineText' }],
					records: [{ id: fixedId('rec', 'Secret1'), createdTime: T0, fields: { Name: 'Not for the demo token' } }],
				},
			],
		},
	];
}
