/**
 * At-least-once delivery through the SIGNL4 On-Call Trigger answering after the workflow (typeVersion 1.1, response
 * mode `lastNode`): a callback whose execution failed is processed again when SIGNL4 delivers it again; one that was
 * processed is not processed again however often it comes back; a delivery that arrives while the same callback is
 * still being processed waits for it, and is answered 503 (deliver again later) if it is still running.
 */
import { NodeHelpers, type IDataObject, type INodeParameters } from 'n8n-workflow';

import { resetDeliveries } from '../../../nodes/Signl4OnCallTrigger/delivery';
import { resetInProcessGuard } from '../../../nodes/Signl4OnCallTrigger/dedup';
import { busyDeliverySettings } from '../../../nodes/Signl4OnCallTrigger/webhook';
import { TRIGGER_TYPE, signl4Trigger } from '../signl4/fixtures';
import { LastNodeHarness } from './lastNodeHarness';

const INCIDENT = '7c1a9e52-3b4d-4f6a-8e2b-0d9c8b7a6f5e';
const EXTERNAL_ID = `sentinel:3f2b6c1e-8a4d-4e2f-9b7c-1d2e3f4a5b6c:rg-sentinel-prod:law-sentinel-prod:${INCIDENT}`;
let sequence = 0;

function callback(statusCode: number, secondsAfter = 0): IDataObject {
	sequence++;
	return {
		eventType: 201,
		eventRaisedUtc: new Date(Date.UTC(2026, 0, 1, 10, 0, secondsAfter || sequence)).toISOString().replace('.000Z', '.1234567Z'),
		subscription: { id: 'sub-1' },
		user: { username: 'Amara Okafor', mailaddress: 'amara.okafor@contoso.com', id: 'user-2' },
		alert: { statusCode, eventId: '2518_e', externalEventId: EXTERNAL_ID, id: '2518_alert', acknowledgedUserIds: [] },
		id: `cb-${sequence}-${Math.random().toString(36).slice(2)}`,
	};
}

const parameters = (extra: INodeParameters = {}): INodeParameters => ({
	registration: 'manual',
	authentication: 'none',
	respond: 'afterWorkflow',
	events: ['alertAcknowledged', 'alertClosed', 'alertAnnotated', 'alertEscalated'],
	options: {},
	...extra,
});

const harness = (extra: INodeParameters = {}, staticData?: IDataObject, typeVersion = 1.1) =>
	new LastNodeHarness({ nodeType: signl4Trigger, typeName: TRIGGER_TYPE, typeVersion, parameters: parameters(extra), staticData });

beforeEach(() => {
	resetDeliveries();
	resetInProcessGuard();
	busyDeliverySettings.waitMs = 300;
});

