/**
 * Sentinel incidents through the real @azure/arm-securityinsight client (api-version pinned to 2025-09-01), plus
 * raw requests where the wire matters: paging with nextLink, OData, etags, validation and sub-resources.
 */
import { randomUUID } from 'node:crypto';
import type { Incident as SdkIncident, SecurityInsights } from '@azure/arm-securityinsight';
import { startEmulator, type Emulator, type Incident } from '../../emulator';
import { armRequest, sentinelClient, sentinelPath } from './support/clients';

const V = 'api-version=2025-09-01';
let emu: Emulator;
let client: SecurityInsights;
let rg: string;
let ws: string;

beforeAll(async () => {
	emu = await startEmulator();
	client = sentinelClient(emu);
	({ resourceGroup: rg, name: ws } = emu.workspace);
});
afterAll(() => emu.stop());
afterEach(() => {
	for (const incident of emu.sentinel.listIncidents()) emu.sentinel.deleteIncident(incident.name);
	emu.clearRequests();
});

async function listAll(options: { filter?: string; orderby?: string; top?: number } = {}): Promise<SdkIncident[]> {
	const out: SdkIncident[] = [];
	for await (const incident of client.incidents.list(rg, ws, options)) out.push(incident);
	return out;
}

const put = (name: string, body: unknown) => armRequest(emu, 'PUT', sentinelPath(emu, `/incidents/${name}?${V}`), body);

