/** The SIGNL4 On-Call Trigger in n8n-core's WebhookContext/HookContext: events, authentication, malformed bodies, duplicates, order, registration. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../emulator';
import { WebhookHarness } from '../../helpers/webhookHarness';
import { formatExternalId } from '../../../nodes/shared/sentinel/externalId';
import { resetInProcessGuard } from '../../../nodes/Signl4OnCallTrigger/dedup';
import { CREDENTIAL, INCIDENT_NAME, SUBSCRIPTION, TRIGGER_TYPE, signl4Credential, signl4Trigger } from './fixtures';
import { startReceiver } from './support';

const externalId = formatExternalId({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-sentinel-prod', workspaceName: 'law-sentinel-prod', incidentName: INCIDENT_NAME });
const BASIC = { user: 'signl4', password: 'p4ss-w0rd-long-enough-123' };
const HEADER = { name: 'X-Webhook-Secret', headerSecret: 'header-secret-value' };
let sequence = 0;

function callback(eventType: number, statusCode: number, extra: IDataObject = {}): IDataObject {
	sequence++;
	return {
		eventType,
		eventRaisedUtc: new Date(Date.UTC(2026, 0, 1, 10, 0, sequence)).toISOString().replace('.000Z', '.1234567Z'),
		subscription: { id: 'sub-1' },
		user: { username: 'Rene Berger', mailaddress: 'rene.berger@contoso.example', id: 'user-1' },
		alert: { statusCode, eventId: '2518_e', externalEventId: externalId, id: '2518_alert', acknowledgedUserIds: [] },
		id: `callback-${sequence}`,
		...extra,
	};
}

function harness(parameters: INodeParameters = {}, credentials: Record<string, IDataObject> = {}, staticData?: IDataObject): WebhookHarness {
	return new WebhookHarness({
		nodeType: signl4Trigger,
		typeName: TRIGGER_TYPE,
		parameters: { registration: 'manual', authentication: 'none', events: ['alertAcknowledged', 'alertClosed', 'alertAnnotated', 'alertEscalated'], options: {}, ...parameters },
		credentials: credentials as never,
		staticData,
	});
}

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body });

beforeEach(() => resetInProcessGuard());

describe('events', () => {
	test('acknowledged: one item with event, status, external ID, incident reference, user, time, raw', async () => {
		const trigger = harness();
		const payload = callback(201, 2);
		const result = await trigger.receive(json(payload));
		expect(result.started).toBe(true);
		expect(result.items[0].json).toMatchObject({
			event: 'alertAcknowledged',
			status: 'acknowledged',
			externalId,
			incidentName: INCIDENT_NAME,
			workspace: {
				subscriptionId: SUBSCRIPTION,
				resourceGroup: 'rg-sentinel-prod',
				name: 'law-sentinel-prod',
				armId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel-prod/providers/Microsoft.OperationalInsights/workspaces/law-sentinel-prod`,
			},
			user: { id: 'user-1', name: 'Rene Berger', email: 'rene.berger@contoso.example' },
			alertId: '2518_alert',
			callbackId: payload.id,
			time: expect.stringMatching(/^2026-01-01T10:00:\d{2}\.123Z$/),
			raw: payload,
		});
	});

	test.each([
		[callback(201, 4), 'alertClosed', 'closed'],
		[callback(203, 0, { annotation: { message: 'Isolated the host', id: 'n-1' } }), 'alertAnnotated', null],
		[callback(202, 1, { user: undefined, team: { id: 't-1' } }), 'alertEscalated', 'new'],
	])('default events pass: %#', async (payload, event, status) => {
		const result = await harness().receive(json(payload));
		expect(result.started).toBe(true);
		expect(result.items[0].json).toMatchObject({ event, status });
		if (event === 'alertAnnotated') expect(result.items[0].json.annotation).toBe('Isolated the host');
	});

	test('events not selected are answered 200 and start nothing; selected on request', async () => {
		const created = callback(200, 1);
		const defaults = await harness().receive(json(created));
		expect(defaults).toMatchObject({ status: 200, started: false, body: { received: true, ignored: 'event not selected' } });
		const all = harness({ events: ['alertCreated', 'dutyStarted', 'dutyEnded', 'userPunchedIn', 'userPunchedOut', 'alertStatusChanged', 'other'] });
		expect((await all.receive(json(created))).items[0].json.event).toBe('alertCreated');
		for (const [eventType, event] of [
			[300, 'dutyStarted'],
			[301, 'dutyEnded'],
			[302, 'userPunchedIn'],
			[303, 'userPunchedOut'],
			[777, 'other'],
		] as const) {
			const result = await all.receive(json({ eventType, eventRaisedUtc: '2026-01-01T00:00:00Z', team: { id: 't-1' }, id: `duty-${eventType}` }));
			expect(result.items[0].json).toMatchObject({ event, teamId: 't-1', incidentName: null });
		}
		expect((await all.receive(json(callback(201, 1)))).items[0].json.event).toBe('alertStatusChanged');
	});

	test('only Sentinel and Defender XDR Signls on request', async () => {
		const trigger = harness({ options: { onlySentinelIncidents: true } });
		const foreign = callback(201, 2);
		(foreign.alert as IDataObject).externalEventId = 'INC091210';
		expect(await trigger.receive(json(foreign))).toMatchObject({ started: false, body: { ignored: 'not a Sentinel or Defender XDR Signl' } });
		expect((await trigger.receive(json(callback(201, 2)))).started).toBe(true);
		const defender = callback(201, 2);
		defender.id = 'defender-callback-1';
		(defender.alert as IDataObject).externalEventId = 'defender:6a1f3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b:incident:2972395';
		const received = await trigger.receive(json(defender));
		expect(received.started).toBe(true);
		expect(received.items[0].json).toMatchObject({ source: 'defenderXdr', defender: { kind: 'incident', id: '2972395' }, isSentinelIncident: false });
	});
});

describe('authentication', () => {
	const basicHeader = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

	test('basic auth: missing or wrong → 401 with a challenge and no execution; right → started', async () => {
		const trigger = harness({ authentication: 'basicAuth' }, { signl4TriggerBasicAuthApi: BASIC });
		const missing = await trigger.receive(json(callback(201, 2)));
		expect(missing).toMatchObject({ status: 401, started: false, body: { message: 'Authorization is required' } });
		expect(missing.headers['www-authenticate']).toBe('Basic realm="SIGNL4 Trigger"');
		const wrong = await trigger.receive({ ...json(callback(201, 2)), headers: { 'content-type': 'application/json', authorization: basicHeader('signl4', 'guess') } });
		expect(wrong).toMatchObject({ status: 401, started: false });
		const right = await trigger.receive({ ...json(callback(201, 2)), headers: { 'content-type': 'application/json', authorization: basicHeader(BASIC.user, BASIC.password) } });
		expect(right.started).toBe(true);
	});

	test('header auth: missing or wrong → 401; right → started', async () => {
		const trigger = harness({ authentication: 'headerAuth' }, { signl4TriggerHeaderAuthApi: HEADER });
		expect(await trigger.receive(json(callback(201, 2)))).toMatchObject({ status: 401, started: false });
		expect(await trigger.receive({ body: callback(201, 2), headers: { 'x-webhook-secret': 'nope' } })).toMatchObject({ status: 401, started: false });
		expect((await trigger.receive({ body: callback(201, 2), headers: { 'X-Webhook-Secret': HEADER.headerSecret } })).started).toBe(true);
	});

	test('an unauthenticated request is refused before its body is looked at (and is not remembered)', async () => {
		const trigger = harness({ authentication: 'basicAuth' }, { signl4TriggerBasicAuthApi: BASIC });
		const payload = callback(201, 2);
		expect((await trigger.receive(json('not even JSON'))).status).toBe(401);
		expect((await trigger.receive(json(payload))).status).toBe(401);
		expect(trigger.persistedStaticData).toEqual({});
		const right = await trigger.receive({ body: payload, headers: { authorization: basicHeader(BASIC.user, BASIC.password) } });
		expect(right.started).toBe(true);
	});

	test('credential checks for the trigger credentials', async () => {
		const test = signl4Trigger.methods.credentialTest.signl4TriggerAuthTest;
		const check = (type: string, data: IDataObject) => test.call({} as never, { id: '1', name: 'x', type, data } as never);
		expect(await check('signl4TriggerBasicAuthApi', BASIC)).toMatchObject({ status: 'OK' });
		expect(await check('signl4TriggerBasicAuthApi', { user: 'a b', password: BASIC.password })).toMatchObject({ status: 'Error' });
		expect(await check('signl4TriggerBasicAuthApi', { user: 'a', password: 'short' })).toMatchObject({ status: 'Error' });
		expect(await check('signl4TriggerBasicAuthApi', { user: 'a', password: 'p@ss:word/with-url-characters' })).toMatchObject({ status: 'Error' });
		expect(await check('signl4TriggerHeaderAuthApi', HEADER)).toMatchObject({ status: 'OK' });
		expect(await check('signl4TriggerHeaderAuthApi', { name: 'Bad Header', headerSecret: 'x' })).toMatchObject({ status: 'Error' });
	});
});

describe('secure by default: activation without authentication is refused unless None was chosen', () => {
	const unconfigured = (credentials: Record<string, IDataObject> = {}, extra: INodeParameters = {}) =>
		new WebhookHarness({
			nodeType: signl4Trigger,
			typeName: TRIGGER_TYPE,
			// As a workflow stores a trigger nobody configured: no `authentication`, so the default applies.
			parameters: { registration: 'manual', events: ['alertAcknowledged'], options: {}, ...extra },
			credentials: credentials as never,
		});

	test('the default (Basic Auth) without a credential refuses to activate, saying what to do', async () => {
		const activation = unconfigured().hook('checkExists');
		await expect(activation).rejects.toThrow("The SIGNL4 trigger 'SIGNL4 On-Call Trigger' has no SIGNL4 Trigger Basic Auth API credential");
		await expect(activation).rejects.toMatchObject({ name: 'NodeOperationError', description: expect.stringContaining('set Authentication to None on purpose') });
	});

	test('Header Auth without its credential is refused too', async () => {
		await expect(unconfigured({}, { authentication: 'headerAuth' }).hook('checkExists')).rejects.toThrow('has no SIGNL4 Trigger Header Auth API credential');
	});

	test('None chosen explicitly, or a credential given, activates', async () => {
		expect(await unconfigured({}, { authentication: 'none' }).hook('checkExists')).toBe(true);
		expect(await unconfigured({ signl4TriggerBasicAuthApi: BASIC }).hook('checkExists')).toBe(true);
		expect(await unconfigured({ signl4TriggerHeaderAuthApi: HEADER }, { authentication: 'headerAuth' }).hook('checkExists')).toBe(true);
	});

	test('the default trigger demands Basic Auth on every request', async () => {
		const result = await unconfigured({ signl4TriggerBasicAuthApi: BASIC }).receive(json(callback(201, 2)));
		expect(result).toMatchObject({ status: 401, started: false });
	});
});

describe('malformed bodies: 400 and no execution', () => {
	test.each([
		['text that is not JSON', { headers: { 'content-type': 'text/plain' }, body: 'hello' }],
		['JSON array', { headers: { 'content-type': 'application/json' }, body: [1, 2] }],
		['no top-level id', json({ eventType: 201, alert: {} })],
		['no eventType', json({ id: 'x' })],
		['empty', { headers: {}, body: {} }],
	])('%s', async (_label, request) => {
		const trigger = harness();
		const result = await trigger.receive(request);
		expect(result.status).toBe(400);
		expect(result.started).toBe(false);
		expect((result.body as { message: string }).message).toMatch(/^Not a SIGNL4 outbound webhook callback: /);
	});

	test('a JSON callback sent without a content type is read from the raw body', async () => {
		const payload = callback(201, 4);
		const result = await harness().receive({ headers: {}, body: {}, rawBody: JSON.stringify(payload) });
		expect(result.items[0].json).toMatchObject({ event: 'alertClosed' });
	});
});

describe('duplicates and order', () => {
	test('the same callback twice starts one execution; the de-dup survives a restart through static data', async () => {
		const trigger = harness();
		const payload = callback(201, 2);
		expect((await trigger.receive(json(payload))).started).toBe(true);
		const again = await trigger.receive(json(payload));
		expect(again).toMatchObject({ status: 200, started: false, body: { received: true, duplicate: true } });
		const stored = trigger.persistedStaticData['node:SIGNL4 On-Call Trigger'] as { signl4Callbacks: { seen: Record<string, number> } };
		expect(Object.keys(stored.signl4Callbacks.seen)).toEqual([payload.id]);

		resetInProcessGuard(); // n8n restarted: only the static data remains
		const restarted = harness({}, {}, trigger.persistedStaticData);
		expect((await restarted.receive(json(payload))).started).toBe(false);
		expect((await restarted.receive(json(callback(201, 4)))).started).toBe(true);
	});

	test('two deliveries of one callback at the same moment: exactly one execution', async () => {
		const trigger = harness();
		const payload = callback(201, 2);
		const results = await Promise.all([trigger.receive(json(payload)), trigger.receive(json(payload)), trigger.receive(json(payload))]);
		expect(results.filter((r) => r.started)).toHaveLength(1);
	});

	test('a status change older than one already received for the alert is dropped (option on by default)', async () => {
		const trigger = harness();
		const acknowledged = callback(201, 2);
		const closed = callback(201, 4);
		expect((await trigger.receive(json(closed))).started).toBe(true);
		expect(await trigger.receive(json(acknowledged))).toMatchObject({ started: false, body: { ignored: expect.stringContaining('older than a status change') } });
		// Annotations are not status changes and always pass.
		expect((await trigger.receive(json(callback(203, 0, { annotation: { message: 'late note', id: 'n' } })))).started).toBe(true);

		resetInProcessGuard();
		const keepAll = harness({ options: { ignoreOutOfOrder: false } });
		await keepAll.receive(json(closed));
		expect((await keepAll.receive(json(acknowledged))).started).toBe(true);
	});
});

describe('registration of the outbound webhook', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(async () => emu.stop());

	test('manual: nothing to do, nothing called', async () => {
		const trigger = harness({ registration: 'manual' });
		expect(await trigger.hook('checkExists')).toBe(true);
		expect(await trigger.hook('delete')).toBe(true);
	});

	test('automatic with basic auth: registers the URL with user and password, finds it again, removes it', async () => {
		const trigger = harness({ registration: 'automatic', authentication: 'basicAuth' }, { [CREDENTIAL]: signl4Credential(emu), signl4TriggerBasicAuthApi: BASIC });
		expect(await trigger.hook('checkExists')).toBe(false);
		expect(await trigger.hook('create')).toBe(true);
		const [target] = emu.signl4.outbound.targets;
		const expected = new URL(trigger.webhookUrl());
		expected.username = BASIC.user;
		expected.password = BASIC.password;
		expect(target).toMatchObject({ source: 'api', url: expected.toString(), basicAuth: BASIC, name: 'n8n: SIGNL4 callbacks' });
		const stored = trigger.persistedStaticData['node:SIGNL4 On-Call Trigger'] as IDataObject;
		expect(stored.signl4WebhookId).toBe(target.id);
		expect(await trigger.hook('checkExists')).toBe(true);
		expect(await trigger.hook('delete', 'init')).toBe(true);
		expect(emu.signl4.outbound.targets).toHaveLength(0);
		expect(await trigger.hook('delete')).toBe(true);
	});

	test('automatic with header auth is refused (SIGNL4 cannot send headers)', async () => {
		const trigger = harness({ registration: 'automatic', authentication: 'headerAuth' }, { [CREDENTIAL]: signl4Credential(emu), signl4TriggerHeaderAuthApi: HEADER });
		await expect(trigger.hook('create')).rejects.toThrow('SIGNL4 cannot send a custom header');
	});

	test("the emulator's console actions arrive as trigger items (acknowledge, annotate, close; a duplicate start nothing)", async () => {
		const receiver = await startReceiver();
		const target = emu.signl4.outbound.addTarget(receiver.url);
		emu.signl4.outbound.configure({ duplicates: 1 });
		try {
			const alert = emu.signl4.raise({ title: 'From Sentinel', externalId });
			emu.signl4.acknowledge(alert.id, emu.signl4.users[1].mail);
			emu.signl4.annotate(alert.id, 'Looking into it', emu.signl4.users[1].mail);
			emu.signl4.close(alert.id, emu.signl4.users[1].mail);
			await emu.signl4.outbound.idle();
			const trigger = harness();
			const results = [];
			for (const delivery of receiver.received) results.push(await trigger.receive({ headers: { 'content-type': 'application/json' }, body: delivery.body }));
			expect(receiver.received).toHaveLength(8);
			const started = results.filter((r) => r.started).map((r) => r.items[0].json);
			expect(started.map((item) => [item.event, item.status, item.user && (item.user as IDataObject).email, item.incidentName])).toEqual([
				['alertAcknowledged', 'acknowledged', emu.signl4.users[1].mail, INCIDENT_NAME],
				['alertAnnotated', null, emu.signl4.users[1].mail, INCIDENT_NAME],
				['alertClosed', 'closed', emu.signl4.users[1].mail, INCIDENT_NAME],
			]);
			expect(started[1].annotation).toBe('Looking into it');
		} finally {
			emu.signl4.outbound.removeTarget(target.id);
			emu.signl4.reset();
			await receiver.close();
		}
	});
});
