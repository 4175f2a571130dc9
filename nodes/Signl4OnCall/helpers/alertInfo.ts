import type { IDataObject } from 'n8n-workflow';

import { ALERT_STATUS_NAMES } from '../../shared/signl4/constants';
import { incidentReferenceFields, parseExternalId } from '../../shared/sentinel/externalId';

/** SIGNL4's AlertInfo (REST) as an output item: readable fields first, the incident reference, then `raw`. */

function str(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** External ID of an alert: `externalId` where SIGNL4 serves it, else the `X-S4-ExternalID` parameter. */
export function alertExternalId(alert: IDataObject): string | null {
	const direct = str(alert.externalId) ?? str(alert.externalEventId);
	if (direct) return direct;
	const parameters = Array.isArray(alert.parameters) ? (alert.parameters as IDataObject[]) : [];
	const parameter = parameters.find((p) => typeof p?.name === 'string' && p.name.toLowerCase() === 'x-s4-externalid');
	return parameter ? str(parameter.value) : null;
}

export function statusName(code: unknown): string | null {
	return typeof code === 'number' ? (ALERT_STATUS_NAMES[code] ?? `status ${code}`) : null;
}

export function shapeAlertInfo(alert: IDataObject): IDataObject {
	const history = (alert.history ?? {}) as IDataObject;
	const parameters = Array.isArray(alert.parameters) ? (alert.parameters as IDataObject[]) : [];
	const externalId = alertExternalId(alert);
	const incident = parseExternalId(externalId);
	const annotations = Array.isArray(alert.annotations) ? (alert.annotations as IDataObject[]) : [];
	return {
		alertId: str(alert.id),
		eventId: str(alert.eventId),
		externalId,
		title: str(alert.title),
		text: str(alert.text),
		status: statusName(alert.status),
		statusCode: typeof alert.status === 'number' ? alert.status : null,
		severity: typeof alert.severity === 'number' ? alert.severity : null,
		category: str(alert.category),
		categoryId: str(alert.categoryId),
		teamId: str(alert.teamId),
		created: str(history.created),
		acknowledged: str(history.acknowledged),
		closed: str(history.closed),
		closedBy: str(history.closedBy),
		lastModified: str(alert.lastModified),
		annotations: annotations.map((a) => ({ id: str(a.id), text: str(a.text), timestamp: str(a.timestamp), userId: str(a.userId) })),
		parameters: Object.fromEntries(
			parameters.filter((p) => typeof p?.name === 'string').map((p) => [p.name as string, p.value ?? null]),
		),
		...(incident ? incidentReferenceFields(incident) : { incidentName: null, workspace: null }),
		raw: alert,
	};
}
