/**
 * Hostile callbacks to the SIGNL4 On-Call Trigger, through n8n-core's WebhookContext: malformed, oversized,
 * unauthenticated, wrong credentials, replayed, wrong types. The authentication parameter is set explicitly in every
 * case (its default is not this suite's business). Outcomes: 401 before the body is read, 400 with a reason, 200
 * "ignored"/"duplicate" without an execution, or an execution with a correctly typed item — never a crash.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { formatExternalId } from '../../../nodes/shared/sentinel/externalId';
import { resetInProcessGuard } from '../../../nodes/Signl4OnCallTrigger/dedup';
import { WebhookHarness, type WebhookRequest } from '../../helpers/webhookHarness';
import { INCIDENT_NAME, SUBSCRIPTION, TRIGGER_TYPE, signl4Trigger } from '../signl4/fixtures';
import { hostileSuite } from './support';

const suite = hostileSuite('signl4Trigger.test.ts');
const BASIC = { user: 'signl4', password: 'p4ss-w0rd-long-enough-123' };
const HEADER = { name: 'X-Webhook-Secret', headerSecret: 'header-secret-value-0123' };
const externalId = formatExternalId({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-sentinel-prod', workspaceName: 'law-sentinel-prod', incidentName: INCIDENT_NAME });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const GOOD_AUTH = { authorization: basic(BASIC.user, BASIC.password) };

let sequence = 0;
function callback(extra: IDataObject = {}, alert: IDataObject = {}): IDataObject {
	sequence++;
	return {
		eventType: 201,
		eventRaisedUtc: new Date(Date.UTC(2026, 0, 1, 10, 0, sequence % 60, sequence)).toISOString(),
		user: { username: 'Rene Berger', mailaddress: 'rene.berger@contoso.example', id: 'user-1' },
		alert: { statusCode: 2, eventId: '2518_e', externalEventId: externalId, id: `alert-${sequence}`, acknowledgedUserIds: [], ...alert },
		id: `callback-${sequence}`,
		...extra,
	};
}

function harness(authentication: 'none' | 'basicAuth' | 'headerAuth', parameters: INodeParameters = {}): WebhookHarness {
	const credentials = authentication === 'basicAuth' ? { signl4TriggerBasicAuthApi: BASIC } : authentication === 'headerAuth' ? { signl4TriggerHeaderAuthApi: HEADER } : {};
	return new WebhookHarness({
		nodeType: signl4Trigger,
		typeName: TRIGGER_TYPE,
		parameters: { registration: 'manual', authentication, events: ['alertAcknowledged', 'alertClosed', 'alertAnnotated', 'alertEscalated', 'alertStatusChanged', 'other'], options: {}, ...parameters },
		credentials: credentials as never,
	});
}

const jsonRequest = (body: unknown, headers: Record<string, string> = {}): WebhookRequest => ({ headers: { 'content-type': 'application/json', ...headers }, body });

beforeEach(() => resetInProcessGuard());

describe('unauthenticated or wrong credentials: 401, nothing started, nothing remembered', () => {
	const cases: Array<[label: string, mode: 'basicAuth' | 'headerAuth', headers: Record<string, string>]> = [
		['basic: no header', 'basicAuth', {}],
		['basic: wrong password', 'basicAuth', { authorization: basic(BASIC.user, 'guess') }],
		['basic: wrong user', 'basicAuth', { authorization: basic('admin', BASIC.password) }],
		['basic: password with an extra character', 'basicAuth', { authorization: basic(BASIC.user, `${BASIC.password}x`) }],
		['basic: password prefix', 'basicAuth', { authorization: basic(BASIC.user, BASIC.password.slice(0, -1)) }],
		['basic: user and password swapped', 'basicAuth', { authorization: basic(BASIC.password, BASIC.user) }],
		['basic: empty credentials', 'basicAuth', { authorization: basic('', '') }],
		['basic: no colon', 'basicAuth', { authorization: `Basic ${Buffer.from(`${BASIC.user}${BASIC.password}`).toString('base64')}` }],
		['basic: scheme only', 'basicAuth', { authorization: 'Basic ' }],
		['basic: not base64', 'basicAuth', { authorization: 'Basic %%%not-base64%%%' }],
		['basic: bearer token instead', 'basicAuth', { authorization: `Bearer ${BASIC.password}` }],
		['basic: credentials in the clear', 'basicAuth', { authorization: `Basic ${BASIC.user}:${BASIC.password}` }],
		['basic: 64 KB header', 'basicAuth', { authorization: `Basic ${'A'.repeat(65_536)}` }],
		['basic: NUL inside', 'basicAuth', { authorization: basic(BASIC.user, `${BASIC.password}\u0000`) }],
		['basic: the header secret instead', 'basicAuth', { 'x-webhook-secret': HEADER.headerSecret }],
		['header: missing', 'headerAuth', {}],
		['header: wrong value', 'headerAuth', { 'x-webhook-secret': 'nope' }],
		['header: value with a trailing blank', 'headerAuth', { 'x-webhook-secret': `${HEADER.headerSecret} ` }],
		['header: empty value', 'headerAuth', { 'x-webhook-secret': '' }],
		['header: prefix of the secret', 'headerAuth', { 'x-webhook-secret': HEADER.headerSecret.slice(0, 8) }],
		['header: basic auth instead', 'headerAuth', { authorization: basic(BASIC.user, BASIC.password) }],
		['header: secret under another name', 'headerAuth', { 'x-webhook-token': HEADER.headerSecret }],
	];

	test.each(cases)('%s', async (_label, mode, headers) => {
		suite.count();
		const trigger = harness(mode);
		const result = await trigger.receive(jsonRequest(callback(), headers));
		expect(result).toMatchObject({ status: 401, started: false });
		const body = JSON.stringify(result.body);
		for (const secret of [BASIC.password, HEADER.headerSecret]) expect(body).not.toContain(secret);
		expect(trigger.persistedStaticData).toEqual({});
	});

	test('an unauthenticated 5 MB body is refused without being read', async () => {
		suite.count();
		const trigger = harness('basicAuth');
		const huge = 'x'.repeat(5 * 1024 * 1024);
		const started = Date.now();
		const result = await trigger.receive({ headers: { 'content-type': 'text/plain' }, body: huge, rawBody: huge });
		expect(result).toMatchObject({ status: 401, started: false });
		expect(Date.now() - started).toBeLessThan(1_000);
	});
});

describe('malformed bodies (authenticated): 400 with the reason, nothing started', () => {
	const cases: Array<[label: string, request: WebhookRequest, reason: string]> = [
		['empty text', { headers: { 'content-type': 'text/plain' }, body: '', rawBody: '' }, 'empty body'],
		['blank raw body', { headers: {}, body: {}, rawBody: '   ' }, 'empty body'],
		['text that is not JSON', { headers: { 'content-type': 'text/plain' }, body: 'hello' }, 'body is not JSON'],
		['truncated JSON', { headers: {}, body: {}, rawBody: '{"id":"x","eventType":20' }, 'body is not JSON'],
		['JSON null', jsonRequest(null), 'body is not a JSON object'],
		['JSON number', jsonRequest(42), 'body is not a JSON object'],
		['JSON string', { headers: {}, body: {}, rawBody: '"just a string"' }, 'body is not a JSON object'],
		['JSON array', jsonRequest([callback()]), 'body is not a JSON object'],
		['empty object', jsonRequest({}), 'body is not a JSON object'],
		['no id', jsonRequest({ eventType: 201, alert: {} }), 'no top-level id'],
		['numeric id', jsonRequest({ ...callback(), id: 12345 }), 'no top-level id'],
		['blank id', jsonRequest({ ...callback(), id: '   ' }), 'no top-level id'],
		['object id', jsonRequest({ ...callback(), id: { $ne: null } }), 'no top-level id'],
		['id of 201 characters', jsonRequest({ ...callback(), id: 'i'.repeat(201) }), 'no top-level id'],
		['no eventType', jsonRequest({ id: 'x' }), 'no numeric eventType'],
		['eventType as words', jsonRequest({ ...callback(), eventType: 'acknowledged' }), 'no numeric eventType'],
		['fractional eventType', jsonRequest({ ...callback(), eventType: 201.5 }), 'no numeric eventType'],
		['eventType as an array', jsonRequest({ ...callback(), eventType: [201] }), 'no numeric eventType'],
		['eventType true', jsonRequest({ ...callback(), eventType: true }), 'no numeric eventType'],
		['eventType Infinity-like', { headers: {}, body: {}, rawBody: '{"id":"x","eventType":1e400}' }, 'no numeric eventType'],
		['alert as a string', jsonRequest({ ...callback(), alert: 'acknowledged' }), 'alert is not an object'],
		['alert as an array', jsonRequest({ ...callback(), alert: [{ statusCode: 2 }] }), 'alert is not an object'],
		['5 MB of text', { headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(5 * 1024 * 1024) }, 'body is not JSON'],
		['5 MB JSON array', { headers: {}, body: {}, rawBody: `[${'1,'.repeat(2_621_440)}1]` }, 'body is not a JSON object'],
	];

	test.each(cases)('%s', async (_label, request, reason) => {
		suite.count();
		const trigger = harness('basicAuth');
		const started = Date.now();
		const result = await trigger.receive({ ...request, headers: { ...(request.headers ?? {}), ...GOOD_AUTH } });
		expect(result).toMatchObject({ status: 400, started: false, body: { message: `Not a SIGNL4 outbound webhook callback: ${reason}` } });
		expect(Date.now() - started).toBeLessThan(2_000);
		expect(trigger.persistedStaticData).toEqual({});
	});
});

describe('wrong types inside a well-formed callback: handled, typed output', () => {
	const cases: Array<[label: string, body: IDataObject, expected: IDataObject]> = [
		['eventType as a numeric string', callback({ eventType: '201' }), { event: 'alertAcknowledged', eventType: 201 }],
		['unknown eventType (the alert keeps its status)', callback({ eventType: 999999 }), { event: 'other', eventType: 999999, statusCode: 2 }],
		['statusCode as a string', callback({}, { statusCode: '2' }), { event: 'alertStatusChanged', status: null, statusCode: null }],
		['statusCode negative', callback({}, { statusCode: -4 }), { event: 'alertStatusChanged', status: null, statusCode: null }],
		['externalEventId as a number', callback({}, { externalEventId: 4711 }), { externalId: null, incidentName: null, workspace: null, isSentinelIncident: false }],
		['externalEventId with KQL and path characters', callback({}, { externalEventId: "sentinel:x:y:z:'; drop | take 1 //../.." }), { isSentinelIncident: false, incidentName: null }],
		['externalEventId that looks like a reference with a bad GUID', callback({}, { externalEventId: `sentinel:${SUBSCRIPTION}:rg:ws:not/a/guid` }), { isSentinelIncident: false, incidentName: null }],
		['user as a string', callback({ user: 'admin' }), { user: null }],
		['user fields of wrong types', callback({ user: { id: 7, username: ['x'], mailaddress: { a: 1 } } }), { user: { id: null, name: null, email: null } }],
		['annotation as a string', callback({ eventType: 203, annotation: 'note' }, { statusCode: 0 }), { event: 'alertAnnotated', annotation: null }],
		['time that is not a time', callback({ eventRaisedUtc: '<script>' }), { time: null, eventRaisedUtc: '<script>' }],
		['time as a number', callback({ eventRaisedUtc: 1767261600000 }), { time: null, eventRaisedUtc: null }],
		['acknowledgedUserIds as a string', callback({}, { acknowledgedUserIds: 'u1' }), { acknowledgedUserIds: [] }],
		['alert id as an object', callback({}, { id: { $gt: '' } }), { alertId: null }],
		['team as an array', callback({ team: ['t'] }), { teamId: null }],
	];

	test.each(cases)('%s', async (_label, body, expected) => {
		suite.count();
		const result = await harness('basicAuth').receive(jsonRequest(body, GOOD_AUTH));
		expect(result.started).toBe(true);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ ...expected, callbackId: body.id });
	});

	test('a __proto__ key in the body pollutes nothing', async () => {
		suite.count();
		const raw = JSON.stringify(callback()).replace(/^\{/, '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted2":"yes"}},');
		const result = await harness('none').receive({ headers: {}, body: {}, rawBody: raw });
		expect(result.started).toBe(true);
		expect(({} as IDataObject).polluted).toBeUndefined();
		expect(({} as IDataObject).polluted2).toBeUndefined();
		expect(Object.prototype.hasOwnProperty.call(result.items[0].json.raw, '__proto__')).toBe(true);
	});

	test('a 5 MB annotation in a valid callback arrives whole as one item', async () => {
		suite.count();
		const note = 'n'.repeat(5 * 1024 * 1024);
		const result = await harness('headerAuth').receive(jsonRequest(callback({ eventType: 203, annotation: { message: note, id: 'a1' } }, { statusCode: 0 }), { 'x-webhook-secret': HEADER.headerSecret }));
		expect(result.started).toBe(true);
		expect((result.items[0].json.annotation as string).length).toBe(note.length);
	});
});

describe('replays', () => {
	test('the same callback delivered ten times starts one execution', async () => {
		suite.count();
		const trigger = harness('basicAuth');
		const body = callback();
		const results = [];
		for (let i = 0; i < 10; i++) results.push(await trigger.receive(jsonRequest(body, GOOD_AUTH)));
		expect(results.filter((r) => r.started)).toHaveLength(1);
		expect(results.slice(1).every((r) => r.status === 200 && (r.body as IDataObject).duplicate === true)).toBe(true);
	});

	test('ten simultaneous deliveries of one callback start one execution', async () => {
		suite.count();
		const trigger = harness('basicAuth');
		const body = callback();
		const results = await Promise.all(Array.from({ length: 10 }, () => trigger.receive(jsonRequest(body, GOOD_AUTH))));
		expect(results.filter((r) => r.started)).toHaveLength(1);
	});

	test('a replay after a restart (only static data left) is still a duplicate', async () => {
		suite.count();
		const first = harness('basicAuth');
		const body = callback();
		expect((await first.receive(jsonRequest(body, GOOD_AUTH))).started).toBe(true);
		resetInProcessGuard();
		const restarted = new WebhookHarness({
			nodeType: signl4Trigger,
			typeName: TRIGGER_TYPE,
			parameters: { registration: 'manual', authentication: 'basicAuth', events: ['alertAcknowledged'], options: {} },
			credentials: { signl4TriggerBasicAuthApi: BASIC } as never,
			staticData: first.persistedStaticData,
		});
		expect(await restarted.receive(jsonRequest(body, GOOD_AUTH))).toMatchObject({ started: false, body: { duplicate: true } });
	});

	test('a replayed "acknowledged" with a new id after "closed" for the same alert is ignored as out of order', async () => {
		suite.count();
		const trigger = harness('basicAuth');
		const closed = callback({ eventRaisedUtc: '2026-01-01T10:05:00Z' }, { statusCode: 4, id: 'alert-replayed' });
		const oldAck = callback({ eventRaisedUtc: '2026-01-01T10:00:00Z' }, { statusCode: 2, id: 'alert-replayed' });
		expect((await trigger.receive(jsonRequest(closed, GOOD_AUTH))).started).toBe(true);
		expect(await trigger.receive(jsonRequest(oldAck, GOOD_AUTH))).toMatchObject({ started: false, body: { ignored: expect.stringContaining('older than a status change') } });
	});

	test('an unauthenticated replay of a known callback is refused, not reported as a duplicate', async () => {
		suite.count();
		const trigger = harness('basicAuth');
		const body = callback();
		await trigger.receive(jsonRequest(body, GOOD_AUTH));
		expect(await trigger.receive(jsonRequest(body))).toMatchObject({ status: 401, started: false });
	});
});
