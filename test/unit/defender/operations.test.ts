/**
 * Microsoft Defender XDR node, run through n8n-core against the emulator's Graph security API: each operation's
 * exact requests (method, path, query, body) and what it outputs.
 */
import { MicrosoftDefenderXdr } from '../../../nodes/MicrosoftDefenderXdr/MicrosoftDefenderXdr.node';
import type { Emulator } from '../../emulator';
import { emulatorCredential } from '../../helpers/azureFixtures';
import { PollHarness } from '../../helpers/n8nHarness';
import { TYPE, byId, json, resetEmulator, run, startDefenderEmulator, wire } from './support';

let emu: Emulator;
beforeAll(async () => {
	emu = await startDefenderEmulator();
});
afterAll(() => emu.stop());
afterEach(() => resetEmulator(emu));

describe('incident', () => {
	test('Get reads the incident by ID (alerts expanded on request); OData bookkeeping is not output', async () => {
		const incident = emu.defender.createIncident({ displayName: 'Get me' });
		const plain = await run(emu, 'incident', 'get', { incident: byId(incident.id) });
		expect(plain.error).toBeUndefined();
		expect(json(plain)).toEqual([expect.objectContaining({ id: incident.id, displayName: 'Get me' })]);
		expect(json(plain)[0]).not.toHaveProperty('@odata.context');
		const expanded = await run(emu, 'incident', 'get', { incident: byId(incident.id), options: { includeAlerts: true } });
		expect((json(expanded)[0].alerts as unknown[]).length).toBe(emu.defender.alerts(incident.id).length);
		expect(wire(emu)).toEqual([
			{ method: 'GET', path: `/v1.0/security/incidents/${incident.id}`, query: {} },
			{ method: 'GET', path: `/v1.0/security/incidents/${incident.id}`, query: { $expand: 'alerts' } },
		]);
	});

	test('the incident comes from the input item (incidentId, or id of a trigger item) or a Defender portal link', async () => {
		const incident = emu.defender.createIncident({});
		const fromInput = await run(emu, 'incident', 'get', {}, { input: [{ incidentId: incident.id }, { id: incident.id, kind: 'incident' }] });
		expect(json(fromInput).map((item) => item.id)).toEqual([incident.id, incident.id]);
		const url = `https://security.microsoft.com/incidents/${incident.id}?tid=${emu.principal.tenantId}`;
		const fromUrl = await run(emu, 'incident', 'get', { incident: { __rl: true, mode: 'url', value: url } });
		expect(json(fromUrl)[0].id).toBe(incident.id);
		// A Sentinel incident name is refused in the ID mode by n8n (the mode's validation), and from an input item by the node.
		await expect(run(emu, 'incident', 'get', { incident: byId('73e01a99-5cd7-4139-a149-9f2736ff2ab5') })).rejects.toThrow(/whole number/);
		const fromSentinelItem = await run(emu, 'incident', 'get', {}, { input: [{ incidentId: '73e01a99-5cd7-4139-a149-9f2736ff2ab5' }] });
		expect(fromSentinelItem.error?.message).toMatch(/whole number/);
		expect((fromSentinelItem.error as { description?: string }).description).toMatch(/not a Sentinel incident name/);
	});

	test('Get Many sends the filters as one $filter with $top=50, follows nextLink, sorts by last update and applies the limit', async () => {
		const created = Array.from({ length: 55 }, (_, index) => emu.defender.createIncident({ severity: index % 2 ? 'high' : 'low', status: 'active' }));
		// An analyst's edit makes an old incident the most recently updated one.
		const touched = emu.defender.updateIncident(created[3].id, { status: 'inProgress' });
		const since = '2026-01-01T00:00:00.000Z';
		const result = await run(emu, 'incident', 'getMany', {
			returnAll: false,
			limit: 5,
			filters: { statuses: ['active', 'inProgress'], severities: ['high'], updatedAfter: since },
			sortBy: 'lastUpdateDesc',
		});
		expect(result.error).toBeUndefined();
		const items = json(result);
		expect(items).toHaveLength(5);
		expect(items[0].id).toBe(touched.id);
		expect(items.every((item) => item.severity === 'high')).toBe(true);
		const updates = items.map((item) => Date.parse(String(item.lastUpdateDateTime)));
		expect([...updates].sort((a, b) => b - a)).toEqual(updates);
		const requests = wire(emu);
		expect(requests[0]).toEqual({
			method: 'GET',
			path: '/v1.0/security/incidents',
			query: { $top: '50', $filter: `(status eq 'active' or status eq 'inProgress') and severity eq 'high' and lastUpdateDateTime ge ${since}` },
		});
		const all = await run(emu, 'incident', 'getMany', { returnAll: true, filters: {}, sortBy: 'severityDesc' });
		const total = emu.defender.incidents().length;
		expect(json(all)).toHaveLength(total);
		expect(json(all)[0].severity).toBe('high');
		const pages = wire(emu).length - requests.length;
		console.log(`Get Many: ${total} incidents in ${pages} pages of at most 50`);
		expect(pages).toBe(Math.ceil(total / 50));
	});

	test('Update sends only the fields set, merges custom tags (others kept, removal case-insensitive) and reads back', async () => {
		const incident = emu.defender.createIncident({ customTags: ['vip', 'Phishing'] });
		const result = await run(emu, 'incident', 'update', {
			incident: byId(incident.id),
			updateFields: { status: 'resolved', classification: 'truePositive', determination: 'phishing', assignedTo: 'analyst@contoso.com', tagsToAdd: 'SIGNL4, paged', tagsToRemove: 'phishing' },
		});
		expect(result.error).toBeUndefined();
		const path = `/v1.0/security/incidents/${incident.id}`;
		expect(wire(emu)).toEqual([
			{ method: 'GET', path, query: {} },
			{
				method: 'PATCH',
				path,
				query: {},
				body: { status: 'resolved', classification: 'truePositive', determination: 'phishing', assignedTo: 'analyst@contoso.com', customTags: ['vip', 'SIGNL4', 'paged'] },
			},
			{ method: 'GET', path, query: {} },
		]);
		expect(json(result)[0]).toMatchObject({ status: 'resolved', customTags: ['vip', 'SIGNL4', 'paged'], updated: { patches: 1 } });
		expect(emu.defender.incident(incident.id)).toMatchObject({ status: 'resolved', classification: 'truePositive', determination: 'phishing', assignedTo: 'analyst@contoso.com' });

		// Run again: the tags are already there, so nothing is sent; without tags no read comes before the PATCH.
		emu.clearRequests();
		await run(emu, 'incident', 'update', { incident: byId(incident.id), updateFields: { tagsToAdd: 'SIGNL4' } });
		expect(wire(emu).map((request) => request.method)).toEqual(['GET', 'GET']);
		emu.clearRequests();
		await run(emu, 'incident', 'update', { incident: byId(incident.id), updateFields: { status: 'active' } });
		expect(wire(emu)).toEqual([
			{ method: 'PATCH', path, query: {}, body: { status: 'active' } },
			{ method: 'GET', path, query: {} },
		]);
	});

	test('Update: a concurrent tag edit that replaced ours is merged and sent once more; the analyst\'s tag is kept', async () => {
		const incident = emu.defender.createIncident({ customTags: ['vip'] });
		// The read-back waits; meanwhile an analyst saves the tag list they had loaded before our PATCH.
		emu.faults.add({ route: 'graph.security.incidents.get', kind: 'latency', delayMs: 400, skip: 1, times: 1 });
		const running = run(emu, 'incident', 'update', { incident: byId(incident.id), updateFields: { tagsToAdd: 'SIGNL4' } });
		while (!emu.requests.some((request) => request.route === 'graph.security.incidents.update')) await new Promise((resolve) => setTimeout(resolve, 20));
		emu.defender.updateIncident(incident.id, { customTags: ['vip', 'escalated'] });
		const result = await running;
		expect(result.error).toBeUndefined();
		const patches = wire(emu).filter((request) => request.method === 'PATCH');
		expect(patches.map((request) => request.body)).toEqual([{ customTags: ['vip', 'SIGNL4'] }, { customTags: ['vip', 'escalated', 'SIGNL4'] }]);
		expect(emu.defender.incident(incident.id)?.customTags).toEqual(['vip', 'escalated', 'SIGNL4']);
		expect(json(result)[0]).toMatchObject({ updated: { patches: 2 } });
	});

	test('Update with nothing set is refused before any request', async () => {
		const incident = emu.defender.createIncident({});
		const result = await run(emu, 'incident', 'update', { incident: byId(incident.id), updateFields: {} });
		expect(result.error?.message).toBe('Nothing to update');
		expect(wire(emu)).toEqual([]);
	});

	test('Add Comment posts Graph\'s alertComment body once and outputs the stored comment from the list Graph returns', async () => {
		const incident = emu.defender.createIncident({});
		emu.defender.addComment('incident', incident.id, 'earlier note');
		const result = await run(emu, 'incident', 'addComment', { incident: byId(incident.id), comment: 'Acknowledged in SIGNL4 by Jane' });
		expect(result.error).toBeUndefined();
		expect(wire(emu)).toEqual([
			{
				method: 'POST',
				path: `/v1.0/security/incidents/${incident.id}/comments`,
				query: {},
				body: { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'Acknowledged in SIGNL4 by Jane' },
			},
		]);
		expect(json(result)[0]).toMatchObject({ incidentId: incident.id, commentsCount: 2, comment: { comment: 'Acknowledged in SIGNL4 by Jane' } });
	});

	test('Add Comment with Skip If Already Posted Since: a second run for the same event posts nothing; an older identical comment does not count', async () => {
		const incident = emu.defender.createIncident({});
		const eventTime = new Date(Date.now() - 1_000).toISOString();
		const parameters = { incident: byId(incident.id), comment: 'Acknowledged in SIGNL4 by Jane.', options: { skipIfPostedSince: eventTime } };
		const first = await run(emu, 'incident', 'addComment', parameters);
		expect(first.error).toBeUndefined();
		expect(json(first)[0]).not.toHaveProperty('skipped');
		const again = await run(emu, 'incident', 'addComment', parameters);
		expect(json(again)[0]).toMatchObject({ skipped: 'alreadyPosted', commentsCount: 1, comment: { comment: 'Acknowledged in SIGNL4 by Jane.' } });
		expect(wire(emu).map((call) => call.method)).toEqual(['GET', 'POST', 'GET']);
		// The same words for a later event (acknowledged again after an undo) are posted.
		const later = await run(emu, 'incident', 'addComment', { ...parameters, options: { skipIfPostedSince: new Date(Date.now() + 60_000).toISOString() } });
		expect(json(later)[0]).toMatchObject({ commentsCount: 2 });
		const bad = await run(emu, 'incident', 'addComment', { ...parameters, options: { skipIfPostedSince: 'yesterday' } });
		expect(bad.error?.message).toContain('is not a date and time');
		const alert = emu.defender.alerts(incident.id)[0];
		const onAlert = { alert: byId(alert.id), comment: 'Closed in SIGNL4 by Jane.', options: { skipIfPostedSince: eventTime } };
		await run(emu, 'alert', 'addComment', onAlert);
		expect(json(await run(emu, 'alert', 'addComment', onAlert))[0]).toMatchObject({ skipped: 'alreadyPosted', alertId: alert.id });
	});

	test('Get Alerts reads the incident with $expand=alerts and outputs one item per alert', async () => {
		const incident = emu.defender.createIncident({});
		const result = await run(emu, 'incident', 'getAlerts', { incident: byId(incident.id) });
		const alerts = emu.defender.alerts(incident.id);
		expect(json(result).map((item) => item.id)).toEqual(alerts.map((alert) => alert.id));
		expect(wire(emu)).toEqual([{ method: 'GET', path: `/v1.0/security/incidents/${incident.id}`, query: { $expand: 'alerts' } }]);
	});
});

