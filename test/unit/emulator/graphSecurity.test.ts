/**
 * Microsoft Graph security API v1.0 on the emulator (graph/security/): Defender XDR incidents and alerts_v2 with
 * Graph's answers — `$filter` on the documented properties, `$top`/`$skip`/`@odata.nextLink`/`$count`, PATCH
 * (200 + the entity, enum validation, customTags replaced, lastUpdateDateTime bumped), comments (200 with the whole
 * list), permissions from the token's `roles` (403 per missing role), 429 + Retry-After under enforced limits,
 * faults by route id, and a Sentinel incident's Defender twin.
 */
import { startEmulator, type Emulator, type Principal } from '../../emulator';
import { request, secretCredential, type RawResponse } from './support/clients';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
type Json = Record<string, unknown>;
type Collection = { '@odata.context': string; '@odata.nextLink'?: string; '@odata.count'?: number; value: Json[] };

let emu: Emulator;
let token: string;
const clock = { now: Date.UTC(2026, 0, 1) };

beforeAll(async () => {
	emu = await startEmulator({ limitsClock: () => clock.now });
	token = (await secretCredential(emu).getToken(GRAPH_SCOPE)).token;
});
afterAll(() => emu.stop());

function graph(method: string, path: string, body?: unknown, options: { token?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
	return request(emu, method, `/v1.0${path}`, { body, headers: { authorization: `Bearer ${options.token ?? token}`, ...(options.headers ?? {}) } });
}
const q = (filter: string) => `$filter=${encodeURIComponent(filter)}`;

function expectGraphError(answer: RawResponse, status: number, code: string): void {
	expect(answer.status).toBe(status);
	expect(answer.json).toEqual({ error: { code, message: expect.any(String), innerError: { date: expect.any(String), 'request-id': expect.any(String), 'client-request-id': expect.any(String) } } });
}

describe('incidents', () => {
	it('lists, gets with $expand=alerts, filters on the documented properties and refuses the rest', async () => {
		const high = emu.defender.createIncident({ displayName: 'Filter high', severity: 'high', status: 'active', assignedTo: 'Amara.Okafor@contoso.com' });
		const low = emu.defender.createIncident({ displayName: 'Filter low', severity: 'low', status: 'inProgress', classification: 'truePositive', determination: 'malware' });
		const resolved = emu.defender.createIncident({ displayName: 'Filter resolved', severity: 'medium', status: 'resolved', createdDateTime: '2020-01-01T00:00:00Z' });

		const got = await graph('GET', `/security/incidents/${high.id}?$expand=alerts`);
		expect(got.status).toBe(200);
		const body = got.json as Json & { alerts: Json[] };
		expect(body).toMatchObject({ id: high.id, displayName: 'Filter high', severity: 'high', status: 'active', tenantId: emu.principal.tenantId });
		expect(body['@odata.context']).toBe(`${emu.url}/v1.0/$metadata#security/incidents(alerts())/$entity`);
		expect(body.incidentWebUrl).toBe(`https://security.microsoft.com/incidents/${high.id}?tid=${emu.principal.tenantId}`);
		expect(body.alerts.length).toBeGreaterThan(0);
		expect(body.alerts[0]).toMatchObject({ incidentId: high.id, incidentWebUrl: body.incidentWebUrl });
		expect((await graph('GET', `/security/incidents/${high.id}`)).json).not.toHaveProperty('alerts');

		const ids = async (query: string) => ((await graph('GET', `/security/incidents?${query}`)).json as Collection).value.map((incident) => incident.id);
		expect(await ids(q("severity eq 'high'"))).toEqual([high.id]);
		expect(await ids(q("status in ('inProgress','resolved')"))).toEqual(expect.arrayContaining([low.id, resolved.id]));
		expect(await ids(q("status in ('inProgress','resolved')"))).not.toContain(high.id);
		expect(await ids(q("assignedTo eq 'amara.okafor@contoso.com'"))).toEqual([high.id]);
		expect(await ids(q("classification eq 'truePositive' and determination eq 'malware'"))).toEqual([low.id]);
		expect(await ids(q("severity eq 'high' or (severity eq 'low' and status ne 'active')"))).toEqual(expect.arrayContaining([high.id, low.id]));
		expect(await ids(q('createdDateTime lt 2021-01-01T00:00:00Z'))).toEqual([resolved.id]);
		expect(await ids(q(`lastUpdateDateTime ge ${new Date(Date.now() - 3_600_000).toISOString()} and severity eq 'low'`))).toEqual([low.id]);
		expect(await ids(q('assignedTo eq null and severity eq \'medium\''))).toEqual([resolved.id]);

		expectGraphError(await graph('GET', `/security/incidents?${q("displayName eq 'x'")}`), 400, 'BadRequest');
		expectGraphError(await graph('GET', `/security/incidents?${q("severity eq 'High'")}`), 400, 'BadRequest');
		expectGraphError(await graph('GET', `/security/incidents?${q("severity gt 'low'")}`), 400, 'BadRequest');
		expectGraphError(await graph('GET', `/security/incidents?${q("createdDateTime ge '2024-01-01'")}`), 400, 'BadRequest');
		expectGraphError(await graph('GET', `/security/incidents?${q("severity eq 'high' and")}`), 400, 'BadRequest');
		expectGraphError(await graph('GET', '/security/incidents?$orderby=createdDateTime%20desc'), 400, 'BadRequest');
		expectGraphError(await graph('GET', '/security/incidents?$expand=comments'), 400, 'BadRequest');
		expectGraphError(await graph('GET', '/security/incidents/999999'), 404, 'NotFound');
	});

	it('pages with $top, $skip and an absolute @odata.nextLink on the same origin; $count counts every match; $top above 50 is a 400', async () => {
		const tag = `paging-${Date.now()}`;
		const created = Array.from({ length: 7 }, (_, i) => emu.defender.createIncident({ displayName: `${tag} ${i}`, severity: 'informational', createdDateTime: new Date(Date.UTC(2019, 0, 1 + i)).toISOString() }));
		const seen: string[] = [];
		let url: string | undefined = `/security/incidents?${q("severity eq 'informational'")}&$top=3&$count=true`;
		let pages = 0;
		while (url) {
			const answer = await graph('GET', url);
			expect(answer.status).toBe(200);
			const page = answer.json as Collection;
			expect(page['@odata.count']).toBe(7);
			expect(page.value.length).toBeLessThanOrEqual(3);
			seen.push(...page.value.map((incident) => String(incident.id)));
			pages++;
			if (page['@odata.nextLink']) {
				expect(page['@odata.nextLink'].startsWith(`${emu.url}/v1.0/security/incidents?`)).toBe(true);
				expect(page['@odata.nextLink']).toContain(`$skip=${pages * 3}`);
				url = page['@odata.nextLink'].slice(`${emu.url}/v1.0`.length);
			} else url = undefined;
		}
		console.log(`incidents: 7 matches in ${pages} pages of 3`);
		expect(pages).toBe(3);
		// Newest first, every incident once.
		expect(seen).toEqual(created.map((incident) => incident.id).reverse());
		const tooBig = await graph('GET', '/security/incidents?$top=51');
		expectGraphError(tooBig, 400, 'BadRequest');
		expect((tooBig.json as { error: { message: string } }).error.message).toContain("'50'");
		expect((await graph('GET', '/security/incidents?$top=50')).status).toBe(200);
		expectGraphError(await graph('GET', '/security/incidents?$skip=-1'), 400, 'BadRequest');
	});

	it('PATCH answers 200 with the incident, validates enums and types, replaces customTags and bumps lastUpdateDateTime', async () => {
		const incident = emu.defender.createIncident({ customTags: ['keep', 'drop'] });
		const before = Date.parse(incident.lastUpdateDateTime);
		const patched = await graph('PATCH', `/security/incidents/${incident.id}`, { status: 'inProgress', assignedTo: 'soc@contoso.com', customTags: ['keep', 'new'], classification: 'truePositive', determination: 'compromisedAccount' });
		expect(patched.status).toBe(200);
		expect(patched.json).toMatchObject({ id: incident.id, status: 'inProgress', assignedTo: 'soc@contoso.com', customTags: ['keep', 'new'], classification: 'truePositive', determination: 'compromisedAccount' });
		expect(Date.parse((patched.json as Json).lastUpdateDateTime as string)).toBeGreaterThan(before);
		expect(emu.defender.incident(incident.id)?.lastModifiedBy).toBe(emu.principal.displayName);

		for (const body of [{ status: 'Active' }, { status: 'unknownFutureValue' }, { status: 'awaitingAction' }, { severity: 'critical' }, { classification: 'benignPositive' }, { customTags: 'one' }, { assignedTo: 42 }, { createdDateTime: '2020-01-01T00:00:00Z' }, { titel: 'typo' }]) {
			const refused = await graph('PATCH', `/security/incidents/${incident.id}`, body);
			expectGraphError(refused, 400, 'BadRequest');
		}
		expectGraphError(await graph('PATCH', `/security/incidents/${incident.id}`, 'not json'), 400, 'BadRequest');
		expect(emu.defender.incident(incident.id)).toMatchObject({ status: 'inProgress', customTags: ['keep', 'new'] });

		// Resolving an incident resolves its alerts.
		await graph('PATCH', `/security/incidents/${incident.id}`, { status: 'resolved' });
		expect(emu.defender.alerts(incident.id).every((alert) => alert.status === 'resolved' && alert.resolvedDateTime)).toBe(true);
	});

	it('POST comments answers 200 with the whole list, createdByDisplayName the app, and counts as an update', async () => {
		const incident = emu.defender.createIncident();
		emu.defender.addComment('incident', incident.id, 'Analyst note', 'amara.okafor@contoso.com');
		const before = emu.defender.incident(incident.id)!.lastUpdateDateTime;
		const answer = await graph('POST', `/security/incidents/${incident.id}/comments`, { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'Acknowledged in SIGNL4 by Jane' });
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			'@odata.context': `${emu.url}/v1.0/$metadata#Collection(microsoft.graph.security.alertComment)`,
			value: [
				{ comment: 'Analyst note', createdByDisplayName: 'amara.okafor@contoso.com', createdDateTime: expect.any(String) },
				{ comment: 'Acknowledged in SIGNL4 by Jane', createdByDisplayName: emu.principal.displayName, createdDateTime: expect.any(String) },
			],
		});
		expect(Date.parse(emu.defender.incident(incident.id)!.lastUpdateDateTime)).toBeGreaterThan(Date.parse(before));
		expectGraphError(await graph('POST', `/security/incidents/${incident.id}/comments`, { comment: '' }), 400, 'BadRequest');
		expectGraphError(await graph('POST', `/security/incidents/${incident.id}/comments`, { '@odata.type': '#microsoft.graph.security.incident', comment: 'x' }), 400, 'BadRequest');
		expectGraphError(await graph('POST', '/security/incidents/999999/comments', { comment: 'x' }), 404, 'NotFound');
	});

	it('a new alert correlated into an incident shows under $expand=alerts and moves the incident\'s lastUpdateDateTime', async () => {
		const incident = emu.defender.createIncident({ alerts: [{}] });
		const added = emu.defender.addAlert(incident.id, { serviceSource: 'microsoftDefenderForOffice365', title: 'Phish delivered' });
		const read = (await graph('GET', `/security/incidents/${incident.id}?$expand=alerts`)).json as { lastUpdateDateTime: string; alerts: Json[] };
		expect(read.alerts.map((alert) => alert.id)).toEqual(expect.arrayContaining([added.id]));
		expect(read.alerts).toHaveLength(2);
		expect(added).toMatchObject({ incidentId: incident.id, title: 'Phish delivered', serviceSource: 'microsoftDefenderForOffice365' });
		expect(Date.parse(read.lastUpdateDateTime)).toBeGreaterThan(Date.parse(incident.lastUpdateDateTime));
	});

	it('an analyst edit (control API) bumps lastUpdateDateTime and shows in the next read', async () => {
		const incident = emu.defender.createIncident({ status: 'active' });
		const edited = emu.defender.updateIncident(incident.id, { status: 'inProgress', assignedTo: 'mei.tanaka@contoso.com' });
		expect(Date.parse(edited.lastUpdateDateTime)).toBeGreaterThan(Date.parse(incident.lastUpdateDateTime));
		expect((await graph('GET', `/security/incidents/${incident.id}`)).json).toMatchObject({ status: 'inProgress', assignedTo: 'mei.tanaka@contoso.com', lastModifiedBy: 'soc-tier1@contoso.com' });
	});
});

