/**
 * The SIGNL4 On-Call Trigger in n8n-core's real WebhookContext and ExecuteContext, answering the way n8n 2.41 does for
 * response mode `lastNode` (packages/cli dist/webhooks/webhook-helpers.js, live-webhooks.js):
 *
 * 1. each request builds a `Workflow` from the static data in the database and runs the node's `webhook()`;
 * 2. without `workflowData`: the answer is sent at once, and static data is saved if the node changed it;
 * 3. with `workflowData`: the execution's `Workflow` is built over the same static data object (which resets its
 *    "changed" flag), the trigger node's `execute()` runs, the rest of the workflow succeeds or fails as the test
 *    decides, static data is saved after the execution if changed (failed executions too), and only then is the
 *    request answered — 200 on success, 500 `{"message":"Error in workflow"}` on failure — through `res.status().json()`
 *    (Express: `json` → `send` → `end`), and static data is saved once more if still flagged.
 *
 * The response object is Express-like; `hangUp()` closes the connection before n8n answers (the caller timed out).
 */
import { ExecuteContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	createRunExecutionData,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IWebhookData,
	type IWebhookDescription,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { additionalDataFor, nodeTypesOf, nodeUnderTest } from '../../helpers/n8nHarness';

export class ExpressLikeResponse {
	statusCode = 200;
	headers: Record<string, string> = {};
	body: string | undefined;
	ended = false;
	status(code: number): this {
		this.statusCode = code;
		return this;
	}
	writeHead(status: number, headers: Record<string, string> = {}): this {
		this.statusCode = status;
		for (const [key, value] of Object.entries(headers)) this.headers[key.toLowerCase()] = String(value);
		return this;
	}
	setHeader(name: string, value: string): this {
		this.headers[name.toLowerCase()] = value;
		return this;
	}
	json(body: unknown): this {
		this.headers['content-type'] = 'application/json';
		return this.send(body === undefined ? '' : JSON.stringify(body));
	}
	send(body: string): this {
		return this.end(body);
	}
	end(body?: string): this {
		if (body !== undefined) this.body = body;
		this.ended = true;
		return this;
	}
}

export type Outcome = 'success' | 'failure';

export interface Delivery {
	/** The answer n8n sends (after the execution when one started). */
	answer: Promise<{ status: number; headers: Record<string, string>; body: unknown }>;
	/** Whether an execution started, and the trigger's output items in it. */
	started: Promise<INodeExecutionData[] | undefined>;
	/** Ends the execution (when the test holds it). */
	finish(outcome: Outcome): void;
}

export interface HarnessSpec {
	nodeType: INodeType;
	typeName: string;
	typeVersion: number;
	parameters: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	staticData?: IDataObject;
}

export class LastNodeHarness {
	readonly node: INode;
	persistedStaticData: IDataObject;
	/** Executions started, in order. */
	readonly executions: INodeExecutionData[][] = [];

	constructor(private readonly spec: HarnessSpec) {
		this.persistedStaticData = JSON.parse(JSON.stringify(spec.staticData ?? {}));
		this.node = {
			...nodeUnderTest({ name: 'SIGNL4 callbacks', typeName: spec.typeName, parameters: spec.parameters, credentials: spec.credentials }),
			typeVersion: spec.typeVersion,
			webhookId: '66c35d92-84cb-45b9-8759-106e488603a3',
		};
	}

	private workflow(staticData: IDataObject = JSON.parse(JSON.stringify(this.persistedStaticData))): Workflow {
		return new Workflow({
			id: 'wfCallbacks01',
			name: 'SIGNL4 → Sentinel',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: nodeTypesOf({ [this.spec.typeName]: this.spec.nodeType }),
			staticData,
		});
	}

	private persist(workflow: Workflow): void {
		const staticData = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		if (staticData.__dataChanged !== true) return;
		this.persistedStaticData = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		staticData.__dataChanged = false;
	}

	private additionalData(extra: object = {}): IWorkflowExecuteAdditionalData {
		const data = additionalDataFor(this.spec.credentials ?? {});
		Object.assign(data, extra);
		return data;
	}

	/**
	 * One delivery. `outcome` decides how the rest of the workflow ends; 'hold' keeps the execution running until
	 * `finish()` is called.
	 */
	deliver(body: IDataObject, outcome: Outcome | 'hold', headers: Record<string, string> = {}): Delivery {
		const workflow = this.workflow();
		const response = new ExpressLikeResponse();
		const raw = Buffer.from(JSON.stringify(body));
		const httpRequest = { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, rawBody: raw, query: {}, params: {} };
		const additionalData = this.additionalData({ httpRequest, httpResponse: response });
		const description = (this.spec.nodeType.description.webhooks ?? [])[0] as IWebhookDescription;
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: this.node.name,
			path: String(description.path),
			webhookDescription: description,
			workflowId: 'wfCallbacks01',
			workflowExecuteAdditionalData: additionalData,
			webhookId: this.node.webhookId,
		};
		let release: (outcome: Outcome) => void = () => undefined;
		const held = new Promise<Outcome>((resolve) => (release = resolve));
		if (outcome !== 'hold') release(outcome);
		let markStarted: (items: INodeExecutionData[] | undefined) => void = () => undefined;
		const started = new Promise<INodeExecutionData[] | undefined>((resolve) => (markStarted = resolve));

		const answer = (async () => {
			const context = new WebhookContext(workflow, this.node, additionalData, 'webhook', webhookData, [], null);
			const result = await this.spec.nodeType.webhook!.call(context);
			if (result.workflowData === undefined || result.noWebhookResponse === true) {
				markStarted(undefined);
				if (result.noWebhookResponse !== true) response.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
				this.persist(workflow);
				return response;
			}
			// The execution: a new Workflow over the same static data object resets the "changed" flag.
			const execution = this.workflow(workflow.staticData);
			const items = result.workflowData[0] ?? [];
			const inputData = { main: [items] };
			const executeContext = new ExecuteContext(execution, this.node, this.additionalData(), 'webhook', createRunExecutionData(), 0, items, inputData, { node: this.node, data: inputData, source: null }, []);
			const output = ((await this.spec.nodeType.execute!.call(executeContext)) as INodeExecutionData[][])[0] ?? [];
			this.executions.push(output);
			markStarted(output);
			const ending = await held;
			this.persist(execution);
			if (ending === 'success') response.status(200).json(undefined);
			else response.status(500).json({ message: 'Error in workflow' });
			this.persist(workflow);
			return response;
		})();
		return {
			answer: answer.then((res) => ({ status: res.statusCode, headers: res.headers, body: res.body ? (JSON.parse(res.body) as unknown) : undefined })),
			started,
			finish: (ending) => release(ending),
		};
	}
}
