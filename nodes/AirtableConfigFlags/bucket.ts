/**
 * The rollout bucket of a subject for a flag: a stable hash, so a subject lands in the same bucket
 * in every run and process.
 */

import { createHash } from 'node:crypto';

/**
 * The rollout bucket (0–99) of a subject for a flag: the first four bytes of
 * SHA-256(UTF-8 of `${flagName}:${subjectKey}`) read as an unsigned big-endian integer,
 * modulo 100. Pure function of its inputs, so the same subject lands in the same bucket in
 * every run, process and machine, and each flag splits subjects independently of others.
 */
export function rolloutBucket(flagName: string, subjectKey: string): number {
	const digest = createHash('sha256').update(`${flagName}:${subjectKey}`, 'utf8').digest();
	return digest.readUInt32BE(0) % 100;
}
