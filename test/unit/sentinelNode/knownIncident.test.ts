/**
 * Incident as Already Read: Update and Add Comment start from the copy the trigger read instead of reading the
 * incident again. Counted from the emulator's request log: one call per item where there were two or three; a stale
 * copy is refused by its etag and the update reads and tries again; a copy of another incident is not used; a value
 * that is not an incident is refused before any request.
 */
import type { Emulator } from '../../emulator';
import { json, resetEmulator, run, startNodeEmulator, triggerItem } from './support';

let emu: Emulator;
beforeAll(async () => {
	emu = await startNodeEmulator();
});
afterAll(() => emu.stop());
afterEach(() => resetEmulator(emu));

const armCalls = () => emu.requests.filter((request) => String(request.route).startsWith('incidents.') || String(request.route).startsWith('comments.')).map((request) => request.route);

describe('Incident as Already Read', () => {
	it('Update adds the tag with one PUT (no read) when the copy is current', async () => {
		const incident = emu.sentinel.createIncident({ severity: 'High', labels: ['triage'] });
		const copy = emu.sentinel.getIncident(incident.name)!;
		const result = await run(emu, 'update', { tagAction: 'add', tags: 'SIGNL4', knownIncident: JSON.stringify(copy) }, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		expect(armCalls()).toEqual(['incidents.put']);
		expect(emu.sentinel.getIncident(incident.name)!.properties.labels.map((label) => label.labelName)).toEqual(['triage', 'SIGNL4']);
	});

	it('Update with a stale copy: Azure refuses its etag (409), the node reads the incident and keeps the change made since', async () => {
		const incident = emu.sentinel.createIncident({ severity: 'High' });
		const copy = emu.sentinel.getIncident(incident.name)!;
		emu.sentinel.updateIncident(incident.name, { labels: [{ labelName: 'analyst-tag', labelType: 'User' }] } as never, 'mei.tanaka@contoso.com');
		const result = await run(emu, 'update', { tagAction: 'add', tags: 'SIGNL4', knownIncident: JSON.stringify(copy) }, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		expect(armCalls()).toEqual(['incidents.put', 'incidents.get', 'incidents.put']);
		expect(emu.requests.filter((request) => request.route === 'incidents.put').map((request) => request.status)).toEqual([409, 200]);
		expect(emu.sentinel.getIncident(incident.name)!.properties.labels.map((label) => label.labelName)).toEqual(['analyst-tag', 'SIGNL4']);
	});

	it('Never Reopen holds with a copy read before an analyst closed the incident: the stale PUT is refused and nothing is reopened', async () => {
		const incident = emu.sentinel.createIncident({ severity: 'High' });
		const copy = emu.sentinel.getIncident(incident.name)!;
		emu.sentinel.updateIncident(incident.name, { status: 'Closed', classification: 'FalsePositive', classificationReason: 'InaccurateData' } as never, 'mei.tanaka@contoso.com');
		const result = await run(
			emu,
			'update',
			{ status: 'Active', ownerAction: 'email', owner: 'john.doe@contoso.com', neverReopen: true, knownIncident: JSON.stringify(copy) },
			{ input: [triggerItem(emu, incident)] },
		);
		expect(result.error).toBeUndefined();
		expect(emu.requests.filter((request) => request.route === 'incidents.put').map((request) => request.status)).toEqual([409]);
		expect(emu.sentinel.getIncident(incident.name)!.properties).toMatchObject({ status: 'Closed', classification: 'FalsePositive' });
	});

	it("a copy of another incident is not used (the incident is read), and a value that is not an incident is refused", async () => {
		const [incident, other] = [emu.sentinel.createIncident(), emu.sentinel.createIncident()];
		const otherCopy = emu.sentinel.getIncident(other.name)!;
		const result = await run(emu, 'update', { tagAction: 'add', tags: 'SIGNL4', knownIncident: JSON.stringify(otherCopy) }, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		expect(armCalls()).toEqual(['incidents.get', 'incidents.put']);
		expect(emu.sentinel.getIncident(other.name)!.properties.labels).toEqual([]);

		const before = emu.requests.length;
		const refused = await run(emu, 'update', { tagAction: 'add', tags: 'SIGNL4', knownIncident: '{"name":"x"}' }, { input: [triggerItem(emu, incident)], continueOnFail: true });
		expect(json(refused)[0]).toMatchObject({ error: 'Incident as Already Read is not a Microsoft Sentinel incident' });
		expect(emu.requests.slice(before).filter((request) => String(request.route).startsWith('incidents.'))).toEqual([]);
	});

	it('Add Comment with a key writes one comment with one PUT, and a repeat rewrites that comment rather than adding one', async () => {
		const incident = emu.sentinel.createIncident();
		const copy = JSON.stringify(emu.sentinel.getIncident(incident.name)!);
		const parameters = { message: 'The on-call team was alerted in SIGNL4 (event 42).', options: { deduplicationKey: 'signl4-sent-42', knownIncident: copy } };
		for (let run_ = 0; run_ < 2; run_++) {
			const result = await run(emu, 'addComment', parameters, { input: [triggerItem(emu, incident)] });
			expect(result.error).toBeUndefined();
		}
		expect(armCalls()).toEqual(['comments.put', 'comments.put']);
		expect(emu.sentinel.comments(incident.name).map((comment) => comment.properties.message)).toEqual(['The on-call team was alerted in SIGNL4 (event 42).']);
	});
});
