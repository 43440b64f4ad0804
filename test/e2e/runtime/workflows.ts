import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

import type { N8nApi, WorkflowDefinition } from './api';
import { ROOT } from './pack';

export const WORKFLOWS_DIR = join(ROOT, 'test', 'e2e', 'workflows');

export interface ImportedWorkflow {
	id: string;
	name: string;
	file: string;
	definition: WorkflowDefinition;
}

/**
 * The example workflows (test/e2e/workflows/*.json; importable by hand in the editor too),
 * with the credential placeholders replaced, created in n8n. Used by the demo and the browser test.
 */
export async function importDemoWorkflows(api: N8nApi, credential: { id: string; name: string }): Promise<ImportedWorkflow[]> {
	const imported: ImportedWorkflow[] = [];
	for (const file of readdirSync(WORKFLOWS_DIR).filter((f) => f.endsWith('.json')).sort()) {
		const text = readFileSync(join(WORKFLOWS_DIR, file), 'utf8')
			.replace(/\{\{CREDENTIAL_ID\}\}/g, credential.id)
			.replace(/\{\{CREDENTIAL_NAME\}\}/g, credential.name);
		const definition = JSON.parse(text) as WorkflowDefinition;
		const created = await api.createWorkflow(definition);
		imported.push({ id: created.id, name: definition.name, file, definition });
	}
	return imported;
}

/** The workflow whose nodes include this node type (e.g. the trigger demo). */
export function withNode(workflows: ImportedWorkflow[], nodeType: string): ImportedWorkflow {
	const found = workflows.find((w) => w.definition.nodes.some((n) => n.type === nodeType));
	if (!found) throw new Error(`No demo workflow uses ${nodeType}`);
	return found;
}
