import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { callbackItem, parseCallback, type CallbackEvent } from '../shared/signl4/callbacks';
import { checkBasicAuth, checkHeaderAuth, type AuthVerdict } from './auth';
import { claimInProcess, isDuplicate, isStale, readState, remember } from './dedup';

export const STATE_KEY = 'signl4Callbacks';

/** `eventRaisedUtc` of a status change (201) in ms; null for other events. */
export function statusTimeOf(item: IDataObject): number | null {
	return item.eventType === 201 && typeof item.time === 'string' ? Date.parse(item.time) : null;
}

interface WritableResponse {
	writeHead(status: number, headers: Record<string, string>): unknown;
	end(body?: string): unknown;
}

/** Answers without starting an execution (401, 400). */
function refuse(context: IWebhookFunctions, status: number, message: string, headers: Record<string, string> = {}): IWebhookResponseData {
	const response = context.getResponseObject() as unknown as WritableResponse;
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
	response.end(JSON.stringify({ message }));
	return { noWebhookResponse: true };
}

async function authenticate(context: IWebhookFunctions): Promise<AuthVerdict> {
	const mode = context.getNodeParameter('authentication', 'none') as string;
	const headers = context.getHeaderData() as Record<string, unknown>;
	if (mode === 'basicAuth') {
		const credentials = await context.getCredentials('signl4TriggerBasicAuthApi');
		return checkBasicAuth(headers, String(credentials.user ?? ''), String(credentials.password ?? ''));
	}
	if (mode === 'headerAuth') {
		const credentials = await context.getCredentials('signl4TriggerHeaderAuthApi');
		return checkHeaderAuth(headers, String(credentials.name ?? ''), String(credentials.headerSecret ?? ''));
	}
	return { ok: true };
}

function bodyOf(context: IWebhookFunctions): unknown {
	const body = context.getBodyData() as unknown;
	const empty = body === undefined || body === null || (typeof body === 'object' && !Buffer.isBuffer(body) && Object.keys(body).length === 0);
	if (!empty) return body;
	// No or an unusual content type: n8n leaves the body unparsed; SIGNL4 always sends JSON, so read the raw bytes.
	const raw = (context.getRequestObject() as unknown as { rawBody?: Buffer }).rawBody;
	return raw && raw.length ? raw : body;
}

/**
 * Order of checks: authentication (401), shape (400), event selection, duplicate, out-of-order. Only a callback that
 * passes all of them starts an execution; the others get a 2xx so SIGNL4 does not deliver them again.
 *
 * The accepted callback is recorded in the node's static data here, and again by `recordAccepted` when its
 * execution runs (see there for why).
 */
export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const verdict = await authenticate(this);
	if (!verdict.ok) return refuse(this, 401, verdict.message, verdict.challenge ? { 'www-authenticate': verdict.challenge } : {});

	const parsed = parseCallback(bodyOf(this));
	if (!parsed.ok) return refuse(this, 400, `Not a SIGNL4 outbound webhook callback: ${parsed.reason}`);
	const item = callbackItem(parsed.callback);

	const events = this.getNodeParameter('events', []) as CallbackEvent[];
	if (!events.includes(item.event as CallbackEvent)) {
		return { webhookResponse: { received: true, ignored: 'event not selected' } };
	}
	const options = this.getNodeParameter('options', {}) as IDataObject;
	if (options.onlySentinelIncidents === true && String(item.event).startsWith('alert') && !item.isSentinelIncident) {
		return { webhookResponse: { received: true, ignored: 'not a Sentinel incident' } };
	}

	const staticData = this.getWorkflowStaticData('node');
	const state = readState(staticData[STATE_KEY]);
	const callbackId = item.callbackId as string;
	const now = Date.now();
	// Test-URL calls (editor) and production calls are guarded separately: testing must not swallow a real callback.
	const scope = `${this.getWorkflow().id ?? ''}:${this.getNode().id}:${this.getMode()}`;
	if (isDuplicate(state, callbackId) || !claimInProcess(scope, callbackId, now)) {
		return { webhookResponse: { received: true, duplicate: true } };
	}
	const statusTimeMs = statusTimeOf(item);
	const alertId = item.alertId as string | null;
	staticData[STATE_KEY] = remember(state, { callbackId, alertId, statusTimeMs }, now) as unknown as IDataObject;
	if (options.ignoreOutOfOrder !== false && isStale(state, alertId, statusTimeMs)) {
		return { webhookResponse: { received: true, ignored: 'older than a status change already received for this alert' } };
	}
	return { workflowData: [[{ json: item }]] };
}

/**
 * The trigger's execution step: passes the callback items on unchanged and records them in static data.
 *
 * Why twice: n8n 2.41 (regular mode) saves a live webhook's static data after answering, but only if its "changed"
 * flag is still set; starting the execution builds a new `Workflow` over the same static data object, which resets
 * that flag first, so what `webhook()` recorded is not saved when it starts an execution (it is when it starts none,
 * e.g. for a duplicate). n8n saves static data after every non-manual execution that changed it, so recording here
 * makes the de-dup state survive restarts. In queue mode the webhook's own save works and this repeats it harmlessly.
 */
export function recordAccepted(this: IExecuteFunctions): INodeExecutionData[][] {
	const items = this.getInputData();
	const staticData = this.getWorkflowStaticData('node');
	let state = readState(staticData[STATE_KEY]);
	const now = Date.now();
	for (const item of items) {
		const callbackId = item.json.callbackId;
		if (typeof callbackId !== 'string' || !callbackId) continue;
		state = remember(state, { callbackId, alertId: (item.json.alertId as string | null) ?? null, statusTimeMs: statusTimeOf(item.json) }, now);
	}
	staticData[STATE_KEY] = state as unknown as IDataObject;
	return [items.map((item, index) => ({ ...item, pairedItem: { item: index } }))];
}