describe('alert', () => {
	test("Graph's newer enum members are read as they are (Prefer: include-unknown-enum-members), not as unknownFutureValue", async () => {
		const incident = emu.defender.createIncident({ alerts: [{ serviceSource: 'microsoftSentinel' }] });
		const alert = emu.defender.alerts(incident.id)[0];
		const got = await run(emu, 'alert', 'get', { alert: byId(alert.id) });
		expect(json(got)[0]).toMatchObject({ id: alert.id, serviceSource: 'microsoftSentinel' });
		expect(emu.requests.filter((request) => request.route.startsWith('graph.security')).every((request) => request.headers.prefer === 'include-unknown-enum-members')).toBe(true);
	});

	test('Get, Update (only the fields set) and Add Comment address /security/alerts_v2/{id}', async () => {
		const incident = emu.defender.createIncident({});
		const alert = emu.defender.alerts(incident.id)[0];
		const url = `https://security.microsoft.com/alerts/${alert.id}?tid=${emu.principal.tenantId}`;
		const got = await run(emu, 'alert', 'get', { alert: { __rl: true, mode: 'url', value: url } });
		expect(json(got)[0].id).toBe(alert.id);
		const updated = await run(emu, 'alert', 'update', {
			alert: byId(alert.id),
			updateFields: { status: 'resolved', classification: 'falsePositive', determination: 'notMalicious', assignedTo: 'analyst@contoso.com' },
		});
		expect(json(updated)[0]).toMatchObject({ id: alert.id, status: 'resolved', classification: 'falsePositive', determination: 'notMalicious' });
		await run(emu, 'alert', 'addComment', { alert: byId(alert.id), comment: 'Closed in SIGNL4' });
		const path = `/v1.0/security/alerts_v2/${alert.id}`;
		expect(wire(emu)).toEqual([
			{ method: 'GET', path, query: {} },
			{ method: 'PATCH', path, query: {}, body: { status: 'resolved', classification: 'falsePositive', determination: 'notMalicious', assignedTo: 'analyst@contoso.com' } },
			{ method: 'POST', path: `${path}/comments`, query: {}, body: { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'Closed in SIGNL4' } },
		]);
		expect(emu.defender.alert(alert.id)).toMatchObject({ status: 'resolved', assignedTo: 'analyst@contoso.com' });
		emu.clearRequests();
		await run(emu, 'alert', 'update', { alert: byId(alert.id), updateFields: { unassign: true, assignedTo: 'ignored@contoso.com' } });
		expect(wire(emu)).toEqual([{ method: 'PATCH', path, query: {}, body: { assignedTo: null } }]);
		expect(emu.defender.alert(alert.id)?.assignedTo).toBeNull();
	});

	test('Get Many filters by service source and status with $top=2000', async () => {
		emu.defender.createIncident({});
		const result = await run(emu, 'alert', 'getMany', {
			returnAll: true,
			filters: { serviceSources: ['microsoftDefenderForEndpoint'], statuses: ['new'] },
			sortBy: 'createdDesc',
		});
		expect(result.error).toBeUndefined();
		expect(wire(emu)[0]).toEqual({
			method: 'GET',
			path: '/v1.0/security/alerts_v2',
			query: { $top: '2000', $filter: "status eq 'new' and serviceSource eq 'microsoftDefenderForEndpoint'" },
		});
		const expected = emu.defender.alerts().filter((alert) => alert.status === 'new' && alert.serviceSource === 'microsoftDefenderForEndpoint');
		expect(json(result).map((item) => item.id).sort()).toEqual(expected.map((alert) => alert.id).sort());
	});
});

