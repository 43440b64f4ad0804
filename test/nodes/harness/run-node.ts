import { WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	IDataObject,
	INodeExecutionData,
	IRun,
	ITaskData,
	IWorkflowBase,
	OnError,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { createAdditionalData, createHooks } from './additional-data';
import type { TestCredentialsHelper } from './credentials-helper';
import { ensureEngine } from './engine';
import type { AnyNodeType } from './node-types';
import { createInputNode, createInputNodeType } from './node-types';
import type { NodeSetup } from './workflow';
import { buildWorkflow } from './workflow';

export interface RunNodeOptions extends NodeSetup {
	/** Items the node receives on its main input. Default: one empty item, as after a Manual Trigger. */
	input?: INodeExecutionData[];
	/** Shorthand for `onError: 'continueRegularOutput'` (the editor's "Continue" setting). */
	continueOnFail?: boolean;
	/** The node's "On Error" setting; wins over `continueOnFail`. */
	onError?: OnError;
	/** Default `manual` (a run from the editor); `trigger`, `webhook`, `cli`, … as needed. */
	mode?: WorkflowExecuteMode;
}

export interface RunNodeResult {
	/** The node's output per output branch (`[]` for a branch without items, or when it failed). */
	output: INodeExecutionData[][];
	/**
	 * Why the node failed, if it failed: the error instance its `execute()` threw (so
	 * `toBeInstanceOf(NodeApiError)` works), or the engine's record when nothing was thrown
	 * from `execute()`. With continueOnFail a node returns error items instead.
	 */
	error?: Error;
	/** The error as n8n records it in the execution (a plain copy: message, description, httpCode, …). */
	executionError?: ExecutionError;
	/** The object given as `staticData` (or a new one), as the run left it. */
	staticData: IDataObject;
	/** Whether the run changed static data, i.e. whether n8n would save it after this execution. */
	staticDataChanged: boolean;
	credentialsHelper: TestCredentialsHelper;
	/** The node's task data (hints, execution status, timings). */
	taskData?: ITaskData;
	/** Everything WorkflowExecute returned. */
	run: IRun;
}

/** Wraps plain objects as items. */
export function jsonItems(...objects: IDataObject[]): INodeExecutionData[] {
	return objects.map((json, index) => ({ json, pairedItem: { item: index } }));
}

/**
 * Runs `Input -> node` through n8n-core's WorkflowExecute and returns what the node produced.
 */
export async function runNode(nodeType: AnyNodeType, options: RunNodeOptions = {}): Promise<RunNodeResult> {
	ensureEngine();
	const mode = options.mode ?? 'manual';
	const inputNode = createInputNode();
	const onError = options.onError ?? (options.continueOnFail ? 'continueRegularOutput' : undefined);
	const { workflow, nodeTypes, node, credentialsHelper, staticData } = buildWorkflow(
		nodeType,
		options,
		{ onError },
		{ node: inputNode, nodeType: createInputNodeType(options.input ?? [{ json: {} }]) },
	);

	let thrown: unknown;
	nodeTypes.listenForExecuteErrors(node.type, (error) => {
		thrown = error;
	});

	const additionalData = createAdditionalData(credentialsHelper);
	const executionId = additionalData.executionId as string;
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: workflow.name ?? '',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
		activeVersionId: null,
	};
	additionalData.hooks = createHooks(mode, executionId, workflowData);

	const run = await new WorkflowExecute(additionalData, mode).run({
		workflow,
		startNode: workflow.getNode(inputNode.name) ?? undefined,
	});

	const taskData = run.data.resultData.runData[node.name]?.[0];
	const output = (taskData?.data?.main ?? []).map((branch) => branch ?? []);
	const executionError = taskData?.error ?? run.data.resultData.error;
	const error = executionError && (thrown instanceof Error ? thrown : toError(executionError));
	return {
		output,
		error,
		executionError,
		staticData,
		staticDataChanged: workflow.staticData.__dataChanged === true,
		credentialsHelper,
		taskData,
		run,
	};
}

function toError(record: ExecutionError): Error {
	return Object.assign(new Error(record.message), record);
}
