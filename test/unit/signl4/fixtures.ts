/** Items shaped like the Microsoft Sentinel Trigger's output (nodes/shared/sentinel/incidentShape.ts) and the Log Analytics enrichment. */
import type { IDataObject } from 'n8n-workflow';

import type { Emulator } from '../../emulator';
import { Signl4OnCall } from '../../../nodes/Signl4OnCall/Signl4OnCall.node';
import { Signl4OnCallTrigger } from '../../../nodes/Signl4OnCallTrigger/Signl4OnCallTrigger.node';

export const NODE_TYPE = 'n8n-nodes-sentinel-signl4.signl4OnCall';
export const TRIGGER_TYPE = 'n8n-nodes-sentinel-signl4.signl4OnCallTrigger';
export const CREDENTIAL = 'signl4OnCallApi';
export const signl4Node = new Signl4OnCall();
export const signl4Trigger = new Signl4OnCallTrigger();

export const SUBSCRIPTION = '3f2b6c1e-8a4d-4e2f-9b7c-1d2e3f4a5b6c';
export const INCIDENT_NAME = '7c1a9e52-3b4d-4f6a-8e2b-0d9c8b7a6f5e';

export function incidentItem(overrides: IDataObject = {}): IDataObject {
	const workspace = { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-sentinel-prod', name: 'law-sentinel-prod' };
	return {
		incidentNumber: 4711,
		title: 'Impossible travel to an atypical location',
		severity: 'High',
		status: 'New',
		owner: 'Amira Haddad',
		ownerEmail: 'amira.haddad@contoso.example',
		tags: ['vip'],
		portalUrl: `https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel-prod/providers/Microsoft.OperationalInsights/workspaces/law-sentinel-prod/providers/Microsoft.SecurityInsights/Incidents/${INCIDENT_NAME}`,
		alertProducts: ['Microsoft Entra ID Protection', 'Azure Sentinel'],
		tactics: ['InitialAccess', 'CredentialAccess'],
		alertCount: 2,
		description: 'Sign-ins from two countries within 20 minutes.',
		incidentName: INCIDENT_NAME,
		workspace: {
			...workspace,
			armId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel-prod/providers/Microsoft.OperationalInsights/workspaces/law-sentinel-prod`,
		},
		alerts: [
			{ alertName: 'a1', displayName: 'Atypical travel', severity: 'High', productName: 'Microsoft Entra ID Protection', tactics: ['InitialAccess'] },
			{ alertName: 'a2', displayName: 'Brute force against Entra ID', severity: 'Medium', productName: 'Azure Sentinel', tactics: ['CredentialAccess'] },
		],
		entities: {
			accounts: [{ name: 'jdoe', upn: 'jdoe@contoso.example' }],
			hosts: [{ hostName: 'web-01', fqdn: 'web-01.contoso.local' }],
			ips: [
				{ address: '203.0.113.7', country: 'Netherlands' },
				{ address: '198.51.100.23', country: 'Brazil' },
			],
			urls: [],
			files: [],
			products: ['Microsoft Entra ID Protection', 'Azure Sentinel'],
			companies: ['Microsoft'],
		},
		raw: { incident: {} },
		...overrides,
	};
}

export function enrichedItem(overrides: IDataObject = {}): IDataObject {
	return incidentItem({
		enrichment: {
			summary: 'Atypical travel: 3 rows\n  jdoe@contoso.example  NL → BR  2 sign-ins\nBrute force against Entra ID: 41 failed sign-ins from 198.51.100.23',
			alerts: [
				{ alertName: 'a1', displayName: 'Atypical travel', status: 'ok', totalRows: 3, summary: '3 rows' },
				{ alertName: 'a2', displayName: 'Brute force against Entra ID', status: 'ok', totalRows: 41, summary: '41 rows' },
			],
			warnings: [],
			queriedAt: '2026-11-23T10:00:00.000Z',
		},
		...overrides,
	});
}

export function signl4Credential(emu: Emulator, overrides: IDataObject = {}): IDataObject {
	return { teamSecret: emu.signl4.team.secret, apiKey: emu.signl4.apiKey, baseUrl: emu.signl4.baseUrl, caCertificate: emu.caPem, ...overrides };
}
