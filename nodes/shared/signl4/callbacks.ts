import type { IDataObject } from 'n8n-workflow';

import { parseDefenderExternalId } from '../defender/externalId';
import { incidentReferenceFields, parseExternalId } from '../sentinel/externalId';
import { ALERT_STATUS_NAMES, CALLBACK_EVENT_TYPES } from './constants';

/**
 * SIGNL4's outbound webhook callbacks, parsed and turned into the item the SIGNL4 On-Call Trigger emits. Pure, so
 * every event type is unit-tested. Shapes: see docs/wire-signl4.md §3 (eventType 200/201/202/203/300-303; 201 carries
 * `alert.statusCode` 2 = acknowledged, 4 = closed; 203's `alert.statusCode` may be 0 and says nothing).
 */

export const CALLBACK_EVENTS = [
	'alertCreated',
	'alertAcknowledged',
	'alertClosed',
	'alertStatusChanged',
	'alertEscalated',
	'alertAnnotated',
	'dutyStarted',
	'dutyEnded',
	'userPunchedIn',
	'userPunchedOut',
	'other',
] as const;
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/** What the two-way sync needs by default: the engineer's actions and escalations. */
export const DEFAULT_CALLBACK_EVENTS: CallbackEvent[] = ['alertAcknowledged', 'alertClosed', 'alertAnnotated', 'alertEscalated'];

export type ParsedCallback = { ok: true; callback: IDataObject } | { ok: false; reason: string };

function obj(value: unknown): IDataObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;
}

function str(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** `2017-09-01T08:11:37.4815663Z` (.NET, 0–7 fractional digits, maybe no zone) → ISO with milliseconds. */
export function normaliseDotnetTime(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
	if (!match) return null;
	const millis = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
	const parsed = Date.parse(`${match[1]}.${millis}${match[3] ?? 'Z'}`);
	return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

export function eventNameOf(eventType: number, statusCode: number | null): CallbackEvent {
	switch (eventType) {
		case CALLBACK_EVENT_TYPES.created:
			return 'alertCreated';
		case CALLBACK_EVENT_TYPES.statusChanged:
			return statusCode === 2 ? 'alertAcknowledged' : statusCode === 4 ? 'alertClosed' : 'alertStatusChanged';
		case CALLBACK_EVENT_TYPES.escalated:
			return 'alertEscalated';
		case CALLBACK_EVENT_TYPES.annotated:
			return 'alertAnnotated';
		case CALLBACK_EVENT_TYPES.dutyStarted:
			return 'dutyStarted';
		case CALLBACK_EVENT_TYPES.dutyEnded:
			return 'dutyEnded';
		case CALLBACK_EVENT_TYPES.punchedIn:
			return 'userPunchedIn';
		case CALLBACK_EVENT_TYPES.punchedOut:
			return 'userPunchedOut';
		default:
			return 'other';
	}
}

/**
 * Accepts a parsed JSON body (or its text); a callback must be an object with a top-level `id` (SIGNL4's
 * idempotency key) and a numeric `eventType`.
 */
export function parseCallback(body: unknown): ParsedCallback {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		if (!value.trim()) return { ok: false, reason: 'empty body' };
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			return { ok: false, reason: 'body is not JSON' };
		}
	}
	const callback = obj(value);
	if (!callback || Object.keys(callback).length === 0) return { ok: false, reason: 'body is not a JSON object' };
	if (typeof callback.id !== 'string' || !callback.id.trim() || callback.id.length > 200) {
		return { ok: false, reason: 'no top-level id' };
	}
	const eventType = typeof callback.eventType === 'string' && /^\d+$/.test(callback.eventType) ? Number(callback.eventType) : callback.eventType;
	if (typeof eventType !== 'number' || !Number.isInteger(eventType)) return { ok: false, reason: 'no numeric eventType' };
	if (callback.alert !== undefined && !obj(callback.alert)) return { ok: false, reason: 'alert is not an object' };
	return { ok: true, callback: { ...callback, eventType } };
}

/** The trigger's output item for a parsed callback. */
export function callbackItem(callback: IDataObject): IDataObject {
	const eventType = callback.eventType as number;
	const alert = obj(callback.alert) ?? {};
	const rawStatus = typeof alert.statusCode === 'number' ? alert.statusCode : null;
	const event = eventNameOf(eventType, rawStatus);
	// 203 (annotated) may carry statusCode 0: it says nothing about the alert's status.
	const statusCode = rawStatus && rawStatus > 0 && event !== 'alertAnnotated' ? rawStatus : null;
	const user = obj(callback.user);
	const annotation = obj(callback.annotation);
	const externalId = str(alert.externalEventId);
	const incident = parseExternalId(externalId);
	const defender = incident ? undefined : parseDefenderExternalId(externalId);
	return {
		event,
		eventType,
		status: statusCode === null ? null : (ALERT_STATUS_NAMES[statusCode] ?? `status ${statusCode}`),
		statusCode,
		alertId: str(alert.id),
		eventId: str(alert.eventId),
		externalId,
		...(incident ? incidentReferenceFields(incident) : { incidentName: null, workspace: null }),
		isSentinelIncident: !!incident,
		// Which system the Signl was raised for, by its external ID: one SIGNL4 team has one outbound webhook, so one
		// workflow routes every callback to Sentinel or to Defender XDR by this field.
		source: incident ? 'sentinel' : defender ? 'defenderXdr' : null,
		defender: defender ? { ...defender } : null,
		user: user ? { id: str(user.id), name: str(user.username) ?? str(user.name), email: str(user.mailaddress) ?? str(user.mail) } : null,
		annotation: annotation ? str(annotation.message) : null,
		annotationId: annotation ? str(annotation.id) : null,
		acknowledgedUserIds: Array.isArray(alert.acknowledgedUserIds) ? alert.acknowledgedUserIds : [],
		teamId: str(obj(callback.team)?.id),
		subscriptionId: str(obj(callback.subscription)?.id),
		time: normaliseDotnetTime(callback.eventRaisedUtc),
		eventRaisedUtc: str(callback.eventRaisedUtc),
		callbackId: callback.id as string,
		raw: callback,
	};
}
