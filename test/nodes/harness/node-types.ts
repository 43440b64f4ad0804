import { NodeConnectionTypes, NodeHelpers, UnexpectedError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

/** Node types load as `<package-name>.<description.name>`, exactly as n8n names community nodes. */
export const PACKAGE_NAME = 'n8n-nodes-airtable-sync';

export type AnyNodeType = INodeType | IVersionedNodeType;

export function nodeTypeName(nodeType: AnyNodeType): string {
	return `${PACKAGE_NAME}.${nodeType.description.name}`;
}

export function defaultVersion(nodeType: AnyNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/** What n8n's NodeTypes does for loaded packages, for a fixed list of node instances. */
export class HarnessNodeTypes implements INodeTypes {
	private readonly byName = new Map<string, AnyNodeType>();

	private readonly errorListeners = new Map<string, (error: unknown) => void>();

	constructor(nodeTypes: AnyNodeType[]) {
		for (const nodeType of nodeTypes) this.add(nodeType);
	}

	add(nodeType: AnyNodeType, name = nodeTypeName(nodeType)): void {
		this.byName.set(name, nodeType);
	}

	getByName(name: string): AnyNodeType {
		const nodeType = this.byName.get(name);
		if (!nodeType) throw new UnexpectedError(`Harness: unknown node type "${name}"`);
		return nodeType;
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		const nodeType = NodeHelpers.getVersionedNodeType(this.getByName(name), version);
		const onError = this.errorListeners.get(name);
		return onError ? withErrorListener(nodeType, onError) : nodeType;
	}

	/**
	 * Lets the harness keep the error instance `execute()` throws: WorkflowExecute stores only
	 * a plain-object copy of it in the task data, which loses the class (NodeApiError, …).
	 */
	listenForExecuteErrors(name: string, onError: (error: unknown) => void): void {
		this.errorListeners.set(name, onError);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/** The same node type (prototype chain intact) with `execute` reporting what it throws. */
function withErrorListener(nodeType: INodeType, onError: (error: unknown) => void): INodeType {
	const { execute } = nodeType;
	if (!execute) return nodeType;
	const observed = Object.create(nodeType) as INodeType;
	observed.execute = async function (this: IExecuteFunctions) {
		try {
			return await execute.call(this);
		} catch (error) {
			onError(error);
			// The engine must get the node's own error, unchanged.
			throw error;
		}
	};
	return observed;
}

export const INPUT_NODE_TYPE = 'harness.input';

/**
 * The workflow's start node: no inputs, returns the test's input items. It runs through
 * WorkflowExecute like any node, so the node under test receives them the way it would from
 * a Manual Trigger or any upstream node (connection, source, paired items).
 */
export function createInputNodeType(items: INodeExecutionData[]): INodeType {
	return {
		description: {
			displayName: 'Harness Input',
			name: 'input',
			group: ['input'],
			version: 1,
			description: 'Emits the items a test provides',
			defaults: { name: 'Input' },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return [structuredClone(items)];
		},
	};
}

export function createInputNode(): INode {
	return {
		id: 'harness-input-node',
		name: 'Input',
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}
