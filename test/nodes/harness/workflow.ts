import { NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';
import type {
	IConnections,
	IDataObject,
	INode,
	INodeParameters,
	OnError,
} from 'n8n-workflow';

import type { CredentialsByType } from './credentials-helper';
import { nodeCredentialsFor, TestCredentialsHelper } from './credentials-helper';
import type { AnyNodeType } from './node-types';
import { defaultVersion, HarnessNodeTypes, nodeTypeName } from './node-types';

export const WORKFLOW_ID = 'harnessWorkflow1';

/** What every harness entry point needs to place one of our nodes in a workflow. */
export interface NodeSetup {
	/** Node parameters as the editor would store them; defaults are filled in by n8n-workflow. */
	parameters?: INodeParameters;
	/** Decrypted credential data per credential type name. */
	credentials?: CredentialsByType;
	/**
	 * Reuse a helper across calls (e.g. two runs sharing a refreshed OAuth token) or inspect
	 * its recorded updates. `credentials`, if also given, are stored into it.
	 */
	credentialsHelper?: TestCredentialsHelper;
	/** Default: the node type's current (highest) version. */
	typeVersion?: number;
	/** Default: the node's `defaults.name`. */
	nodeName?: string;
	/**
	 * Workflow static data (n8n's shape: `{ global: {}, 'node:<name>': {} }`). The same object
	 * is used and mutated in place, so pass it again to a later call to see what was saved.
	 */
	staticData?: IDataObject;
	/** Node types the workflow needs besides the node under test. */
	nodeTypes?: AnyNodeType[];
	/** Workflow timezone; default n8n's default (America/New_York). */
	timezone?: string;
}

export interface NodeSettings {
	onError?: OnError;
	webhookId?: string;
}

export interface BuiltWorkflow {
	workflow: Workflow;
	nodeTypes: HarnessNodeTypes;
	node: INode;
	credentialsHelper: TestCredentialsHelper;
	staticData: IDataObject;
}

export function resolveCredentialsHelper(setup: NodeSetup): TestCredentialsHelper {
	const helper = setup.credentialsHelper ?? new TestCredentialsHelper();
	for (const [type, data] of Object.entries(setup.credentials ?? {})) helper.setCredentials(type, data);
	return helper;
}

export function defaultNodeName(nodeType: AnyNodeType, typeVersion: number): string {
	const { description } = NodeHelpers.getVersionedNodeType(nodeType, typeVersion);
	return String(description.defaults.name ?? description.displayName);
}

/**
 * A workflow holding the node under test, optionally fed by `upstream` through the main
 * connection, built with n8n-workflow's `Workflow` (which applies parameter defaults).
 */
export function buildWorkflow(
	nodeType: AnyNodeType,
	setup: NodeSetup,
	settings: NodeSettings = {},
	upstream?: { node: INode; nodeType: AnyNodeType },
): BuiltWorkflow {
	const credentialsHelper = resolveCredentialsHelper(setup);
	const typeVersion = setup.typeVersion ?? defaultVersion(nodeType);
	const node: INode = {
		id: 'harness-node-under-test',
		name: setup.nodeName ?? defaultNodeName(nodeType, typeVersion),
		type: nodeTypeName(nodeType),
		typeVersion,
		position: [240, 0],
		parameters: structuredClone(setup.parameters ?? {}),
		credentials: nodeCredentialsFor(credentialsHelper.configuredTypes()),
		...(settings.onError ? { onError: settings.onError } : {}),
		...(settings.webhookId ? { webhookId: settings.webhookId } : {}),
	};

	const nodeTypes = new HarnessNodeTypes([nodeType, ...(setup.nodeTypes ?? [])]);
	const nodes = [node];
	const connections: IConnections = {};
	if (upstream) {
		nodeTypes.add(upstream.nodeType, upstream.node.type);
		nodes.unshift(upstream.node);
		connections[upstream.node.name] = {
			[NodeConnectionTypes.Main]: [[{ node: node.name, type: NodeConnectionTypes.Main, index: 0 }]],
		};
	}

	const staticData = setup.staticData ?? {};
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		nodes,
		connections,
		active: false,
		nodeTypes,
		staticData,
		settings: {
			executionOrder: 'v1',
			...(setup.timezone ? { timezone: setup.timezone } : {}),
		},
	});
	return {
		workflow,
		nodeTypes,
		node: workflow.getNode(node.name) as INode,
		credentialsHelper,
		staticData,
	};
}

/** The node's own static data inside workflow static data, as `getWorkflowStaticData('node')` sees it. */
export function nodeStaticData(staticData: IDataObject, nodeName: string): IDataObject | undefined {
	return staticData[`node:${nodeName}`] as IDataObject | undefined;
}
