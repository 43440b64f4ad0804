import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import { UnexpectedError } from 'n8n-workflow';
import type {
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { TestCredentialsHelper } from './credentials-helper';

export const HARNESS_BASE_URL = 'http://localhost:5678';

export interface HarnessUrls {
	/** Production webhook base, what `getNodeWebhookUrl` builds on. Default `http://localhost:5678/webhook`. */
	webhookBaseUrl?: string;
	/** Test ("Listen for test event") webhook base. Default `http://localhost:5678/webhook-test`. */
	webhookTestBaseUrl?: string;
}

let executionCounter = 0;

export function nextExecutionId(): string {
	executionCounter += 1;
	return `harness-${executionCounter}`;
}

function notAvailable(what: string): never {
	throw new UnexpectedError(`Harness: ${what} is not available in node tests`);
}

export function createAdditionalData(
	credentialsHelper: TestCredentialsHelper,
	urls: HarnessUrls = {},
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper,
		executionId: nextExecutionId(),
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: async () => notAvailable('executeWorkflow'),
		startRunnerTask: async () => notAvailable('startRunnerTask'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${HARNESS_BASE_URL}/rest`,
		instanceBaseUrl: HARNESS_BASE_URL,
		formBaseUrl: `${HARNESS_BASE_URL}/form`,
		formWaitingBaseUrl: `${HARNESS_BASE_URL}/form-waiting`,
		formTestBaseUrl: `${HARNESS_BASE_URL}/form-test`,
		webhookBaseUrl: urls.webhookBaseUrl ?? `${HARNESS_BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${HARNESS_BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: urls.webhookTestBaseUrl ?? `${HARNESS_BASE_URL}/webhook-test`,
		mcpBaseUrl: `${HARNESS_BASE_URL}/mcp`,
		mcpTestBaseUrl: `${HARNESS_BASE_URL}/mcp-test`,
	};
}

/** WorkflowExecute refuses to run without lifecycle hooks; the harness registers none. */
export function createHooks(
	mode: WorkflowExecuteMode,
	executionId: string,
	workflowData: IWorkflowBase,
): ExecutionLifecycleHooks {
	return new ExecutionLifecycleHooks(mode, executionId, workflowData);
}
