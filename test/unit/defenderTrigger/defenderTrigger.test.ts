/**
 * The Microsoft Defender XDR Trigger in a real n8n-core PollContext against the emulator's Graph security module:
 * the item shape, filters (Graph-side and the incidents' service sources), paging over nextLink, bursts over several
 * polls, updates (also ones stamped behind the watermark), a listing continued from its nextLink, Fetch Test Event,
 * and the permission message.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { clearAzureSessions } from '../../../nodes/shared/azure/credential';
import { MicrosoftDefenderXdrTrigger } from '../../../nodes/MicrosoftDefenderXdrTrigger/MicrosoftDefenderXdrTrigger.node';
import { LOOKBACK_MS, baseFilterTerms, severityRank, stateFigures, type CursorState } from '../../../nodes/MicrosoftDefenderXdrTrigger/cursor';
import { MAX_PAGES_PER_POLL, PAGE_SIZE } from '../../../nodes/MicrosoftDefenderXdrTrigger/poll';
import { startEmulator, type Emulator } from '../../emulator';
import { emulatorCredential, hoursAgo } from '../../helpers/azureFixtures';
import { PollHarness } from '../../helpers/n8nHarness';

jest.setTimeout(120_000);

const TYPE = 'n8n-nodes-sentinel-signl4.microsoftDefenderXdrTrigger';
let emu: Emulator;

beforeEach(async () => {
	clearAzureSessions();
	emu = await startEmulator();
});

afterEach(async () => {
	await emu.stop();
});

function trigger(parameters: INodeParameters = {}, options: { staticData?: IDataObject } = {}) {
	return new PollHarness({
		nodeType: new MicrosoftDefenderXdrTrigger(),
		typeName: TYPE,
		nodeName: 'Microsoft Defender XDR Trigger',
		parameters: {
			watch: 'incidents',
			incidentStatuses: ['active'],
			severities: ['high', 'medium', 'low', 'informational'],
			serviceSources: [],
			maxAgeHours: 24,
			event: 'created',
			options: {},
			...parameters,
		},
		credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) },
		staticData: options.staticData,
	});
}

const items = (result: INodeExecutionData[][] | null) => (result ? result[0].map((i) => i.json) : []);
const ids = (result: INodeExecutionData[][] | null) => items(result).map((i) => i.id as string);
const cursorOf = (node: PollHarness) => (node.staticData['node:Microsoft Defender XDR Trigger'] as { cursor: CursorState }).cursor;
const lists = (route: 'graph.security.incidents.list' | 'graph.security.alerts.list') => emu.requests.filter((r) => r.route === route);

describe('Microsoft Defender XDR Trigger', () => {
	it('emits each matching incident once, as Graph has it plus the event, source, tenant, portal link and its alerts', async () => {
		const a = emu.defender.createIncident({ displayName: 'Ransomware on FS01', severity: 'high' });
		const b = emu.defender.createIncident({ severity: 'low' });
		const node = trigger();
		const first = items(await node.poll());
		expect(first.map((i) => i.id)).toEqual([a.id, b.id]);
		const item = first[0];
		const alerts = emu.defender.alerts(a.id);
		expect(item).toMatchObject({
			...emu.defender.incident(a.id),
			eventType: 'created',
			source: 'defenderXdr',
			kind: 'incident',
			tenantId: emu.principal.tenantId,
			portalUrl: a.incidentWebUrl,
			title: 'Ransomware on FS01',
		});
		expect((item.alerts as IDataObject[]).map((alert) => alert.id)).toEqual(alerts.map((alert) => alert.id));
		expect(item.serviceSources).toEqual([...new Set(alerts.map((alert) => alert.serviceSource))]);
		expect(item.mitreTechniques).toEqual([...new Set(alerts.flatMap((alert) => alert.mitreTechniques))]);
		// Graph's rules: small pages with the alerts expanded, no $orderby.
		expect(lists('graph.security.incidents.list')[0].query).toMatchObject({ $top: String(PAGE_SIZE), $expand: 'alerts' });
		expect(lists('graph.security.incidents.list').every((r) => r.status === 200 && !('$orderby' in r.query))).toBe(true);
		expect(await node.poll()).toBeNull();
	});

	it('filters by status, severity and age at Graph, and by the service sources of an incident\'s alerts', async () => {
		emu.defender.createIncident({ displayName: 'old', createdDateTime: hoursAgo(30), lastUpdateDateTime: hoursAgo(30) });
		const resolved = emu.defender.createIncident({ displayName: 'resolved', status: 'resolved', classification: 'falsePositive', determination: 'other' });
		const low = emu.defender.createIncident({ displayName: 'low', severity: 'low', alerts: [{ serviceSource: 'microsoftDefenderForOffice365' }] });
		const high = emu.defender.createIncident({
			displayName: 'high',
			severity: 'high',
			alerts: [{ serviceSource: 'microsoftDefenderForOffice365' }, { serviceSource: 'microsoftDefenderForEndpoint' }],
		});
		expect(ids(await trigger().poll())).toEqual([high.id, low.id]);
		expect(ids(await trigger({ severities: ['high'] }).poll())).toEqual([high.id]);
		expect(ids(await trigger({ incidentStatuses: ['resolved'] }).poll())).toEqual([resolved.id]);
		expect(items(await trigger({ maxAgeHours: 48, incidentStatuses: [] }).poll())).toHaveLength(4);
		expect(ids(await trigger({ serviceSources: ['microsoftDefenderForEndpoint'] }).poll())).toEqual([high.id]);
		expect(ids(await trigger({ serviceSources: ['microsoftDefenderForIdentity'] }).poll())).toEqual([]);
		const filters = lists('graph.security.incidents.list').map((r) => r.query.$filter);
		expect(filters.filter((filter) => /^createdDateTime ge \S+Z and status eq 'active' and severity eq 'high'$/.test(filter))).toHaveLength(1);
	});

	it('sees the enum members Graph hides from clients without Prefer: include-unknown-enum-members (Sentinel source, awaiting action)', async () => {
		const fromSentinel = emu.defender.createIncident({ severity: 'high', status: 'awaitingAction', alerts: [{ serviceSource: 'microsoftSentinel' }] });
		emu.defender.createIncident({ severity: 'high', alerts: [{ serviceSource: 'microsoftDefenderForCloud' }] });
		expect(ids(await trigger({ incidentStatuses: ['awaitingAction'], serviceSources: ['microsoftSentinel'] }).poll())).toEqual([fromSentinel.id]);
		const [alert, ...rest] = items(await trigger({ watch: 'alerts', alertStatuses: [], serviceSources: ['microsoftDefenderForCloud'] }).poll());
		expect(rest).toEqual([]);
		expect(alert.serviceSource).toBe('microsoftDefenderForCloud');
	});

	it('watches alerts_v2 with the service source filtered by Graph', async () => {
		emu.defender.createIncident({ severity: 'medium', alerts: [{ serviceSource: 'microsoftDefenderForEndpoint', title: 'EDR hit' }, { serviceSource: 'microsoftDefenderForIdentity', title: 'Pass the ticket' }] });
		const node = trigger({ watch: 'alerts', alertStatuses: ['new'], serviceSources: ['microsoftDefenderForIdentity'] });
		const [alert, ...rest] = items(await node.poll());
		expect(rest).toEqual([]);
		expect(alert).toMatchObject({ title: 'Pass the ticket', kind: 'alert', source: 'defenderXdr', eventType: 'created', serviceSources: ['microsoftDefenderForIdentity'] });
		expect(alert.portalUrl).toBe(alert.alertWebUrl);
		expect(alert.alerts).toBeUndefined();
		expect(lists('graph.security.alerts.list')[0].query.$filter).toContain("serviceSource eq 'microsoftDefenderForIdentity'");
		expect(await node.poll()).toBeNull();

		// Alert IDs are long strings: what the state costs per alert.
		emu.defender.seed(100, 60);
		const all = trigger({ watch: 'alerts', alertStatuses: [] });
		const emitted = ids(await all.poll());
		const figures = stateFigures(cursorOf(all));
		console.log(`Defender alerts: ${emitted.length} emitted, state ${figures.remembered} IDs in ${figures.bytes} bytes (${Math.round(figures.bytes / figures.remembered)} bytes an alert)`);
		expect(figures.remembered).toBe(emu.defender.alerts().length);
		expect(new Set(emitted).size).toBe(emitted.length);
	});

	it('a burst of 500 incidents over several pages and polls: each once, most severe first in each poll, state bounded', async () => {
		const node = trigger({ incidentStatuses: [] });
		const all = emu.defender.seed(200, 60);
		const emitted: string[] = [];
		let polls = 0;
		const pollOnce = async () => {
			const result = items(await node.poll());
			polls++;
			// Within a poll: most severe first, then oldest first.
			for (let i = 1; i < result.length; i++) {
				const [before, after] = [result[i - 1], result[i]];
				const order = severityRank(before.severity as string) - severityRank(after.severity as string) || Date.parse(before.createdDateTime as string) - Date.parse(after.createdDateTime as string);
				expect(order).toBeLessThanOrEqual(0);
			}
			emitted.push(...result.map((i) => i.id as string));
		};
		await pollOnce();
		all.push(...emu.defender.seed(150, 5));
		await pollOnce();
		all.push(...emu.defender.seed(150, 1));
		await pollOnce();
		await pollOnce();
		const duplicates = emitted.length - new Set(emitted).size;
		const misses = all.filter((incident) => !emitted.includes(incident.id)).length;
		const figures = stateFigures(cursorOf(node));
		const pages = lists('graph.security.incidents.list').length;
		console.log(`Defender burst: ${all.length} incidents, ${polls} polls, ${pages} list pages of ${PAGE_SIZE}: emitted ${emitted.length}, duplicates ${duplicates}, misses ${misses}; state ${figures.remembered} IDs, ${figures.bytes} bytes`);
		expect(all).toHaveLength(500);
		expect(duplicates).toBe(0);
		expect(misses).toBe(0);
		expect(pages).toBeGreaterThan(10);
		expect(figures.remembered).toBe(500);
		expect(figures.bytes).toBeLessThan(500 * 40);
	});

	it('New and Updated: an analyst\'s edit is emitted once as an update, and an incident stamped behind the watermark is still seen', async () => {
		const incident = emu.defender.createIncident({ severity: 'medium' });
		const node = trigger({ event: 'createdOrUpdated' });
		expect(ids(await node.poll())).toEqual([incident.id]);
		emu.defender.updateIncident(incident.id, { assignedTo: 'kai@contoso.com', status: 'inProgress' });
		// The workflow's filter now also takes in-progress incidents (restarted with the same saved cursor).
		const again = trigger({ event: 'createdOrUpdated', incidentStatuses: ['active', 'inProgress'] }, { staticData: node.staticData });
		const [update, ...more] = items(await again.poll());
		expect(more).toEqual([]);
		expect(update).toMatchObject({ id: incident.id, eventType: 'updated', assignedTo: 'kai@contoso.com', status: 'inProgress' });
		expect(await again.poll()).toBeNull();

		// Landing late: created and stamped 5 minutes before the watermark, inside the look-back.
		const watermark = cursorOf(again).watermark!;
		const late = emu.defender.createIncident({ createdDateTime: new Date(watermark - LOOKBACK_MS / 2).toISOString(), lastUpdateDateTime: new Date(watermark - LOOKBACK_MS / 2).toISOString() });
		expect(items(await again.poll())).toEqual([expect.objectContaining({ id: late.id, eventType: 'created' })]);
		expect(await again.poll()).toBeNull();
	});

	it(`a listing longer than ${MAX_PAGES_PER_POLL} pages is continued from its nextLink on the next poll`, async () => {
		const total = MAX_PAGES_PER_POLL * PAGE_SIZE + 30;
		emu.defender.seed(total, 120);
		const node = trigger({ incidentStatuses: [] });
		const first = ids(await node.poll());
		expect(first).toHaveLength(MAX_PAGES_PER_POLL * PAGE_SIZE);
		expect(new URL(cursorOf(node).resume!.link).searchParams.get('$skip')).toBe(String(MAX_PAGES_PER_POLL * PAGE_SIZE));
		expect(cursorOf(node).watermark).toBeUndefined();
		const second = ids(await node.poll());
		expect(second).toHaveLength(30);
		expect(new Set([...first, ...second]).size).toBe(total);
		expect(cursorOf(node).resume).toBeUndefined();
		expect(cursorOf(node).watermark).toBeDefined();
		expect(await node.poll()).toBeNull();

		// A saved link on another host (the credential's Graph endpoint changed) is not followed: the listing starts again.
		const moved = JSON.parse(JSON.stringify(node.staticData)) as IDataObject;
		const cursor = (moved['node:Microsoft Defender XDR Trigger'] as { cursor: CursorState }).cursor;
		// Same filters (so only the host differs); followed, the transport would refuse the link and fail the poll.
		const key = baseFilterTerms('incidents', { statuses: [], severities: ['high', 'medium', 'low', 'informational'], serviceSources: [], maxAgeHours: 24 }).join(' and ');
		cursor.resume = { link: 'https://graph.example.invalid/v1.0/security/incidents?$skip=50', highest: 0, sweep: false, key, startedAt: Date.now() };
		const listsBefore = lists('graph.security.incidents.list').length;
		expect(await trigger({ incidentStatuses: [] }, { staticData: moved }).poll()).toBeNull();
		expect(lists('graph.security.incidents.list').length).toBeGreaterThan(listsBefore);
	});

	it('honours Retry-After mid-listing; a throttled poll fails whole, keeps its cursor, and the next one emits each once', async () => {
		emu.defender.seed(120, 60);
		const node = trigger({ incidentStatuses: [] });
		emu.faults.add({ route: 'graph.security.incidents.list', kind: 'status', status: 429, retryAfterSeconds: 1, skip: 1, times: 1 });
		const first = ids(await node.poll());
		expect(new Set(first).size).toBe(120);
		const throttled = lists('graph.security.incidents.list').filter((r) => r.status === 429);
		expect(throttled).toHaveLength(1);

		const cursorBefore = cursorOf(node);
		emu.defender.seed(60, 1);
		// Graph asks for longer than the transport waits: the poll fails with the wait named, the cursor stays.
		const faultId = emu.faults.add({ route: 'graph.security.incidents.list', kind: 'status', status: 429, retryAfterSeconds: 120, skip: 1, times: Infinity });
		await expect(node.poll()).rejects.toThrow(/throttling requests \(429\) and asked to wait 120 s/);
		expect(cursorOf(node)).toEqual(cursorBefore);
		emu.faults.remove(faultId);
		const second = ids(await node.poll());
		expect(second).toHaveLength(60);
		expect(second.filter((id) => first.includes(id))).toEqual([]);
		expect(await node.poll()).toBeNull();
	});

	it('Fetch Test Event returns the newest matching incident and leaves the cursor alone', async () => {
		emu.defender.createIncident({ displayName: 'older', severity: 'high', createdDateTime: hoursAgo(2), lastUpdateDateTime: hoursAgo(2) });
		const newest = emu.defender.createIncident({ displayName: 'newest', severity: 'high', createdDateTime: hoursAgo(1), lastUpdateDateTime: hoursAgo(1) });
		emu.defender.createIncident({ displayName: 'too old for the filter', severity: 'high', createdDateTime: hoursAgo(40), lastUpdateDateTime: hoursAgo(40) });
		const node = trigger();
		expect(items(await node.poll('manual'))).toEqual([expect.objectContaining({ id: newest.id, title: 'newest', eventType: 'created' })]);
		expect(node.staticData).toEqual({});
		// Then the active workflow still emits both.
		expect(items(await node.poll())).toHaveLength(2);
		// Nothing inside the maximum age: the newest of any age.
		const onlyOld = trigger({ severities: ['low'] });
		const ancient = emu.defender.createIncident({ severity: 'low', createdDateTime: hoursAgo(50), lastUpdateDateTime: hoursAgo(50) });
		expect(ids(await onlyOld.poll('manual'))).toEqual([ancient.id]);
		await expect(trigger({ serviceSources: ['microsoftSecurityForAI'] }).poll('manual')).rejects.toThrow("No Defender XDR incident matches the trigger's filters");
	});

	it('without the Graph permission it names it and admin consent, and keeps no cursor', async () => {
		emu.defender.setRoles(emu.principal.objectId, []);
		const node = trigger();
		const error = await node.poll().then(
			() => undefined,
			(e: Error & { description?: string }) => e,
		);
		expect(error?.message).toContain('SecurityIncident.Read.All');
		expect(error?.description).toContain('admin consent');
		expect(JSON.stringify(error)).not.toContain(emu.principal.clientSecret);
		expect(cursorOf(node)).toBeUndefined();
	});
});
