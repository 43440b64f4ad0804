import { HookContext, WebhookContext } from 'n8n-core';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';
import type {
	IDataObject,
	IHttpRequestMethods,
	INode,
	INodeType,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WebhookSetupMethodNames,
	Workflow,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import type { HarnessUrls } from './additional-data';
import type { TestCredentialsHelper } from './credentials-helper';
import { ensureEngine } from './engine';
import type { FakeRequestInit, RecordedResponse } from './fake-http';
import { createFakeRequest, FakeResponse } from './fake-http';
import type { AnyNodeType } from './node-types';
import type { NodeSetup } from './workflow';
import { buildWorkflow } from './workflow';

export const HARNESS_WEBHOOK_ID = 'harness-webhook-id';

export interface WebhookSetup extends NodeSetup, HarnessUrls {
	/** Which entry of `description.webhooks`; default `default`. */
	webhookName?: string;
	/** The node's `webhookId` (part of its webhook URL). Default `harness-webhook-id`. */
	webhookId?: string;
}

export interface WebhookMethodOptions extends WebhookSetup {
	/** `trigger`: workflow activation (production URL); `manual`: "Listen for test event" (test URL). Default `trigger`. */
	mode?: 'trigger' | 'manual';
	/** Default `activate` (or `manual` in manual mode). */
	activation?: WorkflowActivateMode;
	/**
	 * Forces what `getNodeWebhookUrl()` returns, e.g. the URL of a local server forwarding to
	 * callWebhook. Without it the URL is n8n's own: `<webhookBaseUrl>/<webhookId>/<path>`.
	 */
	webhookUrl?: string;
}

export interface WebhookMethodResult {
	/** What the method returned (`checkExists`: whether the webhook exists; `create`/`delete`: success). */
	result: boolean;
	/** What `getNodeWebhookUrl()` gives the node for this webhook. */
	webhookUrl: string | undefined;
	staticData: IDataObject;
	staticDataChanged: boolean;
	credentialsHelper: TestCredentialsHelper;
}

export interface WebhookCallOptions extends WebhookSetup, FakeRequestInit {
	/** `webhook`: production request; `manual`: test-URL request. Default `webhook`. */
	mode?: 'webhook' | 'manual';
}

export interface WebhookCallResult {
	/** What `webhook()` returned: `workflowData` (the items n8n would start the workflow with), `webhookResponse`, `noWebhookResponse`. */
	response: IWebhookResponseData;
	/** What the node wrote through `getResponseObject()`. */
	written: RecordedResponse;
	staticData: IDataObject;
	staticDataChanged: boolean;
	credentialsHelper: TestCredentialsHelper;
}

function findWebhookDescription(nodeType: INodeType, name: string): IWebhookDescription {
	const description = nodeType.description.webhooks?.find((webhook) => webhook.name === name);
	if (!description) {
		throw new UnexpectedError(`Harness: node "${nodeType.description.name}" has no webhook "${name}"`);
	}
	return description;
}

/** The IWebhookData n8n registers for a node's webhook description. */
function createWebhookData(
	workflow: Workflow,
	node: INode,
	description: IWebhookDescription,
	additionalData: IWorkflowExecuteAdditionalData,
	mode: WorkflowExecuteMode,
): IWebhookData {
	const path = workflow.expression.getSimpleParameterValue(node, description.path, mode, {});
	const isFullPath = workflow.expression.getSimpleParameterValue(node, description.isFullPath, mode, {}, undefined, false);
	const httpMethod = workflow.expression.getSimpleParameterValue(node, description.httpMethod, mode, {}, undefined, 'GET');
	return {
		httpMethod: httpMethod as IHttpRequestMethods,
		node: node.name,
		path: NodeHelpers.getNodeWebhookPath(workflow.id, node, String(path ?? ''), isFullPath === true),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: mode === 'manual',
	};
}

function prepareWebhookNode(nodeType: AnyNodeType, options: WebhookSetup, mode: WorkflowExecuteMode) {
	ensureEngine();
	const built = buildWorkflow(nodeType, options, { webhookId: options.webhookId ?? HARNESS_WEBHOOK_ID });
	const versioned = built.workflow.nodeTypes.getByNameAndVersion(built.node.type, built.node.typeVersion);
	const description = findWebhookDescription(versioned, options.webhookName ?? 'default');
	const additionalData = createAdditionalData(built.credentialsHelper, options);
	const webhookData = createWebhookData(built.workflow, built.node, description, additionalData, mode);
	return { ...built, versioned, description, additionalData, webhookData };
}

/**
 * Calls `webhookMethods[webhookName][method]` with n8n-core's HookContext, as n8n does on
 * activation (`checkExists`, then `create` if it returned false) and deactivation (`delete`).
 */
export async function callWebhookMethod(
	nodeType: AnyNodeType,
	method: WebhookSetupMethodNames,
	options: WebhookMethodOptions = {},
): Promise<WebhookMethodResult> {
	const mode = options.mode ?? 'trigger';
	const { workflow, node, versioned, description, additionalData, webhookData, credentialsHelper, staticData } =
		prepareWebhookNode(nodeType, options, mode);
	const setupMethod = versioned.webhookMethods?.[description.name]?.[method];
	if (!setupMethod) {
		throw new UnexpectedError(`Harness: node has no webhookMethods.${description.name}.${method}`);
	}
	const activation = options.activation ?? (mode === 'manual' ? 'manual' : 'activate');
	const context = new HookContext(workflow, node, additionalData, mode, activation, webhookData);
	if (options.webhookUrl !== undefined) {
		const { webhookUrl } = options;
		context.getNodeWebhookUrl = () => webhookUrl;
	}
	const result = await setupMethod.call(context);
	return {
		result,
		webhookUrl: context.getNodeWebhookUrl(description.name),
		staticData,
		staticDataChanged: workflow.staticData.__dataChanged === true,
		credentialsHelper,
	};
}

/**
 * Delivers one HTTP request to the node's `webhook()` with n8n-core's WebhookContext, as n8n
 * does for a request to the node's webhook URL. Nothing downstream runs: the result holds the
 * items n8n would start the workflow with.
 */
export async function callWebhook(nodeType: AnyNodeType, options: WebhookCallOptions = {}): Promise<WebhookCallResult> {
	const mode = options.mode ?? 'webhook';
	const { workflow, node, versioned, additionalData, webhookData, credentialsHelper, staticData } = prepareWebhookNode(
		nodeType,
		options,
		mode,
	);
	if (!versioned.webhook) {
		throw new UnexpectedError(`Harness: node "${versioned.description.name}" has no webhook() method`);
	}
	const response = new FakeResponse();
	const request = createFakeRequest({
		method: options.method ?? webhookData.httpMethod,
		path: options.path ?? `/${mode === 'manual' ? 'webhook-test' : 'webhook'}/${webhookData.path}`,
		headers: options.headers,
		rawBody: options.rawBody,
		body: options.body,
		query: options.query,
		params: options.params,
	});
	// express types are not installed; n8n-workflow types these slots as express Request/Response.
	additionalData.httpRequest = request as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
	additionalData.httpResponse = response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
	const webhookResponse = await versioned.webhook.call(context);
	return {
		response: webhookResponse,
		written: response.record,
		staticData,
		staticDataChanged: workflow.staticData.__dataChanged === true,
		credentialsHelper,
	};
}
