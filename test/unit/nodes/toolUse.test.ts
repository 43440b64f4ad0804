import { mockDeep } from 'jest-mock-extended';
import {
	type IExecuteFunctions,
	type INode,
	type INodeTypeDescription,
	NodeHelpers,
	type INodeType,
} from 'n8n-workflow';

import { AirtableBatchUpsert } from '../../../nodes/AirtableBatchUpsert/AirtableBatchUpsert.node';
import { AirtableList } from '../../../nodes/AirtableList/AirtableList.node';
import { AirtableRecords } from '../../../nodes/AirtableRecords/AirtableRecords.node';
import { rejectUnknownToolArguments } from '../../../nodes/shared/tools/toolArguments';

/** The node as n8n's loader wraps it for AI use: same properties, type name ending in "Tool". */
function asTool(node: INodeType): INodeType {
	const description: INodeTypeDescription = { ...node.description, name: `${node.description.name}Tool` };
	return { description };
}

/** What n8n tells a model about a node with these parameters (n8n-workflow's own code). */
function toolDescriptionOf(nodeType: INodeType, parameters: Record<string, unknown>): string {
	const node: INode = {
		id: 'n1',
		name: 'Airtable',
		type: nodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const filled = NodeHelpers.getNodeParameters(nodeType.description.properties, parameters as INode['parameters'], true, false, node, nodeType.description);
	return NodeHelpers.getToolDescriptionForNode({ ...node, parameters: filled ?? {} }, nodeType);
}

describe('tool descriptions', () => {
	const records = asTool(new AirtableRecords());
	const operations = ['create', 'get', 'getManyByIds', 'update', 'replace', 'delete'];

	it('each Records operation tells a model what it alone does', () => {
		const texts = operations.map((operation) => toolDescriptionOf(records, { operation }));
		expect(new Set(texts).size).toBe(operations.length);
		expect(texts.every((text) => text !== records.description.description)).toBe(true);
		const [create, get, , update, replace, remove] = texts;
		expect(create).toMatch(/^Creates one new Airtable record/);
		expect(get).toMatch(/^Gets one Airtable record by its record ID/);
		expect(update).toMatch(/fields you do not pass stay as they are/);
		expect(replace).toMatch(/every field you do not pass is cleared/);
		expect(remove).toMatch(/cannot be undone/);
	});

	it('List and Batch Upsert say what they return and cost', () => {
		expect(toolDescriptionOf(asTool(new AirtableList()), {})).toMatch(/^Searches an Airtable table.*at most the configured limit.*one Airtable request per 100 records/);
		expect(toolDescriptionOf(asTool(new AirtableBatchUpsert()), {})).toMatch(/^Creates or updates one Airtable record matched by its merge field/);
	});

	it('Batch Upsert as a tool cannot mirror-delete: one call is one item, every other record would be "missing"', () => {
		for (const nodeType of [new AirtableBatchUpsert(), asTool(new AirtableBatchUpsert())]) {
			const { description } = nodeType;
			const node: INode = { id: 'n1', name: 'Upsert', type: description.name, typeVersion: 1, position: [0, 0], parameters: {} };
			const filled = NodeHelpers.getNodeParameters(description.properties, { deleteMissing: true }, true, false, node, description);
			expect(filled?.deleteMissing).toBe(description.name.endsWith('Tool') ? undefined : true);
		}
	});

	it('a description the user wrote wins', () => {
		expect(toolDescriptionOf(records, { operation: 'get', toolDescription: 'Look up a customer' })).toBe('Look up a customer');
	});

	it('the regular (non-tool) node has no Tool Description parameter', () => {
		const regular = new AirtableRecords().description;
		const node = { id: 'n1', name: 'Airtable', type: regular.name, typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
		const filled = NodeHelpers.getNodeParameters(regular.properties, { operation: 'get' }, true, false, node, regular);
		expect(filled).not.toHaveProperty('toolDescription');
	});
});

describe('rejectUnknownToolArguments', () => {
	const node: INode = { id: 'n1', name: 'Create contact', type: 'x.airtableRecordsTool', typeVersion: 1, position: [0, 0], parameters: {} };

	/** A tool execution as the MCP Server Trigger 2.1 runs it: parsed arguments as the item, the request as `$json`. */
	function toolContext(parsed: Record<string, unknown>, body: unknown, isTool = true) {
		const ctx = mockDeep<IExecuteFunctions>();
		ctx.isToolExecution.mockReturnValue(isTool);
		ctx.getNode.mockReturnValue(node);
		ctx.getInputData.mockReturnValue([{ json: parsed as never }]);
		ctx.evaluateExpression.mockReturnValue(body as never);
		return ctx;
	}

	const call = (name: string, args: Record<string, unknown>) => ({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name, arguments: args } });
	const parsed = { Name: 'Radia Perlman', Email: 'radia@example.com' };

	it('refuses an argument the tool does not declare, naming it and the ones it takes', () => {
		const ctx = toolContext(parsed, call('Create_contact', { ...parsed, Nickname: 'Radia', Age: 70 }));
		expect(() => rejectUnknownToolArguments(ctx)).toThrow(
			'Unknown arguments "Nickname", "Age": this tool takes Name, Email. Nothing was sent to Airtable; call it again with only those arguments.',
		);
	});

	it('lets a call with only declared arguments through', () => {
		expect(() => rejectUnknownToolArguments(toolContext(parsed, call('Create_contact', parsed)))).not.toThrow();
	});

	it('checks nothing when the request is not this tool\'s MCP call (another tool, an agent, a webhook body)', () => {
		expect(() => rejectUnknownToolArguments(toolContext(parsed, call('Other_tool', { Nickname: 'x' })))).not.toThrow();
		expect(() => rejectUnknownToolArguments(toolContext(parsed, { Nickname: 'x' }))).not.toThrow();
		expect(() => rejectUnknownToolArguments(toolContext(parsed, undefined))).not.toThrow();
		const failing = toolContext(parsed, undefined);
		failing.evaluateExpression.mockImplementation(() => {
			throw new Error('No execution data available');
		});
		expect(() => rejectUnknownToolArguments(failing)).not.toThrow();
	});

	it('checks nothing outside tool executions', () => {
		const ctx = toolContext(parsed, call('Create_contact', { Nickname: 'x' }), false);
		expect(() => rejectUnknownToolArguments(ctx)).not.toThrow();
		expect(ctx.evaluateExpression).not.toHaveBeenCalled();
	});
});
