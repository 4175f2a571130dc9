import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { parseWorkspaceLocator, type WorkspaceLocatorValue, type WorkspaceRef } from '../../shared/azure/workspace';
import { isWorkspaceGuid, type LogAnalyticsTarget } from '../../shared/logAnalytics/connection';

export interface WorkspaceChoice {
	target: LogAnalyticsTarget;
	/** The ARM workspace, when the node was given one (needed to read alerts from Microsoft Sentinel). */
	arm?: WorkspaceRef;
}

/** Reads the Workspace parameter of item `itemIndex`: a workspace ID (GUID) as is, or an ARM workspace to look up. */
export function readWorkspace(context: IExecuteFunctions, itemIndex: number): WorkspaceChoice {
	const locator = context.getNodeParameter('workspace', itemIndex, undefined, { extractValue: false }) as WorkspaceLocatorValue | string | undefined;
	const mode = typeof locator === 'object' && locator ? locator.mode : undefined;
	const raw = typeof locator === 'string' ? locator : typeof locator?.value === 'string' ? locator.value : '';
	if (raw.trim() && (mode === 'workspaceId' || isWorkspaceGuid(raw))) {
		if (!isWorkspaceGuid(raw)) {
			throw new NodeOperationError(context.getNode(), 'The workspace ID is not a GUID', {
				description: "Use the Workspace ID from the workspace's Overview page in the Azure portal.",
				itemIndex,
			});
		}
		return { target: { kind: 'workspaceId', workspaceId: raw.trim() } };
	}
	const arm = parseWorkspaceLocator(locator);
	if (!arm) {
		throw new NodeOperationError(context.getNode(), 'Choose the Log Analytics workspace to query', {
			description: raw.trim()
				? 'The value is neither a workspace resource ID, a portal link to a workspace, nor a workspace ID (GUID).'
				: 'Pick it from the list, or give its Azure resource ID, a portal link, or its workspace ID. Enrich Incident uses the workspace of the incident item by default.',
			itemIndex,
		});
	}
	return { target: { kind: 'arm', workspace: arm }, arm };
}
