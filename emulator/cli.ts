/**
 * The emulator's command line: starts it with the demo bases, optionally from a state file or a
 * cassette.
 */

import { existsSync, readFileSync, writeFileSync } from 'fs';
import { startEmulator } from './server';
import { DEMO_BASE_ID, DEMO_TOKEN } from './seed/demo';
import type { SeedBase } from './seed/types';

/**
 * `npm run emulator [-- --state file.json]`: the demo bases on EMULATOR_PORT (default 4010).
 * With --state, bases are loaded from the file when it exists and saved back on exit.
 * With --cassette file.json [--recorded-speed], API requests are answered from a recorded cassette.
 */
async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const stateIndex = args.indexOf('--state');
	const stateFile = stateIndex >= 0 ? args[stateIndex + 1] : undefined;
	let seed: 'demo' | SeedBase[] = 'demo';
	if (stateFile && existsSync(stateFile)) {
		const parsed = JSON.parse(readFileSync(stateFile, 'utf8')) as { bases?: SeedBase[] };
		if (Array.isArray(parsed.bases)) seed = parsed.bases;
	}
	const cassetteIndex = args.indexOf('--cassette');
	const cassette = cassetteIndex >= 0 ? { file: args[cassetteIndex + 1], speed: args.includes('--recorded-speed') ? ('recorded' as const) : ('fast' as const) } : undefined;
	const port = Number(process.env.EMULATOR_PORT ?? 4010);
	const emulator = await startEmulator({ port, seed, log: process.env.EMULATOR_LOG !== '0', adminToken: process.env.EMULATOR_ADMIN_TOKEN, cassette });
	const out = (line = '') => process.stdout.write(`${line}\n`);
	out(`Airtable emulator listening on ${emulator.url}`);
	out(`  token:    ${DEMO_TOKEN}`);
	out(`  base:     ${DEMO_BASE_ID} (Demo CRM: Contacts, Orders, feature_flags)`);
	out(`  admin:    ${emulator.url}/_emulator/health`);
	if (stateFile) out(`  state:    ${stateFile} (saved on exit)`);
	if (cassette) out(`  replay:   ${cassette.file} (API requests are answered from this cassette only)`);
	out(`  try:      curl -H "Authorization: Bearer ${DEMO_TOKEN}" ${emulator.url}/v0/${DEMO_BASE_ID}/Contacts`);
	out();

	const stop = async () => {
		if (stateFile) writeFileSync(stateFile, `${JSON.stringify({ version: 1, bases: emulator.state.exportBases() }, null, 2)}\n`);
		await emulator.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