describe('answer after the workflow', () => {
	test('a callback whose execution failed (500) is processed again when SIGNL4 delivers it again', async () => {
		const trigger = harness();
		const payload = callback(2);
		const first = trigger.deliver(payload, 'failure');
		expect(await first.started).toHaveLength(1);
		expect((await first.answer).status).toBe(500);
		// SIGNL4 delivers it again after the failure: a second execution, which succeeds.
		const second = trigger.deliver(payload, 'success');
		expect(await second.started).toHaveLength(1);
		expect((await second.answer).status).toBe(200);
		expect(trigger.executions).toHaveLength(2);
	});

	test('a failed callback is processed again after a restart too (nothing recorded it as seen)', async () => {
		const trigger = harness();
		const payload = callback(4);
		await trigger.deliver(payload, 'failure').answer;
		resetDeliveries();
		resetInProcessGuard();
		const restarted = harness({}, trigger.persistedStaticData);
		expect(await restarted.deliver(payload, 'success').started).toHaveLength(1);
	});

	test('a callback that was processed is not processed again, however often it arrives, also after a restart', async () => {
		const trigger = harness();
		const payload = callback(2);
		expect((await trigger.deliver(payload, 'success').answer).status).toBe(200);
		for (let copy = 0; copy < 3; copy++) {
			const again = trigger.deliver(payload, 'success');
			expect(await again.started).toBeUndefined();
			expect(await again.answer).toMatchObject({ status: 200, body: { duplicate: true } });
		}
		const stored = trigger.persistedStaticData['node:SIGNL4 callbacks'] as { signl4Callbacks: { seen: Record<string, number> } };
		expect(Object.keys(stored.signl4Callbacks.seen)).toEqual([payload.id]);

		resetDeliveries();
		resetInProcessGuard();
		const restarted = harness({}, trigger.persistedStaticData);
		expect(await restarted.deliver(payload, 'success').started).toBeUndefined();
		expect(await restarted.deliver(callback(4), 'success').started).toHaveLength(1);
	});

	test('a delivery while the same callback is still being processed starts nothing: 503 with Retry-After', async () => {
		const trigger = harness();
		const payload = callback(2);
		const first = trigger.deliver(payload, 'hold');
		await first.started;
		const during = trigger.deliver(payload, 'success');
		expect(await during.answer).toMatchObject({ status: 503, headers: { 'retry-after': String(busyDeliverySettings.retryAfterSeconds) } });
		expect(await during.started).toBeUndefined();
		first.finish('success');
		expect((await first.answer).status).toBe(200);
		expect(await trigger.deliver(payload, 'success').answer).toMatchObject({ status: 200, body: { duplicate: true } });
		expect(trigger.executions).toHaveLength(1);
	});

	test('a delivery waiting on a running one takes over when that one fails, and answers 200 when it succeeds', async () => {
		busyDeliverySettings.waitMs = 5_000;
		const trigger = harness();
		const failing = callback(2);
		const first = trigger.deliver(failing, 'hold');
		await first.started;
		const waiting = trigger.deliver(failing, 'success');
		first.finish('failure');
		expect((await first.answer).status).toBe(500);
		expect(await waiting.started).toHaveLength(1);
		expect((await waiting.answer).status).toBe(200);

		const succeeding = callback(4);
		const one = trigger.deliver(succeeding, 'hold');
		await one.started;
		const other = trigger.deliver(succeeding, 'success');
		one.finish('success');
		expect(await other.answer).toMatchObject({ status: 200, body: { duplicate: true } });
		expect(trigger.executions).toHaveLength(3);
	});

	test('three copies at the same moment: one execution; the copies learn its outcome', async () => {
		busyDeliverySettings.waitMs = 5_000;
		const trigger = harness();
		const payload = callback(2);
		const copies = [trigger.deliver(payload, 'success'), trigger.deliver(payload, 'success'), trigger.deliver(payload, 'success')];
		const answers = await Promise.all(copies.map((copy) => copy.answer));
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
		expect(trigger.executions).toHaveLength(1);
	});

	test('typeVersion 1 keeps answering on receipt (recorded as seen at once, as before)', async () => {
		const trigger = harness({ respond: undefined } as never, undefined, 1);
		delete (trigger.node.parameters as IDataObject).respond;
		const payload = callback(2);
		await trigger.deliver(payload, 'failure').answer;
		expect(await trigger.deliver(payload, 'success').started).toBeUndefined();
	});
});

describe('the node description', () => {
	const defaults = (typeVersion: number, stored: INodeParameters = {}) =>
		NodeHelpers.getNodeParameters(signl4Trigger.description.properties, stored, true, false, { typeVersion } as never, signl4Trigger.description) as IDataObject;

	test('new nodes (1.1) answer after the workflow; typeVersion 1 on receipt; Authentication defaults to Basic Auth', () => {
		expect(signl4Trigger.description.defaultVersion).toBe(1.1);
		expect(defaults(1.1)).toMatchObject({ respond: 'afterWorkflow', authentication: 'basicAuth' });
		expect(defaults(1)).toMatchObject({ respond: 'onReceived', authentication: 'basicAuth' });
		const webhook = signl4Trigger.description.webhooks![0];
		expect(webhook.responseMode).toContain('lastNode');
		expect(webhook.responseData).toBe('noData');
	});

	test('a warning is shown when None is chosen', () => {
		const notice = signl4Trigger.description.properties.find((property) => property.type === 'notice' && property.displayOptions?.show?.authentication);
		expect(notice?.displayOptions?.show?.authentication).toEqual(['none']);
		expect(notice?.displayName).toMatch(/anyone who learns this URL/i);
	});
});
