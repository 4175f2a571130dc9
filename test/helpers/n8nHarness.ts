/**
 * Runs this package's nodes inside real n8n-core execution contexts (PollContext, LoadOptionsContext,
 * CredentialTestContext), the way n8n itself calls them. n8n's own test harness is not published, so this is the
 * minimum n8n-core needs around a node: a Workflow with a node-types registry, a credentials helper and
 * `additionalData` with valid URLs. Only the credential store is ours; parameters, expressions, resource
 * locators and static data go through n8n's real code.
 */
import { readdirSync } from 'fs';
import { join } from 'path';

import {
	CredentialTestContext,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PollContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	ICredentialsHelper,
	Workflow,
	createRunExecutionData,
	type ExecutionError,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentials,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type ITaskData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

/** Every credential type of the package, by name, as n8n's loader would register them. */
const credentialTypes: Record<string, ICredentialType> = loadCredentialTypes();

function loadCredentialTypes(): Record<string, ICredentialType> {
	const folder = join(__dirname, '../../credentials');
	const types: Record<string, ICredentialType> = {};
	for (const file of readdirSync(folder).filter((f) => f.endsWith('.credentials.ts'))) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require(join(folder, file)) as Record<string, new () => ICredentialType>;
		// As n8n's loader does: the class named after the file (X.credentials.ts exports class X).
		const CredentialClass = module[file.replace('.credentials.ts', '')];
		if (!CredentialClass) throw new Error(`${file} does not export a class named after the file`);
		const instance = new CredentialClass();
		types[instance.name] = instance;
	}
	return types;
}

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly store: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, type: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		// As n8n's CredentialsHelper does for a credential whose `authenticate` is a function (the SIGNL4 credential's).
		const authenticate = credentialTypes[type]?.authenticate;
		return typeof authenticate === 'function' ? await authenticate(credentials, requestOptions) : requestOptions;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these nodes');
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _nodeCredentials: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
		const data = this.store[type];
		if (!data) throw new Error(`No test credential of type ${type}`);
		// n8n fills defaults for fields the user never touched; do the same from the credential's description.
		const defaults = Object.fromEntries((credentialTypes[type]?.properties ?? []).map((p) => [p.name, p.default]));
		return { ...defaults, ...data } as ICredentialDataDecryptedObject;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialTypes[type]?.properties ?? [];
	}
}

export function nodeTypesOf(types: Record<string, INodeType>): INodeTypes {
	return {
		getByName: (name) => types[name],
		getByNameAndVersion: (name) => types[name],
		getKnownTypes: () => ({}),
	};
}

/** The one node of a test workflow, with a stored-credential reference for each credential type it is given. */
export function nodeUnderTest(spec: { name: string; typeName: string; parameters: INodeParameters; credentials?: Record<string, unknown> }): INode {
	return {
		id: 'node-under-test',
		name: spec.name,
		type: spec.typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: spec.parameters,
		credentials: Object.fromEntries(Object.keys(spec.credentials ?? {}).map((type) => [type, { id: `${type}-id`, name: `${type} test` }])),
	};
}

