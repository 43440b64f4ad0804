/**
 * The import graph of the repository's TypeScript sources, read with TypeScript's own
 * pre-processor (every `import`, `import type`, `export … from`, `require` and `import()`), so
 * the architecture test can find cycles and arrows that point the wrong way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';

export const repoRoot = resolve(__dirname, '../..');

export interface ImportGraph {
	/** Repo-relative file -> repo-relative files it imports (relative specifiers only). */
	edges: Map<string, string[]>;
	/** Repo-relative file -> bare package specifiers it imports (`n8n-workflow`, `ioredis`, `fs`). */
	packages: Map<string, string[]>;
}

export function sourceFiles(...folders: string[]): string[] {
	const out: string[] = [];
	const walk = (dir: string): void => {
		for (const name of readdirSync(dir)) {
			const path = join(dir, name);
			if (statSync(path).isDirectory()) walk(path);
			else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(repoRoot, path));
		}
	};
	for (const folder of folders) {
		const path = join(repoRoot, folder);
		if (statSync(path).isDirectory()) walk(path);
		else out.push(folder);
	}
	return out.sort();
}

function resolveSpecifier(from: string, specifier: string): string | undefined {
	const base = join(dirname(join(repoRoot, from)), specifier);
	for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
		if (existsSync(candidate) && statSync(candidate).isFile()) return relative(repoRoot, candidate);
	}
	return undefined;
}

export function importGraph(files: string[]): ImportGraph {
	const edges = new Map<string, string[]>();
	const packages = new Map<string, string[]>();
	for (const file of files) {
		const info = ts.preProcessFile(readFileSync(join(repoRoot, file), 'utf8'), true, true);
		const local: string[] = [];
		const bare: string[] = [];
		for (const { fileName } of info.importedFiles) {
			if (fileName.startsWith('.')) {
				const target = resolveSpecifier(file, fileName);
				if (target === undefined) throw new Error(`${file}: cannot resolve ${fileName}`);
				local.push(target);
			} else bare.push(fileName);
		}
		edges.set(file, local);
		packages.set(file, bare);
	}
	return { edges, packages };
}

/** Strongly connected components with more than one file (or a file importing itself): the cycles. */
export function importCycles(graph: ImportGraph): string[][] {
	let index = 0;
	const indices = new Map<string, number>();
	const lowLinks = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const cycles: string[][] = [];
	const connect = (node: string): void => {
		indices.set(node, index);
		lowLinks.set(node, index);
		index += 1;
		stack.push(node);
		onStack.add(node);
		for (const next of graph.edges.get(node) ?? []) {
			if (!graph.edges.has(next)) continue;
			if (!indices.has(next)) {
				connect(next);
				lowLinks.set(node, Math.min(lowLinks.get(node)!, lowLinks.get(next)!));
			} else if (onStack.has(next)) {
				lowLinks.set(node, Math.min(lowLinks.get(node)!, indices.get(next)!));
			}
		}
		if (lowLinks.get(node) !== indices.get(node)) return;
		const component: string[] = [];
		let member: string;
		do {
			member = stack.pop()!;
			onStack.delete(member);
			component.push(member);
		} while (member !== node);
		const selfLoop = (graph.edges.get(node) ?? []).includes(node);
		if (component.length > 1 || selfLoop) cycles.push(component.sort());
	};
	for (const node of graph.edges.keys()) if (!indices.has(node)) connect(node);
	return cycles;
}
