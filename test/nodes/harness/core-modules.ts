import { createRequire } from 'node:module';

/**
 * n8n-core ships its own copies of @n8n/di, @n8n/backend-common and @n8n/config
 * (node_modules/n8n-core/node_modules/@n8n/…), newer than the hoisted ones. Its DI container
 * is the one in its own copy, so services must be registered there: these modules are loaded
 * the way n8n-core resolves them, not by a plain import (which would reach the hoisted copies).
 */
const requireFromCore = createRequire(require.resolve('n8n-core'));

type ServiceClass = abstract new (...args: never[]) => unknown;

interface DiModule {
	Container: {
		set(service: ServiceClass, instance: unknown): void;
		get<T>(service: abstract new (...args: never[]) => T): T;
	};
}

interface BackendCommonModule {
	Logger: ServiceClass;
}

interface SsrfProtectionSettings {
	enabled: boolean;
	allowedIpRanges: string[];
}

interface ConfigModule {
	SsrfProtectionConfig: new () => SsrfProtectionSettings;
}

export const { Container } = requireFromCore('@n8n/di') as DiModule;
export const { Logger } = requireFromCore('@n8n/backend-common') as BackendCommonModule;
export const { SsrfProtectionConfig } = requireFromCore('@n8n/config') as ConfigModule;