export function additionalDataFor(credentials: Record<string, ICredentialDataDecryptedObject>): IWorkflowExecuteAdditionalData {
	const base = 'http://localhost:5678';
	return {
		credentialsHelper: new TestCredentialsHelper(credentials),
		hooks: new ExecutionLifecycleHooks('trigger', 'test-execution', {} as never),
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		variables: {},
		userId: 'test-user',
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface NodeUnderTest {
	nodeType: INodeType;
	/** Type name as n8n registers it, e.g. n8n-nodes-sentinel-signl4.microsoftSentinelTrigger. */
	typeName: string;
	nodeName?: string;
	parameters: INodeParameters;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Persisted workflow static data, as n8n would load it after a restart. */
	staticData?: IDataObject;
}

/** One workflow holding one node; keeps static data across polls as n8n does for an active workflow. */
export class PollHarness {
	readonly workflow: Workflow;
	readonly node: INode;
	private readonly additionalData: IWorkflowExecuteAdditionalData;

	constructor(private readonly spec: NodeUnderTest) {
		this.node = nodeUnderTest({ name: spec.nodeName ?? 'Microsoft Sentinel Trigger', typeName: spec.typeName, parameters: spec.parameters, credentials: spec.credentials });
		this.workflow = new Workflow({
			id: 'workflow-under-test',
			name: 'test workflow',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: nodeTypesOf({ [spec.typeName]: spec.nodeType }),
			staticData: spec.staticData ? JSON.parse(JSON.stringify(spec.staticData)) : {},
		});
		this.additionalData = additionalDataFor(spec.credentials);
	}

	private active?: { context: PollContext; activation: WorkflowActivateMode };

	/**
	 * Calls the node's poll() once, in trigger mode (an active workflow's tick) or manual mode ("Fetch test event").
	 * As in n8n, one activation keeps one poll context for its first poll and every tick after it; a poll with
	 * another activation mode, or after `reactivate()`, starts a new one.
	 */
	async poll(mode: 'trigger' | 'manual' = 'trigger', activation: WorkflowActivateMode = 'init'): Promise<INodeExecutionData[][] | null> {
		if (mode === 'manual') {
			const context = new PollContext(this.workflow, this.node, this.additionalData, 'manual', activation);
			return (await this.spec.nodeType.poll!.call(context)) ?? null;
		}
		if (!this.active || this.active.activation !== activation) {
			this.active = { context: new PollContext(this.workflow, this.node, this.additionalData, 'trigger', activation), activation };
		}
		return (await this.spec.nodeType.poll!.call(this.active.context)) ?? null;
	}

	/** The workflow is deactivated and activated again: the next poll is an activation's first. */
	reactivate(): void {
		this.active = undefined;
	}

	/** The node's static data as n8n would persist it (`node:<name>`). */
	get staticData(): IDataObject {
		return JSON.parse(JSON.stringify(this.workflow.staticData));
	}

	loadOptionsContext(): LoadOptionsContext {
		return new LoadOptionsContext(this.workflow, this.node, this.additionalData, 'parameters.workspace');
	}
}

export function credentialTestContext(): CredentialTestContext {
	return new CredentialTestContext();
}

export interface RunNodeOptions extends NodeUnderTest {
	/** Items fed to the node's main input. */
	input?: IDataObject[];
	/** Whole items (json and binary) fed to the node's main input; takes precedence over `input`. */
	inputItems?: INodeExecutionData[];
	/** Sets the node's "On Error" setting to "Continue" (what `this.continueOnFail()` reads). */
	continueOnFail?: boolean;
	/** "On Error: Continue (using error output)": failed items leave on a second output. */
	errorOutput?: boolean;
}

export interface NodeRun {
	/** Items of the first main output ([] when the node failed). */
	items: INodeExecutionData[];
	/** All main outputs. */
	outputs: INodeExecutionData[][];
	/** The error the node failed with, as n8n recorded it. */
	error?: ExecutionError;
	run: IRun;
}

/**
 * Executes an action node through n8n-core's WorkflowExecute, starting at the node with the given input items:
 * parameters (including expressions such as `={{ $json.incidentName }}`), credentials, `continueOnFail`, paired
 * items and errors all go through n8n's real engine.
 */
export async function runNode(options: RunNodeOptions): Promise<NodeRun> {
	const node: INode = {
		...nodeUnderTest({ name: options.nodeName ?? 'Node Under Test', typeName: options.typeName, parameters: options.parameters, credentials: options.credentials }),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...(options.errorOutput ? { onError: 'continueErrorOutput' as const } : {}),
	};
	const workflow = new Workflow({
		id: 'workflow-under-test',
		name: 'test workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf({ [options.typeName]: options.nodeType }),
		staticData: options.staticData ?? {},
	});
	const input = options.inputItems
		? options.inputItems.map((item, index) => ({ ...item, pairedItem: { item: index } }))
		: (options.input ?? [{}]).map((json, index) => ({ json, pairedItem: { item: index } }));
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node, data: { main: [input] }, source: null }] },
	});
	const run = await new WorkflowExecute(additionalDataFor(options.credentials), 'manual', runExecutionData).processRunExecutionData(workflow);
	const task: ITaskData | undefined = run.data.resultData.runData[node.name]?.[0];
	const outputs = (task?.data?.main ?? []).map((output) => output ?? []);
	return { items: outputs[0] ?? [], outputs, error: task?.error ?? run.data.resultData.error, run };
}
