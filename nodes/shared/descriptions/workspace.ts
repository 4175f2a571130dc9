import type { INodeProperties } from 'n8n-workflow';

import { WORKSPACE_ID_REGEX } from '../azure/workspace';

/** The Microsoft Sentinel workspace picker, shared by every node that talks to a workspace. */
export const workspaceLocator: INodeProperties = {
	displayName: 'Workspace',
	name: 'workspace',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Log Analytics workspace that has Microsoft Sentinel enabled',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a workspace…',
			typeOptions: { searchListMethod: 'searchWorkspaces', searchable: true },
		},
		{
			displayName: 'By Resource ID',
			name: 'id',
			type: 'string',
			placeholder: '/subscriptions/…/resourceGroups/…/providers/Microsoft.OperationalInsights/workspaces/…',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: WORKSPACE_ID_REGEX,
						errorMessage: 'Not a Log Analytics workspace resource ID',
					},
				},
			],
		},
		{
			displayName: 'By Portal URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://portal.azure.com/#@contoso.com/resource/subscriptions/…/workspaces/soc-workspace/overview',
			validation: [
				{
					type: 'regex',
					properties: {
						// Azure portal links (ARM ID in the path or fragment, possibly URL-encoded) or Defender portal links.
						regex: '^https://\\S+$',
						errorMessage: 'Paste a link from the Azure portal or the Defender portal',
					},
				},
			],
		},
	],
};
