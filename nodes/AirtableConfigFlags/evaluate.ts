/**
 * Deciding whether one flag is on for one subject key (enabled and inside the rollout), and the
 * errors a flag check can raise.
 */

import { rolloutBucket } from './bucket';
import type { FlagDefinition, FlagTable } from './flagTable';

export type UnknownFlagPolicy = 'off' | 'error';

export interface FlagEvaluation {
	name: string;
	/** The flag is on for this subject: enabled in the table and the subject's bucket is inside the rollout. */
	enabled: boolean;
	rolloutPct: number;
	/** The subject's bucket, 0–99. */
	bucket: number;
	metadata: unknown;
	/** False when the flag is not in the table (and the policy says treat it as off). */
	found: boolean;
}

/** A problem with one flag check; the node turns it into an item error. */
export class FlagError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FlagError';
	}
}

/** Metadata leaves the cache as a copy, so a later node changing it cannot change the cache. */
function copyOf(value: unknown): unknown {
	return value === null || typeof value !== 'object' ? value : structuredClone(value);
}

/** A flag for output: throws when its metadata cell is not JSON. */
export function flagDetails(definition: FlagDefinition): { enabled: boolean; rolloutPct: number; metadata: unknown } {
	if (definition.metadataError) throw new FlagError(definition.metadataError);
	return { enabled: definition.enabled, rolloutPct: definition.rolloutPct, metadata: copyOf(definition.metadata) };
}

function subjectKeyText(subjectKey: unknown): string {
	if (subjectKey === undefined || subjectKey === null) return '';
	return typeof subjectKey === 'object' ? JSON.stringify(subjectKey) : String(subjectKey);
}

/**
 * Whether `flagName` is on for `subjectKey`: enabled AND bucket(flagName:subjectKey) < rollout.
 * A partial rollout (between 0 and 100) needs a non-empty subject key, or every item without
 * one would land in the same bucket; a full or zero rollout does not look at the key.
 */
export function evaluateFlag(
	flags: FlagTable,
	flagName: string,
	subjectKey: unknown,
	unknownFlag: UnknownFlagPolicy,
): FlagEvaluation {
	const name = flagName.trim();
	if (!name) throw new FlagError('Flag Name is empty');
	const key = subjectKeyText(subjectKey);
	const bucket = rolloutBucket(name, key);
	const definition = flags.get(name);
	if (!definition) {
		if (unknownFlag === 'error') {
			throw new FlagError(`The flag "${name}" is not in the flags table (${flags.size} flags known)`);
		}
		return { name, enabled: false, rolloutPct: 0, bucket, metadata: null, found: false };
	}
	const details = flagDetails(definition);
	const partial = details.rolloutPct > 0 && details.rolloutPct < 100;
	if (details.enabled && partial && !key) {
		throw new FlagError(
			`The Subject Key is empty, but flag "${name}" is rolled out to ${details.rolloutPct}%: set Subject Key to a stable id such as {{ $json.userId }}`,
		);
	}
	return {
		name,
		enabled: details.enabled && bucket < details.rolloutPct,
		rolloutPct: details.rolloutPct,
		bucket,
		metadata: details.metadata,
		found: true,
	};
}
