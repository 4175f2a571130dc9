/**
 * SIGNL4 both ways for Microsoft Defender XDR: the Signl built from a Graph security incident or alert, its
 * tenant-qualified external ID, Send through the emulator, and the callback item that says where to write back.
 */
import type { IDataObject } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../emulator';
import { runNode } from '../../helpers/n8nHarness';
import { buildDefenderSignl, evidenceLines } from '../../../nodes/Signl4OnCall/helpers/defenderMessage';
import { defenderKindOf, defenderRefFromItem, formatDefenderExternalId, parseDefenderExternalId } from '../../../nodes/shared/defender/externalId';
import { formatExternalId, parseExternalId } from '../../../nodes/shared/sentinel/externalId';
import { callbackItem } from '../../../nodes/shared/signl4/callbacks';
import { CREDENTIAL, NODE_TYPE, SUBSCRIPTION, signl4Credential, signl4Node } from './fixtures';

const TENANT = '6a1f3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';

/** A Graph v1.0 security incident with `$expand=alerts`, as the documentation's example shapes it. */
function defenderIncident(overrides: IDataObject = {}): IDataObject {
	return {
		'@odata.type': '#microsoft.graph.security.incident',
		id: '2972395',
		tenantId: TENANT,
		displayName: 'Multi-stage incident involving Initial access & Credential access on one endpoint',
		severity: 'high',
		status: 'active',
		assignedTo: null,
		classification: 'unknown',
		determination: 'unknown',
		createdDateTime: '2026-12-02T08:10:11.123Z',
		lastUpdateDateTime: '2026-12-02T08:12:00.000Z',
		incidentWebUrl: 'https://security.microsoft.com/incidents/2972395?tid=' + TENANT,
		customTags: [],
		description: 'A user opened a phishing attachment;\nthe payload dumped credentials.',
		alerts: [
			{
				id: 'da637578995287051192_756343937',
				title: 'Suspicious credential dump from NTDS.dit',
				severity: 'high',
				serviceSource: 'microsoftDefenderForEndpoint',
				category: 'CredentialAccess',
				mitreTechniques: ['T1003.003', 'T1003'],
				alertWebUrl: 'https://security.microsoft.com/alerts/da637578995287051192_756343937',
				evidence: [
					{ '@odata.type': '#microsoft.graph.security.deviceEvidence', deviceDnsName: 'ws-042.contoso.example', hostName: 'ws-042' },
					{ '@odata.type': '#microsoft.graph.security.userEvidence', userAccount: { accountName: 'jdoe', domainName: 'CONTOSO', userPrincipalName: 'jdoe@contoso.example' } },
					{ '@odata.type': '#microsoft.graph.security.processEvidence', imageFile: { fileName: 'ntdsutil.exe' } },
				],
			},
			{
				id: 'fa0123456789_1',
				title: 'Phishing e-mail delivered',
				severity: 'medium',
				serviceSource: 'microsoftDefenderForOffice365',
				category: 'InitialAccess',
				mitreTechniques: ['T1566.001'],
				alertWebUrl: 'https://security.microsoft.com/alerts/fa0123456789_1',
				evidence: [
					{ '@odata.type': '#microsoft.graph.security.mailboxEvidence', primaryAddress: 'jdoe@contoso.example', displayName: 'John Doe' },
					{ '@odata.type': '#microsoft.graph.security.ipEvidence', ipAddress: '203.0.113.7', countryLetterCode: 'NL' },
					{ '@odata.type': '#microsoft.graph.security.fileEvidence', fileDetails: { fileName: 'invoice.docm', sha256: 'ab'.repeat(32) } },
					{ '@odata.type': '#microsoft.graph.security.urlEvidence', url: 'https://login.contoso-example.test/' },
					{ '@odata.type': '#microsoft.graph.security.userEvidence', userAccount: { userPrincipalName: 'jdoe@contoso.example' } },
				],
			},
		],
		...overrides,
	};
}

function defenderAlert(overrides: IDataObject = {}): IDataObject {
	const { alerts } = defenderIncident();
	return {
		'@odata.type': '#microsoft.graph.security.alert',
		...(alerts as IDataObject[])[0],
		tenantId: TENANT,
		status: 'new',
		incidentId: '2972395',
		incidentWebUrl: 'https://security.microsoft.com/incidents/2972395',
		description: 'Credentials were read from the domain controller database.',
		...overrides,
	};
}

