import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BinaryDataConfig, InstanceSettings } from 'n8n-core';
import { LoggerProxy } from 'n8n-workflow';
import type { Logger as WorkflowLogger, LogMetadata } from 'n8n-workflow';

import { Container, Logger, SsrfProtectionConfig } from './core-modules';

export type EngineLogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface EngineLogEntry {
	level: EngineLogLevel;
	message: string;
	metadata?: LogMetadata;
}

/**
 * Everything n8n-core logged since the last `clearEngineLog()`. Tests may assert on
 * warnings (e.g. a refresh that could not be retried); nothing is printed.
 */
export const engineLog: EngineLogEntry[] = [];

export function clearEngineLog(): void {
	engineLog.length = 0;
}

function createRecordingLogger(): WorkflowLogger {
	const record = (level: EngineLogLevel) => (message: string, metadata?: LogMetadata) => {
		engineLog.push({ level, message, metadata });
	};
	const logger = {
		error: record('error'),
		warn: record('warn'),
		info: record('info'),
		debug: record('debug'),
		scoped: () => logger,
	};
	return logger;
}

/**
 * InstanceSettings' real constructor reads or creates `~/.n8n/config`; the engine only needs
 * the identifiers and the encryption key, so the harness builds the object without touching
 * the disk.
 */
function createInstanceSettings(): InstanceSettings {
	const settings: unknown = Object.assign(Object.create(InstanceSettings.prototype) as object, {
		settings: { encryptionKey: 'harness-encryption-key' },
		// Only used to derive paths (binary-data storage); nothing is written there.
		n8nFolder: join(tmpdir(), 'n8n-nodes-harness'),
		instanceId: 'harness-instance',
		derivedInstanceId: 'harness-instance',
		hmacSignatureSecret: 'harness-hmac-secret',
		instanceType: 'main',
		instanceRole: 'leader',
		hostId: 'main-harness',
		isMultiMainEnabled: false,
		isMultiMainLicensed: false,
		canSeedDeploymentState: false,
	});
	return settings as InstanceSettings;
}

/**
 * SSRF protection off, as in a default n8n install (N8N_SSRF_PROTECTION_ENABLED unset). The
 * harness pins it instead of reading the environment, so tests can reach nock hosts and the
 * emulator on 127.0.0.1 whatever the shell exports.
 */
function createSsrfConfig(): InstanceType<typeof SsrfProtectionConfig> {
	const config = new SsrfProtectionConfig();
	config.enabled = false;
	return config;
}

let engineReady = false;

/**
 * Registers the few DI services n8n-core pulls from its container while executing a node.
 * Everything else (OutboundHttp, LockService, ExecutionContextService, Cipher, ErrorReporter,
 * BinaryDataService) is built by the container from these. Idempotent.
 */
export function ensureEngine(): void {
	if (engineReady) return;
	const logger = createRecordingLogger();
	Container.set(Logger, logger);
	Container.set(InstanceSettings, createInstanceSettings());
	Container.set(SsrfProtectionConfig, createSsrfConfig());
	// n8n's in-memory binary mode: binary data stays base64 inside the items.
	Container.get(BinaryDataConfig).mode = 'default';
	LoggerProxy.init(logger);
	engineReady = true;
}
