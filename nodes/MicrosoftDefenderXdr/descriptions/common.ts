import type { INodeProperties } from 'n8n-workflow';

export type DefenderResource = 'incident' | 'alert';

/** Shows `properties` only for the given operations of one resource. */
export function forOperations(resource: DefenderResource, operations: string[], properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, resource: [resource], operation: operations },
		},
	}));
}

/**
 * The incident: by default the input item's `incidentId` (as the Defender XDR trigger emits it), from a list, by ID,
 * or by its Defender portal link (`https://security.microsoft.com/incidents/{id}`; `incident2/{id}/overview` and the
 * US Government portal work too).
 */
export const incidentLocator: INodeProperties = {
	displayName: 'Incident',
	name: 'incident',
	type: 'resourceLocator',
	default: { mode: 'id', value: '={{ $json.incidentId ?? $json.id }}' },
	required: true,
	description: 'The Defender XDR incident. By default the one the input item refers to (its incidentId).',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchIncidents', searchable: true, searchFilterRequired: false },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 2972395',
			validation: [{ type: 'regex', properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'A Defender XDR incident ID is a whole number' } }],
		},
		{
			displayName: 'By Portal URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://security.microsoft.com/incidents/2972395?tid=…',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^https://[^/]+/incidents?2?/\\d+.*$', errorMessage: 'Paste an incident link from the Defender portal (…/incidents/{id})' },
				},
			],
			extractValue: { type: 'regex', regex: '^https://[^/]+/incidents?2?/(\\d+)' },
		},
	],
};

/** The alert: by default the input item's `alertId`, from a list, by ID, or by its Defender portal link (`…/alerts/{id}`). */
export const alertLocator: INodeProperties = {
	displayName: 'Alert',
	name: 'alert',
	type: 'resourceLocator',
	default: { mode: 'id', value: '={{ $json.alertId ?? $json.id }}' },
	required: true,
	description: 'The Defender XDR alert (alerts_v2). By default the one the input item refers to (its alertId).',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchAlerts', searchable: true, searchFilterRequired: false },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. da637551227677560813_-961444813',
			validation: [{ type: 'regex', properties: { regex: '^\\s*[A-Za-z0-9_.:-]+\\s*$', errorMessage: 'An alert ID has letters, digits, _ and - only' } }],
		},
		{
			displayName: 'By Portal URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://security.microsoft.com/alerts/da637551227677560813_-961444813?tid=…',
			validation: [
				{ type: 'regex', properties: { regex: '^https://[^/]+/alerts/[A-Za-z0-9_.:-]+.*$', errorMessage: 'Paste an alert link from the Defender portal (…/alerts/{id})' } },
			],
			extractValue: { type: 'regex', regex: '^https://[^/]+/alerts/([A-Za-z0-9_.:-]+)' },
		},
	],
};

/** Return All / Limit, as n8n's own nodes word them. */
export function paginationProperties(resource: DefenderResource): INodeProperties[] {
	return forOperations(resource, ['getMany'], [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	]);
}
