import { execFileSync, spawnSync } from 'node:child_process';

function hasCommand(command: string): boolean {
	return spawnSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/**
 * Makes sure a Debian package's command is on this machine, so `npm test` works on a fresh
 * machine of this kind with no set-up beyond `npm install`: installs it with apt-get when
 * running as root (CI and these machines), and otherwise fails (never skips) saying what to run.
 */
export function ensureDebianPackage(command: string, debianPackage: string, neededFor: string): void {
	if (hasCommand(command)) return;
	if (process.getuid?.() !== 0) {
		throw new Error(
			`${command} is required for ${neededFor} but is not installed. Install it with: ` +
				`sudo apt-get install -y ${debianPackage}`,
		);
	}
	execFileSync(
		'bash',
		['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${debianPackage}`],
		{ stdio: 'inherit' },
	);
	if (!hasCommand(command)) throw new Error(`apt-get installed ${debianPackage} but ${command} is still missing`);
}
