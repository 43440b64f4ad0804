/**
 * Decodes jQuery-style bracket parameters as airtable.js and pyairtable send them:
 * `fields[]=A&fields[]=B` → { fields: ['A','B'] }, `sort[0][field]=Name` → { sort: [{ field: 'Name' }] }.
 */
export function parseBracketQuery(params: URLSearchParams): Record<string, unknown> {
	const root: Record<string, unknown> = {};
	for (const [rawKey, value] of params) {
		const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
		if (!match) {
			root[rawKey] = value;
			continue;
		}
		const path = [match[1], ...[...match[2].matchAll(/\[([^\]]*)\]/g)].map((m) => m[1])];
		let node: Record<string, unknown> | unknown[] = root;
		for (let i = 0; i < path.length; i++) {
			const key = path[i];
			const last = i === path.length - 1;
			const nextKey = path[i + 1];
			const container = (): Record<string, unknown> | unknown[] => (nextKey === '' || /^\d+$/.test(nextKey ?? '') ? [] : {});
			if (Array.isArray(node)) {
				if (key === '') {
					if (last) node.push(value);
					else {
						const child = container();
						node.push(child);
						node = child;
					}
					continue;
				}
				const index = Number(key);
				if (last) node[index] = value;
				else node = (node[index] ??= container()) as Record<string, unknown> | unknown[];
				continue;
			}
			if (last) {
				if (key in node && !Array.isArray(node[key])) node[key] = [node[key], value].flat();
				else node[key] = value;
			} else {
				node = (node[key] ??= container()) as Record<string, unknown> | unknown[];
			}
		}
	}
	return root;
}

/** Query booleans as clients send them: `true`, `1`. */
export function queryBool(value: unknown): boolean {
	return value === true || value === 'true' || value === '1' || value === 1;
}
