/**
 * Refusing an AI tool call that sends arguments the tool does not declare, before any request is
 * sent.
 */

import {
	type IDataObject,
	type IExecuteFunctions,
	NodeOperationError,
	nodeNameToToolName,
} from 'n8n-workflow';

interface McpToolCall {
	jsonrpc: '2.0';
	method: 'tools/call';
	params: { name: string; arguments: IDataObject };
}

function isToolCallFor(body: unknown, toolName: string): body is McpToolCall {
	if (typeof body !== 'object' || body === null) return false;
	const { jsonrpc, method, params } = body as Partial<McpToolCall>;
	return (
		jsonrpc === '2.0' &&
		method === 'tools/call' &&
		params?.name === toolName &&
		typeof params.arguments === 'object' &&
		params.arguments !== null
	);
}

/** The arguments the MCP client sent for this call, when n8n hands the request to the tool. */
function sentArguments(ctx: IExecuteFunctions): IDataObject | undefined {
	let body: unknown;
	try {
		body = ctx.evaluateExpression('{{ $json.body }}', 0);
	} catch {
		return undefined;
	}
	return isToolCallFor(body, nodeNameToToolName(ctx.getNode())) ? body.params.arguments : undefined;
}

/**
 * n8n checks a tool call against the schema it builds from the node's `$fromAI()` keys, but
 * silently drops arguments the schema does not name: a model that invents a field ("Nickname")
 * is told the write succeeded and believes the value was saved. The MCP Server Trigger (2.1+)
 * passes its tools the MCP request as `$json`, so the arguments the client really sent can be
 * compared with the ones the tool declares, and the call refused before any request is sent.
 */
export function rejectUnknownToolArguments(ctx: IExecuteFunctions): void {
	if (!ctx.isToolExecution()) return;
	const sent = sentArguments(ctx);
	if (!sent) return;
	const declared = Object.keys(ctx.getInputData()[0]?.json ?? {});
	const unknown = Object.keys(sent).filter((name) => !declared.includes(name));
	if (unknown.length === 0) return;
	const names = unknown.map((name) => `"${name}"`).join(', ');
	throw new NodeOperationError(
		ctx.getNode(),
		`Unknown argument${unknown.length > 1 ? 's' : ''} ${names}: this tool takes ${declared.join(', ') || 'no arguments'}. ` +
			'Nothing was sent to Airtable; call it again with only those arguments.',
	);
}
