import type { INodePropertyOptions, INodeProperties } from 'n8n-workflow';

/**
 * Graph's `incidentStatus` (camelCase, as Graph filters and returns them). `awaitingAction` comes after
 * `unknownFutureValue` in the enum, so Graph returns it only to requests that send
 * `Prefer: include-unknown-enum-members`, as the shared Graph transport does.
 */
const INCIDENT_STATUS_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Active', value: 'active' },
	{ name: 'Awaiting Action', value: 'awaitingAction' },
	{ name: 'In Progress', value: 'inProgress' },
	{ name: 'Redirected (Merged Into Another)', value: 'redirected' },
	{ name: 'Resolved', value: 'resolved' },
];

/** Graph's `alertStatus`. */
const ALERT_STATUS_OPTIONS: INodePropertyOptions[] = [
	{ name: 'New', value: 'new' },
	{ name: 'In Progress', value: 'inProgress' },
	{ name: 'Resolved', value: 'resolved' },
];

/** Graph's `alertSeverity`. */
const SEVERITY_OPTIONS: INodePropertyOptions[] = [
	{ name: 'High', value: 'high' },
	{ name: 'Medium', value: 'medium' },
	{ name: 'Low', value: 'low' },
	{ name: 'Informational', value: 'informational' },
	{ name: 'Unknown', value: 'unknown' },
];

/**
 * Graph's `serviceSource` enum (security-v1.0 CSDL), without `unknown` and `unknownFutureValue`; the members after
 * `unknownFutureValue` (Defender for Cloud, Sentinel, …) need `Prefer: include-unknown-enum-members`, which the
 * shared Graph transport sends.
 */
