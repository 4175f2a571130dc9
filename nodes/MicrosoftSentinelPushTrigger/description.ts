import type { INodeProperties } from 'n8n-workflow';

import { workspaceLocator } from '../shared/descriptions/workspace';
import { INCIDENT_SEVERITY_OPTIONS, INCIDENT_STATUS_OPTIONS } from '../shared/descriptions/incidentOptions';

export const pushTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Deploy the template in deploy/push (Logic App + automation rules) with the Production URL shown above and the header secret of the credential below. The Microsoft Sentinel Trigger stays in the workflow as the safety net for pushes that never come.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{ name: 'Header Auth', value: 'headerAuth', description: 'The playbook sends a secret header (the template sets it)' },
			{ name: 'Basic Auth', value: 'basicAuth', description: 'The playbook sends a user and password' },
		],
		default: 'headerAuth',
		description: 'How the playbook proves it is yours. A request without it is answered 401 or 403 and starts nothing.',
	},
	workspaceLocator,
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		options: INCIDENT_STATUS_OPTIONS,
		default: ['New'],
		description: 'Start the workflow for incidents in these statuses, as read from Sentinel (not as pushed). Leave empty for any status.',
	},
	{
		displayName: 'Severities',
		name: 'severities',
		type: 'multiOptions',
		options: INCIDENT_SEVERITY_OPTIONS,
		default: ['High', 'Medium', 'Low', 'Informational'],
		description: 'Start the workflow for incidents of these severities, as read from Sentinel',
	},
	{
		displayName: 'Maximum Age (Hours)',
		name: 'maxAgeHours',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 8760 },
		default: 24,
		description: 'Only incidents created within this many hours',
	},
	{
		displayName: 'Skip Incidents Tagged',
		name: 'skipTags',
		type: 'string',
		default: 'SIGNL4, SIGNL4 paging',
		description:
			'Comma-separated tags that mean the incident was paged or is being paged (the confirmation tag and the claim tag of workflow 1): a push for such an incident starts nothing',
	},
	{
		displayName: 'Include Alerts',
		name: 'includeAlerts',
		type: 'boolean',
		default: true,
		description: "Whether to add the incident's alerts (with the analytics rule query and window, used for Log Analytics enrichment)",
	},
	{
		displayName: 'Include Entities',
		name: 'includeEntities',
		type: 'boolean',
		default: true,
		description: "Whether to add the incident's entities (accounts, hosts, IPs…)",
	},
];
