/** Public entry of the emulator (dev/test tool; never imported by nodes/ or credentials/). */
export { startEmulator, type RunningEmulator } from './server';
export { EmulatorApp } from './state';
export type { EmulatorOptions, TokenConfig, LimitsConfig, PingConfig, OAuthConfig, OAuthClientConfig, RateWindow } from './options';
export type { FaultConfig, QueuedFault, FaultMatch } from './faults';
export type { SeedBase, SeedTable, SeedField, SeedView, SeedRecord } from './seed/types';
export type { LogEntry, MetricsSnapshot } from './metrics';
export type { PingRecord } from './webhooks/types';
export { macFor } from './webhooks/pings';
export { demoSeed, DEMO_BASE_ID, OTHER_BASE_ID, DEMO_TOKEN, READONLY_TOKEN, OTHER_TOKEN, DEMO_USER, DEMO_IDS } from './seed/demo';
export { ADMIN_PREFIX } from './admin';