describe('alerts_v2', () => {
	it('lists with $filter on serviceSource/status, gets, PATCHes status and comments; all alerts resolved resolves the incident', async () => {
		const incident = emu.defender.createIncident({ alerts: [{ serviceSource: 'microsoftDefenderForEndpoint' }, { serviceSource: 'azureAdIdentityProtection' }] });
		const [first, second] = emu.defender.alerts(incident.id);
		const list = await graph('GET', `/security/alerts_v2?${q(`serviceSource eq 'microsoftDefenderForEndpoint' and status eq 'new'`)}&$top=100`);
		expect(list.status).toBe(200);
		const found = (list.json as Collection).value;
		expect(found.map((alert) => alert.id)).toContain(first.id);
		expect(found.every((alert) => alert.serviceSource === 'microsoftDefenderForEndpoint')).toBe(true);
		expect((await graph('GET', `/security/alerts_v2/${second.id}`)).json).toMatchObject({ id: second.id, serviceSource: 'azureAdIdentityProtection', incidentId: incident.id });

		const patched = await graph('PATCH', `/security/alerts_v2/${first.id}`, { status: 'inProgress', assignedTo: 'soc@contoso.com', classification: 'truePositive', determination: 'malware' });
		expect(patched.status).toBe(200);
		expect(patched.json).toMatchObject({ status: 'inProgress', assignedTo: 'soc@contoso.com', classification: 'truePositive', determination: 'malware', resolvedDateTime: null });
		for (const body of [{ status: 'unknown' }, { status: 'active' }, { severity: 'high' }, { title: 'x' }]) expectGraphError(await graph('PATCH', `/security/alerts_v2/${first.id}`, body), 400, 'BadRequest');

		const comments = await graph('POST', `/security/alerts_v2/${first.id}/comments`, { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'Escalated in SIGNL4' });
		expect(comments.status).toBe(200);
		expect((comments.json as Collection).value).toEqual([{ comment: 'Escalated in SIGNL4', createdByDisplayName: emu.principal.displayName, createdDateTime: expect.any(String) }]);

		await graph('PATCH', `/security/alerts_v2/${first.id}`, { status: 'resolved' });
		expect(emu.defender.incident(incident.id)?.status).not.toBe('resolved');
		await graph('PATCH', `/security/alerts_v2/${second.id}`, { status: 'resolved' });
		expect(emu.defender.incident(incident.id)?.status).toBe('resolved');
		expectGraphError(await graph('GET', '/security/alerts_v2/da000_-1'), 404, 'NotFound');
	});

	it('evolvable enum members (serviceSource microsoftSentinel) read as unknownFutureValue unless Prefer: include-unknown-enum-members', async () => {
		const incident = emu.defender.createIncident({ alerts: [{ serviceSource: 'microsoftSentinel', detectionSource: 'scheduledAlerts' }] });
		const [alert] = emu.defender.alerts(incident.id);
		expect((await graph('GET', `/security/alerts_v2/${alert.id}`)).json).toMatchObject({ serviceSource: 'unknownFutureValue', detectionSource: 'unknownFutureValue' });
		const preferred = await graph('GET', `/security/alerts_v2/${alert.id}`, undefined, { headers: { prefer: 'include-unknown-enum-members' } });
		expect(preferred.json).toMatchObject({ serviceSource: 'microsoftSentinel', detectionSource: 'scheduledAlerts' });
	});
});

