/**
 * What the emulator's services read of the running emulator: its clock, options, bases and
 * tokens, and how a service hears of committed changes. `EmulatorApp` (state.ts) is the one
 * implementation; services name this leaf instead, so the app can build them without the two
 * importing each other.
 */
import type { Clock } from './clock';
import type { BaseData } from './model';
import type { ChangeSet } from './mutations';
import type { ResolvedOptions, TokenConfig } from './options';

export interface EmulatorWorld {
	readonly clock: Clock;
	readonly options: ResolvedOptions;
	readonly bases: Map<string, BaseData>;
	readonly tokens: Map<string, TokenConfig>;
}

/** Receives every committed change (the webhook engine). */
export interface ChangeListener {
	onChange(change: ChangeSet): void;
}