describe('listing', () => {
	it('reads 2,500 incidents across pages via nextLink, each once', async () => {
		emu.sentinel.seed(2500, { createdWithinMinutes: 600, alertsPerIncident: [1, 1] });
		const all = await listAll();
		expect(all).toHaveLength(2500);
		expect(new Set(all.map((incident) => incident.incidentNumber)).size).toBe(2500);
		expect(emu.requestCount('incidents.list')).toBe(50); // default page size 50
		const pageQueries = emu.requests.filter((entry) => entry.route === 'incidents.list').map((entry) => entry.query);
		expect(pageQueries[1]).toMatchObject({ 'api-version': '2025-09-01', $top: '50' });
		expect(pageQueries[1].$skipToken).toBeDefined();

		emu.clearRequests();
		const big = await listAll({ top: 1000, orderby: 'properties/incidentNumber asc' });
		expect(big.map((incident) => incident.incidentNumber)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
		expect(emu.requestCount('incidents.list')).toBe(3);
	});

	it('nextLink is absolute, same-origin and carries api-version, $filter, $orderby, $top and $skipToken; absent on the last page', async () => {
		emu.sentinel.seed(7);
		const filter = "properties/severity ne 'Nonexistent' and contains(toLower(properties/title), '')";
		const first = await armRequest(emu, 'GET', sentinelPath(emu, `/incidents?${V}&$filter=${encodeURIComponent(filter)}&$orderby=${encodeURIComponent('properties/createdTimeUtc desc')}&$top=3`));
		const nextLink = (first.json as { nextLink: string }).nextLink;
		const url = new URL(nextLink);
		expect(url.origin).toBe(emu.url);
		expect(url.searchParams.get('api-version')).toBe('2025-09-01');
		expect(url.searchParams.get('$filter')).toBe(filter);
		expect(url.searchParams.get('$orderby')).toBe('properties/createdTimeUtc desc');
		expect(url.searchParams.get('$top')).toBe('3');
		expect(url.searchParams.get('$skipToken')).toBeTruthy();
		const second = await armRequest(emu, 'GET', nextLink);
		const third = await armRequest(emu, 'GET', (second.json as { nextLink: string }).nextLink);
		expect((third.json as { value: unknown[]; nextLink?: string }).value).toHaveLength(1);
		expect(third.json).not.toHaveProperty('nextLink');
	});

	it('filters with eq/ne/gt/ge/lt/le, and/or/not, parentheses, contains(toLower()) and unquoted datetimes', async () => {
		const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
		const a = emu.sentinel.createIncident({ title: 'Impossible travel for ADELE', severity: 'High', createdTimeUtc: hoursAgo(5) });
		const b = emu.sentinel.createIncident({ title: "O'Brien mailbox rule", severity: 'Medium', createdTimeUtc: hoursAgo(3) });
		const c = emu.sentinel.createIncident({ title: 'Ransomware', severity: 'Low', status: 'Active', createdTimeUtc: hoursAgo(1) });
		const numbersFor = async (filter: string) => (await listAll({ filter })).map((incident) => incident.incidentNumber).sort();
		const n = (...incidents: Incident[]) => incidents.map((incident) => incident.properties.incidentNumber).sort();

		expect(await numbersFor("properties/status eq 'New'")).toEqual(n(a, b));
		expect(await numbersFor("(properties/severity eq 'High' or properties/severity eq 'Low') and properties/status ne 'Closed'")).toEqual(n(a, c));
		expect(await numbersFor(`properties/createdTimeUtc ge ${hoursAgo(4)}`)).toEqual(n(b, c));
		expect(await numbersFor(`properties/createdTimeUtc lt ${hoursAgo(4)}`)).toEqual(n(a));
		expect(await numbersFor(`properties/incidentNumber gt ${a.properties.incidentNumber}`)).toEqual(n(b, c));
		expect(await numbersFor(`properties/incidentNumber le ${b.properties.incidentNumber}`)).toEqual(n(a, b));
		expect(await numbersFor("contains(toLower(properties/title), 'adele')")).toEqual(n(a));
		expect(await numbersFor("properties/title eq 'O''Brien mailbox rule'")).toEqual(n(b));
		expect(await numbersFor("not (properties/status eq 'New')")).toEqual(n(c));
		expect(await numbersFor(`properties/lastModifiedTimeUtc gt ${c.properties.lastModifiedTimeUtc}`)).toEqual([]);
	});

	it('orders by incidentNumber, createdTimeUtc and lastModifiedTimeUtc, asc and desc', async () => {
		emu.sentinel.seed(20, { outOfOrder: true });
		const byNumber = (await listAll({ orderby: 'properties/incidentNumber desc' })).map((i) => i.incidentNumber as number);
		expect(byNumber).toEqual([...byNumber].sort((x, y) => y - x));
		const byCreated = (await listAll({ orderby: 'properties/createdTimeUtc asc' })).map((i) => (i.createdTimeUtc as Date).getTime());
		expect(byCreated).toEqual([...byCreated].sort((x, y) => x - y));
		const byModified = (await listAll({ orderby: 'properties/lastModifiedTimeUtc desc' })).map((i) => (i.lastModifiedTimeUtc as Date).getTime());
		expect(byModified).toEqual([...byModified].sort((x, y) => y - x));
	});

	it('rejects $top outside 1–1000, bad filters and unsupported $orderby with Azure-shaped 400s', async () => {
		const expect400 = async (query: string, pattern: RegExp) => {
			const response = await armRequest(emu, 'GET', sentinelPath(emu, `/incidents?${V}&${query}`));
			expect(response.status).toBe(400);
			expect(response.json).toMatchObject({ error: { code: 'BadRequest', message: expect.stringMatching(pattern) } });
		};
		await expect400('$top=1001', /limit of '1000' for Top query has been exceeded/);
		await expect400('$top=0', /Invalid value '0' for \$top/);
		await expect400('$top=abc', /Invalid value 'abc' for \$top/);
		await expect400(`$filter=${encodeURIComponent("properties/status eq 'New' and")}`, /Syntax error at position/);
		await expect400(`$filter=${encodeURIComponent("properties/colour eq 'red'")}`, /Could not find a property named 'properties\/colour'/);
		await expect400(`$filter=${encodeURIComponent("substringof('x', properties/title)")}`, /unknown function with name 'substringof'/);
		await expect400(`$filter=${encodeURIComponent("properties/title eq 'unterminated")}`, /unterminated string literal/);
		await expect400(`$orderby=${encodeURIComponent('properties/title asc')}`, /Order by 'properties\/title' is not allowed/);
		await expect400('$skipToken=garbage', /skip token/);
	});

	it("reproduces the service quirk: classification eq 'Undetermined' matches nothing (switchable)", async () => {
		emu.sentinel.createIncident({ status: 'Closed', classification: 'Undetermined', classificationComment: 'unclear' });
		expect(await listAll({ filter: "properties/classification eq 'Undetermined'" })).toHaveLength(0);
		emu.sentinel.quirks.undeterminedClassificationFilterMatchesNothing = false;
		try {
			expect(await listAll({ filter: "properties/classification eq 'Undetermined'" })).toHaveLength(1);
		} finally {
			emu.sentinel.quirks.undeterminedClassificationFilterMatchesNothing = true;
		}
	});
});

describe('get, create, update, delete', () => {
	it('GET returns the incident exactly as the in-process API has it; unknown → 404 NotFound', async () => {
		const incident = emu.sentinel.createIncident({ title: 'x', ownerObjectId: emu.sentinel.users[1].objectId });
		const response = await armRequest(emu, 'GET', sentinelPath(emu, `/incidents/${incident.name}?${V}`));
		expect(response.json).toEqual(incident);
		expect(incident.properties.owner).toEqual({ objectId: emu.sentinel.users[1].objectId, email: emu.sentinel.users[1].email, userPrincipalName: emu.sentinel.users[1].userPrincipalName, assignedTo: emu.sentinel.users[1].name, ownerType: 'User' });
		const error = await client.incidents.get(rg, ws, randomUUID()).catch((e: unknown) => e);
		expect(error).toMatchObject({ statusCode: 404, code: 'NotFound' });
	});

	it('PUT creates (201, next number, quoted etag) and updates (200) with the SDK GET → modify → PUT flow', async () => {
		const existing = emu.sentinel.createIncident();
		const name = randomUUID();
		const created = await put(name, { properties: { title: 'Created by API', severity: 'Medium', status: 'New' } });
		expect(created.status).toBe(201);
		const body = created.json as Incident;
		expect(body.properties.incidentNumber).toBe(existing.properties.incidentNumber + 1);
		expect(body.etag).toMatch(/^"[0-9a-f]{8}-0000-0d00-0000-[0-9a-f]{12}"$/);
		expect(body.systemData).toMatchObject({ createdBy: emu.principal.clientId, createdByType: 'Application' });
		expect(body.properties.additionalData.alertsCount).toBe(0);

		const incident = await client.incidents.get(rg, ws, name);
		incident.status = 'Active';
		incident.owner = { objectId: emu.sentinel.users[0].objectId };
		const updated = await client.incidents.createOrUpdate(rg, ws, name, incident);
		expect(updated.status).toBe('Active');
		expect(updated.owner).toMatchObject({ email: emu.sentinel.users[0].email, assignedTo: emu.sentinel.users[0].name });
		expect(updated.etag).not.toBe(incident.etag);
		expect(updated.lastModifiedTimeUtc!.getTime()).toBeGreaterThan(incident.lastModifiedTimeUtc!.getTime());
		const putBody = emu.requests.filter((entry) => entry.route === 'incidents.put').pop()?.body as { etag: string };
		expect(putBody.etag).toBe(incident.etag); // the SDK sends the etag in the body, not If-Match
		expect(emu.sentinel.history(name).map((entry) => entry.via)).toEqual(['put', 'put']);
	});

	it('PUT on an existing incident without etag or with a stale one → 409 Conflict', async () => {
		const incident = emu.sentinel.createIncident();
		const properties = { title: 'x', severity: 'Low', status: 'Active' };
		const missing = await put(incident.name, { properties });
		expect(missing.status).toBe(409);
		expect(missing.json).toEqual({ error: { code: 'Conflict', message: `Newer version of resource '${incident.name}' exists. Data was not saved` } });
		emu.sentinel.updateIncident(incident.name, { severity: 'High' }, 'analyst@contoso.com');
		const stale = await put(incident.name, { etag: incident.etag, properties });
		expect(stale.status).toBe(409);
		const fresh = emu.sentinel.getIncident(incident.name) as Incident;
		expect((await put(incident.name, { etag: fresh.etag, properties })).status).toBe(200);
		const sdkError = await client.incidents.createOrUpdate(rg, ws, incident.name, { etag: fresh.etag, title: 'y', severity: 'Low', status: 'New' }).catch((e: unknown) => e);
		expect(sdkError).toMatchObject({ statusCode: 409, code: 'Conflict' });
	});

	it('validates required fields, enums and the classification matrix', async () => {
		const incident = emu.sentinel.createIncident();
		const attempt = async (properties: Record<string, unknown>) => {
			const current = emu.sentinel.getIncident(incident.name) as Incident;
			return put(incident.name, { etag: current.etag, properties: { title: 't', severity: 'High', status: 'Active', ...properties } });
		};
		const message = async (properties: Record<string, unknown>) => {
			const response = await attempt(properties);
			expect(response.status).toBe(400);
			return (response.json as { error: { code: string; message: string } }).error;
		};
		expect(await message({ title: undefined })).toMatchObject({ code: 'BadRequest', message: expect.stringContaining('title') });
		expect((await message({ severity: 'Critical' })).message).toContain("Error converting value \"Critical\" to type 'IncidentSeverity'");
		expect((await message({ status: 'Closed' })).message).toBe("Incident status 'Closed' requires a classification.");
		expect((await message({ status: 'Closed', classification: 'BenignPositive' })).message).toBe("classification 'BenignPositive' must have classificationReason.");
		expect((await message({ status: 'Closed', classification: 'TruePositive', classificationReason: 'InaccurateData' })).message).toMatch(/not valid for classification 'TruePositive'/);
		expect((await message({ status: 'Closed', classification: 'Undetermined', classificationReason: 'SuspiciousActivity' })).message).toMatch(/must not have classificationReason/);
		expect((await message({ owner: { objectId: 'not-a-guid' } })).message).toContain('System.Guid');
		expect((await message({ description: 'x'.repeat(5001) })).message).toContain('5000');

		for (const [classification, classificationReason] of [
			['TruePositive', 'SuspiciousActivity'],
			['BenignPositive', 'SuspiciousButExpected'],
			['FalsePositive', 'IncorrectAlertLogic'],
			['FalsePositive', 'InaccurateData'],
			['Undetermined', undefined],
		]) {
			const ok = await attempt({ status: 'Closed', classification, classificationReason });
			expect(ok.status).toBe(200);
		}
		const lowerCase = await attempt({ severity: 'low', status: 'active' });
		expect(lowerCase.json).toMatchObject({ properties: { severity: 'Low', status: 'Active' } });
	});

	it('ignores read-only fields, fills the owner from the users table and unassigns with owner: {}', async () => {
		const incident = emu.sentinel.createIncident();
		const user = emu.sentinel.users[2];
		const response = await put(incident.name, {
			etag: incident.etag,
			properties: {
				title: 'T',
				severity: 'High',
				status: 'Active',
				owner: { objectId: user.objectId },
				incidentNumber: 999999,
				createdTimeUtc: '2000-01-01T00:00:00Z',
				additionalData: {},
				labels: [{ labelName: 'vip', labelType: 'AutoAssigned' }],
			},
		});
		const body = response.json as Incident;
		expect(body.properties.incidentNumber).toBe(incident.properties.incidentNumber);
		expect(body.properties.createdTimeUtc).toBe(incident.properties.createdTimeUtc);
		expect(body.properties.additionalData.alertsCount).toBe(incident.properties.additionalData.alertsCount);
		expect(body.properties.labels).toEqual([{ labelName: 'vip', labelType: 'User' }]);
		expect(body.properties.owner).toEqual({ objectId: user.objectId, email: user.email, userPrincipalName: user.userPrincipalName, assignedTo: user.name, ownerType: 'User' });

		const unassigned = await put(incident.name, { etag: body.etag, properties: { title: 'T', severity: 'High', status: 'Active', owner: {} } });
		expect((unassigned.json as Incident).properties.owner).toEqual({ objectId: null, email: null, userPrincipalName: null, assignedTo: null, ownerType: 'Unknown' });
	});

	it('rejects a body that is not JSON with InvalidRequestContent', async () => {
		const response = await armRequest(emu, 'PUT', sentinelPath(emu, `/incidents/${randomUUID()}?${V}`), '{"properties":');
		expect(response.status).toBe(400);
		expect(response.json).toMatchObject({ error: { code: 'InvalidRequestContent' } });
	});

	it('DELETE → 200, then 204 and 404 on GET', async () => {
		const incident = emu.sentinel.createIncident();
		await client.incidents.delete(rg, ws, incident.name);
		expect(emu.requests.filter((entry) => entry.route === 'incidents.delete').map((entry) => entry.status)).toEqual([200]);
		expect((await armRequest(emu, 'DELETE', sentinelPath(emu, `/incidents/${incident.name}?${V}`))).status).toBe(204);
		expect((await armRequest(emu, 'GET', sentinelPath(emu, `/incidents/${incident.name}?${V}`))).status).toBe(404);
	});
});

describe('alerts, entities, bookmarks', () => {
	it('POST alerts returns SecurityAlerts consistent with additionalData; scheduled alerts carry the rule run', async () => {
		const incident = emu.sentinel.createIncident({ alerts: [{ scheduledRule: 'signin-bruteforce' }, { productName: 'Microsoft Defender for Endpoint' }] });
		const alerts = await client.incidents.listAlerts(rg, ws, incident.name);
		expect(alerts.value).toHaveLength(2);
		expect(incident.properties.additionalData).toMatchObject({ alertsCount: 2, alertProductNames: ['Azure Sentinel', 'Microsoft Defender for Endpoint'] });
		expect(emu.requests.find((entry) => entry.route === 'incidents.alerts')?.headers['content-length']).toBe('0');
		const raw = await armRequest(emu, 'POST', sentinelPath(emu, `/incidents/${incident.name}/alerts?${V}`));
		const scheduled = (raw.json as { value: Array<{ kind: string; properties: Record<string, unknown> & { additionalData: Record<string, string> } }> }).value[0];
		expect(scheduled.kind).toBe('SecurityAlert');
		expect(scheduled.properties).toMatchObject({ productName: 'Azure Sentinel', productComponentName: 'Scheduled Alerts', vendorName: 'Microsoft', alertDisplayName: 'Brute force attack against Azure Portal' });
		const data = scheduled.properties.additionalData;
		expect(data.Query).toContain('SigninLogs');
		expect(data['Query Period']).toBe('1.00:00:00');
		expect(data['Query Start Time UTC']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
		expect(data['Query End Time UTC']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
		expect(Date.parse(data['Query End Time UTC'].replace(' ', 'T')) - Date.parse(data['Query Start Time UTC'].replace(' ', 'T'))).toBe(24 * 3600_000);
		expect(data['Search Query Results Overall Count']).toMatch(/^\d+$/);
		expect(Object.values(data).every((value) => typeof value === 'string')).toBe(true);
		expect(incident.properties.relatedAnalyticRuleIds[0]).toMatch(/\/providers\/Microsoft\.SecurityInsights\/alertRules\/[0-9a-f-]{36}$/);
	});

	it('POST entities returns entities with friendlyName and metaData counts; added entities appear', async () => {
		const incident = emu.sentinel.createIncident({ alerts: [{ scheduledRule: 'encoded-powershell' }] });
		emu.sentinel.addEntity(incident.name, { kind: 'Url', properties: { url: 'https://evil.example.com/x' } });
		const response = await client.incidents.listEntities(rg, ws, incident.name);
		const kinds = response.entities!.map((entity) => entity.kind);
		expect(kinds).toEqual(expect.arrayContaining(['Host', 'Account', 'Process', 'File', 'FileHash', 'Url']));
		const counts = Object.fromEntries(response.metaData!.map((meta) => [meta.entityKind, meta.count]));
		for (const kind of new Set(kinds)) expect(counts[kind]).toBe(kinds.filter((k) => k === kind).length);
		const raw = await armRequest(emu, 'POST', sentinelPath(emu, `/incidents/${incident.name}/entities?${V}`));
		const entities = (raw.json as { entities: Array<{ properties: { friendlyName: string } }> }).entities;
		expect(entities.every((entity) => typeof entity.properties.friendlyName === 'string' && entity.properties.friendlyName.length > 0)).toBe(true);
	});

	it('POST bookmarks returns an empty list; unknown incident sub-resources → 404', async () => {
		const incident = emu.sentinel.createIncident();
		expect((await client.incidents.listBookmarks(rg, ws, incident.name)).value).toEqual([]);
		const error = await client.incidents.listAlerts(rg, ws, randomUUID()).catch((e: unknown) => e);
		expect(error).toMatchObject({ statusCode: 404, code: 'NotFound' });
	});

	it('addAlert updates alertsCount, alertProductNames and tactics', async () => {
		const incident = emu.sentinel.createIncident({ alerts: [] });
		expect(incident.properties.additionalData).toMatchObject({ alertsCount: 0, alertProductNames: [], tactics: [] });
		const alert = emu.sentinel.addAlert(incident.name, { productName: 'Office 365', tactics: ['Collection'] });
		const after = emu.sentinel.getIncident(incident.name) as Incident;
		expect(after.properties.additionalData).toMatchObject({ alertsCount: 1, alertProductNames: ['Office 365'], tactics: ['Collection'] });
		expect(after.etag).not.toBe(incident.etag);
		expect(alert.properties.productName).toBe('Office 365');
	});
});
