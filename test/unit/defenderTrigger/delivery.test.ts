/**
 * The Defender XDR Trigger's at-least-once delivery in a real n8n-core PollContext against the emulator: an
 * unconfirmed incident or alert is emitted again after its wait (time is moved by back-dating the saved cursor, as a
 * restart with persisted static data would find it), a custom tag or a comment confirms it, and a delivery given up
 * fails one tick with the IDs.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { clearAzureSessions } from '../../../nodes/shared/azure/credential';
import { MicrosoftDefenderXdrTrigger } from '../../../nodes/MicrosoftDefenderXdrTrigger/MicrosoftDefenderXdrTrigger.node';
import type { CursorState } from '../../../nodes/MicrosoftDefenderXdrTrigger/cursor';
import { startEmulator, type Emulator } from '../../emulator';
import { emulatorCredential } from '../../helpers/azureFixtures';
import { PollHarness } from '../../helpers/n8nHarness';

const NODE = 'Microsoft Defender XDR Trigger';
let emu: Emulator;

beforeEach(async () => {
	clearAzureSessions();
	emu = await startEmulator();
});

afterEach(async () => {
	await emu.stop();
});

function trigger(parameters: INodeParameters = {}, staticData?: IDataObject) {
	return new PollHarness({
		nodeType: new MicrosoftDefenderXdrTrigger(),
		typeName: 'n8n-nodes-sentinel-signl4.microsoftDefenderXdrTrigger',
		nodeName: NODE,
		parameters: {
			watch: 'incidents',
			incidentStatuses: ['active', 'inProgress'],
			severities: ['high', 'medium', 'low', 'informational'],
			serviceSources: [],
			maxAgeHours: 24,
			event: 'created',
			delivery: 'atLeastOnce',
			confirmationTag: 'SIGNL4',
			confirmationComment: '',
			redeliverAfterMinutes: 10,
			maxWaitMinutes: 30,
			giveUpAfterHours: 24,
			options: {},
			...parameters,
		},
		credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) },
		staticData,
	});
}

const items = (result: INodeExecutionData[][] | null) => (result ? result[0].map((i) => i.json) : []);
const cursorIn = (staticData: IDataObject) => (staticData[`node:${NODE}`] as { cursor: CursorState }).cursor;

/** The saved static data with every pending delivery's emissions `minutes` earlier (the wait has passed). */
function backdated(node: PollHarness, minutes: number, what: 'last' | 'both' = 'last'): IDataObject {
	const staticData = node.staticData;
	for (const entry of Object.values(cursorIn(staticData).pending ?? {})) {
		entry[2] -= minutes * 60;
		if (what === 'both') entry[1] -= minutes * 60;
	}
	return staticData;
}

describe('Microsoft Defender XDR Trigger: at-least-once delivery', () => {
	it('emits an unconfirmed incident again after the wait (attempt 2, first time kept), and stops once it carries the tag', async () => {
		const incident = emu.defender.createIncident({ severity: 'high' });
		const node = trigger();
		const [first] = items(await node.poll());
		expect(first).toMatchObject({ id: incident.id, eventType: 'created', delivery: { attempt: 1 } });
		expect(cursorIn(node.staticData).pending).toEqual({ [incident.id]: ['c', expect.any(Number), expect.any(Number), 1] });
		// Inside the wait: nothing.
		expect(await node.poll()).toBeNull();

		const afterWait = trigger({}, backdated(node, 11));
		const [again] = items(await afterWait.poll());
		expect(again).toMatchObject({ id: incident.id, eventType: 'created', delivery: { attempt: 2, firstEmittedAt: first.delivery && (first.delivery as IDataObject).firstEmittedAt } });

		// The workflow tags it (Graph's customTags); the next due check confirms it and nothing is emitted.
		// Had the node been switched to at-most-once meanwhile, the pending delivery would simply be forgotten.
		const atMostOnce = trigger({ delivery: 'atMostOnce' }, backdated(afterWait, 25));
		expect(await atMostOnce.poll()).toBeNull();
		expect(cursorIn(atMostOnce.staticData).pending).toBeUndefined();

		emu.defender.updateIncident(incident.id, { customTags: ['SIGNL4'] });
		const confirmed = trigger({}, backdated(afterWait, 25));
		expect(await confirmed.poll()).toBeNull();
		expect(cursorIn(confirmed.staticData).pending).toEqual({});
	});

	it('reads an unconfirmed incident the listing no longer returns, and drops it when it stopped matching', async () => {
		const incident = emu.defender.createIncident({ severity: 'medium' });
		const node = trigger({ incidentStatuses: ['active'] });
		expect(items(await node.poll())).toHaveLength(1);
		emu.defender.updateIncident(incident.id, { status: 'resolved', classification: 'truePositive', determination: 'malware' });
		const gets = () => emu.requests.filter((r) => r.route === 'graph.security.incidents.get').length;
		const later = trigger({ incidentStatuses: ['active'] }, backdated(node, 11));
		expect(await later.poll()).toBeNull();
		expect(gets()).toBe(1);
		expect(cursorIn(later.staticData).pending).toEqual({});
	});

	it('a new incident that already carries the tag is not emitted (delivered before this cursor existed)', async () => {
		const tagged = emu.defender.createIncident({ customTags: ['signl4'] });
		const untagged = emu.defender.createIncident();
		expect(items(await trigger().poll()).map((i) => i.id)).toEqual([untagged.id]);
		expect(tagged.customTags).toEqual(['signl4']);
	});

	it('alerts are confirmed by a comment (they have no tags)', async () => {
		emu.defender.createIncident({ alerts: [{ serviceSource: 'microsoftDefenderForEndpoint' }] });
		const parameters = { watch: 'alerts', alertStatuses: ['new'], confirmationComment: 'alerted in SIGNL4' };
		const node = trigger(parameters);
		const [alert] = items(await node.poll());
		expect(alert.delivery).toMatchObject({ attempt: 1 });
		emu.defender.addComment('alert', alert.id as string, 'Signl raised: alerted in SIGNL4 (team SOC)', 'n8n');
		const later = trigger(parameters, backdated(node, 11));
		expect(await later.poll()).toBeNull();
		expect(cursorIn(later.staticData).pending).toEqual({});
		// Without a comment text an alerts trigger cannot be confirmed: refused with what to set.
		await expect(trigger({ watch: 'alerts', confirmationComment: '' }).poll()).rejects.toThrow('At-least-once delivery needs a Confirmation Tag or a Confirmation Comment');
	});

	it('gives up after Give Up After and fails the next tick once with the IDs', async () => {
		const incident = emu.defender.createIncident({ severity: 'low' });
		const node = trigger({ giveUpAfterHours: 1 });
		expect(items(await node.poll())).toHaveLength(1);
		const restarted = trigger({ giveUpAfterHours: 1 }, backdated(node, 61, 'both'));
		// The activation's first poll gives up quietly (a throw there would fail the activation)…
		expect(await restarted.poll()).toBeNull();
		// …and the next tick fails once with the incident named, then polling goes on.
		await expect(restarted.poll()).rejects.toThrow(`1 Defender XDR incident(s) were not confirmed as delivered within 1 hours and are no longer emitted: ${incident.id}`);
		expect(await restarted.poll()).toBeNull();
		expect(cursorIn(restarted.staticData).abandoned).toBeUndefined();
	});
});
