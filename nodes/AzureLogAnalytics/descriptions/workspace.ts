import type { INodeProperties } from 'n8n-workflow';

import { workspaceLocator } from '../../shared/descriptions/workspace';

const GUID_REGEX = '^\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*$';

export function logAnalyticsWorkspace(overrides: Partial<INodeProperties>): INodeProperties {
	return {
		...workspaceLocator,
		description:
			'The Log Analytics workspace to query: from the list, by Azure resource ID or portal link (its workspace ID is looked up once), or by workspace ID',
		modes: [
			...(workspaceLocator.modes ?? []),
			// A fourth mode: the Log Analytics workspace ID (GUID) itself, which needs no lookup in Resource Manager.
			{
				displayName: 'By Workspace ID',
				name: 'workspaceId',
				type: 'string',
				placeholder: '00000000-0000-0000-0000-000000000000',
				validation: [
					{
						type: 'regex',
						properties: { regex: GUID_REGEX, errorMessage: "Not a workspace ID: use the GUID from the workspace's Overview page" },
					},
				],
			},
		],
		...overrides,
	};
}