describe('permissions, limits and faults', () => {
	let reader: Principal;
	const tokenOf = async (principal: Principal) => (await secretCredential(emu, { clientId: principal.clientId, clientSecret: principal.clientSecret }).getToken(GRAPH_SCOPE)).token;

	beforeAll(() => {
		reader = emu.identity.addPrincipal('defender reader');
	});

	it('the default principal has all four permissions in its token; a principal without them gets 403 per missing role', async () => {
		const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { roles?: string[] };
		expect(payload.roles?.sort()).toEqual(['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All', 'SecurityIncident.Read.All', 'SecurityIncident.ReadWrite.All']);
		const incident = emu.defender.createIncident();
		const [alert] = emu.defender.alerts(incident.id);

		const none = await tokenOf(reader);
		expect(JSON.parse(Buffer.from(none.split('.')[1], 'base64url').toString('utf8'))).not.toHaveProperty('roles');
		const denied = await graph('GET', '/security/incidents', undefined, { token: none });
		expectGraphError(denied, 403, 'Forbidden');
		expect((denied.json as { error: { message: string } }).error.message).toBe('Missing application roles. API required roles: SecurityIncident.Read.All,SecurityIncident.ReadWrite.All, application roles: .');
		expectGraphError(await graph('GET', '/security/alerts_v2', undefined, { token: none }), 403, 'Forbidden');

		emu.defender.setRoles(reader.objectId, ['SecurityIncident.Read.All', 'SecurityAlert.ReadWrite.All']);
		const readOnly = await tokenOf(reader);
		expect((await graph('GET', `/security/incidents/${incident.id}`, undefined, { token: readOnly })).status).toBe(200);
		const write = await graph('PATCH', `/security/incidents/${incident.id}`, { status: 'inProgress' }, { token: readOnly });
		expectGraphError(write, 403, 'Forbidden');
		expect((write.json as { error: { message: string } }).error.message).toContain('SecurityIncident.ReadWrite.All');
		expectGraphError(await graph('POST', `/security/incidents/${incident.id}/comments`, { comment: 'x' }, { token: readOnly }), 403, 'Forbidden');
		expect((await graph('PATCH', `/security/alerts_v2/${alert.id}`, { status: 'inProgress' }, { token: readOnly })).status).toBe(200);
		// A token for another resource is refused as Graph does (401, invalid audience).
		const armToken = (await secretCredential(emu).getToken('https://management.azure.com/.default')).token;
		expectGraphError(await graph('GET', '/security/incidents', undefined, { token: armToken }), 401, 'InvalidAuthenticationToken');
		expect(() => emu.defender.setRoles(reader.objectId, ['SecurityIncident.Write.All'])).toThrow(/Unknown Graph security permission/);
		// alerts_v2 can be read with an incident permission (Graph's 403 for alerts_v2 lists all four).
		const incidentReader = emu.identity.addPrincipal('incident reader');
		emu.defender.setRoles(incidentReader.objectId, ['SecurityIncident.Read.All']);
		const incidentOnly = await tokenOf(incidentReader);
		expect((await graph('GET', `/security/alerts_v2/${alert.id}`, undefined, { token: incidentOnly })).status).toBe(200);
		const alertWrite = await graph('PATCH', `/security/alerts_v2/${alert.id}`, { status: 'resolved' }, { token: incidentOnly });
		expect((alertWrite.json as { error: { message: string } }).error.message).toBe('Missing application roles. API required roles: SecurityAlert.ReadWrite.All, application roles: SecurityIncident.Read.All.');
	});

	it('150 requests per minute per app: 429 with Retry-After when enforced, only counted when reported', async () => {
		emu.limits.reset();
		emu.limits.drain({ service: 'graphSecurity' });
		expect((await graph('GET', '/security/incidents?$top=1')).status).toBe(200);
		emu.limits.set('enforced');
		try {
			const throttled = await graph('GET', '/security/incidents?$top=1');
			expectGraphError(throttled, 429, 'TooManyRequests');
			expect(Number(throttled.headers['retry-after'])).toBe(60);
			clock.now += 30_000;
			expect(Number((await graph('GET', '/security/incidents?$top=1')).headers['retry-after'])).toBe(30);
			// Another app has its own window.
			expect((await graph('GET', '/security/incidents?$top=1', undefined, { token: await tokenOf(reader) })).status).toBe(200);
			clock.now += 30_000;
			expect((await graph('GET', '/security/incidents?$top=1')).status).toBe(200);
			const state = emu.limits.state().graphSecurity;
			expect(state).toMatchObject({ requestLimit: 150, requestWindowSeconds: 60 });
			console.log(`graph security windows: ${JSON.stringify(state.windows.map((window) => window.requests))}`);
		} finally {
			emu.limits.set('reported');
			emu.limits.reset();
		}
	});

	it('faults by route id and by the defender group answer in Graph shape', async () => {
		const id = emu.faults.add({ route: 'graph.security.incidents.update', kind: 'status', status: 503, retryAfterSeconds: 2, times: 1 });
		const incident = emu.defender.createIncident();
		const failed = await graph('PATCH', `/security/incidents/${incident.id}`, { status: 'inProgress' });
		expectGraphError(failed, 503, 'ServiceUnavailable');
		expect(failed.headers['retry-after']).toBe('2');
		expect(emu.defender.incident(incident.id)?.status).toBe('active');
		emu.faults.remove(id);
		emu.faults.add({ route: 'defender', kind: 'status', status: 429, retryAfterSeconds: 3, times: 1 });
		expectGraphError(await graph('GET', '/security/alerts_v2?$top=1'), 429, 'TooManyRequests');
		expect((await graph('GET', '/security/alerts_v2?$top=1')).status).toBe(200);
		expect(emu.requestCount('graph.security.alerts.list')).toBeGreaterThanOrEqual(2);
	});
});

