/**
 * The house plan, checked: no import cycles in shipped code or the emulator, arrows one way
 * (nodes -> shared -> client), the client free of n8n (but for n8n-workflow's sleep in its
 * clock), Redis and the environment, and every source file opening with a comment that says what
 * it is for.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { importCycles, importGraph, repoRoot, sourceFiles } from '../support/importGraph';

const shipped = sourceFiles('index.ts', 'nodes', 'credentials');
const emulator = sourceFiles('emulator');

describe('the import graph', () => {
	it('has no cycle in shipped code (type-only imports included)', () => {
		expect(importCycles(importGraph(shipped))).toEqual([]);
	});

	it('has no cycle in the emulator', () => {
		expect(importCycles(importGraph(emulator))).toEqual([]);
	});

	it('finds a cycle when there is one (the check itself can fail)', () => {
		const graph = {
			edges: new Map([
				['a.ts', ['b.ts']],
				['b.ts', ['c.ts']],
				['c.ts', ['a.ts']],
				['d.ts', ['a.ts']],
			]),
			packages: new Map(),
		};
		expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
	});
});

describe('the layers', () => {
	const graph = importGraph(shipped);
	const client = shipped.filter((file) => file.startsWith('nodes/client/'));
	const shared = shipped.filter((file) => file.startsWith('nodes/shared/'));

	it('keeps the client free of n8n, Redis, the nodes and the environment', () => {
		const offences: string[] = [];
		for (const file of client) {
			for (const target of graph.edges.get(file) ?? []) {
				if (!target.startsWith('nodes/client/')) offences.push(`${file} imports ${target}`);
			}
			for (const name of graph.packages.get(file) ?? []) {
				// One exception: the real clock waits with n8n-workflow's sleep, the timer n8n Cloud allows.
				if (file === 'nodes/client/clock.ts' && name === 'n8n-workflow') continue;
				if (/^(n8n-|@n8n\/|ioredis)/.test(name)) offences.push(`${file} imports ${name}`);
			}
			if (/process\.env/.test(readFileSync(join(repoRoot, file), 'utf8'))) offences.push(`${file} reads process.env`);
		}
		expect(offences).toEqual([]);
	});

	it('lets shared code import only shared code and the client', () => {
		const offences = shared.flatMap((file) =>
			(graph.edges.get(file) ?? [])
				.filter((target) => !/^nodes\/(shared|client)\//.test(target))
				.map((target) => `${file} imports ${target}`),
		);
		expect(offences).toEqual([]);
	});

	it('keeps each node to itself: a node imports no other node', () => {
		const nodeOf = (file: string) => /^nodes\/(Airtable[A-Za-z]+)\//.exec(file)?.[1];
		const offences = shipped.flatMap((file) => {
			const own = nodeOf(file);
			if (own === undefined) return [];
			return (graph.edges.get(file) ?? [])
				.filter((target) => nodeOf(target) !== undefined && nodeOf(target) !== own)
				.map((target) => `${file} imports ${target}`);
		});
		expect(offences).toEqual([]);
	});
});

describe('the files', () => {
	it('open with a comment saying what they are for', () => {
		const silent = [...shipped, ...emulator].filter(
			(file) => !/^\s*(\/\*\*?|\/\/)/.test(readFileSync(join(repoRoot, file), 'utf8')),
		);
		expect(silent).toEqual([]);
	});
});
