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
				description:
					'Also each later change of a matching incident, with what changed (status, severity, owner, tags, new comments)',
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
		displayName: 'Delivery',
		name: 'delivery',
		type: 'options',
		options: [
			{
				name: 'Once (At Most Once)',
				value: 'atMostOnce',
				description: 'Each incident is emitted once; if the workflow fails for it, it is not emitted again',
			},
			{
				name: 'Until Confirmed (At Least Once)',
				value: 'atLeastOnce',
				description:
					'An incident is emitted again, with growing waits, until the workflow confirms it by tagging or commenting the incident',
			},
		],
		default: 'atMostOnce',
	},
	{
		displayName:
			'The workflow must confirm each incident by writing the Confirmation Tag (or a comment with the Confirmation Comment) to it after the Signl was raised. Unconfirmed incidents are emitted again with "delivery.attempt" above 1; a New incident that already has the tag is not emitted.',
		name: 'deliveryNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { delivery: ['atLeastOnce'] } },
	},
	{
		displayName: 'Confirmation Tag',
		name: 'confirmationTag',
		type: 'string',
		default: 'SIGNL4',
		displayOptions: { show: { delivery: ['atLeastOnce'] } },
		description: 'An incident that carries this tag counts as delivered (compared case-insensitively). Leave empty to confirm by comment only.',
	},
	{
		displayName: 'Confirmation Comment',
		name: 'confirmationComment',
		type: 'string',
		default: '',
		placeholder: 'alerted in SIGNL4',
		displayOptions: { show: { delivery: ['atLeastOnce'] } },
		description:
			"An incident with a comment containing this text counts as delivered (case-insensitive). Use it when the workflow writes no tag; costs one comment read per unconfirmed incident and check.",
	},
	{
		displayName: 'Redeliver After (Minutes)',
		name: 'redeliverAfterMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		displayOptions: { show: { delivery: ['atLeastOnce'] } },
		description:
			'Wait this long after emitting an incident before emitting it again; the wait doubles each time, up to the Maximum Wait. Keep it longer than the workflow takes for one poll, or an incident still being worked on is emitted again.',
	},
	{
		displayName: 'Maximum Wait (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		displayOptions: { show: { delivery: ['atLeastOnce'] } },
		description: 'The longest wait between two emissions of an unconfirmed incident, however often it was emitted',
	},
	{
		displayName: 'Give Up After (Hours)',
		name: 'giveUpAfterHours',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 24,
		displayOptions: { show: { delivery: ['atLeastOnce'] } },
		description:
			'Stop emitting an unconfirmed incident this long after its first emission. The next poll then fails with the incident numbers, so the error workflow tells someone.',
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
				displayName: 'In a Storm',
				name: 'stormDetails',
				type: 'options',
				options: [
					{
						name: 'Read Details First',
						value: 'beforePaging',
						description:
							"Every item has its alerts and entities. A storm's Highs go out alone as soon as their details are read, the rest from the next polls, at Resource Manager's pace (two writes per incident).",
					},
					{
						name: 'Page First, Details After',
						value: 'afterPaging',
						description:
							'The whole storm goes out at once, most severe first, without alerts and entities and with detailsDeferred: true; the workflow pages from what the incident list says and reads the evidence after the Signls are out (as reference workflow 1 does)',
					},
				],
				default: 'beforePaging',
				description:
					'A storm is more than 50 incidents to hand over in one poll; this only matters when alerts or entities are included',
			},
			{
				displayName: 'Max Incidents per Poll',
				name: 'maxIncidentsPerPoll',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Emit at most this many incidents per poll (0 = no limit, the default); the rest follow on the next poll. Incidents are emitted most severe first, oldest first within a severity, so a limit keeps the most severe.',
			},
			{
				displayName: 'Skip Incidents Paged From Defender XDR',
				name: 'skipDefenderXdrIncidents',
				type: 'boolean',
				default: false,
				description:
					'Whether to skip incidents that Microsoft Defender XDR also has (provider Microsoft XDR / Microsoft 365 Defender with a provider incident ID), because the Microsoft Defender XDR Trigger pages them. Turn on only when a Defender XDR workflow runs beside this one: each incident then pages once.',
			},
			{
				displayName: 'Updates to Emit',
				name: 'updatesToEmit',
				type: 'options',
				displayOptions: { show: { '/event': ['createdOrUpdated'] } },
				options: [
					{
						name: 'Changes by Others',
						value: 'changes',
						description:
							"Only updates with a change to status, severity, owner, tags or new comments made by someone other than this credential's app, so the workflow's own write-backs never come back",
					},
					{
						name: 'Every Modification',
						value: 'all',
						description: 'Every new modification time, whoever made it and whatever changed (title, alerts, description…)',
					},
				],
				default: 'changes',
				description:
					'Updated incidents carry "changes": what changed since the last event (status, severity, owner, tags, new comments with their authors), computed by the trigger',
			},
		],
	},
];
