import type { INodeProperties } from 'n8n-workflow';

import { CALLBACK_EVENTS, type CallbackEvent } from '../shared/signl4/callbacks';

const EVENT_LABELS: Record<CallbackEvent, { name: string; description: string }> = {
	alertCreated: { name: 'Alert Created', description: 'A Signl was raised (eventType 200)' },
	alertAcknowledged: { name: 'Alert Acknowledged', description: 'Someone acknowledged a Signl (201, status 2)' },
	alertClosed: { name: 'Alert Closed', description: 'Someone closed a Signl (201, status 4)' },
	alertStatusChanged: { name: 'Alert Status Changed (Other)', description: 'Any other status change, e.g. an undone acknowledgement (201)' },
	alertEscalated: { name: 'Alert Escalated', description: 'Nobody acknowledged in time (202)' },
	alertAnnotated: { name: 'Alert Annotated', description: 'Someone added a note to a Signl (203)' },
	dutyStarted: { name: 'Duty Started', description: 'A duty period began (300)' },
	dutyEnded: { name: 'Duty Ended', description: 'A duty period ended (301)' },
	userPunchedIn: { name: 'User Punched In', description: 'A user went on duty (302)' },
	userPunchedOut: { name: 'User Punched Out', description: 'A user went off duty (303)' },
	other: { name: 'Other Events', description: 'Event types this node does not know yet' },
};

const RESPOND_OPTIONS = [
	{
		name: 'When the Workflow Has Finished',
		value: 'afterWorkflow',
		description: 'SIGNL4 gets 200 when the execution succeeded and 500 when it failed, and then delivers the callback again',
	},
	{
		name: 'Immediately',
		value: 'onReceived',
		description: 'SIGNL4 gets 200 before the workflow runs; a callback whose execution fails is not delivered again',
	},
];

const RESPOND_DESCRIPTION =
	'When to answer SIGNL4. After the workflow, a callback whose write-back failed is delivered again and processed again; a callback that was processed is not processed twice. A delivery that arrives while the same callback is still being processed gets 503 (SIGNL4 tries again later).';

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'In SIGNL4: Teams → Developer → Outbound Webhooks → add the Production URL shown above (with Basic Auth as https://user:password@host/…). Or let the node register it (needs an API key).',
		name: 'setupNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { registration: ['manual'] } },
	},
	{
		displayName: 'Registration',
		name: 'registration',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Manual', value: 'manual', description: "Paste the node's production URL into SIGNL4's outbound webhooks yourself" },
			{
				name: 'Automatic (API Key)',
				value: 'automatic',
				description: 'The node adds its URL to SIGNL4 when the workflow is activated and removes it when deactivated',
			},
		],
		default: 'manual',
	},
	{
		displayName: 'Team ID',
		name: 'teamId',
		type: 'string',
		default: '',
		description: 'Optional. Register the outbound webhook for this team only; empty = the whole subscription.',
		displayOptions: { show: { registration: ['automatic'] } },
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{ name: 'Basic Auth', value: 'basicAuth', description: 'SIGNL4 calls https://user:password@host/…' },
			{ name: 'Header Auth', value: 'headerAuth', description: 'For a gateway in front of n8n that adds a header (SIGNL4 cannot)' },
			{ name: 'None', value: 'none', description: 'Anyone who knows the URL can act on your incidents' },
		],
		// Secure by default: without a credential the workflow refuses to activate (see `assertAuthenticationUsable`).
		default: 'basicAuth',
		description: 'How callers must prove they are SIGNL4. Unauthenticated requests get 401 and start nothing.',
	},
	{
		displayName:
			'Without authentication anyone who learns this URL can acknowledge, annotate and close your incidents. Use Basic Auth unless a gateway in front of n8n already checks every caller.',
		name: 'noAuthenticationNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['none'] } },
	},
	{
		displayName: 'Respond',
		name: 'respond',
		type: 'options',
		options: RESPOND_OPTIONS,
		default: 'afterWorkflow',
		description: RESPOND_DESCRIPTION,
		displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } },
	},
	{
		displayName: 'Respond',
		name: 'respond',
		type: 'options',
		options: RESPOND_OPTIONS,
		// typeVersion 1 answered on receipt; existing workflows keep doing so until the node is replaced.
		default: 'onReceived',
		description: RESPOND_DESCRIPTION,
		displayOptions: { show: { '@version': [1] } },
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: CALLBACK_EVENTS.map((event) => ({ name: EVENT_LABELS[event].name, value: event, description: EVENT_LABELS[event].description })),
		// Keep in step with DEFAULT_CALLBACK_EVENTS (lint wants an array literal here).
		default: ['alertAcknowledged', 'alertClosed', 'alertAnnotated', 'alertEscalated'],
		description: 'Callbacks that start the workflow; others are answered 200 and ignored. The default is what a Sentinel two-way sync needs.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Ignore Out-of-Order Status Changes',
				name: 'ignoreOutOfOrder',
				type: 'boolean',
				default: true,
				description:
					'Whether to drop a status change that SIGNL4 raised before one already received for the same alert (e.g. a delayed "acknowledged" after "closed"). Best effort: two callbacks arriving within moments of each other can both pass, so to be sure a closed incident stays closed, use Never Reopen a Closed Incident in the Microsoft Sentinel node.',
			},
			{
				displayName: 'Only Sentinel and Defender XDR Signls',
				name: 'onlySentinelIncidents',
				type: 'boolean',
				default: false,
				description:
					"Whether to ignore alert callbacks whose external ID is neither a Sentinel incident nor a Defender XDR incident or alert reference from this package's SIGNL4 On-Call node (the field 'source' says which)",
			},
		],
	},
];
