import { MAX_TEXT_LENGTH, buildParameters, buildSignl, buildText, buildTitle, isSentinelIncident, listLine, truncate } from '../../../nodes/Signl4OnCall/helpers/message';
import { enrichedItem, incidentItem } from './fixtures';

describe('Signl built from a Sentinel incident', () => {
	test('title: severity, number, incident title', () => {
		expect(buildTitle(incidentItem())).toBe('[High] Sentinel #4711: Impossible travel to an atypical location');
		expect(buildTitle(incidentItem({ severity: undefined, incidentNumber: undefined }))).toBe('Sentinel: Impossible travel to an atypical location');
		expect(buildTitle(incidentItem({ title: 'x'.repeat(500) })).length).toBeLessThanOrEqual(200);
	});

	test('text from a trigger item (no enrichment): the facts an on-call engineer needs, in order', () => {
		expect(buildText(incidentItem())).toBe(
			[
				'High severity incident #4711 in law-sentinel-prod (New)',
				'Owner: Amira Haddad (amira.haddad@contoso.example)',
				'Products: Microsoft Entra ID Protection, Azure Sentinel',
				'Tactics: InitialAccess, CredentialAccess',
				'',
				'Accounts: jdoe@contoso.example',
				'Hosts: web-01.contoso.local',
				'IPs: 203.0.113.7 (Netherlands), 198.51.100.23 (Brazil)',
				'',
				'Alerts (2):',
				'- Atypical travel (High, Microsoft Entra ID Protection)',
				'- Brute force against Entra ID (Medium, Azure Sentinel)',
				'',
				'Description:',
				'Sign-ins from two countries within 20 minutes.',
				'',
				`Open in Sentinel: ${incidentItem().portalUrl as string}`,
			].join('\n'),
		);
	});

	test('text from an enriched item: the enrichment summary as is, before the portal link', () => {
		const text = buildText(enrichedItem());
		expect(text).toContain('Evidence (Log Analytics):\nAtypical travel: 3 rows\n  jdoe@contoso.example  NL → BR  2 sign-ins\nBrute force against Entra ID: 41 failed sign-ins from 198.51.100.23');
		expect(text.indexOf('Evidence (Log Analytics)')).toBeLessThan(text.indexOf('Open in Sentinel'));
		expect(text.endsWith(incidentItem().portalUrl as string)).toBe(true);
	});

	test('an enrichment without summary, or an empty one, adds nothing', () => {
		expect(buildText(incidentItem({ enrichment: { alerts: [], warnings: ['x'] } }))).toBe(buildText(incidentItem()));
		expect(buildText(incidentItem({ enrichment: { summary: '   ' } }))).toBe(buildText(incidentItem()));
	});

	test('a huge enrichment is cut, the portal link survives, the text stays within the limit', () => {
		const text = buildText(enrichedItem({ enrichment: { summary: 'row\n'.repeat(20_000) } }));
		expect(text.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
		expect(text).toMatch(/more characters\)/);
		expect(text.endsWith(incidentItem().portalUrl as string)).toBe(true);
	});

	test('unassigned owner, no entities, many alerts, long description', () => {
		const alerts = Array.from({ length: 12 }, (_, i) => ({ displayName: `Alert ${i + 1}`, severity: 'Low' }));
		const text = buildText(
			incidentItem({ owner: null, ownerEmail: null, entities: undefined, alerts, alertCount: 12, description: 'd'.repeat(3000), portalUrl: null }),
		);
		expect(text).toContain('Owner: Unassigned');
		expect(text).not.toContain('Accounts:');
		expect(text).toContain('Alerts (12):');
		expect(text).toContain('- … and 4 more');
		expect(text).toMatch(/d+ … \(\d+ more characters\)/);
		expect(text).not.toContain('Open in Sentinel');
	});

	test('long entity lists are summarised', () => {
		const ips = Array.from({ length: 9 }, (_, i) => ({ address: `192.0.2.${i}` }));
		expect(buildText(incidentItem({ entities: { ips } }))).toContain('IPs: 192.0.2.0, 192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4 (+4 more)');
		expect(listLine(['a', 'b'], 5)).toBe('a, b');
		expect(truncate('abcdef', 100)).toBe('abcdef');
	});

	test('parameter tiles: no key SIGNL4 would take as title or text', () => {
		const parameters = buildParameters(incidentItem());
		expect(parameters).toEqual({
			'Incident Number': '#4711',
			Severity: 'High',
			Status: 'New',
			Owner: 'Amira Haddad (amira.haddad@contoso.example)',
			Workspace: 'rg-sentinel-prod/law-sentinel-prod',
			Products: 'Microsoft Entra ID Protection, Azure Sentinel',
			Tactics: 'InitialAccess, CredentialAccess',
			Portal: incidentItem().portalUrl,
		});
		for (const name of Object.keys(parameters)) expect(name.toLowerCase()).not.toMatch(/^(title|subject|job|task|case|incident|text|message|description|body|content)$|\./);
	});

	test('isSentinelIncident', () => {
		expect(isSentinelIncident(incidentItem())).toBe(true);
		expect(isSentinelIncident({ title: 'x' })).toBe(false);
		expect(buildSignl(incidentItem()).title).toBe(buildTitle(incidentItem()));
	});
});