describe('control API over HTTPS (/_emulator/defender)', () => {
	it('creates, edits, comments, adds alerts, makes twins and sets roles like emu.defender', async () => {
		const created = await request(emu, 'POST', '/_emulator/defender/incidents', { body: { displayName: 'From the control API', severity: 'high' } });
		expect(created.status).toBe(201);
		const id = (created.json as { id: string }).id;
		expect(emu.defender.incident(id)).toMatchObject({ displayName: 'From the control API', severity: 'high' });
		const edited = await request(emu, 'PATCH', `/_emulator/defender/incidents/${id}`, { body: { status: 'inProgress', by: 'kai@contoso.com' } });
		expect(edited.json).toMatchObject({ status: 'inProgress', lastModifiedBy: 'kai@contoso.com' });
		expect((await request(emu, 'POST', `/_emulator/defender/incidents/${id}/comments`, { body: { comment: 'via HTTP' } })).json).toMatchObject({ value: [{ comment: 'via HTTP' }] });
		expect((await request(emu, 'POST', `/_emulator/defender/incidents/${id}/alerts`, { body: { title: 'Second' } })).status).toBe(201);
		expect(emu.defender.alerts(id)).toHaveLength(2);
		expect((await request(emu, 'GET', '/_emulator/defender/incidents/424242')).status).toBe(404);
		const sentinelIncident = emu.sentinel.createIncident({ title: 'Twin over HTTP' });
		const twin = await request(emu, 'POST', '/_emulator/defender/twins', { body: { sentinelIncidentName: sentinelIncident.name } });
		expect(twin.json).toMatchObject({ displayName: 'Twin over HTTP' });
		const other = emu.identity.addPrincipal('http roles');
		expect((await request(emu, 'PUT', `/_emulator/defender/roles/${other.objectId}`, { body: { roles: ['SecurityAlert.Read.All'] } })).status).toBe(200);
		const otherToken = (await secretCredential(emu, { clientId: other.clientId, clientSecret: other.clientSecret }).getToken(GRAPH_SCOPE)).token;
		expect((await graph('GET', '/security/alerts_v2?$top=1', undefined, { token: otherToken })).status).toBe(200);
		expect((await graph('GET', '/security/incidents?$top=1', undefined, { token: otherToken })).status).toBe(403);
	});
});

