import type { INodeProperties } from 'n8n-workflow';

import { alertStatusOptions, incidentStatusOptions, serviceSourceOptions, severityOptions } from '../shared/descriptions/defenderOptions';

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
		options: incidentStatusOptions,
		default: ['active'],
		displayOptions: { show: { watch: ['incidents'] } },
		description: 'Emit incidents in these statuses. Leave empty for any status.',
	},
	{
		displayName: 'Statuses',
		name: 'alertStatuses',
		type: 'multiOptions',
		options: alertStatusOptions,
		default: ['new'],
		displayOptions: { show: { watch: ['alerts'] } },
		description: 'Emit alerts in these statuses. Leave empty for any status.',
	},
	{
		displayName: 'Severities',
		name: 'severities',
		type: 'multiOptions',
		options: severityOptions,
		default: ['high', 'medium', 'low', 'informational'],
		description: 'Emit items of these severities. One raised to a selected severity later is emitted then.',
	},
	{
		displayName: 'Service Sources',
		name: 'serviceSources',
		type: 'multiOptions',
		options: serviceSourceOptions,
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
