import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ALERTING_SCENARIOS, type AlertingScenario } from '../../../shared/signl4/constants';
import { buildMultipart, type MultipartFile } from '../../../shared/signl4/multipart';
import { asNodeError, signl4Error, signl4ErrorContext, signl4Request } from '../../../shared/signl4/transport';
import { incidentReferenceFields, parseExternalId } from '../../../shared/sentinel/externalId';
import { externalIdFields, rateLimitWaitOption, timeoutOption } from '../../descriptions/common';
import { checkAttachment } from '../../helpers/attachments';
import { hasApiKey, requestPolicy, resolveExternalId } from '../../helpers/context';
import { findAlertsByExternalId } from '../../helpers/lookup';
import { buildSignl, isSentinelIncident } from '../../helpers/message';
import { buildDefenderSignl } from '../../helpers/defenderMessage';
import { defenderKindOf, parseDefenderExternalId } from '../../../shared/defender/externalId';
import { findPriorSignl, needsPriorCheck, type PriorCheck } from '../../helpers/redelivery';

const scenarioOptions = [
	{ name: 'Single Acknowledgement', value: 'single_ack', description: 'One acknowledgement suffices' },
	{ name: 'Multi Acknowledgement', value: 'multi_ack', description: 'Everyone on duty when it is raised must acknowledge' },
	{ name: 'Emergency', value: 'emergency', description: 'The whole team regardless of duty, Emergency category' },
];

const severityScenario = (severity: string, fallback: AlertingScenario): INodeProperties => ({
	displayName: `Scenario for ${severity}`,
	name: `scenario${severity}`,
	type: 'options',
	options: scenarioOptions,
	default: fallback,
	displayOptions: { show: { alertingScenario: ['bySeverity'] } },
});

