/**
 * Runs a webhook trigger's `webhook()` and `webhookMethods` inside n8n-core's real `WebhookContext` / `HookContext`,
 * the way n8n's live-webhook handler does for each request:
 *
 * - every request builds a fresh `Workflow` from the persisted static data (n8n loads the workflow from the database
 *   per request), and after the request the static data is persisted only if the node changed it (`__dataChanged`,
 *   n8n's `saveStaticData`);
 * - the answer follows n8n's rules: `noWebhookResponse` → whatever the node wrote to the response object;
 *   no `workflowData` → 200 with `webhookResponse` (or "Webhook call received") and no execution; `workflowData`
 *   → an execution starts (here: `started: true` and the items the trigger node emits in it) and `onReceived`
 *   answers 200 — including n8n's static-data quirk for that case (see `startExecution`).
 *
 * What this harness does not do is n8n's body parsing: tests pass the body as n8n would have parsed it (`body`) and
 * the bytes (`rawBody`).
 */
import { ExecuteContext, HookContext, WebhookContext } from 'n8n-core';
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
	type WorkflowActivateMode,
} from 'n8n-workflow';

import { additionalDataFor, nodeTypesOf, nodeUnderTest } from './n8nHarness';

export interface WebhookNodeSpec {
	nodeType: INodeType;
	/** Type name as n8n registers it, e.g. n8n-nodes-sentinel-signl4.signl4OnCallTrigger. */
	typeName: string;
	nodeName?: string;
	parameters: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The node's webhookId (part of its URL); default a fixed UUID. */
	webhookId?: string;
	workflowId?: string;
	workflowName?: string;
	/** Static data as stored before the first request. */
	staticData?: IDataObject;
	/** n8n's public base URL (default http://localhost:5678). */
	baseUrl?: string;
}

export interface WebhookRequest {
	method?: string;
	headers?: Record<string, string>;
	/** The body as n8n's body parser leaves it (parsed JSON object, form object, text, or undefined). */
	body?: unknown;
	/** The raw bytes (n8n keeps them as `req.rawBody`). */
	rawBody?: Buffer | string;
	query?: Record<string, string>;
}

export interface WebhookResult {
	status: number;
	headers: Record<string, string>;
	body: unknown;
	/** True when n8n would start an execution with `items`. */
	started: boolean;
	items: INodeExecutionData[];
}

class FakeResponse {
	statusCode = 200;
	headers: Record<string, string> = {};
	body: string | undefined;
	headersSent = false;
	writeHead(status: number, headers: Record<string, string> = {}): this {
		this.statusCode = status;
		for (const [key, value] of Object.entries(headers)) this.headers[key.toLowerCase()] = String(value);
		this.headersSent = true;
		return this;
	}
	setHeader(name: string, value: string): this {
		this.headers[name.toLowerCase()] = String(value);
		return this;
	}
	status(code: number): this {
		this.statusCode = code;
		return this;
	}
	json(body: unknown): this {
		this.headers['content-type'] = 'application/json';
		this.body = JSON.stringify(body);
		this.headersSent = true;
		return this;
	}
	send(body: unknown): this {
		this.body = typeof body === 'string' ? body : JSON.stringify(body);
		this.headersSent = true;
		return this;
	}
	end(body?: string | Buffer): this {
		if (body !== undefined) this.body = body.toString();
		this.headersSent = true;
		return this;
	}
}

export class WebhookHarness {
	readonly node: INode;
	/** What n8n would have in its database: updated after each request or hook that changed static data. */
	persistedStaticData: IDataObject;
	private readonly workflowId: string;

	constructor(private readonly spec: WebhookNodeSpec) {
		this.workflowId = spec.workflowId ?? 'wfSignl4Trigger01';
		this.persistedStaticData = JSON.parse(JSON.stringify(spec.staticData ?? {}));
		this.node = {
			...nodeUnderTest({ name: spec.nodeName ?? 'SIGNL4 On-Call Trigger', typeName: spec.typeName, parameters: spec.parameters, credentials: spec.credentials }),
			webhookId: spec.webhookId ?? '6f1d8f5e-3c6a-4c1e-9a57-2b8d4f0e7a11',
		};
	}

	/** The workflow as n8n loads it for a request or hook: static data from the database unless given. */
	private workflow(staticData: IDataObject = JSON.parse(JSON.stringify(this.persistedStaticData))): Workflow {
		return new Workflow({
			id: this.workflowId,
			name: this.spec.workflowName ?? 'SIGNL4 callbacks',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: nodeTypesOf({ [this.spec.typeName]: this.spec.nodeType }),
			staticData,
		});
	}

	private additionalData(extra: Partial<IWorkflowExecuteAdditionalData> = {}): IWorkflowExecuteAdditionalData {
		const data = additionalDataFor(this.spec.credentials ?? {});
		const base = this.spec.baseUrl ?? 'http://localhost:5678';
		Object.assign(data, { instanceBaseUrl: base, webhookBaseUrl: `${base}/webhook`, webhookTestBaseUrl: `${base}/webhook-test` }, extra);
		return data;
	}