describe('start options', () => {
	it('seedDefenderIncidents makes generated incidents at start (control API lists them oldest first)', async () => {
		const seeded = await startEmulator({ seedDefenderIncidents: 5, generatorSeed: 3 });
		try {
			const incidents = seeded.defender.incidents();
			expect(incidents).toHaveLength(5);
			expect(seeded.defender.alerts().length).toBeGreaterThanOrEqual(5);
			const created = incidents.map((incident) => Date.parse(incident.createdDateTime));
			expect(created).toEqual([...created].sort((a, b) => a - b));
		} finally {
			await seeded.stop();
		}
	});
});

describe('Defender twin of a Sentinel incident', () => {
	it('agrees on title, severity, status, owner, alerts and evidence, and the Sentinel incident carries the Defender id', async () => {
		const [sentinelIncident] = emu.sentinel.seed(1, { alertsPerIncident: [2, 2] });
		emu.sentinel.updateIncident(sentinelIncident.name, { status: 'Active', ownerObjectId: emu.sentinel.users[1].objectId });
		const twin = emu.defender.seedTwinOf(sentinelIncident.name);
		const sentinel = emu.sentinel.getIncident(sentinelIncident.name)!;
		expect(sentinel.properties).toMatchObject({ providerName: 'Microsoft XDR', providerIncidentId: twin.id, additionalData: { providerIncidentUrl: twin.incidentWebUrl } });
		expect(twin).toMatchObject({ displayName: sentinel.properties.title, severity: sentinel.properties.severity.toLowerCase(), status: 'inProgress', assignedTo: emu.sentinel.users[1].userPrincipalName });
		// Seeding again returns the same twin.
		expect(emu.defender.seedTwinOf(sentinelIncident.name).id).toBe(twin.id);

		const answer = await graph('GET', `/security/incidents/${twin.id}?$expand=alerts`, undefined, { headers: { prefer: 'include-unknown-enum-members' } });
		const alerts = (answer.json as { alerts: Array<Json & { evidence: Json[]; mitreTechniques: string[] }> }).alerts;
		const sentinelAlerts = emu.sentinel.alerts(sentinelIncident.name);
		expect(alerts.map((alert) => alert.title).sort()).toEqual(sentinelAlerts.map((alert) => alert.properties.alertDisplayName).sort());
		expect(alerts.every((alert) => alert.mitreTechniques.length > 0)).toBe(true);
		const accounts = emu.sentinel.entities(sentinelIncident.name).filter((entity) => entity.kind === 'Account').map((entity) => entity.properties.accountName);
		const userEvidence = alerts[0].evidence.filter((evidence) => evidence['@odata.type'] === '#microsoft.graph.security.userEvidence').map((evidence) => (evidence.userAccount as Json).accountName);
		expect(userEvidence.sort()).toEqual([...accounts].sort());
		console.log(`twin ${twin.id} of Sentinel #${sentinel.properties.incidentNumber}: ${alerts.length} alerts, ${alerts[0].evidence.length} evidence items on the first`);
	});

	it('twins stay in step both ways: a Sentinel change reaches Defender, a Graph PATCH reaches Sentinel, without echoing back', async () => {
		const sentinelIncident = emu.sentinel.createIncident({ title: 'Twin sync', severity: 'Medium', status: 'New' });
		const twin = emu.defender.seedTwinOf(sentinelIncident.name);
		expect(twin.status).toBe('active');

		const analyst = emu.sentinel.users[2];
		emu.sentinel.updateIncident(sentinelIncident.name, { status: 'Active', severity: 'High', ownerObjectId: analyst.objectId });
		expect(emu.defender.incident(twin.id)).toMatchObject({ status: 'inProgress', severity: 'high', assignedTo: analyst.userPrincipalName });
		expect(Date.parse(emu.defender.incident(twin.id)!.lastUpdateDateTime)).toBeGreaterThan(Date.parse(twin.lastUpdateDateTime));

		const historyBefore = emu.sentinel.history(sentinelIncident.name).length;
		const patched = await graph('PATCH', `/security/incidents/${twin.id}`, { status: 'resolved', classification: 'falsePositive', determination: 'notMalicious', resolvingComment: 'Noise from a test host' });
		expect(patched.status).toBe(200);
		expect(emu.sentinel.getIncident(sentinelIncident.name)!.properties).toMatchObject({ status: 'Closed', classification: 'FalsePositive', classificationComment: 'Noise from a test host' });
		// One mirrored write on the Sentinel side (by the app), and it did not come back as a second Defender change.
		const history = emu.sentinel.history(sentinelIncident.name);
		expect(history.length).toBe(historyBefore + 1);
		expect(history[history.length - 1].actor).toBe(emu.principal.displayName);
		expect(emu.defender.incident(twin.id)).toMatchObject({ status: 'resolved', classification: 'falsePositive', determination: 'notMalicious' });
	});
});