export const SERVICE_SOURCE_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Data Loss Prevention', value: 'dataLossPrevention' },
	{ name: 'Microsoft 365 Defender (XDR Correlation)', value: 'microsoft365Defender' },
	{ name: 'Microsoft App Governance', value: 'microsoftAppGovernance' },
	{ name: 'Microsoft Defender for Cloud', value: 'microsoftDefenderForCloud' },
	{ name: 'Microsoft Defender for Cloud Apps', value: 'microsoftDefenderForCloudApps' },
	{ name: 'Microsoft Defender for Endpoint', value: 'microsoftDefenderForEndpoint' },
	{ name: 'Microsoft Defender for Identity', value: 'microsoftDefenderForIdentity' },
	{ name: 'Microsoft Defender for Office 365', value: 'microsoftDefenderForOffice365' },
	{ name: 'Microsoft Entra ID Protection', value: 'azureAdIdentityProtection' },
	{ name: 'Microsoft Insider Risk Management', value: 'microsoftInsiderRiskManagement' },
	{ name: 'Microsoft Security for AI', value: 'microsoftSecurityForAI' },
	{ name: 'Microsoft Sentinel', value: 'microsoftSentinel' },
	{ name: 'Microsoft Threat Intelligence', value: 'microsoftThreatIntelligence' },
];

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Watch',
		name: 'watch',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Incidents',
				value: 'incidents',
				description: 'Defender XDR incidents, each with its alerts (one event per incident, however many alerts it has)',
			},
			{
				name: 'Alerts',
				value: 'alerts',
				description: 'Single alerts (alerts_v2), also those not correlated into an incident yet',
			},
		],
		default: 'incidents',
	},
	{
		displayName: 'Statuses',
		name: 'incidentStatuses',
		type: 'multiOptions',
		options: INCIDENT_STATUS_OPTIONS,
		default: ['active'],
		displayOptions: { show: { watch: ['incidents'] } },
		description: 'Emit incidents in these statuses. Leave empty for any status.',
	},
	{
		displayName: 'Statuses',
		name: 'alertStatuses',
		type: 'multiOptions',
		options: ALERT_STATUS_OPTIONS,
		default: ['new'],
		displayOptions: { show: { watch: ['alerts'] } },
		description: 'Emit alerts in these statuses. Leave empty for any status.',
	},
	{
		displayName: 'Severities',
		name: 'severities',
		type: 'multiOptions',
		options: SEVERITY_OPTIONS,
		default: ['high', 'medium', 'low', 'informational'],
		description: 'Emit items of these severities. One raised to a selected severity later is emitted then.',
	},
	{
		displayName: 'Service Sources',
		name: 'serviceSources',
		type: 'multiOptions',
		options: SERVICE_SOURCE_OPTIONS,
		default: [],
		description:
			'Emit only items from these Microsoft services. An incident matches when any of its alerts comes from one of them. Leave empty for every source.',
	},
	{
		displayName: 'Maximum Age (Hours)',
		name: 'maxAgeHours',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 8760 },
		default: 24,
		description:
			'Only items created within this many hours. The first activation looks back no further, so it does not flood the on-call engineer with history.',
	},
	{
		displayName: 'Trigger On',
		name: 'event',
		type: 'options',
		options: [
			{ name: 'New Items', value: 'created', description: 'Each matching incident or alert once, the first time it matches' },
			{
				name: 'New and Updated Items',
				value: 'createdOrUpdated',
				description: 'Also each later update of a matching item (a new Last Update Time in Defender XDR)',
			},
		],
		default: 'created',
	},
	{
		displayName: 'Delivery',
		name: 'delivery',
		type: 'options',
		options: [
			{
				name: 'Once (At Most Once)',
				value: 'atMostOnce',
				description: 'Each item is emitted once; if the workflow fails for it, it is not emitted again',
			},
			{
				name: 'Until Confirmed (At Least Once)',
				value: 'atLeastOnce',
				description: 'An item is emitted again, with growing waits, until the workflow confirms it with a tag or a comment in Defender XDR',
			},
		],
		default: 'atMostOnce',
	},
	{
		displayName:
			'The workflow must confirm each item after the Signl was raised: an incident by the Confirmation Tag (custom tag) or a comment containing the Confirmation Comment; an alert by the comment (alerts have no tags). Unconfirmed items are emitted again with "delivery.attempt" above 1; a new incident that already has the tag is not emitted.',
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
		displayOptions: { show: { delivery: ['atLeastOnce'], watch: ['incidents'] } },
		description: 'An incident with this custom tag counts as delivered (case-insensitive). Leave empty to confirm by comment only.',
	},
	{
		displayName: 'Confirmation Comment',
		name: 'confirmationComment',
		type: 'string',
		default: '',
		placeholder: 'alerted in SIGNL4',
		displayOptions: { show: { delivery: ['atLeastOnce'] } },
		description: 'An item with a comment containing this text counts as delivered (case-insensitive). Needed for alerts.',
	},
	{
		displayName: 'Redeliver After (Minutes)',
		name: 'redeliverAfterMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		displayOptions: { show: { delivery: ['atLeastOnce'] } },
		description:
			'Wait this long after emitting an item before emitting it again; the wait doubles each time, up to the Maximum Wait. Keep it longer than the workflow takes for one poll.',
	},
	{
		displayName: 'Maximum Wait (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		displayOptions: { show: { delivery: ['atLeastOnce'] } },
		description: 'The longest wait between two emissions of an unconfirmed item, however often it was emitted',
	},
	{
		displayName: 'Give Up After (Hours)',
		name: 'giveUpAfterHours',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 24,
		displayOptions: { show: { delivery: ['atLeastOnce'] } },
		description:
			'Stop emitting an unconfirmed item this long after its first emission. The next poll then fails with the IDs, so the error workflow tells someone.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Max Items per Poll',
				name: 'maxItemsPerPoll',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Emit at most this many items per poll (0 = no limit, the default); the rest follow on the next poll. Items are emitted most severe first, oldest first within a severity, so a limit keeps the most severe.',
			},
		],
	},
];
