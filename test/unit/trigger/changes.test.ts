/**
 * What changed on an updated incident: the pure diff (including changes that cancel out between two polls and
 * this package's own write-backs), and the trigger in a real n8n-core PollContext against the emulator reporting
 * analysts' changes and comments once, in order, and never its own.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { clearAzureSessions } from '../../../nodes/shared/azure/credential';
import type { RawComment, RawIncident } from '../../../nodes/shared/sentinel/types';
import { diffIncident, ownPrincipal, pruneSnapshots, snapshotOf } from '../../../nodes/MicrosoftSentinelTrigger/changes';
import { MicrosoftSentinelTrigger } from '../../../nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node';
import { startEmulator, type Emulator } from '../../emulator';
import { emulatorCredential, triggerParameters } from '../../helpers/azureFixtures';
import { PollHarness } from '../../helpers/n8nHarness';

const APP = '11111111-2222-3333-4444-555555555555';
const APP_OBJECT = '99999999-8888-7777-6666-555555555555';
const principal = ownPrincipal(APP, APP_OBJECT);

function incident(overrides: Partial<RawIncident['properties']> = {}, lastModifiedBy = 'analyst@contoso.com'): RawIncident {
	return {
		id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w/providers/Microsoft.SecurityInsights/incidents/i1',
		name: 'i1',
		etag: '"1"',
		systemData: { lastModifiedBy, lastModifiedByType: lastModifiedBy === APP ? 'Application' : 'User' },
		properties: {
			title: 'T',
			severity: 'Medium',
			status: 'New',
			incidentNumber: 7,
			createdTimeUtc: '2026-12-02T10:00:00Z',
			lastModifiedTimeUtc: '2026-12-02T10:00:00Z',
			labels: [],
			additionalData: { commentsCount: 0 },
			...overrides,
		},
	};
}

function comment(message: string, at: string, authorObjectId = 'aaaa', name = 'Ann Analyst'): RawComment {
	return { id: `c-${message}`, name: `c-${message}`, properties: { message, createdTimeUtc: at, author: { objectId: authorObjectId, name, email: 'ann@contoso.com' } } };
}

describe('diffIncident', () => {
	const before = snapshotOf(incident());

	it('reports status, severity, owner and tags changed by an analyst', () => {
		const now = incident({
			status: 'Active',
			severity: 'High',
			owner: { objectId: 'o-1', email: 'bob@contoso.com' },
			labels: [{ labelName: 'VIP' }],
			lastModifiedTimeUtc: '2026-12-02T10:05:00Z',
		});
		const { changes } = diffIncident(before, now, [], principal);
		expect(changes.fields).toEqual(['status', 'severity', 'owner', 'tags']);
		expect(changes.status).toEqual({ from: 'New', to: 'Active' });
		expect(changes.severity).toEqual({ from: 'Medium', to: 'High', raised: true });
		expect(changes.owner).toEqual({ from: { objectId: null, name: null }, to: { objectId: 'o-1', name: 'bob@contoso.com' } });
		expect(changes.tags).toEqual({ added: ['VIP'], removed: [] });
		expect(changes.by).toEqual({ name: 'analyst@contoso.com', type: 'User', isThisApp: false });
	});

	it('reports nothing when changes between two polls cancel out', () => {
		// High → Low → Medium again, a tag added and removed, an owner set and cleared: the incident is as it was.
		const now = incident({ lastModifiedTimeUtc: '2026-12-02T10:09:00Z' });
		expect(diffIncident(before, now, [], principal).changes.fields).toEqual([]);
	});

	it("takes status, owner and tags written by this package's own app as its write-backs, but not severity or a reopen", () => {
		const acked = incident({ status: 'Active', owner: { objectId: 'o-2', email: 'eng@contoso.com' }, labels: [{ labelName: 'SIGNL4' }], severity: 'High' }, APP);
		const own = diffIncident(before, acked, [], principal).changes;
		expect(own.fields).toEqual(['severity']);
		expect(own.ownWrites).toEqual(['status', 'owner', 'tags']);
		expect(own.by.isThisApp).toBe(true);

		const closed = snapshotOf(incident({ status: 'Closed' }));
		const reopened = diffIncident(closed, incident({ status: 'Active' }, APP), [], principal).changes;
		expect(reopened).toMatchObject({ fields: ['status'], reopened: true, status: { from: 'Closed', to: 'Active' } });

		const closedByAnalyst = diffIncident(before, incident({ status: 'Closed' }), [], principal).changes;
		expect(closedByAnalyst).toMatchObject({ fields: ['status'], closed: true });
	});

	it("reports new comments by others oldest first, never this package's own or those already seen", () => {
		const seen = snapshotOf(incident(), Date.parse('2026-12-02T10:01:00Z'));
		const comments = [
			comment('third', '2026-12-02T10:04:00Z'),
			comment('old', '2026-12-02T10:00:30Z'),
			comment('mine', '2026-12-02T10:02:30Z', APP_OBJECT, 'n8n'),
			comment('first', '2026-12-02T10:02:00Z'),
			comment('second', '2026-12-02T10:03:00Z', 'bbbb', 'Bob'),
		];
		const { changes, snapshot } = diffIncident(seen, incident({ additionalData: { commentsCount: 5 } }), comments, principal);
		expect(changes.fields).toEqual(['comments']);
		expect(changes.comments.map((c) => [c.message, c.author])).toEqual([
			['first', 'Ann Analyst'],
			['second', 'Bob'],
			['third', 'Ann Analyst'],
		]);
		// The next diff starts after the newest comment, whoever wrote it.
		expect(snapshot[6]).toBe(Date.parse('2026-12-02T10:04:00Z'));
		expect(snapshot[5]).toBe(5);
		expect(diffIncident(snapshot, incident({ additionalData: { commentsCount: 5 } }), comments, principal).changes.fields).toEqual([]);
	});

	it('a lowered severity is reported as not raised', () => {
		const { changes } = diffIncident(before, incident({ severity: 'Low' }), [], principal);
		expect(changes.severity).toEqual({ from: 'Medium', to: 'Low', raised: false });
	});

	it('drops snapshots older than the maximum age', () => {
		const nowMs = Date.parse('2026-12-03T12:00:00Z');
		const kept = pruneSnapshots({ 7: snapshotOf(incident()), 8: snapshotOf(incident({ createdTimeUtc: '2026-12-03T11:00:00Z' })) }, nowMs, 24);
		expect(Object.keys(kept)).toEqual(['8']);
	});
});

describe('Microsoft Sentinel Trigger: what changed', () => {
	const TYPE = 'n8n-nodes-sentinel-signl4.microsoftSentinelTrigger';
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
			nodeType: new MicrosoftSentinelTrigger(),
			typeName: TYPE,
			parameters: triggerParameters(emu, {
				event: 'createdOrUpdated',
				statuses: ['New', 'Active', 'Closed'],
				includeAlerts: false,
				includeEntities: false,
				...parameters,
			}),
			credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) },
			staticData,
		});
	}
	const items = (result: INodeExecutionData[][] | null) => (result ? result[0].map((i) => i.json) : []);

	it("reports an analyst's changes and comments once, in order, and nothing for this package's own writes", async () => {
		const watched = emu.sentinel.createIncident({ severity: 'Medium' });
		const node = trigger();
		expect(items(await node.poll()).map((i) => i.triggerEvent)).toEqual(['created']);

		// Twenty comments in a burst: a comment does not move the incident's modification time in the emulator, so
		// these are found by their count.
		for (let n = 1; n <= 20; n++) emu.sentinel.addComment(watched.name, `note ${n}`, emu.sentinel.users[1].email);
		const commented = items(await node.poll());
		expect(commented).toHaveLength(1);
		const changes = commented[0].changes as IDataObject;
		expect(changes.fields).toEqual(['comments']);
		expect((changes.comments as IDataObject[]).map((c) => c.message)).toEqual(Array.from({ length: 20 }, (_, i) => `note ${i + 1}`));
		expect(await node.poll()).toBeNull();

		// Severity up and back down between two polls: nothing to report, and nothing emitted.
		emu.sentinel.updateIncident(watched.name, { severity: 'High' }, emu.sentinel.users[0].email);
		emu.sentinel.updateIncident(watched.name, { severity: 'Medium' }, emu.sentinel.users[0].email);
		expect(await node.poll()).toBeNull();

		// This package's app sets it Active with an owner (a write-back from SIGNL4): not reported.
		emu.sentinel.updateIncident(watched.name, { status: 'Active', ownerObjectId: emu.sentinel.users[2].objectId }, emu.principal.clientId);
		expect(await node.poll()).toBeNull();

		// An analyst takes it over and raises it: both reported, by the analyst.
		emu.sentinel.updateIncident(watched.name, { severity: 'High', ownerObjectId: emu.sentinel.users[0].objectId }, emu.sentinel.users[0].email);
		const [raised] = items(await node.poll());
		expect(raised.changes).toMatchObject({
			fields: ['severity', 'owner'],
			severity: { from: 'Medium', to: 'High', raised: true },
			owner: { to: { objectId: emu.sentinel.users[0].objectId } },
			by: { isThisApp: false },
		});

		// Closed by an analyst, then reopened.
		emu.sentinel.updateIncident(watched.name, { status: 'Closed', classification: 'FalsePositive', classificationReason: 'InaccurateData' }, emu.sentinel.users[0].email);
		expect(items(await node.poll())[0].changes).toMatchObject({ fields: ['status'], closed: true });
		emu.sentinel.updateIncident(watched.name, { status: 'Active' }, emu.sentinel.users[0].email);
		expect(items(await node.poll())[0].changes).toMatchObject({ fields: ['status'], reopened: true, status: { from: 'Closed', to: 'Active' } });
	});

	it("finds a new comment on an incident the poll's query no longer returns, with one listing of the open incidents", async () => {
		const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
		const old = emu.sentinel.createIncident({ createdTimeUtc: hourAgo, lastModifiedTimeUtc: hourAgo });
		const closed = emu.sentinel.createIncident({ createdTimeUtc: hourAgo, lastModifiedTimeUtc: hourAgo, status: 'Closed', classification: 'BenignPositive', classificationReason: 'SuspiciousButExpected' });
		emu.sentinel.createIncident();
		const node = trigger();
		expect(items(await node.poll())).toHaveLength(3);
		expect(await node.poll()).toBeNull();
		const before = emu.requests.length;
		emu.sentinel.addComment(old.name, 'seen from the old one', emu.sentinel.users[1].email);
		emu.sentinel.addComment(closed.name, 'a closed incident is not watched', emu.sentinel.users[1].email);
		const [update] = items(await node.poll());
		expect(update.incidentNumber).toBe(old.properties.incidentNumber);
		expect((update.changes as IDataObject).comments).toMatchObject([{ message: 'seen from the old one' }]);
		// The poll's query, one listing of the open incidents, one comment read.
		expect(emu.requests.slice(before).map((r) => r.route)).toEqual(['incidents.list', 'incidents.list', 'comments.list']);
	});

	it('reads the comments of at most 100 incidents per poll; the others follow on the next poll', async () => {
		const incidents = Array.from({ length: 105 }, () => emu.sentinel.createIncident());
		const node = trigger();
		expect(items(await node.poll())).toHaveLength(105);
		for (const incident of incidents) emu.sentinel.addComment(incident.name, `note on ${incident.properties.incidentNumber}`, emu.sentinel.users[1].email);
		const first = items(await node.poll());
		const second = items(await node.poll());
		expect([first.length, second.length]).toEqual([100, 5]);
		const reported = [...first, ...second].map((item) => ((item.changes as IDataObject).comments as IDataObject[])[0].message);
		expect(new Set(reported).size).toBe(105);
		expect(await node.poll()).toBeNull();
	});

	it('"Every Modification" still emits this package\'s own writes, with what changed', async () => {
		const watched = emu.sentinel.createIncident();
		const node = trigger({ options: { updatesToEmit: 'all' } });
		await node.poll();
		emu.sentinel.updateIncident(watched.name, { status: 'Active' }, emu.principal.clientId);
		const [update] = items(await node.poll());
		expect(update.triggerEvent).toBe('updated');
		expect(update.changes).toMatchObject({ fields: [], ownWrites: ['status'], by: { isThisApp: true } });
	});
});