describe('resource locator lists', () => {
	const lists = () => {
		const node = new MicrosoftDefenderXdr();
		const harness = new PollHarness({ nodeType: node, typeName: TYPE, nodeName: 'Microsoft Defender XDR', parameters: { resource: 'incident', operation: 'get' }, credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) } });
		return { node, context: harness.loadOptionsContext() };
	};

	test('incidents: 50 a page, the next page by its nextLink, the search matched on title and ID, portal links kept', async () => {
		const marked = emu.defender.createIncident({ displayName: 'Needle: ransomware on FIN-WS-042' });
		const { node, context } = lists();
		const first = await node.methods.listSearch.searchIncidents.call(context);
		expect(first.results).toHaveLength(Math.min(50, emu.defender.incidents().length));
		expect(first.results[0]).toMatchObject({ name: expect.stringMatching(/^#\d+ /), url: expect.stringMatching(/^https:\/\/security\.microsoft\.com\/incidents\//) });
		const total = emu.defender.incidents().length;
		let seen = first.results.length;
		let token = first.paginationToken as string | undefined;
		while (token) {
			const page = await node.methods.listSearch.searchIncidents.call(context, undefined, token);
			seen += page.results.length;
			token = page.paginationToken as string | undefined;
		}
		expect(seen).toBe(total);
		const found: string[] = [];
		for (let page = await node.methods.listSearch.searchIncidents.call(context, 'needle'); ; ) {
			found.push(...page.results.map((result) => String(result.value)));
			if (!page.paginationToken) break;
			page = await node.methods.listSearch.searchIncidents.call(context, 'needle', page.paginationToken as string);
		}
		expect(found).toEqual([marked.id]);
		const alerts = await node.methods.listSearch.searchAlerts.call(context);
		expect(alerts.results.length).toBe(Math.min(50, emu.defender.alerts().length));
		expect(wire(emu)[0]).toEqual({ method: 'GET', path: '/v1.0/security/incidents', query: { $top: '50' } });
	});
});
