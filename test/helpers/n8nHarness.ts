/**
 * Runs this package's nodes inside real n8n-core execution contexts (PollContext, LoadOptionsContext,
 * CredentialTestContext), the way n8n itself calls them. n8n's own test harness is not published, so this is the
 * minimum n8n-core needs around a node: a Workflow with a node-types registry, a credentials helper and
 * `additionalData` with valid URLs. Only the credential store is ours; parameters, expressions, resource
 * locators and static data go through n8n's real code.
 */
import {
	CredentialTestContext,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PollContext,
} from 'n8n-core';
import {
	ICredentialsHelper,
	Workflow,
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
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { SentinelSignl4AzureApi } from '../../credentials/SentinelSignl4AzureApi.credentials';

const credentialTypes: Record<string, ICredentialType> = {
	sentinelSignl4AzureApi: new SentinelSignl4AzureApi(),
};

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

	async authenticate(_credentials: ICredentialDataDecryptedObject, _type: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return requestOptions;
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

function nodeTypesOf(types: Record<string, INodeType>): INodeTypes {
	return {
		getByName: (name) => types[name],
		getByNameAndVersion: (name) => types[name],
		getKnownTypes: () => ({}),
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
		this.node = {
			id: 'node-under-test',
			name: spec.nodeName ?? 'Microsoft Sentinel Trigger',
			type: spec.typeName,
			typeVersion: 1,
			position: [0, 0],
			parameters: spec.parameters,
			credentials: Object.fromEntries(Object.keys(spec.credentials).map((type) => [type, { id: `${type}-id`, name: `${type} test` }])),
		};
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

	/** Calls the node's poll() once, in trigger mode (an active workflow's tick) or manual mode ("Fetch test event"). */
	async poll(mode: 'trigger' | 'manual' = 'trigger', activation: WorkflowActivateMode = 'init'): Promise<INodeExecutionData[][] | null> {
		const executeMode: WorkflowExecuteMode = mode;
		const context = new PollContext(this.workflow, this.node, this.additionalData, executeMode, activation);
		return (await this.spec.nodeType.poll!.call(context)) ?? null;
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
