/**
 * At-least-once delivery in the Microsoft Sentinel Trigger, in a real n8n-core PollContext against the emulator:
 * an emitted incident the workflow never confirmed (its execution failed, n8n was killed, SIGNL4 was down) is
 * emitted again until the confirmation tag or comment shows up on the incident, with growing waits and a bound;
 * what no longer matches, was deleted or is confirmed is not. The clock is moved forward with Date.now.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { clearAzureSessions } from '../../../nodes/shared/azure/credential';
import { MicrosoftSentinelTrigger } from '../../../nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node';
import { MAX_REDELIVERY_DELAY_MS, redeliveryDelayMs } from '../../../nodes/MicrosoftSentinelTrigger/delivery';
import { startEmulator, type Emulator, type Incident } from '../../emulator';
import { emulatorCredential, triggerParameters } from '../../helpers/azureFixtures';
import { PollHarness } from '../../helpers/n8nHarness';

const TYPE = 'n8n-nodes-sentinel-signl4.microsoftSentinelTrigger';
const STATE_KEY = 'node:Microsoft Sentinel Trigger';
const minutes = (n: number) => n * 60_000;
let emu: Emulator;
let offsetMs = 0;
const realNow = Date.now.bind(Date);

beforeEach(async () => {
	clearAzureSessions();
	offsetMs = 0;
	jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
	emu = await startEmulator();
});

afterEach(async () => {
	jest.restoreAllMocks();
	await emu.stop();
});

const advance = (ms: number) => (offsetMs += ms);

const AT_LEAST_ONCE: INodeParameters = {
	delivery: 'atLeastOnce',
	confirmationTag: 'SIGNL4',
	confirmationComment: '',
	redeliverAfterMinutes: 10,
	giveUpAfterHours: 24,
	includeAlerts: false,
	includeEntities: false,
};

function trigger(parameters: INodeParameters = {}, staticData?: IDataObject) {
	return new PollHarness({
		nodeType: new MicrosoftSentinelTrigger(),
		typeName: TYPE,
		parameters: triggerParameters(emu, { ...AT_LEAST_ONCE, ...parameters }),
		credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) },
		staticData,
	});
}

const items = (result: INodeExecutionData[][] | null) => (result ? result[0].map((i) => i.json) : []);
const numbersOf = (result: INodeExecutionData[][] | null) => items(result).map((i) => i.incidentNumber as number);
const numberOf = (incident: Incident) => incident.properties.incidentNumber;
/** What workflow 1 does once the Signl is raised. */
const confirmByTag = (incident: Incident, tag = 'SIGNL4') => emu.sentinel.updateIncident(incident.name, { labels: [{ labelName: tag, labelType: 'User' }] });
const pendingOf = (node: PollHarness) => Object.keys(((node.staticData[STATE_KEY] as IDataObject)?.cursor as IDataObject)?.pending ?? {});

describe('redelivery waits', () => {
	it('double from the first wait and stop growing at 30 minutes', () => {
		expect([1, 2, 3, 4, 5].map((n) => redeliveryDelayMs(n, minutes(10)) / 60_000)).toEqual([10, 20, 30, 30, 30]);
		expect([1, 2, 3, 4, 5, 6].map((n) => redeliveryDelayMs(n, minutes(1)) / 60_000)).toEqual([1, 2, 4, 8, 16, 30]);
		expect(redeliveryDelayMs(1, minutes(45))).toBe(minutes(45));
		expect([1, 2, 3].map((n) => redeliveryDelayMs(n, minutes(1), minutes(1)) / 60_000)).toEqual([1, 1, 1]);
		expect(redeliveryDelayMs(500, minutes(1))).toBe(MAX_REDELIVERY_DELAY_MS);
		expect(MAX_REDELIVERY_DELAY_MS).toBe(minutes(30));
	});
});

