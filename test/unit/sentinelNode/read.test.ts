/** Get (every way of naming the incident), Get Many (filters, limit, paging), Get Alerts, Get Entities; the node's description contract. */
import type { IDataObject, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';

import { MicrosoftSentinel } from '../../../nodes/MicrosoftSentinel/MicrosoftSentinel.node';
import type { Emulator } from '../../emulator';
import { hoursAgo } from '../../helpers/azureFixtures';
import { json, resetEmulator, run, startNodeEmulator, triggerItem, writes } from './support';

jest.setTimeout(90_000);

let emu: Emulator;
beforeAll(async () => {
	emu = await startNodeEmulator();
});
afterAll(() => emu.stop());
afterEach(() => {
	for (const incident of emu.sentinel.listIncidents()) emu.sentinel.deleteIncident(incident.name);
	resetEmulator(emu);
});

const workspaceById = () => ({ __rl: true, mode: 'id', value: emu.workspace.armId });

describe('Get', () => {
	it('reads the incident named by the input item (the trigger contract) and emits the shared incident shape', async () => {
		const incident = emu.sentinel.createIncident({ title: 'Mailbox rule', severity: 'High' });
		const result = await run(emu, 'get', {}, { input: [triggerItem(emu, incident)] });
		const [item] = json(result);
		expect(item).toMatchObject({
			incidentName: incident.name,
			incidentNumber: incident.properties.incidentNumber,
			title: 'Mailbox rule',
			severity: 'High',
			workspace: { armId: emu.workspace.armId, name: emu.workspace.name, resourceGroup: emu.workspace.resourceGroup },
		});
		expect((item.raw as IDataObject).incident).toEqual(emu.sentinel.getIncident(incident.name));
		expect(item.alerts).toBeUndefined();
		expect(writes(emu)).toHaveLength(0);
	});

	it('adds alerts and entities when asked', async () => {
		const incident = emu.sentinel.createIncident({ alerts: [{ scheduledRule: 'signin-bruteforce' }] });
		const [item] = json(await run(emu, 'get', { options: { includeAlerts: true, includeEntities: true } }, { input: [triggerItem(emu, incident)] }));
		expect((item.alerts as IDataObject[])[0]).toMatchObject({ query: expect.stringContaining('SigninLogs') });
		expect(item.entities).toMatchObject({ accounts: expect.any(Array), ips: expect.any(Array) });
	});

	it.each([
		['number', (i: { properties: { incidentNumber: number } }) => String(i.properties.incidentNumber)],
		['number', (i: { properties: { incidentNumber: number } }) => `#${i.properties.incidentNumber}`],
		['url', (i: { properties: { incidentUrl: string } }) => i.properties.incidentUrl],
		['url', (i: { properties: { incidentUrl: string } }) => `https://portal.azure.com/#view/Microsoft_Azure_Security_Insights/IncidentPage.ReactView/incidentArmId/${encodeURIComponent(encodeURIComponent(i.properties.incidentUrl.split('Incident')[1]))}`],
		['id', (i: { id: string }) => i.id],
	])('finds the incident by %s (%#)', async (mode, value) => {
		emu.sentinel.createIncident();
		const incident = emu.sentinel.createIncident({ title: 'the one' });
		emu.sentinel.createIncident();
		// The input item has no workspace: a number is looked up in the configured workspace; links and resource IDs
		// name theirs, so the Workspace field can stay at its default (the input item's, here none).
		const result = await run(emu, 'get', { incident: { __rl: true, mode, value: value(incident as never) }, ...(mode === 'number' ? { workspace: workspaceById() } : {}) }, { input: [{}] });
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({ incidentName: incident.name, title: 'the one' });
	});

	it('finds a Defender (Microsoft XDR) incident by its Defender portal link', async () => {
		const incident = emu.sentinel.createIncident({ providerName: 'Microsoft XDR' });
		const link = incident.properties.additionalData.providerIncidentUrl!;
		const result = await run(emu, 'get', { incident: { __rl: true, mode: 'url', value: link }, workspace: workspaceById() }, { input: [{}] });
		expect(json(result)[0]).toMatchObject({ incidentName: incident.name });
		expect(emu.requests.find((r) => r.route === 'incidents.list')?.query.$filter).toBe(`properties/providerIncidentId eq '${incident.properties.providerIncidentId}'`);
	});

	it('says clearly when an incident number does not exist, or a link contradicts the workspace', async () => {
		emu.sentinel.createIncident();
		const missing = await run(emu, 'get', { incident: { __rl: true, mode: 'number', value: '999' }, workspace: workspaceById() }, { input: [{}] });
		expect(missing.error?.message).toBe(`There is no incident number 999 in workspace '${emu.workspace.name}'`);

		const incident = emu.sentinel.createIncident();
		const other = emu.workspaces[1].armId;
		const conflict = await run(emu, 'get', { incident: { __rl: true, mode: 'url', value: incident.properties.incidentUrl }, workspace: { __rl: true, mode: 'id', value: other } }, { input: [{}] });
		expect(conflict.error?.message).toBe('The incident link points to another workspace than the Workspace field');

		const notALink = await run(emu, 'get', { incident: { __rl: true, mode: 'url', value: 'https://example.com/whatever' }, workspace: workspaceById() }, { input: [{}] });
		expect(notALink.error?.message).toBe('The link does not name a Microsoft Sentinel incident');
	});
});

describe('Get Many', () => {
	it('filters by status, severity, title, time window and OData, newest first by default', async () => {
		const a = emu.sentinel.createIncident({ title: 'Ransomware on FS01', severity: 'High', createdTimeUtc: hoursAgo(3) });
		emu.sentinel.createIncident({ title: 'ransomware note', severity: 'Low', createdTimeUtc: hoursAgo(2) });
		const c = emu.sentinel.createIncident({ title: 'Ransomware again', severity: 'Medium', status: 'Active', createdTimeUtc: hoursAgo(1) });
		emu.sentinel.createIncident({ title: 'Old ransomware', severity: 'High', createdTimeUtc: hoursAgo(50) });
		const names = async (filters: IDataObject, options: IDataObject = {}) =>
			json(await run(emu, 'getMany', { workspace: workspaceById(), returnAll: true, filters, options } as never, { input: [{}] })).map((i) => i.incidentName);

		expect(await names({ titleContains: "RANSOMWARE O", severities: ['High', 'Medium'], createdAfter: hoursAgo(24) })).toEqual([a.name]);
		expect(await names({ statuses: ['Active'] })).toEqual([c.name]);
		expect(await names({ createdAfter: hoursAgo(24), severities: ['High', 'Medium'] })).toEqual([c.name, a.name]);
		expect(await names({ createdAfter: hoursAgo(24), severities: ['High', 'Medium'] }, { orderBy: 'properties/createdTimeUtc asc' })).toEqual([a.name, c.name]);
		expect(await names({ odataFilter: "properties/severity eq 'Medium'" })).toEqual([c.name]);
		const query = emu.requests.filter((r) => r.route === 'incidents.list')[0].query;
		expect(query.$filter).toMatch(
			/^\(properties\/severity eq 'High' or properties\/severity eq 'Medium'\) and properties\/createdTimeUtc ge \d{4}-\d\d-\d\dT[\d:.]+Z and contains\(toLower\(properties\/title\), 'ransomware o'\)$/,
		);
	});

	it('escapes quotes in the title filter', async () => {
		const quoted = emu.sentinel.createIncident({ title: "O'Brien mailbox rule" });
		const result = await run(emu, 'getMany', { workspace: workspaceById(), returnAll: true, filters: { titleContains: "o'brien" } }, { input: [{}] });
		expect(json(result).map((i) => i.incidentName)).toEqual([quoted.name]);
		expect(emu.requests.find((r) => r.route === 'incidents.list')?.query.$filter).toBe("contains(toLower(properties/title), 'o''brien')");
	});

	it('stops at the limit, following nextLink as needed, and returns everything with Return All', async () => {
		emu.sentinel.seed(450, { createdWithinMinutes: 600, alertsPerIncident: [1, 1] });
		const limited = await run(emu, 'getMany', { workspace: workspaceById(), returnAll: false, limit: 7 }, { input: [{}] });
		expect(json(limited)).toHaveLength(7);
		expect(emu.requests.filter((r) => r.route === 'incidents.list').map((r) => r.query.$top)).toEqual(['7']);
		emu.clearRequests();

		const all = await run(emu, 'getMany', { workspace: workspaceById(), returnAll: true }, { input: [{}] });
		expect(json(all)).toHaveLength(450);
		expect(new Set(json(all).map((i) => i.incidentNumber)).size).toBe(450);
		expect(emu.requestCount('incidents.list')).toBe(3);
		emu.clearRequests();

		const big = await run(emu, 'getMany', { workspace: workspaceById(), returnAll: false, limit: 1500 }, { input: [{}] });
		expect(json(big)).toHaveLength(450);
	});

	it('refuses a bad date before any request', async () => {
		emu.clearRequests();
		const result = await run(emu, 'getMany', { workspace: workspaceById(), returnAll: true, filters: { createdAfter: 'yesterday-ish' } }, { input: [{}] });
		expect(result.error?.message).toContain('is not a date and time');
		expect(emu.requests).toHaveLength(0);
	});
});

describe('Get Alerts / Get Entities', () => {
	it('emits one item per alert, with the rule query and the incident it belongs to', async () => {
		const incident = emu.sentinel.createIncident({ alerts: [{ scheduledRule: 'signin-bruteforce' }, { productName: 'Office 365' }] });
		const items = json(await run(emu, 'getAlerts', {}, { input: [triggerItem(emu, incident)] }));
		expect(items).toHaveLength(2);
		expect(items[0]).toMatchObject({ incidentName: incident.name, workspace: { armId: emu.workspace.armId }, query: expect.stringContaining('SigninLogs'), raw: { kind: 'SecurityAlert' } });
		expect(items[1]).toMatchObject({ productName: 'Office 365' });
	});

	it('emits one item per entity, or one grouped item', async () => {
		const incident = emu.sentinel.createIncident({ alerts: [{ scheduledRule: 'signin-bruteforce' }] });
		emu.sentinel.addEntity(incident.name, { kind: 'Ip', properties: { address: '203.0.113.9' } });
		const perEntity = json(await run(emu, 'getEntities', {}, { input: [triggerItem(emu, incident)] }));
		expect(perEntity.length).toBe(emu.sentinel.entities(incident.name).length);
		expect(perEntity.find((e) => e.address === '203.0.113.9')).toMatchObject({ kind: 'Ip', group: 'ips', incidentName: incident.name, raw: { kind: 'Ip' } });

		const [grouped] = json(await run(emu, 'getEntities', { output: 'grouped' }, { input: [triggerItem(emu, incident)] }));
		expect((grouped.entities as { ips: IDataObject[] }).ips).toContainEqual(expect.objectContaining({ address: '203.0.113.9' }));
	});
});

describe('node description', () => {
	const node = new MicrosoftSentinel();
	const property = (name: string) => node.description.properties.find((p) => p.name === name) as INodeProperties;

	it('defaults the incident and the workspace to the input item, so "trigger → Microsoft Sentinel" needs no expression', () => {
		expect(property('incident').default).toEqual({ mode: 'id', value: '={{ $json.incidentName }}' });
		expect(property('workspace').default).toEqual({ mode: 'id', value: '={{ $json.workspace.armId }}' });
		expect(property('incident').modes?.map((m) => m.name)).toEqual(['id', 'number', 'url']);
		expect(property('workspace').modes?.map((m) => m.name)).toEqual(['list', 'id', 'url']);
	});

	it('is usable as an AI tool, version 1, with the package credential', () => {
		expect(node.description).toMatchObject({ name: 'microsoftSentinel', version: 1, usableAsTool: true, credentials: [{ name: 'sentinelSignl4AzureApi', testedBy: 'sentinelSignl4AzureApiTest' }] });
		const operations = (property('operation').options as Array<{ value: string; action: string }>).map((o) => o.value);
		expect(operations).toEqual(['addComment', 'get', 'getAlerts', 'getComments', 'getEntities', 'getMany', 'update']);
	});

	it('offers the reasons that fit the chosen classification', async () => {
		const reasons = async (classification: string) =>
			(await node.methods.loadOptions.getClassificationReasons.call({ getCurrentNodeParameter: () => classification } as unknown as ILoadOptionsFunctions)).map((o) => o.value);
		expect(await reasons('TruePositive')).toEqual(['SuspiciousActivity']);
		expect(await reasons('BenignPositive')).toEqual(['SuspiciousButExpected']);
		expect(await reasons('FalsePositive')).toEqual(['IncorrectAlertLogic', 'InaccurateData']);
		expect(await reasons('Undetermined')).toEqual([]);
	});
});
