import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { pathSegment, signl4Request } from '../../shared/signl4/transport';
import { incidentReferenceFields, parseExternalId } from '../../shared/sentinel/externalId';
import { shapeAlertInfo } from './alertInfo';
import { requestPolicy, resolveExternalId, resolveUserId, type RequestPolicy } from './context';
import { alertsFor } from './lookup';

/**
 * Webhook status events (by external ID, team secret only) and REST status changes (by alert, API key).
 */

export async function sendWebhookStatus(
	this: IExecuteFunctions,
	itemIndex: number,
	status: 'acknowledged' | 'resolved',
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const policy = requestPolicy(options);
	const externalId = resolveExternalId.call(this, itemIndex);
	const response = await signl4Request<IDataObject>(this, {
		channel: 'webhook',
		method: 'POST',
		body: {
			'X-S4-ExternalID': externalId,
			'X-S4-Status': status,
			'X-S4-SourceSystem': String(options.sourceSystem ?? 'n8n').trim() || 'n8n',
		},
		action: status === 'acknowledged' ? 'acknowledge the alert' : 'resolve the alert',
		itemIndex,
		timeoutMs: policy.timeoutMs,
		rateLimit: policy.rateLimit,
	});
	const reference = parseExternalId(externalId);
	return [
		{
			json: {
				eventId: typeof response.body?.eventId === 'string' ? response.body.eventId : null,
				externalId,
				status,
				channel: 'webhook',
				...(reference ? incidentReferenceFields(reference) : { incidentName: null, workspace: null }),
			},
		},
	];
}

/** The alerts an API operation acts on, from the `lookupBy` parameters. */
export async function targetAlerts(this: IExecuteFunctions, itemIndex: number, policy: RequestPolicy, options: IDataObject): Promise<IDataObject[]> {
	const lookupBy = this.getNodeParameter('lookupBy', itemIndex, 'externalId') as string;
	const windowHours = Number(options.searchWindowHours ?? 168) || 168;
	if (lookupBy === 'alertId') {
		const alertId = String(this.getNodeParameter('alertId', itemIndex, '') ?? '').trim();
		return await alertsFor.call(this, itemIndex, { alertId }, { windowHours, policy });
	}
	return await alertsFor.call(this, itemIndex, { externalId: resolveExternalId.call(this, itemIndex) }, { windowHours, policy });
}

/**
 * Acknowledge or close each target alert through the REST API. Alerts already in (or past) the target state are
 * reported with `changed: false` instead of being sent to SIGNL4, where they would fail with 409: a two-way sync
 * closing a Signl that the engineer already closed in the app is the normal case, not an error.
 */
export async function changeStatusViaApi(
	this: IExecuteFunctions,
	itemIndex: number,
	target: 'acknowledge' | 'close',
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const policy = requestPolicy(options);
	const alerts = await targetAlerts.call(this, itemIndex, policy, options);
	const userId = await resolveUserId.call(this, itemIndex, String(options.user ?? ''), policy);
	const note = String(options.note ?? '').trim();
	const results: INodeExecutionData[] = [];
	for (const alert of alerts) {
		const status = typeof alert.status === 'number' ? alert.status : 0;
		const done = target === 'close' ? status === 4 : status === 2 || status === 4;
		if (done) {
			results.push({ json: { ...shapeAlertInfo(alert), changed: false, channel: 'api' } });
			continue;
		}
		const response = await signl4Request<IDataObject>(this, {
			channel: 'api',
			method: 'POST',
			path: `/alerts/${pathSegment(String(alert.id), 'alert ID', this, itemIndex)}/${target}`,
			body: { ...(userId ? { userId } : {}), ...(note ? { description: note } : {}) },
			action: target === 'close' ? 'close the alert' : 'acknowledge the alert',
			itemIndex,
			timeoutMs: policy.timeoutMs,
			rateLimit: policy.rateLimit,
		});
		results.push({ json: { ...shapeAlertInfo(response.body ?? alert), changed: true, channel: 'api' } });
	}
	return results;
}
