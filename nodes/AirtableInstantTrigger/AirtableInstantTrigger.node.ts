/**
 * The Instant Trigger node's type: its description and the n8n entry points (webhook lifecycle,
 * webhook(), trigger()), each handing off to the module that does the work.
 */

import {
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
	type IWebhookFunctions,
	type IWebhookResponseData,
	NodeConnectionTypes,
	NodeOperationError,
} from 'n8n-workflow';

import { listSearch, loadOptions } from '../shared/editor/methods';
import {
	authenticationProperty,
	baseLocator,
	credentialsDescription,
	tableLocator,
} from '../shared/editor/properties';
import { useTriggerCredentialSettings } from '../shared/runtime/executor';
import {
	eventsProperty,
	fieldValuesProperty,
	optionsProperty,
	setupNotice,
	viewScopeProperty,
	watchFieldsProperty,
} from './description';
import { startKeepAlive } from './keepAlive';
import { checkWebhookExists, createWebhook, deleteWebhook } from './lifecycle';
import { handlePing } from './ping';
import { takeTestItems } from './testMode';

export class AirtableInstantTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Airtable Instant Trigger',
		name: 'airtableInstantTrigger',
		icon: { light: 'file:airtableInstantTrigger.svg', dark: 'file:airtableInstantTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].join(", ") }}',
		description:
			'Starts the workflow the moment records are created, updated or deleted in Airtable, using Airtable webhooks',
		defaults: { name: 'Airtable Instant Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialsDescription,
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: 'webhook',
			},
		],
		properties: [
			authenticationProperty,
			setupNotice,
			baseLocator,
			tableLocator,
			viewScopeProperty,
			eventsProperty,
			watchFieldsProperty,
			fieldValuesProperty,
			optionsProperty,
		],
	};

	methods = { listSearch, loadOptions };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				await useTriggerCredentialSettings(this);
				return await checkWebhookExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				await useTriggerCredentialSettings(this);
				return await createWebhook(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				await useTriggerCredentialSettings(this);
				return await deleteWebhook(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		await useTriggerCredentialSettings(this);
		return await handlePing(this);
	}

	/**
	 * Production: registers the keep-alive cron (see keepAlive.ts for why a timer, and how its
	 * changes get saved). Test mode: n8n runs this after webhook() and takes the execution's
	 * items from what it emits, so it emits the items webhook() parked (see testMode.ts).
	 */
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		if (this.getMode() === 'manual') {
			return {
				manualTriggerFunction: async () => {
					const items = takeTestItems(this);
					if (items?.length) {
						this.emit([items]);
						return;
					}
					this.emitError(
						new NodeOperationError(
							this.getNode(),
							'No Airtable change reached this test run. Click "Listen for test event", then change a record in the watched table',
						),
					);
				},
			};
		}
		await useTriggerCredentialSettings(this);
		return { closeFunction: startKeepAlive(this) };
	}
}
