import type { INodeProperties } from 'n8n-workflow';

import { workspaceLocator } from '../../shared/descriptions/workspace';

/** Shows `properties` only for the given operations of the Incident resource. */
export function forOperations(operations: string[], properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, resource: ['incident'], operation: operations },
		},
	}));
}

/**
 * The workspace, by default taken from the input item: the Microsoft Sentinel Trigger and the SIGNL4 Trigger both
 * put `workspace.armId` on every item, so "trigger → Microsoft Sentinel" needs no expression.
 */
export const inputWorkspaceLocator: INodeProperties = {
	...workspaceLocator,
	default: { mode: 'id', value: '={{ $json.workspace.armId }}' },
	description:
		'The Log Analytics workspace that has Microsoft Sentinel enabled. By default the workspace of the input item (as the Microsoft Sentinel and SIGNL4 triggers emit it).',
};

/** The incident: by default the input item's `incidentName`, or by name (GUID), number, or portal link. */
export const incidentLocator: INodeProperties = {
	displayName: 'Incident',
	name: 'incident',
	type: 'resourceLocator',
	default: { mode: 'id', value: '={{ $json.incidentName }}' },
	required: true,
	description:
		'The incident. By default the one the input item refers to (its incidentName, as the Microsoft Sentinel and SIGNL4 triggers emit it).',
	modes: [
		{
			displayName: 'By Name (GUID)',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 73e01a99-5cd7-4139-a149-9f2736ff2ab5',
			hint: 'The incident name (a GUID, the last part of its resource ID); the full resource ID works too',
		},
		{
			displayName: 'By Number',
			name: 'number',
			type: 'string',
			placeholder: 'e.g. 3177',
			validation: [{ type: 'regex', properties: { regex: '^\\s*#?\\d+\\s*$', errorMessage: 'An incident number is a whole number' } }],
		},
		{
			displayName: 'By Portal URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident/subscriptions/…/incidents/…',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^https://\\S+$', errorMessage: 'Paste an incident link from the Azure portal or the Defender portal' },
				},
			],
		},
	],
};
