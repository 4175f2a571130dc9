/**
 * The emulator's Graph security answers against the CSDL of microsoft.graph.security
 * (`../shared/specs/graph/security-v1.0.csdl.xml`): every property it returns for incidents (with `$expand=alerts`),
 * alerts_v2, their evidence and comments exists in the CSDL with a compatible type, every enum value is a member,
 * and the enum lists the emulator validates PATCH bodies with are the CSDL's own (same members, same order, which
 * decides the evolvable members).
 */
import { startEmulator, type Emulator } from '../../emulator';
import { ALERT_CLASSIFICATIONS, ALERT_DETERMINATIONS, ALERT_SEVERITIES, ALERT_STATUSES, DETECTION_SOURCES, INCIDENT_STATUSES, SERVICE_SOURCES } from '../../emulator/graph/security/security-model';
import { loadGraphSecurityContract, type GraphSecurityContract } from './graphSecurityCsdl';
import { request, secretCredential } from './support/clients';

let emu: Emulator;
let token: string;
let contract: GraphSecurityContract;

beforeAll(async () => {
	contract = loadGraphSecurityContract();
	emu = await startEmulator({ seedIncidents: 6 });
	token = (await secretCredential(emu).getToken('https://graph.microsoft.com/.default')).token;
	// Every kind of incident the emulator makes: generated Defender-native ones, twins of Sentinel incidents
	// (scheduled-rule and XDR alerts, every entity kind), one per service the generator knows, and edited ones.
	emu.defender.seed(8);
	for (const incident of emu.sentinel.listIncidents()) emu.defender.seedTwinOf(incident.name);
	for (const serviceSource of ['microsoftDefenderForEndpoint', 'microsoftDefenderForIdentity', 'microsoftDefenderForCloudApps', 'microsoftDefenderForOffice365', 'azureAdIdentityProtection', 'microsoftDefenderForCloud', 'microsoftSentinel'] as const) {
		emu.defender.createIncident({ alerts: [{ serviceSource }] });
	}
	const edited = emu.defender.createIncident({ customTags: ['a'] });
	emu.defender.updateIncident(edited.id, { status: 'resolved', classification: 'falsePositive', determination: 'notMalicious', resolvingComment: 'noise' });
	emu.defender.addComment('incident', edited.id, 'closing');
});
afterAll(() => emu.stop());

const graph = (method: string, path: string, body?: unknown, prefer = true) =>
	request(emu, method, `/v1.0${path}`, { body, headers: { authorization: `Bearer ${token}`, ...(prefer ? { prefer: 'include-unknown-enum-members' } : {}) } });

