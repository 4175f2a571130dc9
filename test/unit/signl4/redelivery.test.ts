/**
 * Exactly one Signl per incident when the Microsoft Sentinel Trigger emits it again (at-least-once delivery):
 * a redelivered item (`delivery.attempt > 1`) is looked up in SIGNL4 by its external ID before anything is raised.
 * And one failing item does not stop the others: with "Continue (using error output)" it leaves on the error
 * output, so the incident is not tagged as delivered.
 */
import type { IDataObject } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../emulator';
import { runNode, type NodeRun } from '../../helpers/n8nHarness';
import { CREDENTIAL, NODE_TYPE, incidentItem, signl4Credential, signl4Node } from './fixtures';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});
afterAll(async () => emu.stop());
beforeEach(() => {
	emu.signl4.reset();
	emu.faults.clear();
	emu.clearRequests();
});

function send(input: IDataObject[], options: { credential?: IDataObject; errorOutput?: boolean; nodeOptions?: IDataObject } = {}): Promise<NodeRun> {
	return runNode({
		nodeType: signl4Node,
		typeName: NODE_TYPE,
		parameters: { resource: 'alert', operation: 'send', options: (options.nodeOptions ?? {}) as never },
		credentials: { [CREDENTIAL]: (options.credential ?? signl4Credential(emu)) as never },
		input,
		errorOutput: options.errorOutput,
	});
}

const firstEmittedAt = () => new Date(Date.now() - 15 * 60_000).toISOString();
const redelivered = (overrides: IDataObject = {}) => incidentItem({ delivery: { attempt: 2, firstEmittedAt: firstEmittedAt() }, ...overrides });
const searches = () => emu.requests.filter((r) => r.route === 'signl4.alerts.paged').length;

describe('Send: an incident emitted again raises no second Signl', () => {
	test('a first emission is sent without a search', async () => {
		const { items } = await send([incidentItem({ delivery: { attempt: 1, firstEmittedAt: firstEmittedAt() } })]);
		expect(items[0].json.status).toBe('sent');
		expect(searches()).toBe(0);
	});

	test('a redelivery of an incident whose Signl was raised finds it and raises nothing', async () => {
		const first = await send([incidentItem()]);
		expect(emu.signl4.alerts()).toHaveLength(1);
		const again = await send([redelivered()]);
		expect(emu.signl4.alerts()).toHaveLength(1);
		expect(again.items[0].json).toMatchObject({ status: 'alreadySent', eventId: first.items[0].json.eventId, alertId: emu.signl4.alerts()[0].id });
		expect(searches()).toBeGreaterThan(0);
	});

	test('a redelivery of an incident that never reached SIGNL4 is sent', async () => {
		const { items } = await send([redelivered()]);
		expect(items[0].json.status).toBe('sent');
		expect(emu.signl4.alerts()).toHaveLength(1);
	});

	test('without an API key a redelivery is sent (paging beats silence) and the output says no check ran', async () => {
		await send([incidentItem()], { credential: signl4Credential(emu, { apiKey: '' }) });
		const { items } = await send([redelivered()], { credential: signl4Credential(emu, { apiKey: '' }) });
		expect(items[0].json).toMatchObject({ status: 'sent', priorCheck: expect.stringContaining('no API key') });
		expect(emu.signl4.alerts()).toHaveLength(2);
	});

	test('"Never" skips the check; "Always" checks items without delivery information', async () => {
		await send([incidentItem()]);
		await send([redelivered()], { nodeOptions: { checkBeforeSending: 'never' } });
		expect(emu.signl4.alerts()).toHaveLength(2);
		emu.signl4.reset();
		await send([incidentItem()]);
		const { items } = await send([incidentItem()], { nodeOptions: { checkBeforeSending: 'always' } });
		expect(items[0].json.status).toBe('alreadySent');
		expect(emu.signl4.alerts()).toHaveLength(1);
	});

	test('when SIGNL4 cannot be searched, the redelivery fails rather than risk a second Signl', async () => {
		emu.faults.add({ route: 'signl4.alerts.paged', kind: 'status', status: 503, times: Infinity });
		const { error } = await send([redelivered()]);
		expect(error?.message).toBeDefined();
		expect(emu.signl4.alerts()).toHaveLength(0);
	});
});

describe('Send: a failing item does not stop the others', () => {
	test('with the error output, the failed item leaves there and the others are sent', async () => {
		// The second webhook call fails with a 500; the first and third go through.
		emu.faults.add({ route: 'signl4.webhook', kind: 'status', status: 500, skip: 1, times: 1 });
		const items = [incidentItem({ incidentNumber: 1, incidentName: 'a' }), incidentItem({ incidentNumber: 2, incidentName: 'b' }), incidentItem({ incidentNumber: 3, incidentName: 'c' })];
		const { outputs, error } = await send(items, { errorOutput: true });
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(outputs[1].map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(outputs[1][0].json.error).toEqual(expect.any(String));
		expect(emu.signl4.alerts()).toHaveLength(2);
	});
});
