import type { INodeProperties } from 'n8n-workflow';

import { workspaceLocator } from '../shared/descriptions/workspace';
import { INCIDENT_SEVERITY_OPTIONS, INCIDENT_STATUS_OPTIONS } from '../shared/descriptions/incidentOptions';

export const triggerProperties: INodeProperties[] = [
	workspaceLocator,
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		options: INCIDENT_STATUS_OPTIONS,
		default: ['New'],
		description: 'Emit incidents in these statuses. Leave empty for any status.',
	},
	{
		displayName: 'Severities',
		name: 'severities',
		type: 'multiOptions',
		options: INCIDENT_SEVERITY_OPTIONS,
		default: ['High', 'Medium', 'Low', 'Informational'],
		description: 'Emit incidents of these severities. An incident raised to a selected severity later is emitted then.',
	},
	{
		displayName: 'Maximum Age (Hours)',
		name: 'maxAgeHours',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 8760 },
		default: 24,
		description:
			'Only incidents created within this many hours. The first activation looks back no further, so it does not flood the on-call engineer with history.',
	},
	{
		displayName: 'Trigger On',
		name: 'event',
		type: 'options',
		options: [
			{
				name: 'New Incidents',
				value: 'created',
				description: 'Each matching incident once, the first time it matches',
			},
			{
				name: 'New and Updated Incidents',
				value: 'createdOrUpdated',
				description: 'Also each later change of a matching incident (status, owner, severity, tags, comments…)',
			},
		],
		default: 'created',
	},
	{
		displayName: 'Include Alerts',
		name: 'includeAlerts',
		type: 'boolean',
		default: true,
		description: 'Whether to add the incident\'s alerts (with the analytics rule query and window, used for Log Analytics enrichment)',
	},
	{
		displayName: 'Include Entities',
		name: 'includeEntities',
		type: 'boolean',
		default: true,
		description: 'Whether to add the accounts, hosts, IPs, URLs, files and other entities involved',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Additional OData Filter',
				name: 'additionalFilter',
				type: 'string',
				default: '',
				placeholder: "properties/providerName eq 'Azure Sentinel'",
				description: 'Combined with the other filters using "and", e.g. contains(toLower(properties/title), \'ransom\')',
			},
			{
				displayName: 'Exclude Alert Products',
				name: 'excludeProducts',
				type: 'string',
				default: '',
				placeholder: 'Microsoft Defender for Cloud Apps, Office 365',
				description: 'Comma-separated. Skip incidents whose alerts all come from these products.',
			},
			{
				displayName: 'Exclude Titles Containing',
				name: 'excludeTitles',
				type: 'string',
				default: '',
				placeholder: 'test, simulation',
				description: 'Comma-separated words or phrases (case-insensitive). Skip incidents whose title contains any of them.',
			},
			{
				displayName: 'Max Incidents per Poll',
				name: 'maxIncidentsPerPoll',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 100,
				description: 'Emit at most this many incidents per poll (0 = no limit); the rest follow on the next poll, in order',
			},
		],
	},
];
