import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { callbackItem, parseCallback, type CallbackEvent } from '../shared/signl4/callbacks';
import { checkBasicAuth, checkHeaderAuth, type AuthVerdict } from './auth';
import { claimInProcess, isDuplicate, isStale, readState, remember, rememberStatus, rememberWritten } from './dedup';
import { claimDelivery, onAnswered, settleDelivery, writtenDeliveries } from './delivery';

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
	const mode = context.getNodeParameter('authentication', 'basicAuth') as string;
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
 * Another delivery of a callback still being processed waits this long for its outcome before it is answered 503 with
 * this Retry-After (seconds). Tests lower the wait.
 */
export const busyDeliverySettings = { waitMs: 5_000, retryAfterSeconds: 30 };

/** Whether the node answers SIGNL4 only after the workflow finished (typeVersion 1.1 default), not on receipt. */
export function respondsAfterWorkflow(context: IWebhookFunctions | IExecuteFunctions): boolean {
	const value = 'getInputData' in context ? context.getNodeParameter('respond', 0, 'onReceived') : context.getNodeParameter('respond', 'onReceived');
	return value === 'afterWorkflow';
}

function scopeOf(context: IWebhookFunctions | IExecuteFunctions, mode: string): string {
	// Test-URL calls (editor) and production calls are guarded separately: testing must not swallow a real callback.
	return `${context.getWorkflow().id ?? ''}:${context.getNode().id}:${mode}`;
}

/**
 * Order of checks: authentication (401), shape (400), event selection, duplicate, out-of-order. Only a callback that
 * passes all of them starts an execution; the others get a 2xx so SIGNL4 does not deliver them again.
 *
 * Answering after the workflow (option Respond): n8n answers 2xx when the execution succeeded and 500 when it failed,
 * and SIGNL4 delivers a callback again after a failed delivery. So a callback is recorded as seen only once its
 * delivery was answered 2xx (`delivery.ts`); one whose execution failed is processed again when it comes back. The
 * write-backs are idempotent as well (comment IDs derived from the callback ID, updates that change nothing when
 * already applied), which covers what one process cannot see.
 *
 * Answering on receipt (typeVersion 1's default): SIGNL4 is told "received" before the workflow runs and will not
 * deliver the callback again, so it is recorded as seen at once, and a failed execution is not repeated.
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
	// The option's name predates Defender XDR; it keeps every Signl this package raised, from either source.
	if (options.onlySentinelIncidents === true && String(item.event).startsWith('alert') && !item.source) {
		return { webhookResponse: { received: true, ignored: 'not a Sentinel or Defender XDR Signl' } };
	}

	const afterWorkflow = respondsAfterWorkflow(this);
	const staticData = this.getWorkflowStaticData('node');
	const scope = scopeOf(this, this.getMode());
	const now = Date.now();
	let state = readState(staticData[STATE_KEY]);
	// What this process learned since static data was last saved: n8n saves it with this answer if no execution starts.
	const learned = rememberWritten(state, writtenDeliveries(scope, now), now);
	if (learned) {
		state = learned;
		staticData[STATE_KEY] = state as unknown as IDataObject;
	}
	const callbackId = item.callbackId as string;
	if (isDuplicate(state, callbackId)) return { webhookResponse: { received: true, duplicate: true } };

	if (afterWorkflow) {
		const claim = await claimDelivery(scope, callbackId, busyDeliverySettings.waitMs);
		if (claim === 'written') return { webhookResponse: { received: true, duplicate: true } };
		if (claim === 'busy') {
			return refuse(this, 503, 'This callback is still being processed; deliver it again later', { 'retry-after': String(busyDeliverySettings.retryAfterSeconds) });
		}
	} else if (!claimInProcess(scope, callbackId, now)) {
		return { webhookResponse: { received: true, duplicate: true } };
	}

	const statusTimeMs = statusTimeOf(item);
	const alertId = item.alertId as string | null;
	const stale = isStale(state, alertId, statusTimeMs);
	staticData[STATE_KEY] = (afterWorkflow ? rememberStatus(state, alertId, statusTimeMs) : remember(state, { callbackId, alertId, statusTimeMs }, now)) as unknown as IDataObject;
	if (options.ignoreOutOfOrder !== false && stale) {
		if (afterWorkflow) settleDelivery(scope, callbackId, true);
		return { webhookResponse: { received: true, ignored: 'older than a status change already received for this alert' } };
	}
	if (afterWorkflow) onAnswered(this.getResponseObject(), (status) => settleDelivery(scope, callbackId, status >= 200 && status < 300));
	return { workflowData: [[{ json: item }]] };
}

/**
 * The trigger's execution step: passes the callback items on unchanged and records in static data what must outlive
 * this process — the newest status change per alert, the callbacks answered 2xx so far and, when answering on
 * receipt, the callbacks of this execution (SIGNL4 will not deliver them again).
 *
 * Why here: n8n 2.41 (regular mode) saves a live webhook's static data after answering, but only if its "changed"
 * flag is still set; starting the execution builds a new `Workflow` over the same static data object, which resets
 * that flag first, so what `webhook()` recorded is not saved when it starts an execution (it is when it starts none,
 * e.g. for a duplicate). n8n saves static data after every non-manual execution that changed it — failed ones too,
 * which is why a callback answered after the workflow is not recorded as seen here.
 */
export function recordAccepted(this: IExecuteFunctions): INodeExecutionData[][] {
	const items = this.getInputData();
	const staticData = this.getWorkflowStaticData('node');
	const afterWorkflow = respondsAfterWorkflow(this);
	const now = Date.now();
	let state = readState(staticData[STATE_KEY]);
	state = rememberWritten(state, writtenDeliveries(scopeOf(this, this.getMode()), now), now) ?? state;
	for (const item of items) {
		const callbackId = item.json.callbackId;
		if (typeof callbackId !== 'string' || !callbackId) continue;
		const alertId = (item.json.alertId as string | null) ?? null;
		const statusTimeMs = statusTimeOf(item.json);
		state = afterWorkflow ? rememberStatus(state, alertId, statusTimeMs) : remember(state, { callbackId, alertId, statusTimeMs }, now);
	}
	staticData[STATE_KEY] = state as unknown as IDataObject;
	return [items.map((item, index) => ({ ...item, pairedItem: { item: index } }))];
}