const properties: INodeProperties[] = [
	{
		displayName:
			'Sent once, never twice: if SIGNL4 does not answer in time, the alert is not sent again. With an API key the node checks by external ID whether it arrived; otherwise the item fails with "deliveryUncertain". A 429 is waited out and sent again (SIGNL4 refused it). An incident the trigger emits again (delivery.attempt above 1) is first looked up in SIGNL4 (API key needed), so it raises no second Signl.',
		name: 'deliveryNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		placeholder: 'Empty: "[High] Sentinel #42: <incident title>" from the input item',
		description: 'Title of the Signl. Leave empty to build it from the Microsoft Sentinel incident, or the Defender XDR incident or alert, in the input item.',
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		placeholder: 'Empty: severity, owner, products, tactics, key entities, alerts, evidence and portal link',
		description:
			'Text of the Signl. Leave empty to build it from the incident: severity and number, owner, alert products, tactics, key entities, alerts, description, the Log Analytics enrichment summary when present, and the portal link (for Defender XDR: service sources, MITRE techniques and the evidence grouped as accounts, devices, IPs, files, mailboxes and URLs).',
	},
	...externalIdFields('to give the Signl', { allowNone: true }),
	{
		displayName: 'Alerting Scenario',
		name: 'alertingScenario',
		type: 'options',
		options: [
			{ name: 'Team Default', value: 'teamDefault', description: "Do not set one; SIGNL4 uses the team's setting" },
			...scenarioOptions,
			{ name: 'Map From Incident Severity', value: 'bySeverity', description: 'Choose a scenario per Sentinel severity' },
		],
		default: 'teamDefault',
	},
	severityScenario('High', 'multi_ack'),
	severityScenario('Medium', 'single_ack'),
	severityScenario('Low', 'single_ack'),
	severityScenario('Informational', 'single_ack'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Attachments (Binary Properties)',
				name: 'attachments',
				type: 'string',
				default: '',
				placeholder: 'data, screenshot',
				description:
					'Comma-separated binary properties of the input item to attach: PNG, TIFF, JPEG, GIF, BMP, MP3, WAV, AIFF, M4A, TXT, PDF, MOV or MP4, at most 4 MB each',
			},
			{
				displayName: 'Check SIGNL4 After a Timeout',
				name: 'checkAfterTimeout',
				type: 'boolean',
				default: true,
				description:
					'Whether, when SIGNL4 does not answer in time, to look the external ID up through the API (needs an API key) instead of failing at once. The alert is never sent a second time.',
			},
			{
				displayName: 'Check SIGNL4 Before Sending',
				name: 'checkBeforeSending',
				type: 'options',
				options: [
					{
						name: 'For Redelivered Incidents',
						value: 'redeliveries',
						description: 'When the item is an incident the Microsoft Sentinel Trigger emits again (delivery.attempt above 1)',
					},
					{ name: 'Always', value: 'always', description: 'One search per item; for items from other sources that may repeat' },
					{ name: 'Never', value: 'never' },
				],
				default: 'redeliveries',
				description:
					'Whether to look the external ID up in SIGNL4 (needs an API key) and, if a Signl exists, return it instead of raising another',
			},
			{
				displayName: 'Custom Parameters',
				name: 'customParameters',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Parameter',
				description: 'Extra parameter tiles shown with the Signl (a name used by the incident tiles replaces it)',
				options: [
					{
						displayName: 'Parameter',
						name: 'parameter',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Filtering',
				name: 'filtering',
				type: 'boolean',
				default: false,
				description: "Whether SIGNL4 raises the Signl only if a category's keywords match (X-S4-Filtering)",
			},
			{
				displayName: 'Incident Parameters',
				name: 'incidentParameters',
				type: 'boolean',
				default: true,
				description: 'Whether to add the incident tiles (Incident Number, Severity, Status, Owner, Workspace, Products, Tactics, Portal)',
			},
			{
				displayName: 'Location',
				name: 'location',
				type: 'string',
				default: '',
				placeholder: '52.5200,13.4050',
				description: "Latitude and longitude ('lat,long') for the map in the app",
			},
			rateLimitWaitOption,
			{
				displayName: 'Service (Category)',
				name: 'service',
				type: 'string',
				default: '',
				placeholder: 'Security',
				description: 'Name of the SIGNL4 service/system category for the Signl (X-S4-Service)',
			},
			{
				displayName: 'Skip Unsupported Attachments',
				name: 'skipUnsupportedAttachments',
				type: 'boolean',
				default: false,
				description:
					'Whether to send the Signl without attachments SIGNL4 would refuse (type or size) and list them in the output, instead of failing the item',
			},
			{
				displayName: 'Source System',
				name: 'sourceSystem',
				type: 'string',
				default: 'n8n',
				description: 'Label of the source system (X-S4-SourceSystem)',
			},
			timeoutOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['alert'], operation: ['send'] } }, properties);

const RESERVED = /^(x-s4-.*|title|subject|message|text)$/i;

function scenarioFor(this: IExecuteFunctions, itemIndex: number, item: IDataObject): AlertingScenario | undefined {
	const choice = this.getNodeParameter('alertingScenario', itemIndex, 'teamDefault') as string;
	if (choice === 'teamDefault') return undefined;
	if (choice !== 'bySeverity') return choice as AlertingScenario;
	const severity = typeof item.severity === 'string' ? item.severity : '';
	const key = ['High', 'Medium', 'Low', 'Informational'].find((s) => s.toLowerCase() === severity.toLowerCase());
	if (!key) return undefined;
	const mapped = this.getNodeParameter(`scenario${key}`, itemIndex) as AlertingScenario;
	return ALERTING_SCENARIOS.includes(mapped) ? mapped : undefined;
}

interface PreparedAttachments {
	files: MultipartFile[];
	skipped: Array<{ property: string; reason: string }>;
}

