/**
 * Conflicts, throttling, lost answers and per-item errors: bounded re-read + re-apply on 409, Retry-After honoured,
 * no blind repeat of a write whose outcome is unknown, error items under continueOnFail.
 */
import { MAX_UPDATE_ATTEMPTS } from '../../../nodes/MicrosoftSentinel/actions/incident/update.operation';
import { writeGuardSettings } from '../../../nodes/shared/sentinel/writeGuard';
import type { Emulator } from '../../emulator';
import { json, puts, resetEmulator, run, startNodeEmulator, triggerItem } from './support';

jest.setTimeout(90_000);

let emu: Emulator;
beforeAll(async () => {
	emu = await startNodeEmulator();
});
afterAll(() => emu.stop());
afterEach(() => resetEmulator(emu));

const gets = () => emu.requests.filter((r) => r.route === 'incidents.get');

describe('409 storms', () => {
	it('re-reads and re-applies the same change after each conflict, and succeeds when the storm ends', async () => {
		const incident = emu.sentinel.createIncident({ labels: ['base'] });
		let n = 0;
		// Three analysts save in turn, each between the node's read and its write.
		emu.sentinel.beforeNextPut(incident.name, (sentinel, current) => {
			n++;
			sentinel.updateIncident(current.name, { labels: [...current.properties.labels.map((l) => l.labelName), `analyst-${n}`] });
		}, 3);
		const result = await run(emu, 'update', { tagAction: 'add', tags: 'SIGNL4' }, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		expect(puts(emu).map((p) => p.status)).toEqual([409, 409, 409, 200]);
		expect(gets()).toHaveLength(4);
		// Every attempt is the same change applied to the newest incident.
		expect(puts(emu).map((p) => (p.body as { properties: { labels: Array<{ labelName: string }> } }).properties.labels.map((l) => l.labelName))).toEqual([
			['base', 'SIGNL4'],
			['base', 'analyst-1', 'SIGNL4'],
			['base', 'analyst-1', 'analyst-2', 'SIGNL4'],
			['base', 'analyst-1', 'analyst-2', 'analyst-3', 'SIGNL4'],
		]);
		expect(json(result)[0]).toMatchObject({ changed: true, conflictsResolved: 3, tags: ['base', 'analyst-1', 'analyst-2', 'analyst-3', 'SIGNL4'] });
	});

	it(`gives up after ${MAX_UPDATE_ATTEMPTS} attempts with a clear 409 error, having overwritten nothing`, async () => {
		const incident = emu.sentinel.createIncident();
		emu.sentinel.beforeNextPut(incident.name, { addLabels: ['x'], times: Infinity });
		const started = Date.now();
		const result = await run(emu, 'update', { status: 'Active' }, { input: [triggerItem(emu, incident)] });
		expect(result.error?.message).toBe(`Incident ${incident.properties.incidentNumber} kept changing: ${MAX_UPDATE_ATTEMPTS} attempts each found a newer version`);
		expect(result.error?.description).toContain('Nothing was overwritten');
		expect((result.error as { httpCode?: string }).httpCode).toBe('409');
		expect(puts(emu).map((p) => p.status)).toEqual(Array(MAX_UPDATE_ATTEMPTS).fill(409));
		expect(emu.sentinel.getIncident(incident.name)!.properties.status).toBe('New');
		expect(Date.now() - started).toBeLessThan(10_000);
	});

	it('under continueOnFail, a storm on one item gives an error item and the next item still runs', async () => {
		const stormy = emu.sentinel.createIncident();
		const calm = emu.sentinel.createIncident();
		emu.sentinel.beforeNextPut(stormy.name, { addLabels: ['x'], times: Infinity });
		const result = await run(emu, 'update', { status: 'Active' }, { input: [triggerItem(emu, stormy), triggerItem(emu, calm)], continueOnFail: true });
		expect(result.error).toBeUndefined();
		const [failed, ok] = json(result);
		expect(failed).toMatchObject({ statusCode: 409, itemIndex: 0, operation: 'update', incidentName: stormy.name, error: expect.stringContaining('kept changing') });
		expect(failed.description).toEqual(expect.stringContaining('Run the workflow again later'));
		expect(ok).toMatchObject({ incidentName: calm.name, status: 'Active', changed: true });
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('throttling and lost answers', () => {
	it('honours Retry-After on a throttled PUT (the SDK waits, then the same write succeeds)', async () => {
		const incident = emu.sentinel.createIncident();
		emu.faults.add({ route: 'incidents.put', kind: 'status', status: 429, retryAfterSeconds: 1 });
		const started = Date.now();
		const result = await run(emu, 'update', { status: 'Active' }, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(puts(emu).map((p) => p.status)).toEqual([429, 200]);
		expect(gets()).toHaveLength(1);
	});

	it('honours Retry-After on a throttled read too', async () => {
		const incident = emu.sentinel.createIncident();
		emu.faults.add({ route: 'incidents.get', kind: 'status', status: 503, retryAfterSeconds: 1 });
		const result = await run(emu, 'get', {}, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		expect(gets().map((r) => r.status)).toEqual([503, 200]);
	});

	it('a write whose answer is lost is not repeated: the node re-reads, finds its change, and reports it', async () => {
		const incident = emu.sentinel.createIncident();
		emu.faults.add({ route: 'incidents.put', kind: 'lostResponse' });
		const result = await run(emu, 'update', { status: 'Active', tagAction: 'add', tags: 'SIGNL4' }, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		expect(puts(emu)).toHaveLength(1);
		expect(gets()).toHaveLength(2);
		expect(emu.sentinel.history(incident.name).filter((h) => h.via === 'put')).toHaveLength(1);
		expect(json(result)[0]).toMatchObject({ changed: true, status: 'Active', tags: ['SIGNL4'] });
		expect((json(result)[0].changes as Array<{ field: string }>).map((c) => c.field)).toEqual(['status', 'tags']);
	});

	it.each([
		['a dropped connection', { kind: 'drop' as const }],
		['a 500', { kind: 'status' as const, status: 500 }],
		['a 503 without Retry-After', { kind: 'status' as const, status: 503 }],
	])('after %s the node re-reads before writing again (no blind SDK retry)', async (_label, fault) => {
		const incident = emu.sentinel.createIncident();
		emu.faults.add({ route: 'incidents.put', ...fault });
		const result = await run(emu, 'update', { status: 'Active' }, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		const sequence = emu.requests.filter((r) => r.route === 'incidents.get' || r.route === 'incidents.put').map((r) => r.route);
		expect(sequence).toEqual(['incidents.get', 'incidents.put', 'incidents.get', 'incidents.put']);
		expect(emu.sentinel.getIncident(incident.name)!.properties.status).toBe('Active');
	});

	it('a write that hangs past the timeout is not repeated blindly; when it lands late, its stale etag stops it from overwriting', async () => {
		const incident = emu.sentinel.createIncident();
		const saved = writeGuardSettings.timeoutMs;
		writeGuardSettings.timeoutMs = 300;
		try {
			// The first PUT is held 1.5 s at the server, then carried out with the etag it was sent with.
			emu.faults.add({ route: 'incidents.put', kind: 'latency', delayMs: 1500 });
			const result = await run(emu, 'update', { tagAction: 'add', tags: 'SIGNL4' }, { input: [triggerItem(emu, incident)] });
			expect(result.error).toBeUndefined();
			expect(json(result)[0]).toMatchObject({ changed: true, tags: ['SIGNL4'] });
			// The late first PUT arrives after the node's second (re-read) PUT: Azure refuses it.
			await new Promise((resolve) => setTimeout(resolve, 1600));
			expect(puts(emu).map((p) => p.status)).toEqual([200, 409]);
			expect(emu.sentinel.history(incident.name).filter((h) => h.via === 'put')).toHaveLength(1);
			expect(emu.sentinel.getIncident(incident.name)!.properties.labels.map((l) => l.labelName)).toEqual(['SIGNL4']);
		} finally {
			writeGuardSettings.timeoutMs = saved;
		}
	});

	it('when every write goes unanswered and none landed, it stops after the bounded attempts with a clear error', async () => {
		const incident = emu.sentinel.createIncident();
		emu.faults.add({ route: 'incidents.put', kind: 'drop', times: Infinity });
		const result = await run(emu, 'update', { status: 'Active' }, { input: [triggerItem(emu, incident)] });
		expect(result.error?.message).toBe(`Could not confirm the update of incident ${incident.properties.incidentNumber}: Azure did not answer the write`);
		expect(result.error?.description).toContain('(last: ECONNRESET)');
		expect((result.error as { httpCode?: string }).httpCode).toBe('504');
		expect(puts(emu)).toHaveLength(MAX_UPDATE_ATTEMPTS);
		expect(gets()).toHaveLength(MAX_UPDATE_ATTEMPTS + 1);
	});
});

describe('per-item errors', () => {
	it('continueOnFail: error items carry the item index, HTTP status and an actionable message; good items pass', async () => {
		const good = emu.sentinel.createIncident();
		const result = await run(
			emu,
			'update',
			{ status: 'Closed', classification: '={{ $json.c }}', classificationReason: '' },
			{
				continueOnFail: true,
				input: [
					{ ...triggerItem(emu, good), c: 'TruePositive' },
					{ ...triggerItem(emu, good), incidentName: '00000000-0000-4000-8000-000000000000', c: 'TruePositive' },
					{ ...triggerItem(emu, good), c: 'FalsePositive' },
					{ c: 'TruePositive' },
				],
			},
		);
		expect(result.error).toBeUndefined();
		const [ok, missing, refused, noIncident] = json(result);
		expect(ok).toMatchObject({ incidentName: good.name, status: 'Closed', changed: true });
		expect(missing).toMatchObject({ itemIndex: 1, statusCode: 404, error: expect.stringContaining('Not found'), incidentName: '00000000-0000-4000-8000-000000000000' });
		expect(missing.description).toContain('Check the subscription, resource group and workspace (or incident)');
		expect(refused).toMatchObject({ itemIndex: 2, statusCode: null, error: 'False Positive needs a classification reason' });
		expect(refused.description).toContain('Incorrect Alert Logic (IncorrectAlertLogic) or Inaccurate Data (InaccurateData)');
		expect(noIncident).toMatchObject({ itemIndex: 3, error: 'No incident given' });
		expect(noIncident.description).toContain('incidentName');
	});

	it('without continueOnFail the node fails with the item index', async () => {
		const good = emu.sentinel.createIncident();
		const result = await run(emu, 'get', {}, { input: [triggerItem(emu, good), { ...triggerItem(emu, good), incidentName: 'no-such-incident' }] });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('Not found');
		expect((result.error as unknown as { context: { itemIndex?: number } }).context.itemIndex).toBe(1);
		expect((result.error as { httpCode?: string }).httpCode).toBe('404');
	});

	it('an input item without a workspace gets a message that says where the default comes from', async () => {
		const incident = emu.sentinel.createIncident();
		const result = await run(emu, 'get', {}, { input: [{ incidentName: incident.name }] });
		expect(result.error?.message).toBe('No Microsoft Sentinel workspace for this item');
		expect(result.error?.description).toContain('workspace.armId');
	});

	it('sign-in failures name the cause without the secret', async () => {
		const incident = emu.sentinel.createIncident();
		const secret = 'Wr0ng~secret-value-never-shown';
		const result = await run(emu, 'update', { status: 'Active' }, { input: [triggerItem(emu, incident)], credential: { clientSecret: secret }, continueOnFail: true });
		const [item] = json(result);
		expect(item.error).toBe('Could not sign in to Azure (AADSTS7000215)');
		expect(JSON.stringify(item)).not.toContain(secret);
		expect(JSON.stringify(item)).not.toMatch(/Trace ID|Correlation ID/);
		expect(puts(emu)).toHaveLength(0);
	});
});
