import type { INodeProperties } from 'n8n-workflow';

/**
 * Field factories shared by the operations (each operation scopes them with `updateDisplayOptions`). One place for
 * the wording of the external ID, the alert reference and the request options keeps the operations consistent.
 */

export function externalIdFields(purpose: string, { allowNone = false }: { allowNone?: boolean } = {}): INodeProperties[] {
	return [
		{
			displayName: 'External ID',
			name: 'externalIdSource',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'From the Incident (Sentinel or Defender XDR)',
					value: 'incident',
					description:
						'The ID of the incident or alert in the input item, the same for every node of this package, so every SIGNL4 callback can be tied back to it: sentinel:subscription:resource-group:workspace:incident for a Sentinel incident, defender:tenant:incident:ID or defender:tenant:alert:ID for a Defender XDR one',
				},
				{ name: 'Custom', value: 'custom', description: 'Enter or map any external ID' },
				...(allowNone ? [{ name: 'None', value: 'none', description: 'No correlation; the alert can then only be handled by its alert ID' }] : []),
			],
			default: 'incident',
			description: `Which external ID ${purpose}`,
		},
		{
			displayName: 'Custom External ID',
			name: 'externalId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. INC-4711',
			displayOptions: { show: { externalIdSource: ['custom'] } },
		},
	];
}

/** "Alert ID" or "External ID (searched via the API)" for the REST operations. */
export function alertReferenceFields(): INodeProperties[] {
	return [
		{
			displayName: 'Find Alert By',
			name: 'lookupBy',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Alert ID', value: 'alertId', description: 'SIGNL4 alert ID, e.g. alertId from the SIGNL4 On-Call Trigger' },
				{
					name: 'External ID',
					value: 'externalId',
					description: 'Every alert raised with this external ID in the search window',
				},
			],
			default: 'externalId',
		},
		{
			displayName: 'Alert ID',
			name: 'alertId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '2518236416806594587_0a7b8c9d-…',
			displayOptions: { show: { lookupBy: ['alertId'] } },
		},
		...externalIdFields('to look for').map((field) =>
			field.name === 'externalIdSource'
				? { ...field, displayOptions: { show: { lookupBy: ['externalId'] } } }
				: { ...field, displayOptions: { show: { lookupBy: ['externalId'], externalIdSource: ['custom'] } } },
		),
	];
}

export const actingUserOption: INodeProperties = {
	displayName: 'Acting User',
	name: 'user',
	type: 'string',
	default: '',
	placeholder: 'user ID or jane@example.com',
	description: 'SIGNL4 user (ID or e-mail address) to record as the one who did it; empty = the API key',
};

export const searchWindowOption: INodeProperties = {
	displayName: 'Search Window (Hours)',
	name: 'searchWindowHours',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 2160 },
	default: 168,
	description: 'When finding alerts by external ID: only alerts created within this many hours',
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeoutSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 300 },
	default: 30,
	description: 'How long to wait for SIGNL4 to answer a request',
};

export const rateLimitWaitOption: INodeProperties = {
	displayName: 'Max Wait on Rate Limit (Seconds)',
	name: 'maxRateLimitWaitSeconds',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 900 },
	default: 60,
	description:
		'When SIGNL4 answers 429, wait until the reset it announces and send again, if that is no later than this. SIGNL4 refused the request, so sending it again cannot duplicate an alert.',
};

export const apiKeyNotice: INodeProperties = {
	displayName: 'Needs an API key in the SIGNL4 credential',
	name: 'apiKeyNotice',
	type: 'notice',
	default: '',
};