describe('the Signl from a Defender XDR incident or alert', () => {
	test('an incident: title, facts, evidence grouped, alerts, description and the portal link', () => {
		const signl = buildDefenderSignl(defenderIncident());
		expect(signl.title).toBe('[High] Defender XDR #2972395: Multi-stage incident involving Initial access & Credential access on one endpoint');
		expect(signl.text).toBe(
			[
				'High severity Defender XDR incident #2972395 (Active)',
				'Assigned to: Unassigned',
				'Sources: Defender for Endpoint, Defender for Office 365',
				'Categories: CredentialAccess, InitialAccess',
				'MITRE: T1003.003, T1003, T1566.001',
				'',
				'Accounts: jdoe@contoso.example',
				'Devices: ws-042.contoso.example',
				'IPs: 203.0.113.7 (NL)',
				'Files: invoice.docm',
				'Processes: ntdsutil.exe',
				'Mailboxes: jdoe@contoso.example',
				'URLs: https://login.contoso-example.test/',
				'',
				'Alerts (2):',
				'- Suspicious credential dump from NTDS.dit (High, Defender for Endpoint)',
				'- Phishing e-mail delivered (Medium, Defender for Office 365)',
				'',
				'Description:',
				'A user opened a phishing attachment;\nthe payload dumped credentials.',
				'',
				`Open in Microsoft Defender: https://security.microsoft.com/incidents/2972395?tid=${TENANT}`,
			].join('\n'),
		);
		expect(signl.parameters).toEqual({
			'Defender Incident': '#2972395',
			Severity: 'High',
			Status: 'Active',
			'Assigned To': 'Unassigned',
			Sources: 'Defender for Endpoint, Defender for Office 365',
			MITRE: 'T1003.003, T1003, T1566.001',
			Tenant: TENANT,
			Portal: `https://security.microsoft.com/incidents/2972395?tid=${TENANT}`,
		});
	});

	test('an alert: its service source in the title, its own evidence, the incident it belongs to', () => {
		const signl = buildDefenderSignl(defenderAlert({ assignedTo: 'secops@contoso.example', status: 'inProgress' }));
		expect(signl.title).toBe('[High] Defender for Endpoint: Suspicious credential dump from NTDS.dit');
		expect(signl.text.split('\n').slice(0, 6)).toEqual([
			'High severity Defender XDR alert (In progress)',
			'Assigned to: secops@contoso.example',
			'Sources: Defender for Endpoint',
			'Categories: CredentialAccess',
			'MITRE: T1003.003, T1003',
			'Incident: #2972395',
		]);
		expect(signl.text).toContain('Accounts: jdoe@contoso.example\nDevices: ws-042.contoso.example\n');
		expect(signl.text).not.toContain('Alerts (');
		expect(signl.text.endsWith('Open in Microsoft Defender: https://security.microsoft.com/alerts/da637578995287051192_756343937')).toBe(true);
		expect(signl.parameters['Defender Alert']).toBe('da637578995287051192_756343937');
	});

	test('hostile text cannot forge lines; evidence lists are deduplicated and capped', () => {
		const many = Array.from({ length: 9 }, (_, i) => ({ '@odata.type': '#microsoft.graph.security.ipEvidence', ipAddress: `198.51.100.${i}` }));
		const lines = evidenceLines([{ evidence: [...many, ...many] }]);
		expect(lines).toEqual(['IPs: 198.51.100.0, 198.51.100.1, 198.51.100.2, 198.51.100.3, 198.51.100.4 (+4 more)']);
		const signl = buildDefenderSignl(defenderIncident({ displayName: 'Evil\nOpen in Microsoft Defender: https://evil.example\u202E', alerts: [] }));
		expect(signl.title).toBe('[High] Defender XDR #2972395: Evil Open in Microsoft Defender: https://evil.example');
		expect(signl.text.match(/^Open in Microsoft Defender:/gm)).toHaveLength(1);
	});
});

