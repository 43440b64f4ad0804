import { TriggerContext, TriggersAndPollers } from 'n8n-core';
import type {
	Cron,
	IDataObject,
	INode,
	INodeExecutionData,
	ITriggerFunctions,
	ITriggerResponse,
	IWorkflowExecuteAdditionalData,
	SchedulingFunctions,
	Workflow,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { createAdditionalData, createHooks } from './additional-data';
import { Container } from './core-modules';
import type { TestCredentialsHelper } from './credentials-helper';
import { ensureEngine } from './engine';
import type { AnyNodeType } from './node-types';
import type { NodeSetup } from './workflow';
import { buildWorkflow } from './workflow';

export interface TriggerOptions extends NodeSetup {
	/** `trigger`: an active workflow; `manual`: "Test workflow" in the editor. Default `trigger`. */
	mode?: 'trigger' | 'manual';
	/** Default `activate` (or `manual` in manual mode). */
	activation?: WorkflowActivateMode;
}

/** A cron the node registered with `this.helpers.registerCron`; nothing fires unless a test calls `fire()`. */
export interface RegisteredCron {
	cron: Cron;
	/** Runs the node's tick callback now, as the scheduler would at `at`. */
	fire(at?: Date): void;
	/** False after `close()` (n8n deregisters a workflow's crons on deactivation). */
	active: boolean;
}

export interface TriggerRun {
	/** What `trigger()` returned (closeFunction, manualTriggerFunction, manualTriggerResponse). */
	response: ITriggerResponse | undefined;
	/** Data of every `emit()`, in order (each is one workflow start in n8n). */
	emitted: INodeExecutionData[][][];
	/** Errors given to `emitError()` or `saveFailedExecution()`. */
	errors: Error[];
	crons: RegisteredCron[];
	/** Resolves with the data of the next `emit()`. */
	nextEmit(): Promise<INodeExecutionData[][]>;
	staticData: IDataObject;
	staticDataChanged(): boolean;
	/** Deactivates: calls the node's closeFunction and stops the crons. */
	close(): Promise<void>;
	credentialsHelper: TestCredentialsHelper;
}

/**
 * Activates a trigger node the way n8n does: n8n-core's TriggersAndPollers.runTriggerFunction
 * calling `trigger()` with a TriggerContext. `emit()` is recorded instead of starting a
 * workflow, and `registerCron` registers fake crons fired by the test. In manual mode n8n
 * itself re-routes `emit()` after `trigger()` returns: use `response.manualTriggerResponse`.
 */
export async function runTrigger(nodeType: AnyNodeType, options: TriggerOptions = {}): Promise<TriggerRun> {
	ensureEngine();
	const mode: WorkflowExecuteMode = options.mode ?? 'trigger';
	const activation = options.activation ?? (mode === 'manual' ? 'manual' : 'activate');
	const { workflow, node, credentialsHelper, staticData } = buildWorkflow(nodeType, options);
	const additionalData = createAdditionalData(credentialsHelper);
	additionalData.hooks = createHooks(mode, additionalData.executionId as string, {
		id: workflow.id,
		name: workflow.name ?? '',
		active: true,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [node],
		connections: {},
		activeVersionId: null,
	});

	const emitted: INodeExecutionData[][][] = [];
	const errors: Error[] = [];
	const crons: RegisteredCron[] = [];
	let emitWaiters: Array<(data: INodeExecutionData[][]) => void> = [];

	const emit: ITriggerFunctions['emit'] = (data) => {
		emitted.push(data);
		const waiters = emitWaiters;
		emitWaiters = [];
		for (const resolve of waiters) resolve(data);
	};
	const recordError = (error: Error) => {
		errors.push(error);
	};
	const scheduling: SchedulingFunctions = {
		registerCron(cron, onTick) {
			const registered: RegisteredCron = {
				cron,
				active: true,
				fire(at = new Date()) {
					if (registered.active) onTick(at);
				},
			};
			crons.push(registered);
		},
	};
	const getTriggerFunctions = (
		triggerWorkflow: Workflow,
		triggerNode: INode,
		triggerAdditionalData: IWorkflowExecuteAdditionalData,
		triggerMode: WorkflowExecuteMode,
		triggerActivation: WorkflowActivateMode,
	) =>
		new TriggerContext(
			triggerWorkflow,
			triggerNode,
			triggerAdditionalData,
			triggerMode,
			triggerActivation,
			emit,
			recordError,
			recordError,
			scheduling,
		);

	const response = await Container.get(TriggersAndPollers).runTriggerFunction(
		workflow,
		node,
		getTriggerFunctions,
		additionalData,
		mode,
		activation,
	);

	return {
		response,
		emitted,
		errors,
		crons,
		nextEmit: async () =>
			await new Promise<INodeExecutionData[][]>((resolve) => {
				emitWaiters.push(resolve);
			}),
		staticData,
		staticDataChanged: () => workflow.staticData.__dataChanged === true,
		close: async () => {
			for (const cron of crons) cron.active = false;
			await response?.closeFunction?.();
		},
		credentialsHelper,
	};
}
