import { readFileSync } from 'fs';
import { join } from 'path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import type { WorkflowDefinition } from '../runtime/api';
import { WORKFLOWS_DIR } from '../runtime/workflows';

export const MCP_TEMPLATE = '06-mcp-tools.json';
export const MCP_TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';

/** The MCP workflow template with the credential placeholders filled in, as the demo imports it. */
export function mcpTemplate(credential: { id: string; name: string }): WorkflowDefinition {
	const text = readFileSync(join(WORKFLOWS_DIR, MCP_TEMPLATE), 'utf8')
		.replace(/\{\{CREDENTIAL_ID\}\}/g, credential.id)
		.replace(/\{\{CREDENTIAL_NAME\}\}/g, credential.name);
	return JSON.parse(text) as WorkflowDefinition;
}

/** The production MCP endpoint of a workflow's MCP Server Trigger (`/mcp/<path>`, n8n's default prefix). */
export function mcpEndpoint(n8nUrl: string, definition: WorkflowDefinition): string {
	const trigger = definition.nodes.find((n) => n.type === MCP_TRIGGER_TYPE);
	if (!trigger) throw new Error(`Workflow "${definition.name}" has no MCP Server Trigger`);
	return `${n8nUrl}/mcp/${String(trigger.parameters.path)}`;
}

/** An MCP client (the official SDK) connected over Streamable HTTP, as a desktop assistant would be. */
export async function connectMcpClient(endpoint: string): Promise<Client> {
	const client = new Client({ name: 'airtable-sync-e2e', version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(new URL(endpoint)));
	return client;
}

export interface ToolAnswer {
	isError: boolean;
	text: string;
}

/** One tool call; the answer's text content joined (n8n answers with one text part). */
export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
	const result = await client.callTool({ name, arguments: args });
	const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
	return { isError: result.isError === true, text: content.map((part) => part.text ?? '').join('\n') };
}