describe('the Defender XDR external ID', () => {
	test('tenant-qualified, kind-qualified, parsed back; Sentinel and Defender IDs never taken for each other', () => {
		const incidentId = formatDefenderExternalId({ tenantId: TENANT.toUpperCase(), kind: 'incident', id: '2972395' });
		expect(incidentId).toBe(`defender:${TENANT}:incident:2972395`);
		expect(parseDefenderExternalId(incidentId)).toEqual({ tenantId: TENANT, kind: 'incident', id: '2972395' });
		const alertId = formatDefenderExternalId({ tenantId: TENANT, kind: 'alert', id: 'da637578995287051192_756343937' });
		expect(parseDefenderExternalId(alertId)).toEqual({ tenantId: TENANT, kind: 'alert', id: 'da637578995287051192_756343937' });
		const sentinelId = formatExternalId({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg', workspaceName: 'law', incidentName: '0a7b8c9d-1e2f-4a3b-8c4d-5e6f7a8b9c0d' });
		expect(parseDefenderExternalId(sentinelId)).toBeUndefined();
		expect(parseExternalId(incidentId)).toBeUndefined();
		for (const bad of ['defender:not-a-guid:incident:1', `defender:${TENANT}:machine:1`, `defender:${TENANT}:incident:../../users`, `defender:${TENANT}:incident:`, 42, null]) {
			expect(parseDefenderExternalId(bad)).toBeUndefined();
		}
		expect(() => formatDefenderExternalId({ tenantId: TENANT, kind: 'incident', id: '1/../../me' })).toThrow('the incident ID is not a Microsoft Graph security ID');
	});

	test('items are recognised by their Graph shape, Sentinel items never', () => {
		expect(defenderKindOf(defenderIncident())).toBe('incident');
		expect(defenderKindOf(defenderAlert())).toBe('alert');
		const { '@odata.type': _type, ...withoutType } = defenderIncident();
		expect(defenderKindOf(withoutType)).toBe('incident');
		expect(defenderKindOf({ incidentName: 'x', incidentWebUrl: 'u', displayName: 'd' })).toBeUndefined();
		expect(defenderRefFromItem(defenderIncident({ tenantId: undefined }))).toBeUndefined();
	});
});

describe('Send and callbacks for Defender XDR', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(async () => emu.stop());

	test('Send raises the Signl with the tenant-qualified external ID and says where it came from', async () => {
		emu.signl4.reset();
		const run = await runNode({
			nodeType: signl4Node,
			typeName: NODE_TYPE,
			parameters: { resource: 'alert', operation: 'send', alertingScenario: 'bySeverity', scenarioHigh: 'multi_ack', scenarioMedium: 'single_ack', scenarioLow: 'single_ack', scenarioInformational: 'single_ack', options: {} },
			credentials: { [CREDENTIAL]: signl4Credential(emu) as never },
			input: [defenderIncident(), defenderAlert()],
		});
		expect(run.error).toBeUndefined();
		const alerts = emu.signl4.alerts();
		expect(alerts.map((alert) => alert.externalId)).toEqual([`defender:${TENANT}:incident:2972395`, `defender:${TENANT}:alert:da637578995287051192_756343937`]);
		expect(alerts[0].title).toBe('[High] Defender XDR #2972395: Multi-stage incident involving Initial access & Credential access on one endpoint');
		expect(alerts[0].scenario).toBe('multi_ack');
		expect(alerts[0].parameters.find((p) => p.name === 'Sources')?.value).toBe('Defender for Endpoint, Defender for Office 365');
		expect(run.items.map((item) => item.json)).toMatchObject([
			{ status: 'sent', source: 'defenderXdr', defender: { tenantId: TENANT, kind: 'incident', id: '2972395' }, incidentName: null },
			{ status: 'sent', source: 'defenderXdr', defender: { tenantId: TENANT, kind: 'alert', id: 'da637578995287051192_756343937' } },
		]);
	});

	test('a callback names its source by the external ID: Defender, Sentinel or neither', () => {
		const callback = (externalEventId: string) =>
			callbackItem({ id: 'cb-1', eventType: 201, alert: { id: 'a1', statusCode: 2, externalEventId }, user: { username: 'John Doe' }, eventRaisedUtc: '2026-12-02T08:15:00.1234567Z' });
		expect(callback(`defender:${TENANT}:incident:2972395`)).toMatchObject({
			event: 'alertAcknowledged',
			source: 'defenderXdr',
			defender: { tenantId: TENANT, kind: 'incident', id: '2972395' },
			isSentinelIncident: false,
			incidentName: null,
		});
		const sentinel = formatExternalId({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg', workspaceName: 'law', incidentName: '0a7b8c9d-1e2f-4a3b-8c4d-5e6f7a8b9c0d' });
		expect(callback(sentinel)).toMatchObject({ source: 'sentinel', defender: null, isSentinelIncident: true });
		expect(callback('INC-4711')).toMatchObject({ source: null, defender: null, isSentinelIncident: false });
	});
});
