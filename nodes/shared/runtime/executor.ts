/**
 * How every node gets its client: the n8n HTTP executor over httpRequestWithAuthentication (the
 * node's credential signs, OAuth2 refreshes), and `getAirtableClient`, which adds the settings.
 */
import type {
	ICredentialDataDecryptedObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { AirtableClient } from '../../client/AirtableClient';
import { rootForHost } from '../../client/transport/contentHost';
import { classifyThrown } from '../../client/transport/http';
import type { HttpExecutor, HttpRequest, HttpResponse } from '../../client/types';
import { downloadWithN8n } from './n8nDownload';
import type { AirtableContext } from './context';
import { exposeMetricsToN8n } from './n8nMetrics';
import {
	AUTHENTICATION_CREDENTIAL,
	type AuthenticationMethod,
	DEFAULT_TIME_BUDGET_SECONDS,
	TOKEN_CREDENTIAL_TYPE,
} from '../editor/properties';
import { redisLimitStore } from '../queueMode/redisStore';
import { useSharedTriggerState } from '../queueMode/triggerCoordination';
import { type PackageSettings, prepareSettings } from './settings';
import { simulationFromEnv } from './simulationSettings';

/** Every n8n context our nodes run in; all of them can sign requests with the node's credential. */

const DEFAULT_API_URL = 'https://api.airtable.com';

interface HttpFullResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body?: unknown;
}

interface ThrownHttpError {
	code?: string;
	message?: string;
	cause?: unknown;
	response?: { status?: number; headers?: Record<string, unknown>; data?: unknown; body?: unknown };
}

export function credentialTypeOf(ctx: AirtableContext): string {
	const method = (ctx.getNode().parameters.authentication ?? 'accessToken') as AuthenticationMethod;
	return AUTHENTICATION_CREDENTIAL[method] ?? TOKEN_CREDENTIAL_TYPE;
}

function normalizeHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (value !== undefined && value !== null) result[name.toLowerCase()] = String(value);
	}
	return result;
}

/** n8n wraps the transport's error (NodeApiError around an axios error); find the innermost one. */
function innermostHttpError(error: unknown): ThrownHttpError {
	let current = error as ThrownHttpError;
	for (let depth = 0; depth < 5; depth++) {
		if (current?.response?.status !== undefined) return current;
		const next = current?.cause as ThrownHttpError | undefined;
		if (!next || typeof next !== 'object') break;
		current = next;
	}
	return current ?? {};
}

