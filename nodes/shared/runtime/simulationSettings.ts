/**
 * Record and replay settings for a whole n8n instance, read from AIRTABLE_SYNC_* environment
 * variables.
 */

import type { SimulationOptions } from '../../client/simulation/simulation';

/**
 * Record and replay inside n8n, from the environment (the nodes have no parameter for it: it is
 * a property of the whole instance, like a test run in CI):
 * - AIRTABLE_SYNC_SIMULATION: `record` or `replay` (anything else or unset: off)
 * - AIRTABLE_SYNC_CASSETTE: the cassette file (required with a mode)
 * - AIRTABLE_SYNC_REPLAY_MATCH: `request` (default) or `order`
 * - AIRTABLE_SYNC_REPLAY_SPEED: `fast` (default) or `recorded`
 * - AIRTABLE_SYNC_REDACT_VALUES: `false` keeps cell values and formulas in the cassette (default: replaced, see simulation.ts)
 */
export function simulationFromEnv(env: NodeJS.ProcessEnv = process.env): SimulationOptions | undefined {
	const mode = env.AIRTABLE_SYNC_SIMULATION?.trim().toLowerCase();
	if (mode !== 'record' && mode !== 'replay') return undefined;
	const cassette = env.AIRTABLE_SYNC_CASSETTE?.trim();
	if (!cassette) {
		throw new Error(`AIRTABLE_SYNC_SIMULATION=${mode} needs AIRTABLE_SYNC_CASSETTE, the path of the cassette file`);
	}
	return {
		mode,
		cassette,
		match: env.AIRTABLE_SYNC_REPLAY_MATCH?.trim() === 'order' ? 'order' : 'request',
		speed: env.AIRTABLE_SYNC_REPLAY_SPEED?.trim() === 'recorded' ? 'recorded' : 'fast',
		redactCellValues: env.AIRTABLE_SYNC_REDACT_VALUES?.trim().toLowerCase() !== 'false',
	};
}