	private persist(workflow: Workflow): void {
		const staticData = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		if (staticData.__dataChanged === true) {
			const { __dataChanged: _changed, ...rest } = JSON.parse(JSON.stringify(staticData)) as IDataObject & { __dataChanged?: boolean };
			this.persistedStaticData = rest;
		}
	}

	private webhookData(additionalData: IWorkflowExecuteAdditionalData): IWebhookData {
		const description = (this.spec.nodeType.description.webhooks ?? [])[0] as IWebhookDescription;
		return {
			httpMethod: description.httpMethod as IWebhookData['httpMethod'],
			node: this.node.name,
			path: String(description.path),
			webhookDescription: description,
			workflowId: this.workflowId,
			workflowExecuteAdditionalData: additionalData,
			webhookId: this.node.webhookId,
		};
	}

	/** One HTTP request to the node's production webhook URL. */
	async receive(request: WebhookRequest): Promise<WebhookResult> {
		const workflow = this.workflow();
		const response = new FakeResponse();
		const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
		const rawBody =
			request.rawBody === undefined
				? request.body === undefined
					? undefined
					: Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body))
				: Buffer.isBuffer(request.rawBody)
					? request.rawBody
					: Buffer.from(request.rawBody);
		const httpRequest = {
			method: request.method ?? 'POST',
			headers,
			body: request.body,
			rawBody,
			query: request.query ?? {},
			params: {},
			contentType: (headers['content-type'] ?? '').split(';')[0].trim() || undefined,
		};
		const additionalData = this.additionalData({ httpRequest, httpResponse: response } as unknown as Partial<IWorkflowExecuteAdditionalData>);
		const context = new WebhookContext(workflow, this.node, additionalData, 'webhook', this.webhookData(additionalData), [], null);
		const result = await this.spec.nodeType.webhook!.call(context);
		if (result.workflowData !== undefined && result.noWebhookResponse !== true) {
			return await this.startExecution(workflow, result.workflowData[0] ?? []);
		}
		this.persist(workflow);
		if (result.noWebhookResponse === true) {
			let body: unknown = response.body;
			try {
				body = response.body === undefined ? undefined : JSON.parse(response.body);
			} catch {
				// keep text
			}
			return { status: response.statusCode, headers: response.headers, body, started: false, items: [] };
		}
		if (result.workflowData === undefined) {
			return { status: 200, headers: {}, body: result.webhookResponse ?? { message: 'Webhook call received' }, started: false, items: [] };
		}
		return { status: 200, headers: {}, body: { message: 'Workflow was started' }, started: true, items: result.workflowData[0] ?? [] };
	}

	/**
	 * What n8n 2.41 does when a webhook starts an execution (regular mode): WorkflowRunner builds the execution's
	 * Workflow over the same static data object, which resets its "changed" flag; only then does the live-webhook
	 * handler answer and save static data, finding nothing flagged. The execution then runs the trigger node (its
	 * `execute()` if it has one, otherwise the items pass through) and n8n saves static data after the execution if
	 * it changed.
	 */
	private async startExecution(webhookWorkflow: Workflow, items: INodeExecutionData[]): Promise<WebhookResult> {
		const execution = this.workflow(webhookWorkflow.staticData);
		this.persist(webhookWorkflow);
		let output = items;
		if (this.spec.nodeType.execute) {
			const inputData = { main: [items] };
			const context = new ExecuteContext(execution, this.node, this.additionalData(), 'webhook', createRunExecutionData(), 0, items, inputData, { node: this.node, data: inputData, source: null }, []);
			output = ((await this.spec.nodeType.execute.call(context)) as INodeExecutionData[][])[0] ?? [];
			this.persist(execution);
		}
		return { status: 200, headers: {}, body: { message: 'Workflow was started' }, started: true, items: output };
	}

	/** Runs `webhookMethods.default.<method>` in a HookContext, as n8n does on activation ('activate') / deactivation. */
	async hook(method: 'checkExists' | 'create' | 'delete', activation: WorkflowActivateMode = 'activate'): Promise<boolean> {
		const workflow = this.workflow();
		const additionalData = this.additionalData();
		const context = new HookContext(workflow, this.node, additionalData, 'trigger', activation, this.webhookData(additionalData));
		const methods = (this.spec.nodeType as unknown as { webhookMethods: Record<string, Record<string, (this: unknown) => Promise<boolean>>> }).webhookMethods;
		const outcome = await methods.default[method].call(context);
		this.persist(workflow);
		return outcome;
	}

	/** The production URL n8n shows for the node. */
	webhookUrl(): string {
		const base = this.spec.baseUrl ?? 'http://localhost:5678';
		const path = String((this.spec.nodeType.description.webhooks ?? [])[0]?.path ?? '');
		return `${base}/webhook/${this.node.webhookId}/${path}`;
	}
}
