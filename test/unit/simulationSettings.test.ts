import { simulationFromEnv } from '../../nodes/shared/runtime/simulationSettings';

describe('record / replay from the environment', () => {
	it('is off unless AIRTABLE_SYNC_SIMULATION says record or replay', () => {
		expect(simulationFromEnv({})).toBeUndefined();
		expect(simulationFromEnv({ AIRTABLE_SYNC_SIMULATION: 'off', AIRTABLE_SYNC_CASSETTE: '/tmp/c.json' })).toBeUndefined();
	});

	it('reads the mode, the cassette and the replay knobs', () => {
		expect(simulationFromEnv({ AIRTABLE_SYNC_SIMULATION: ' Record ', AIRTABLE_SYNC_CASSETTE: '/tmp/c.json' })).toEqual({
			mode: 'record',
			cassette: '/tmp/c.json',
			match: 'request',
			speed: 'fast',
			redactCellValues: true,
		});
		expect(
			simulationFromEnv({
				AIRTABLE_SYNC_SIMULATION: 'replay',
				AIRTABLE_SYNC_CASSETTE: '/tmp/c.json',
				AIRTABLE_SYNC_REPLAY_MATCH: 'order',
				AIRTABLE_SYNC_REPLAY_SPEED: 'recorded',
				AIRTABLE_SYNC_REDACT_VALUES: 'false',
			}),
		).toEqual({ mode: 'replay', cassette: '/tmp/c.json', match: 'order', speed: 'recorded', redactCellValues: false });
	});

	it('refuses a mode without a cassette, naming the variable to set', () => {
		expect(() => simulationFromEnv({ AIRTABLE_SYNC_SIMULATION: 'replay' })).toThrow(/AIRTABLE_SYNC_CASSETTE/);
	});
});
