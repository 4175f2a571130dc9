import type { IDataObject, IExecuteFunctions, NodeApiError, IPollFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { parseWorkspaceLocator, type WorkspaceLocatorValue } from '../shared/azure/workspace';
import { SentinelConnection } from '../shared/sentinel/connection';
import { shapeIncident } from '../shared/sentinel/incidentShape';
import { getIncident, listIncidentAlerts, listIncidentEntities } from '../shared/sentinel/incidentsApi';
import type { RawIncident } from '../shared/sentinel/types';
import { checkBasicAuth, checkHeaderAuth, type AuthVerdict } from '../Signl4OnCallTrigger/auth';
import { parsePushBody, reasonToSkip, sameWorkspace, tagList, type PushFilters } from './push';

interface WritableResponse {
	writeHead(status: number, headers: Record<string, string>): unknown;
	end(body?: string): unknown;
}

/** Answers without starting an execution. */
function answer(context: IWebhookFunctions, status: number, body: IDataObject, headers: Record<string, string> = {}): IWebhookResponseData {
	const response = context.getResponseObject() as unknown as WritableResponse;
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
	response.end(JSON.stringify(body));
	return { noWebhookResponse: true };
}

export async function authenticate(context: IWebhookFunctions): Promise<AuthVerdict> {
	const mode = context.getNodeParameter('authentication', 'headerAuth') as string;
	const headers = context.getHeaderData() as Record<string, unknown>;
	if (mode === 'basicAuth') {
		const credentials = await context.getCredentials('signl4TriggerBasicAuthApi');
		return checkBasicAuth(headers, String(credentials.user ?? ''), String(credentials.password ?? ''));
	}
	const credentials = await context.getCredentials('signl4TriggerHeaderAuthApi');
	return checkHeaderAuth(headers, String(credentials.name ?? ''), String(credentials.headerSecret ?? ''));
}

function bodyOf(context: IWebhookFunctions): unknown {
	const body = context.getBodyData() as unknown;
	const empty = body === undefined || body === null || (typeof body === 'object' && !Buffer.isBuffer(body) && Object.keys(body).length === 0);
	if (!empty) return body;
	const raw = (context.getRequestObject() as unknown as { rawBody?: Buffer }).rawBody;
	return raw && raw.length ? raw : body;
}

/**
 * One push from the playbook. Order: authentication (401 without, 403 wrong; nothing read, nothing started), the
 * body's incident ID (400), the workspace (200, ignored: another workspace's playbook), then the incident as Resource
 * Manager has it now: gone (200, ignored), outside the filters or already tagged (200, ignored), else one execution
 * with the same item the Microsoft Sentinel Trigger emits. A failed read answers 503 so the Logic App's retry policy
 * pushes again; the poll is the safety net either way.
 */
export async function handlePush(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const receivedAt = new Date().toISOString();
	const verdict = await authenticate(this);
	if (!verdict.ok) {
		const status = verdict.message === 'Authorization is required' ? 401 : 403;
		return answer(this, status, { message: verdict.message }, verdict.challenge ? { 'www-authenticate': verdict.challenge } : {});
	}
	const parsed = parsePushBody(bodyOf(this));
	if (!parsed.ok) return answer(this, 400, { message: parsed.message });
	const { reference } = parsed;
	const workspace = parseWorkspaceLocator(this.getNodeParameter('workspace', undefined, { extractValue: false }) as WorkspaceLocatorValue);
	if (!workspace) return answer(this, 500, { message: 'The trigger has no workspace: choose it in the node' });
	if (!sameWorkspace(workspace, reference.workspace)) {
		return answer(this, 200, { accepted: false, reason: 'the incident is in another workspace than the trigger watches' });
	}
	const filters: PushFilters = {
		statuses: this.getNodeParameter('statuses', []) as string[],
		severities: this.getNodeParameter('severities', []) as string[],
		maxAgeHours: Number(this.getNodeParameter('maxAgeHours', 24)) || 24,
		skipTags: tagList(this.getNodeParameter('skipTags', '')),
	};
	const includeAlerts = this.getNodeParameter('includeAlerts', true) as boolean;
	const includeEntities = this.getNodeParameter('includeEntities', true) as boolean;
	let item: IDataObject;
	try {
		// The connection only needs the node and its Azure credential, which a webhook context offers like a poll's.
		const connection = await SentinelConnection.open(this as unknown as IPollFunctions | IExecuteFunctions, workspace);
		let incident: RawIncident;
		try {
			incident = await connection.call(`read incident '${reference.incidentName}'`, (client) => getIncident(client, workspace, reference.incidentName));
		} catch (error) {
			// `call` throws NodeApiError / NodeOperationError already; only a 404 is an answer here.
			const nodeError = error as NodeApiError;
			if (nodeError.httpCode === '404') return answer(this, 200, { accepted: false, reason: 'no such incident in the workspace' });
			throw nodeError;
		}
		const skip = reasonToSkip(incident, filters, Date.now());
		if (skip) return answer(this, 200, { accepted: false, incidentNumber: incident.properties.incidentNumber, reason: `the incident ${skip}` });
		const number = incident.properties.incidentNumber;
		const alerts = includeAlerts
			? await connection.call(`read the alerts of incident ${number}`, (client) => listIncidentAlerts(client, workspace, incident.name))
			: undefined;
		const entities = includeEntities
			? await connection.call(`read the entities of incident ${number}`, (client) => listIncidentEntities(client, workspace, incident.name))
			: undefined;
		const readAt = new Date().toISOString();
		item = {
			triggerEvent: reference.event,
			...shapeIncident(incident, workspace, { alerts, entities }),
			// A push is a first emission: SIGNL4 Send raises it without a lookup; workflow 1's claim decides who sends.
			delivery: { attempt: 1, firstEmittedAt: readAt },
			// When the push reached the trigger and when the incident was read: where a slow page spent its time.
			push: { receivedAt, readAt },
		};
	} catch (error) {
		// The message of a NodeApiError/NodeOperationError from `call` is already sanitised (no token, no IdP body).
		this.logger.warn(`Microsoft Sentinel Push Trigger: could not read the pushed incident; answered 503 so the playbook pushes again`, {
			error: (error as Error).message,
		});
		return answer(this, 503, { message: 'The incident could not be read from Microsoft Sentinel; try again' }, { 'retry-after': '10' });
	}
	return { workflowData: [[{ json: item }]] };
}
