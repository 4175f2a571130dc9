import { DEFAULT_CALLBACK_EVENTS, callbackItem, eventNameOf, normaliseDotnetTime, parseCallback } from '../../../nodes/shared/signl4/callbacks';
import { formatExternalId } from '../../../nodes/shared/sentinel/externalId';
import { INCIDENT_NAME, SUBSCRIPTION } from './fixtures';

const externalId = formatExternalId({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-sentinel-prod', workspaceName: 'law-sentinel-prod', incidentName: INCIDENT_NAME });
const user = { username: 'Rene', mailaddress: 'rene@example.com', id: 'u-1' };
const alert = (statusCode: number, extra: Record<string, unknown> = {}) => ({ statusCode, eventId: '2518_e', externalEventId: externalId, id: '2518_a', ...extra });
function accepted(payload: unknown) {
	const parsed = parseCallback(payload);
	if (!parsed.ok) throw new Error(parsed.reason);
	return parsed.callback;
}

const base = { eventRaisedUtc: '2017-09-01T08:11:37.4815663Z', subscription: { id: 'sub-1' }, id: 'cb-1' };

describe('SIGNL4 callbacks', () => {
	test.each([
		[{ ...base, eventType: 200, alert: alert(1) }, 'alertCreated', 'new'],
		[{ ...base, eventType: 201, user, alert: alert(2, { acknowledgedUserIds: ['u-1'] }) }, 'alertAcknowledged', 'acknowledged'],
		[{ ...base, eventType: 201, user, alert: alert(4) }, 'alertClosed', 'closed'],
		[{ ...base, eventType: 201, user, alert: alert(1) }, 'alertStatusChanged', 'new'],
		[{ ...base, eventType: 202, team: { id: 't-1' }, alert: alert(1, { acknowledgedUserIds: [] }) }, 'alertEscalated', 'new'],
		[{ ...base, eventType: 203, user, alert: alert(0), annotation: { message: "OK, I'll take care about it.", id: 'n-1' } }, 'alertAnnotated', null],
		[{ ...base, eventType: 300, team: { id: 't-1' } }, 'dutyStarted', null],
		[{ ...base, eventType: 301, team: { id: 't-1' } }, 'dutyEnded', null],
		[{ ...base, eventType: 302, team: { id: 't-1' }, user: { id: 'u-1' } }, 'userPunchedIn', null],
		[{ ...base, eventType: 303, team: { id: 't-1' }, user: { id: 'u-1' } }, 'userPunchedOut', null],
		[{ ...base, eventType: 999 }, 'other', null],
	])('event %#: %s', (payload, event, status) => {
		const parsed = parseCallback(payload);
		expect(parsed.ok).toBe(true);
		const item = callbackItem((parsed as { callback: Record<string, unknown> }).callback as never);
		expect(item.event).toBe(event);
		expect(item.status).toBe(status);
		expect(item.callbackId).toBe('cb-1');
		expect(item.time).toBe('2017-09-01T08:11:37.481Z');
		expect(item.raw).toEqual(payload);
	});

	test('alert callbacks carry the incident reference parsed from the external ID, and the user', () => {
		const item = callbackItem(accepted({ ...base, eventType: 201, user, alert: alert(2) }));
		expect(item).toMatchObject({
			alertId: '2518_a',
			eventId: '2518_e',
			externalId,
			incidentName: INCIDENT_NAME,
			workspace: { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-sentinel-prod', name: 'law-sentinel-prod' },
			isSentinelIncident: true,
			user: { id: 'u-1', name: 'Rene', email: 'rene@example.com' },
			subscriptionId: 'sub-1',
		});
	});

	test('annotation text; statusCode 0 of an annotation is not a status', () => {
		const item = callbackItem(
			(accepted({ ...base, eventType: 203, user, alert: alert(0), annotation: { message: 'On it', id: 'n-9' } })),
		);
		expect(item).toMatchObject({ annotation: 'On it', annotationId: 'n-9', status: null, statusCode: null });
	});

	test('foreign or missing external IDs: no incident reference', () => {
		const foreign = callbackItem(accepted({ ...base, eventType: 201, user, alert: alert(2, { externalEventId: 'INC091210' }) }));
		expect(foreign).toMatchObject({ externalId: 'INC091210', incidentName: null, workspace: null, isSentinelIncident: false });
		const none = callbackItem(accepted({ ...base, eventType: 201, user, alert: alert(2, { externalEventId: undefined }) }));
		expect(none).toMatchObject({ externalId: null, incidentName: null });
	});

	test.each([
		[undefined, 'body is not a JSON object'],
		['', 'empty body'],
		['{"eventType": 201', 'body is not JSON'],
		['[1,2]', 'body is not a JSON object'],
		[{}, 'body is not a JSON object'],
		[{ eventType: 201 }, 'no top-level id'],
		[{ id: 'x' }, 'no numeric eventType'],
		[{ id: 'x', eventType: 'acknowledged' }, 'no numeric eventType'],
		[{ id: 'x', eventType: 201, alert: 'nope' }, 'alert is not an object'],
	])('malformed %p: %s', (body, reason) => {
		expect(parseCallback(body)).toEqual({ ok: false, reason });
	});

	test('JSON text and numeric strings are accepted', () => {
		expect(parseCallback(JSON.stringify({ ...base, eventType: '201' }))).toMatchObject({ ok: true, callback: { eventType: 201 } });
		expect(parseCallback(Buffer.from(JSON.stringify({ ...base, eventType: 200 })))).toMatchObject({ ok: true });
	});

	test('.NET times: 7, 0 or 3 fractional digits, with or without zone', () => {
		expect(normaliseDotnetTime('2020-01-10T12:27:19Z')).toBe('2020-01-10T12:27:19.000Z');
		expect(normaliseDotnetTime('2020-01-10T12:27:19.1234567')).toBe('2020-01-10T12:27:19.123Z');
		expect(normaliseDotnetTime('2020-01-10T12:27:19.5+02:00')).toBe('2020-01-10T10:27:19.500Z');
		expect(normaliseDotnetTime('yesterday')).toBeNull();
	});

	test('defaults: what the two-way sync needs', () => {
		expect(DEFAULT_CALLBACK_EVENTS).toEqual(['alertAcknowledged', 'alertClosed', 'alertAnnotated', 'alertEscalated']);
		expect(eventNameOf(201, 8)).toBe('alertStatusChanged');
	});
});
