import { metricsText } from '../../index';
import { resetMetrics } from '../../nodes/client/observability/metrics';
import { countEmittedChanges, countWebhookPing } from '../../nodes/AirtableInstantTrigger/webhookMetrics';
import { sample } from './metricsSupport';

const BASE = 'appWEBHOOKMETRIC1';
const TABLE = 'tblWEBHOOKMETRIC1';

beforeEach(() => resetMetrics());

describe("the Instant Trigger's webhook metrics", () => {
	it('counts accepted and refused pings by base', () => {
		countWebhookPing(BASE, true);
		countWebhookPing(BASE, true);
		countWebhookPing(BASE, false);
		// A forged ping's body is untrusted: a base id of the wrong shape is "other".
		countWebhookPing('app"} injected', false);
		countWebhookPing(undefined, false);

		const text = metricsText();
		expect(sample(text, 'airtable_webhook_events_total', { base: BASE, table: 'none', type: 'ping' })).toBe(2);
		expect(sample(text, 'airtable_webhook_events_total', { base: BASE, type: 'ping_rejected' })).toBe(1);
		expect(sample(text, 'airtable_webhook_events_total', { base: 'other', type: 'ping_rejected' })).toBe(1);
		expect(sample(text, 'airtable_webhook_events_total', { base: 'none', type: 'ping_rejected' })).toBe(1);
		expect(text).not.toContain('injected');
	});

	it('counts emitted items by base, table id and change type, never their contents', () => {
		countEmittedChanges([
			{ event: 'record.created', baseId: BASE, tableId: TABLE, recordId: 'recA', fields: { Name: 'Secret Name' } },
			{ event: 'record.created', baseId: BASE, tableId: TABLE, recordId: 'recB', fields: {} },
			{ event: 'record.updated', baseId: BASE, tableId: TABLE, recordId: 'recA', fields: { Name: 'Secret Name' } },
			{ event: 'record.deleted', baseId: BASE, tableId: TABLE, recordId: 'recC', fields: {} },
			{ event: 'field.created', baseId: BASE, tableId: TABLE },
			{ event: 'webhook.recreated', baseId: BASE },
		]);

		const text = metricsText();
		expect(sample(text, 'airtable_webhook_events_total', { base: BASE, table: TABLE, type: 'created' })).toBe(2);
		expect(sample(text, 'airtable_webhook_events_total', { base: BASE, table: TABLE, type: 'updated' })).toBe(1);
		expect(sample(text, 'airtable_webhook_events_total', { base: BASE, table: TABLE, type: 'deleted' })).toBe(1);
		expect(sample(text, 'airtable_webhook_events_total', { base: BASE, table: TABLE, type: 'schema' })).toBe(1);
		expect(text.split('\n').filter((line) => line.startsWith('airtable_webhook_events_total{'))).toHaveLength(4);
		expect(text).not.toContain('Secret Name');
		expect(text).not.toContain('recA');
	});
});
