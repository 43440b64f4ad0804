export { clearEngineLog, engineLog, ensureEngine } from './engine';
export type { EngineLogEntry, EngineLogLevel } from './engine';
export {
	credentialIdFor,
	oAuth2ApiParent,
	packageCredentialTypes,
	TestCredentialsHelper,
} from './credentials-helper';
export type { CredentialsByType, CredentialUpdate, OauthTokenUpdate } from './credentials-helper';
export { nodeTypeName, PACKAGE_NAME } from './node-types';
export type { AnyNodeType } from './node-types';
export { jsonItems, runNode } from './run-node';
export type { RunNodeOptions, RunNodeResult } from './run-node';
export { nodeStaticData, WORKFLOW_ID } from './workflow';
export type { NodeSetup } from './workflow';
export { callListSearch, callLoadOptions, callResourceMapping } from './editor-methods';
export type { CredentialsInput, EditorMethodOptions } from './editor-methods';
export { FakeResponse } from './fake-http';
export type { FakeRequest, FakeRequestInit, RecordedResponse } from './fake-http';
export { callWebhook, callWebhookMethod, HARNESS_WEBHOOK_ID } from './webhook';
export type {
	WebhookCallOptions,
	WebhookCallResult,
	WebhookMethodOptions,
	WebhookMethodResult,
	WebhookSetup,
} from './webhook';
export { runTrigger } from './trigger';
export type { RegisteredCron, TriggerOptions, TriggerRun } from './trigger';