/** The part of an AbortSignal that n8n and axios use. */
interface ListenableSignal {
	readonly aborted: boolean;
	addEventListener(type: 'abort', listener: () => void): void;
	removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * n8n resolves the credential (a database read, an OAuth2 refresh) inside
 * `httpRequestWithAuthentication`, so under load a request leaves up to a few hundred ms after
 * it was handed over, and not by the same delay each time. The first thing axios does when it
 * really opens the request is to subscribe to the request's abort signal; n8n takes that
 * signal from the context's `getExecutionCancelSignal()`. So the executor hands n8n a context
 * whose cancel signal reports that subscription as the dispatch (and forwards everything to
 * the execution's real signal, so cancelling an execution still aborts the request).
 */
function contextReportingDispatch(ctx: AirtableContext, onDispatch: () => void): AirtableContext {
	const execution = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
	const signal: ListenableSignal = {
		get aborted() {
			return execution?.aborted ?? false;
		},
		addEventListener(type, listener) {
			onDispatch();
			execution?.addEventListener(type, listener);
		},
		removeEventListener(type, listener) {
			execution?.removeEventListener(type, listener);
		},
	};
	return Object.assign(Object.create(ctx) as AirtableContext, { getExecutionCancelSignal: () => signal });
}

/**
 * The client's HttpExecutor over n8n's `httpRequestWithAuthentication`, so n8n signs every
 * request (and refreshes OAuth2 tokens) while our limiter, retry and error code stay above it.
 * Every status is returned as a response except 401, which must throw so n8n's OAuth2 helper
 * can refresh the token and retry; a 401 that survives that is handed back as a response.
 */
export function createN8nExecutor(ctx: AirtableContext, credentialType: string, apiUrl: string): HttpExecutor {
	const root = apiUrl.replace(/\/+$/, '');
	return {
		signalsDispatch: true,
		route: root,
		async send(request: HttpRequest): Promise<HttpResponse> {
			const options: IHttpRequestOptions = {
				method: request.method as IHttpRequestMethods,
				url: `${rootForHost(root, request.host)}${request.path}`,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: { ignore: true, except: [401] },
				timeout: request.timeoutMs,
			};
			if (request.body !== undefined) options.body = request.body as IHttpRequestOptions['body'];
			try {
				const response = (await ctx.helpers.httpRequestWithAuthentication.call(
					request.onDispatch ? contextReportingDispatch(ctx, request.onDispatch) : ctx,
					credentialType,
					options,
				)) as HttpFullResponse;
				return {
					status: response.statusCode,
					headers: normalizeHeaders(response.headers),
					body: response.body === '' ? undefined : response.body,
				};
			} catch (error) {
				const inner = innermostHttpError(error);
				if (inner.response?.status !== undefined) {
					return {
						status: inner.response.status,
						headers: normalizeHeaders(inner.response.headers),
						body: inner.response.data ?? inner.response.body,
					};
				}
				// Only the code and the message text travel on: n8n's error objects carry the signed
				// request headers. The message is what a user needs when nothing was sent (a credential
				// that could not be refreshed, an invalid URL, a blocked host); the client removes the token.
				throw classifyThrown(error, (code, network) =>
					network ? `Airtable request failed: ${code}` : localFailureText(error),
				);
			}
		},
		download: async (request) => await downloadWithN8n(ctx, request),
	};
}

/** n8n wraps the transport's error; its description often says more than the wrapper's message. */
function localFailureText(error: unknown): string {
	const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
	const parts = [message, description].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
	return parts.length ? [...new Set(parts)].join(' — ') : 'the request failed before it was sent';
}

async function credentialData(ctx: AirtableContext, credentialType: string): Promise<ICredentialDataDecryptedObject> {
	return (await ctx.getCredentials(credentialType)) as ICredentialDataDecryptedObject;
}

/**
 * The per-token limiter key: the token itself for access tokens (the client hashes it), the
 * credential id for OAuth2 (its access token rotates every hour while the user stays the same).
 */
function limiterIdentity(ctx: AirtableContext, credentialType: string, data: ICredentialDataDecryptedObject): string {
	if (credentialType === TOKEN_CREDENTIAL_TYPE) return String(data.accessToken ?? '');
	const credentialId = ctx.getNode().credentials?.[credentialType]?.id ?? 'oauth';
	return `${credentialType}:${credentialId}`;
}

/** The node's "Time Budget (Seconds)" option where the node has one; the default elsewhere (triggers, pickers). */
function timeBudgetMs(ctx: AirtableContext): number {
	let seconds: unknown = DEFAULT_TIME_BUDGET_SECONDS;
	if ('getNodeParameter' in ctx && 'getInputData' in ctx) {
		seconds = ctx.getNodeParameter('options.timeBudget', 0, DEFAULT_TIME_BUDGET_SECONDS);
	}
	return typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : DEFAULT_TIME_BUDGET_SECONDS * 1000;
}

/** The credential's queue-mode settings, ready to use; a setting that cannot work fails the node saying what to fix. */
async function queueModeSettings(ctx: AirtableContext, data: ICredentialDataDecryptedObject): Promise<PackageSettings> {
	try {
		return await prepareSettings(data);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), error instanceof Error ? error.message : String(error));
	}
}

/**
 * For each Instant Trigger entry point (activation, webhook calls, keep-alive): when the
 * trigger's credential shares limits, its Redis carries the process's trigger coordination.
 */
export async function useTriggerCredentialSettings(ctx: AirtableContext): Promise<void> {
	const data = await credentialData(ctx, credentialTypeOf(ctx));
	useSharedTriggerState((await queueModeSettings(ctx, data)).sharedLimitsRedis);
}

/**
 * The one way nodes get an Airtable client: the node's credential, n8n's signing, our
 * throttle, and — when the credential shares limits (queue mode) — the limits shared with
 * every other n8n process through Redis (warnings go to n8n's log).
 */
export async function getAirtableClient(ctx: AirtableContext): Promise<AirtableClient> {
	const credentialType = credentialTypeOf(ctx);
	const data = await credentialData(ctx, credentialType);
	const apiUrl = typeof data.baseUrl === 'string' && data.baseUrl.trim() ? data.baseUrl.trim() : DEFAULT_API_URL;
	const { sharedLimitsRedis } = await queueModeSettings(ctx, data);
	exposeMetricsToN8n(ctx.logger);
	return new AirtableClient({
		executor: createN8nExecutor(ctx, credentialType, apiUrl),
		identity: limiterIdentity(ctx, credentialType, data),
		limits: { budgetMs: timeBudgetMs(ctx) },
		sharedLimits: sharedLimitsRedis ? redisLimitStore({ redis: sharedLimitsRedis, logger: ctx.logger }) : undefined,
		logger: ctx.logger,
		simulation: simulationFromEnv(),
	});
}
