import type { INodePropertyOptions } from 'n8n-workflow';

/** Sentinel's incident statuses and severities (API values), shared by the trigger's and the node's filters. */
export const INCIDENT_STATUS_OPTIONS: INodePropertyOptions[] = [
	{ name: 'New', value: 'New' },
	{ name: 'Active', value: 'Active' },
	{ name: 'Closed', value: 'Closed' },
];

export const INCIDENT_SEVERITY_OPTIONS: INodePropertyOptions[] = [
	{ name: 'High', value: 'High' },
	{ name: 'Medium', value: 'Medium' },
	{ name: 'Low', value: 'Low' },
	{ name: 'Informational', value: 'Informational' },
];
