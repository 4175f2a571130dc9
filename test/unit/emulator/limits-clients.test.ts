/**
 * The nodes' transports wait out the 429s the emulator's enforced limits answer: the Microsoft Sentinel node (ARM,
 * reads and writes) and the Azure Log Analytics node (200 requests per window), each run through n8n-core against an
 * emulator with limits enforced and the principal's bucket or window drained.
 */
import { forgetArmPacing } from '../../../nodes/shared/azure/armPacing';
import { clearAzureSessions } from '../../../nodes/shared/azure/credential';
import { startEmulator, type Emulator } from '../../emulator';
import { run as runLogAnalytics, runQueryParameters } from '../logAnalytics/support';
import { json, puts, run as runSentinel, triggerItem } from '../sentinelNode/support';

let emu: Emulator;

/**
 * The limits' clock. A real bucket refills 25 reads a second, so a bucket drained before the node starts is no longer
 * empty when the node's request arrives a few hundred milliseconds later. `pause()` stops the clock until the first
 * 429 is answered; from that answer on it runs in real time again, so the node's retry after Retry-After finds the
 * bucket refilled exactly as it would be.
 */
const clock = {
	pausedAt: undefined as number | undefined,
	shift: 0,
	now(): number {
		if (clock.pausedAt !== undefined) {
			const throttled = emu?.requests.find((entry) => entry.status === 429);
			if (!throttled) return clock.pausedAt;
			clock.shift = Date.parse(throttled.at) - clock.pausedAt;
			clock.pausedAt = undefined;
		}
		return Date.now() - clock.shift;
	},
	pause(): void {
		clock.pausedAt = clock.now();
	},
};

beforeAll(async () => {
	clearAzureSessions();
	emu = await startEmulator({ limits: 'enforced', limitsClock: () => clock.now() });
});
afterAll(() => emu.stop());
afterEach(() => {
	forgetArmPacing();
	emu.limits.reset();
	emu.clearRequests();
});

const statuses = (route: string) => emu.requests.filter((entry) => entry.route === route).map((entry) => entry.status);

describe('Microsoft Sentinel node against enforced ARM limits', () => {
	it('a drained reads bucket: the GET is answered 429, the node waits Retry-After and gets the incident', async () => {
		const incident = emu.sentinel.createIncident({ title: 'Throttled read' });
		clock.pause();
		emu.limits.drain({ kinds: ['reads'] });
		const started = Date.now();
		const result = await runSentinel(emu, 'get', {}, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({ incidentName: incident.name, title: 'Throttled read' });
		expect(statuses('incidents.get')).toEqual([429, 200]);
		expect(emu.requests.find((entry) => entry.status === 429)?.fault).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
	});

	it('a drained writes bucket: the PUT is answered 429, the node waits and the same write lands once', async () => {
		const incident = emu.sentinel.createIncident({ title: 'Throttled write', status: 'New' });
		clock.pause();
		emu.limits.drain({ kinds: ['writes'] });
		const result = await runSentinel(emu, 'update', { status: 'Active' }, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({ changed: true, status: 'Active' });
		expect(puts(emu).map((put) => put.status)).toEqual([429, 200]);
		expect(emu.sentinel.history(incident.name).filter((entry) => entry.via === 'put')).toHaveLength(1);
	});

	it('a writes bucket run dry: after the first 429 the node holds each write until a token is due, so 40 comments meet one 429', async () => {
		const incidents = Array.from({ length: 40 }, (_, i) => emu.sentinel.createIncident({ title: `Paced ${i}` }));
		emu.limits.drain({ kinds: ['writes'] });
		const result = await runSentinel(emu, 'addComment', { message: 'Paged in SIGNL4', format: 'plainText' } as never, {
			input: incidents.map((incident) => triggerItem(emu, incident)),
		});
		expect(result.error).toBeUndefined();
		const answers = statuses('comments.put');
		// Without pacing the refilled bucket (10 a second) runs dry again every 10 comments, each time a 429 and a second.
		expect(answers.filter((status) => status === 201)).toHaveLength(40);
		expect(answers.filter((status) => status === 429)).toHaveLength(1);
		expect(answers[0]).toBe(429);
	});
});

describe('Azure Log Analytics node against the enforced request limit', () => {
	afterEach(() => {
		emu.logAnalytics.settings.requestLimit = 200;
		emu.logAnalytics.settings.requestWindowSeconds = 30;
	});

	it('a full window: the query is answered 429 ThrottledError, the node waits Retry-After and returns the rows', async () => {
		// The real window is 30 s; a 2-second one keeps the wait short (the node waits up to 60 s).
		emu.logAnalytics.settings.requestWindowSeconds = 2;
		emu.limits.drain({ service: 'loganalytics' });
		const started = Date.now();
		const result = await runLogAnalytics(emu, runQueryParameters(emu, { query: 'print answer = 42' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ answer: 42 });
		expect(statuses('loganalytics.query')).toEqual([429, 200]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
	});
});