describe('CSDL contract of the Graph security answers', () => {
	it('the enum lists the emulator uses are the CSDL members, in order', () => {
		expect(contract.enumMembers('incidentStatus')).toEqual([...INCIDENT_STATUSES]);
		expect(contract.enumMembers('alertStatus')).toEqual([...ALERT_STATUSES]);
		expect(contract.enumMembers('alertSeverity')).toEqual([...ALERT_SEVERITIES]);
		expect(contract.enumMembers('alertClassification')).toEqual([...ALERT_CLASSIFICATIONS]);
		expect(contract.enumMembers('alertDetermination')).toEqual([...ALERT_DETERMINATIONS]);
		expect(contract.enumMembers('serviceSource')).toEqual([...SERVICE_SOURCES]);
		expect(contract.enumMembers('detectionSource')).toEqual([...DETECTION_SOURCES]);
	});

	it('the checker catches an unknown property, a wrong type, a non-member, a forbidden null and a foreign @odata.type', () => {
		const comment = { comment: 'x', createdByDisplayName: 'y', createdDateTime: '2024-01-01T00:00:00Z' };
		expect(contract.errors('alertComment', comment)).toEqual([]);
		expect(contract.errors('alertComment', { ...comment, createdBy: 'z' })).toEqual([expect.stringContaining('not a property')]);
		expect(contract.errors('alertComment', { ...comment, createdDateTime: 'yesterday' })).toEqual([expect.stringContaining('Edm.DateTimeOffset')]);
		expect(contract.errors('alertComment', { ...comment, createdDateTime: null })).toEqual([expect.stringContaining('Nullable')]);
		expect(contract.errors('incident', { id: '1', status: 'Active' })).toEqual([expect.stringContaining('not a member')]);
		expect(contract.errors('alertEvidence', { '@odata.type': '#microsoft.graph.security.incident' })).toEqual([expect.stringContaining('does not derive')]);
		expect(contract.errors('deviceEvidence', { '@odata.type': '#microsoft.graph.security.deviceEvidence', osBuild: '22424' })).toEqual([expect.stringContaining('Edm.Int64')]);
	});

	it('incidents with $expand=alerts (every page), alerts_v2, single reads and their evidence conform', async () => {
		let url: string | undefined = '/security/incidents?$expand=alerts&$top=10&$count=true';
		let incidents = 0;
		let alerts = 0;
		const evidenceTypes = new Set<string>();
		const serviceSources = new Set<string>();
		while (url) {
			const answer = await graph('GET', url);
			expect(answer.status).toBe(200);
			const page = answer.json as { value: Array<Record<string, unknown> & { alerts: Array<Record<string, unknown> & { evidence: Array<Record<string, unknown>> }> }>; '@odata.nextLink'?: string };
			for (const incident of page.value) {
				expect(contract.errors('incident', incident)).toEqual([]);
				incidents++;
				for (const alert of incident.alerts) {
					alerts++;
					serviceSources.add(String(alert.serviceSource));
					for (const evidence of alert.evidence) evidenceTypes.add(String(evidence['@odata.type']));
				}
			}
			url = page['@odata.nextLink']?.slice(`${emu.url}/v1.0`.length);
		}
		console.log(`checked ${incidents} incidents, ${alerts} alerts; evidence types: ${[...evidenceTypes].sort().join(', ')}; services: ${[...serviceSources].sort().join(', ')}`);
		expect(incidents).toBe(emu.defender.incidents().length);
		for (const type of ['userEvidence', 'deviceEvidence', 'ipEvidence', 'fileEvidence', 'processEvidence', 'mailboxEvidence', 'urlEvidence']) {
			expect(evidenceTypes).toContain(`#microsoft.graph.security.${type}`);
		}
		expect(serviceSources.size).toBeGreaterThanOrEqual(6);

		const alertList = await graph('GET', '/security/alerts_v2?$top=2000');
		for (const alert of (alertList.json as { value: unknown[] }).value) expect(contract.errors('alert', alert)).toEqual([]);
		// Without the Prefer header, evolvable members read as unknownFutureValue: still members of the enum.
		const plain = await graph('GET', '/security/alerts_v2?$top=2000', undefined, false);
		for (const alert of (plain.json as { value: unknown[] }).value) expect(contract.errors('alert', alert)).toEqual([]);

		const [first] = emu.defender.incidents();
		expect(contract.errors('incident', (await graph('GET', `/security/incidents/${first.id}?$expand=alerts`)).json)).toEqual([]);
		const [alert] = emu.defender.alerts(first.id);
		expect(contract.errors('alert', (await graph('GET', `/security/alerts_v2/${alert.id}`)).json)).toEqual([]);
	});

	it('PATCH and comment answers conform', async () => {
		const incident = emu.defender.createIncident();
		const [alert] = emu.defender.alerts(incident.id);
		const patchedIncident = await graph('PATCH', `/security/incidents/${incident.id}`, { status: 'resolved', classification: 'truePositive', determination: 'phishing', customTags: ['SIGNL4'], assignedTo: 'soc@contoso.com' });
		expect(contract.errors('incident', patchedIncident.json)).toEqual([]);
		const patchedAlert = await graph('PATCH', `/security/alerts_v2/${alert.id}`, { status: 'inProgress', classification: 'informationalExpectedActivity', determination: 'securityTesting' });
		expect(contract.errors('alert', patchedAlert.json)).toEqual([]);
		for (const path of [`/security/incidents/${incident.id}/comments`, `/security/alerts_v2/${alert.id}/comments`]) {
			const comments = (await graph('POST', path, { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'from the contract test' })).json as { value: unknown[] };
			expect(comments.value.length).toBeGreaterThan(0);
			for (const comment of comments.value) expect(contract.errors('alertComment', comment)).toEqual([]);
		}
	});
});