async function prepareAttachments(this: IExecuteFunctions, itemIndex: number, options: IDataObject): Promise<PreparedAttachments> {
	const names = String(options.attachments ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	const prepared: PreparedAttachments = { files: [], skipped: [] };
	for (const property of names) {
		const binary = this.helpers.assertBinaryData(itemIndex, property);
		const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
		const verdict = checkAttachment({ property, fileName: binary.fileName, mimeType: binary.mimeType, size: data.length });
		if (!verdict.ok) {
			if (options.skipUnsupportedAttachments === true) {
				prepared.skipped.push({ property, reason: verdict.reason });
				continue;
			}
			throw new NodeOperationError(this.getNode(), `Attachment not sent: ${verdict.reason}`, {
				itemIndex,
				description: "Nothing was sent. Turn on 'Skip Unsupported Attachments' to send the Signl without it.",
			});
		}
		prepared.files.push({ field: `Attachment${prepared.files.length + 1}`, fileName: verdict.fileName, contentType: verdict.contentType, data });
	}
	return prepared;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const item = this.getInputData()[itemIndex].json;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const policy = requestPolicy(options);
	const built = isSentinelIncident(item) ? buildSignl(item) : defenderKindOf(item) ? buildDefenderSignl(item) : undefined;

	const title = String(this.getNodeParameter('title', itemIndex, '') ?? '').trim() || built?.title;
	const message = String(this.getNodeParameter('message', itemIndex, '') ?? '').trim() || built?.text;
	if (!title || !message) {
		throw new NodeOperationError(this.getNode(), 'Title and Message are needed: the input item is neither a Microsoft Sentinel nor a Defender XDR incident or alert', {
			itemIndex,
			description:
				'Either feed an incident (Microsoft Sentinel Trigger output, optionally enriched, or a Defender XDR incident or alert) or fill in Title and Message.',
		});
	}
	const externalIdSource = this.getNodeParameter('externalIdSource', itemIndex, 'incident') as string;
	const externalId = externalIdSource === 'none' ? undefined : resolveExternalId.call(this, itemIndex);

	const parameters: Record<string, string> = {};
	if (built && options.incidentParameters !== false) Object.assign(parameters, built.parameters);
	const custom = ((options.customParameters as IDataObject)?.parameter ?? []) as Array<{ name?: string; value?: unknown }>;
	for (const { name, value } of custom) {
		const key = String(name ?? '').trim();
		if (!key) continue;
		if (RESERVED.test(key)) {
			throw new NodeOperationError(this.getNode(), `Custom parameter '${key}' would override a SIGNL4 control field`, {
				itemIndex,
				description: 'Use the dedicated fields (Title, Message, External ID, Service, Location, …) for those.',
			});
		}
		parameters[key] = value === undefined || value === null ? '' : String(value);
	}

	const fields: Array<[string, string]> = [
		['Title', title],
		['Message', message],
		...Object.entries(parameters),
		['X-S4-Status', 'new'],
		['X-S4-SourceSystem', String(options.sourceSystem ?? 'n8n').trim() || 'n8n'],
	];
	if (externalId) fields.push(['X-S4-ExternalID', externalId]);
	const scenario = scenarioFor.call(this, itemIndex, item);
	if (scenario) fields.push(['X-S4-AlertingScenario', scenario]);
	if (typeof options.service === 'string' && options.service.trim()) fields.push(['X-S4-Service', options.service.trim()]);
	if (typeof options.location === 'string' && options.location.trim()) {
		const location = options.location.replace(/\s+/g, '');
		if (!/^-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?$/.test(location)) {
			throw new NodeOperationError(this.getNode(), "Location must be 'latitude,longitude', e.g. 52.52,13.405", { itemIndex });
		}
		fields.push(['X-S4-Location', location]);
	}
	if (options.filtering === true) fields.push(['X-S4-Filtering', 'true']);

	const attachments = await prepareAttachments.call(this, itemIndex, options);
	let body: IDataObject | Buffer;
	let headers: IDataObject | undefined;
	if (attachments.files.length) {
		const multipart = buildMultipart(fields, attachments.files);
		body = multipart.body;
		headers = { 'content-type': multipart.contentType };
	} else {
		body = Object.fromEntries(fields);
		if (options.filtering === true) body['X-S4-Filtering'] = true;
	}

	const reference = externalId ? parseExternalId(externalId) : undefined;
	const defender = externalId ? parseDefenderExternalId(externalId) : undefined;
	const common: IDataObject = {
		externalId: externalId ?? null,
		title,
		source: reference ? 'sentinel' : defender ? 'defenderXdr' : null,
		...(reference ? incidentReferenceFields(reference) : { incidentName: null, workspace: null }),
		...(defender ? { defender: { ...defender } } : {}),
		alertingScenario: scenario ?? null,
		attachments: attachments.files.map((file) => ({ fileName: file.fileName, contentType: file.contentType, size: file.data.length })),
		skippedAttachments: attachments.skipped,
	};

	if (externalId && needsPriorCheck((options.checkBeforeSending ?? 'redeliveries') as PriorCheck, item)) {
		const prior = await findPriorSignl.call(this, itemIndex, externalId, item, policy);
		if (prior.found) {
			return [
				{
					json: {
						eventId: typeof prior.found.eventId === 'string' ? prior.found.eventId : null,
						alertId: typeof prior.found.id === 'string' ? prior.found.id : null,
						status: 'alreadySent',
						deliveryConfirmedBy: 'lookup',
						...common,
						note: 'A Signl with this external ID was raised earlier (found through the API); no second one was raised.',
					},
				},
			];
		}
		if (prior.skipped) common.priorCheck = prior.skipped;
	}

	const startedAt = new Date();
	try {
		const response = await signl4Request<IDataObject>(this, {
			channel: 'webhook',
			method: 'POST',
			body,
			headers,
			action: 'send the alert',
			itemIndex,
			timeoutMs: policy.timeoutMs,
			rateLimit: policy.rateLimit,
		});
		return [
			{
				json: {
					eventId: typeof response.body?.eventId === 'string' ? response.body.eventId : null,
					status: 'sent',
					...common,
					sentAt: startedAt.toISOString(),
					rateLimit: (response.rateLimit ?? null) as IDataObject | null,
					rateLimitRetries: response.rateLimitRetries,
				},
			},
		];
	} catch (error) {
		const flags = signl4ErrorContext(error);
		if (!flags?.deliveryUncertain) throw asNodeError(this, error, itemIndex);
		const original = error as Error & { description?: string };
		let checked: string;
		if (!externalId) {
			checked = 'Without an external ID there is nothing to look the alert up by.';
		} else if (options.checkAfterTimeout === false) {
			checked = "'Check SIGNL4 After a Timeout' is off.";
		} else if (!(await hasApiKey.call(this))) {
			checked = 'Add an API key to the SIGNL4 credential and the node checks by the external ID whether the alert arrived.';
		} else {
			let found: IDataObject[] = [];
			let lookupFailed = false;
			try {
				found = await findAlertsByExternalId.call(this, itemIndex, externalId, {
					windowHours: 1,
					createdSince: new Date(startedAt.getTime() - 60_000).toISOString(),
					policy,
				});
			} catch {
				lookupFailed = true;
			}
			if (found.length > 0) {
				const alert = found[0];
				return [
					{
						json: {
							eventId: typeof alert.eventId === 'string' ? alert.eventId : null,
							alertId: typeof alert.id === 'string' ? alert.id : null,
							status: 'sent',
							deliveryConfirmedBy: 'lookup',
							...common,
							sentAt: startedAt.toISOString(),
							note: `SIGNL4 did not answer the send in time, but an alert with this external ID exists (checked through the API); it was not sent again.`,
						},
					},
				];
			}
			checked = lookupFailed
				? 'Checking by external ID through the API failed as well.'
				: 'No alert with this external ID was found through the API yet (SIGNL4 may still be processing it).';
		}
		throw signl4Error(this, itemIndex, {
			message: original.message,
			description: `${original.description ?? ''} ${checked} If the Signl does not show up in SIGNL4, run this item again.`.trim(),
			httpCode: typeof flags.statusCode === 'number' ? flags.statusCode : undefined,
			extra: { deliveryUncertain: true, externalId: externalId ?? null },
		});
	}
}