describe('Microsoft Sentinel Trigger: at-least-once delivery', () => {
	it('emits an unconfirmed incident again after the wait, until the workflow tags it', async () => {
		const [a, b, c] = [emu.sentinel.createIncident(), emu.sentinel.createIncident(), emu.sentinel.createIncident()];
		const node = trigger();
		const first = items(await node.poll());
		expect(first.map((i) => i.incidentNumber).sort()).toEqual([a, b, c].map(numberOf).sort());
		expect(first.every((i) => (i.delivery as IDataObject).attempt === 1)).toBe(true);

		// The workflow confirmed a and b; c's execution failed (or n8n died before it got there).
		confirmByTag(a);
		confirmByTag(b);
		advance(minutes(5));
		expect(await node.poll()).toBeNull();
		advance(minutes(6));
		const second = items(await node.poll());
		expect(second.map((i) => i.incidentNumber)).toEqual([numberOf(c)]);
		expect(second[0]).toMatchObject({ triggerEvent: 'created', delivery: { attempt: 2, firstEmittedAt: first[0].delivery && (first[0].delivery as IDataObject).firstEmittedAt } });
		expect(pendingOf(node)).toEqual([String(numberOf(c))]);

		// Still nothing: the wait has doubled to 20 minutes.
		advance(minutes(11));
		expect(await node.poll()).toBeNull();
		advance(minutes(10));
		expect(items(await node.poll())).toMatchObject([{ incidentNumber: numberOf(c), delivery: { attempt: 3 } }]);

		confirmByTag(c);
		advance(minutes(31));
		expect(await node.poll()).toBeNull();
		expect(pendingOf(node)).toEqual([]);
	});

	it('a kill after the poll saved its cursor: the restarted trigger emits the incident again', async () => {
		const lost = emu.sentinel.createIncident();
		const node = trigger();
		expect(numbersOf(await node.poll())).toEqual([numberOf(lost)]);
		// n8n saved the static data and was killed before the workflow ran; it starts again 12 minutes later.
		const persisted = node.staticData;
		clearAzureSessions();
		advance(minutes(12));
		const restarted = trigger({}, persisted);
		expect(items(await restarted.poll('trigger', 'init'))).toMatchObject([{ incidentNumber: numberOf(lost), delivery: { attempt: 2 } }]);
	});

	it('the same wait holds in at-most-once mode: nothing is emitted twice (the behaviour it replaces)', async () => {
		const lost = emu.sentinel.createIncident();
		const node = trigger({ delivery: 'atMostOnce' });
		expect(items(await node.poll())).toEqual([expect.not.objectContaining({ delivery: expect.anything() })]);
		advance(minutes(60));
		expect(await node.poll()).toBeNull();
		expect(emu.sentinel.getIncident(lost.name)).toBeDefined();
	});

	it('a confirmation comment works without a tag, reading comments only for unconfirmed incidents', async () => {
		const [a, b] = [emu.sentinel.createIncident(), emu.sentinel.createIncident()];
		const node = trigger({ confirmationTag: '', confirmationComment: 'alerted in SIGNL4' });
		expect(numbersOf(await node.poll()).sort()).toEqual([a, b].map(numberOf).sort());
		emu.sentinel.addComment(a.name, 'The on-call team was alerted in SIGNL4 (event 123).');
		emu.sentinel.addComment(b.name, 'An analyst wrote something else.');
		advance(minutes(11));
		emu.clearRequests();
		expect(numbersOf(await node.poll())).toEqual([numberOf(b)]);
		expect(emu.requestCount('comments.list')).toBe(2);
	});

	it('stops for incidents that no longer match, were deleted, or were confirmed by an analyst tag in the list', async () => {
		const [activated, deleted, kept] = [emu.sentinel.createIncident(), emu.sentinel.createIncident(), emu.sentinel.createIncident()];
		const node = trigger();
		await node.poll();
		emu.sentinel.updateIncident(activated.name, { status: 'Active' });
		emu.sentinel.deleteIncident(deleted.name);
		advance(minutes(11));
		expect(numbersOf(await node.poll())).toEqual([numberOf(kept)]);
		expect(pendingOf(node)).toEqual([String(numberOf(kept))]);
	});

	it('a New incident that already carries the tag is not paged (delivered before this cursor existed)', async () => {
		const delivered = emu.sentinel.createIncident({ labels: [{ labelName: 'signl4', labelType: 'User' }] });
		const fresh = emu.sentinel.createIncident();
		expect(numbersOf(await trigger().poll())).toEqual([numberOf(fresh)]);
		expect(numbersOf(await trigger({ delivery: 'atMostOnce' }).poll()).sort()).toEqual([delivered, fresh].map(numberOf).sort());
	});

	it('gives up after the bound: the next tick fails naming the incidents, then polling goes on', async () => {
		const stuck = emu.sentinel.createIncident();
		const node = trigger({ redeliverAfterMinutes: 1, giveUpAfterHours: 0.1 });
		expect(numbersOf(await node.poll())).toEqual([numberOf(stuck)]);
		advance(minutes(2));
		expect(numbersOf(await node.poll())).toEqual([numberOf(stuck)]);
		advance(minutes(5));
		// Six minutes after the first emission: given up, nothing emitted.
		expect(await node.poll()).toBeNull();
		expect(pendingOf(node)).toEqual([]);
		await expect(node.poll()).rejects.toMatchObject({
			name: 'NodeOperationError',
			message: expect.stringContaining(`not confirmed as delivered within 0.1 hours and are no longer emitted: #${numberOf(stuck)}`),
		});
		const newcomer = emu.sentinel.createIncident();
		expect(numbersOf(await node.poll())).toEqual([numberOf(newcomer)]);
	});

	it('does not report given-up incidents on an activation poll, where an error would fail the activation', async () => {
		emu.sentinel.createIncident();
		const node = trigger({ redeliverAfterMinutes: 1, giveUpAfterHours: 0.1 });
		await node.poll();
		advance(minutes(7));
		expect(await node.poll()).toBeNull();
		node.reactivate();
		expect(await node.poll('trigger', 'activate')).toBeNull();
		await expect(node.poll('trigger', 'activate')).rejects.toThrow('no longer emitted');
	});

	it('a Maximum Wait equal to the first wait emits at a steady pace', async () => {
		const lost = emu.sentinel.createIncident();
		const node = trigger({ redeliverAfterMinutes: 1, maxWaitMinutes: 1 });
		await node.poll();
		for (const attempt of [2, 3, 4]) {
			advance(minutes(1) + 1000);
			expect(items(await node.poll())).toMatchObject([{ incidentNumber: numberOf(lost), delivery: { attempt } }]);
		}
		await expect(trigger({ redeliverAfterMinutes: 10, maxWaitMinutes: 5 }).poll()).rejects.toThrow('Maximum Wait must be at least Redeliver After');
	});

	it('an incident whose details cannot be read is held back, not the whole poll: it goes out on the next poll', async () => {
		const created = [emu.sentinel.createIncident(), emu.sentinel.createIncident(), emu.sentinel.createIncident()];
		const node = trigger({ includeAlerts: true });
		emu.faults.add({ route: 'incidents.alerts', kind: 'status', status: 400, times: 1 });
		const first = items(await node.poll());
		expect(first).toHaveLength(2);
		const heldBack = created.find((incident) => !first.some((item) => item.incidentNumber === numberOf(incident)))!;
		// Due at once, as a first delivery (nothing was sent for it, so SIGNL4 need not be asked).
		expect(items(await node.poll())).toMatchObject([{ incidentNumber: numberOf(heldBack), delivery: { attempt: 1 } }]);
		// The same fault in at-most-once mode fails the poll, as before.
		emu.sentinel.createIncident();
		emu.faults.add({ route: 'incidents.alerts', kind: 'status', status: 400, times: 1 });
		await expect(trigger({ delivery: 'atMostOnce', includeAlerts: true }).poll()).rejects.toMatchObject({ name: 'NodeApiError' });
	});

	it("a storm whose details take longer than the poll's budget goes out over several polls, most severe first, each once", async () => {
		const severities = ['Low', 'High', 'Informational', 'Medium', 'Low', 'High', 'Medium', 'Low', 'High', 'Informational', 'Low', 'Medium'] as const;
		const created = severities.map((severity) => emu.sentinel.createIncident({ severity }));
		const rank = { High: 0, Medium: 1, Low: 2, Informational: 3 } as Record<string, number>;
		const node = trigger({ includeAlerts: true });
		// Reading details "takes" 15 s each: the clock jumps with every alerts read the emulator answers.
		const alertReads = () => emu.requests.filter((request) => request.route === 'incidents.alerts').length;
		let seen = 0;
		jest.spyOn(Date, 'now').mockImplementation(() => {
			const reads = alertReads();
			if (reads > seen) {
				offsetMs += (reads - seen) * 15_000;
				seen = reads;
			}
			return realNow() + offsetMs;
		});
		const polls: Array<Array<Record<string, unknown>>> = [];
		for (let poll = 0; poll < 6 && polls.flat().length < created.length; poll++) polls.push(items(await node.poll()));
		expect(polls.length).toBeGreaterThan(1);
		expect(polls[0].length).toBeLessThan(created.length);
		// Every incident once, as a first delivery; each poll most severe first, and no poll goes back to a higher severity
		// than one already handed over (the budget takes from the front of the order).
		expect(polls.flat().map((item) => item.incidentNumber).sort((a, b) => Number(a) - Number(b))).toEqual(created.map(numberOf));
		expect(polls.flat().every((item) => (item.delivery as IDataObject).attempt === 1)).toBe(true);
		const order = polls.flat().map((item) => rank[item.severity as string]);
		expect(order).toEqual([...order].sort((a, b) => a - b));

		// At most once: the same budget, the rest left in the cursor's view (nothing pending), every incident once.
		const more = severities.map((severity) => emu.sentinel.createIncident({ severity }));
		const once = trigger({ delivery: 'atMostOnce', includeAlerts: true });
		const oncePolls: Array<Array<Record<string, unknown>>> = [];
		const fresh = new Set(more.map(numberOf));
		for (let poll = 0; poll < 8; poll++) {
			const batch = items(await once.poll()).filter((item) => fresh.has(item.incidentNumber as number));
			if (batch.length) oncePolls.push(batch);
		}
		expect(oncePolls.length).toBeGreaterThan(1);
		expect(oncePolls.flat().map((item) => item.incidentNumber).sort((a, b) => Number(a) - Number(b))).toEqual(more.map(numberOf));
		const onceOrder = oncePolls.flat().map((item) => rank[item.severity as string]);
		expect(onceOrder).toEqual([...onceOrder].sort((a, b) => a - b));
	});

	it("a storm's Highs are handed over alone and first; the rest follow from the next poll, in both delivery modes", async () => {
		const created = Array.from({ length: 60 }, (_, i) => emu.sentinel.createIncident({ severity: i % 12 === 5 ? 'High' : (['Low', 'Medium', 'Informational'] as const)[i % 3] }));
		const highs = created.filter((incident) => incident.properties.severity === 'High').map(numberOf);
		for (const delivery of ['atLeastOnce', 'atMostOnce']) {
			const node = trigger({ delivery, includeAlerts: true });
			const first = items(await node.poll());
			expect(first.map((item) => item.incidentNumber)).toEqual(highs);
			const second = items(await node.poll());
			expect(second).toHaveLength(created.length - highs.length);
			expect(second.some((item) => item.severity === 'High')).toBe(false);
			expect(items(await node.poll())).toEqual([]);
		}
	});

	it('In a Storm: Page First, Details After hands the whole storm over at once, Highs first, without reading a detail', async () => {
		const created = Array.from({ length: 60 }, (_, i) => emu.sentinel.createIncident({ severity: i % 12 === 5 ? 'High' : (['Low', 'Medium', 'Informational'] as const)[i % 3] }));
		const rank: Record<string, number> = { High: 0, Medium: 1, Low: 2, Informational: 3 };
		for (const delivery of ['atLeastOnce', 'atMostOnce']) {
			emu.clearRequests();
			const node = trigger({ delivery, includeAlerts: true, includeEntities: true, options: { stormDetails: 'afterPaging' } });
			const first = items(await node.poll());
			expect(first).toHaveLength(created.length);
			const order = first.map((item) => rank[item.severity as string]);
			expect(order).toEqual([...order].sort((a, b) => a - b));
			expect(first.every((item) => item.detailsDeferred === true && item.alerts === undefined && item.entities === undefined)).toBe(true);
			expect(emu.requests.filter((request) => ['incidents.alerts', 'incidents.entities'].includes(request.route))).toEqual([]);
			expect(items(await node.poll())).toEqual([]);
		}
		// Not a storm: the details are read before the incidents go out, as always.
		const node = trigger({ includeAlerts: true, options: { stormDetails: 'afterPaging', maxIncidentsPerPoll: 50 } });
		const small = items(await node.poll());
		expect(small).toHaveLength(50);
		expect(small.every((item) => item.detailsDeferred === undefined && Array.isArray(item.alerts))).toBe(true);
	});

	it('50 incidents or fewer are not a storm (nor is any number without details to read): all in one poll, Highs first', async () => {
		const created = Array.from({ length: 50 }, (_, i) => emu.sentinel.createIncident({ severity: i % 10 === 3 ? 'High' : 'Low' }));
		const first = items(await trigger({ includeAlerts: true }).poll());
		expect(first).toHaveLength(created.length);
		expect(first.slice(0, 5).map((item) => item.severity)).toEqual(['High', 'High', 'High', 'High', 'High']);
		Array.from({ length: 20 }, () => emu.sentinel.createIncident({ severity: 'High' }));
		expect(items(await trigger({ includeAlerts: false, includeEntities: false }).poll())).toHaveLength(70);
	});

	it('a pending incident that cannot be read stays pending for the next poll', async () => {
		const lost = emu.sentinel.createIncident();
		// Confirmation by comment, so the check needs a read (the incident itself is still in the look-back's listing).
		const node = trigger({ confirmationTag: '', confirmationComment: 'alerted in SIGNL4' });
		await node.poll();
		advance(minutes(11));
		emu.faults.add({ route: 'comments.list', kind: 'status', status: 400, times: 1 });
		expect(await node.poll()).toBeNull();
		expect(pendingOf(node)).toEqual([String(numberOf(lost))]);
		expect(items(await node.poll())).toMatchObject([{ incidentNumber: numberOf(lost), delivery: { attempt: 2 } }]);
	});

	it('refuses at-least-once without a tag or a comment to confirm by', async () => {
		await expect(trigger({ confirmationTag: ' ', confirmationComment: '' }).poll()).rejects.toThrow(
			'At-least-once delivery needs a Confirmation Tag or a Confirmation Comment',
		);
	});

	it('a storm with half the deliveries lost: every lost one comes back once per wait, never a confirmed one', async () => {
		const storm = Array.from({ length: 60 }, () => emu.sentinel.createIncident());
		const node = trigger({ options: { maxIncidentsPerPoll: 0 } });
		expect(numbersOf(await node.poll())).toHaveLength(60);
		const lost = storm.filter((_, i) => i % 2 === 1);
		storm.filter((_, i) => i % 2 === 0).forEach((incident) => confirmByTag(incident));
		advance(minutes(11));
		const again = numbersOf(await node.poll());
		expect(again.sort((x, y) => x - y)).toEqual(lost.map(numberOf));
		lost.forEach((incident) => confirmByTag(incident));
		advance(minutes(21));
		expect(await node.poll()).toBeNull();
		console.log(`storm of ${storm.length}: ${lost.length} lost deliveries emitted again once each, 0 confirmed ones repeated`);
	});
});
