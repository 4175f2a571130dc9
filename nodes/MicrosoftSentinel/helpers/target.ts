import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { parseWorkspaceLocator, type WorkspaceLocatorValue, type WorkspaceRef } from '../../shared/azure/workspace';
import { SentinelConnection } from '../../shared/sentinel/connection';
import { fetchIncidentPage } from '../../shared/sentinel/incidentsApi';
import { parseIncidentReference } from './incidentReference';

export interface Target {
	connection: SentinelConnection;
	workspace: WorkspaceRef;
	/** The incident name (GUID); set when the operation works on one incident. */
	incidentName: string;
}

/** OData string literal: quotes doubled. */
export function odataString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

function readWorkspace(context: IExecuteFunctions, itemIndex: number): WorkspaceRef | undefined {
	const locator = context.getNodeParameter('workspace', itemIndex, undefined, { extractValue: false }) as WorkspaceLocatorValue | undefined;
	return parseWorkspaceLocator(locator);
}

function workspaceMissing(context: IExecuteFunctions, itemIndex: number): NodeOperationError {
	return new NodeOperationError(context.getNode(), 'No Microsoft Sentinel workspace for this item', {
		itemIndex,
		description:
			"By default the Workspace is read from the input item (workspace.armId, as the Microsoft Sentinel and SIGNL4 triggers emit it), and this item has none. Pick the workspace from the list, or give its resource ID or a portal link.",
	});
}

/** The workspace alone (Get Many). */
export async function resolveWorkspace(context: IExecuteFunctions, itemIndex: number): Promise<{ connection: SentinelConnection; workspace: WorkspaceRef }> {
	const workspace = readWorkspace(context, itemIndex);
	if (!workspace) throw workspaceMissing(context, itemIndex);
	return { workspace, connection: await SentinelConnection.open(context, workspace, itemIndex) };
}

/** The workspace and the incident the item's parameters name; a number or Defender link is looked up first. */
export async function resolveIncident(context: IExecuteFunctions, itemIndex: number): Promise<Target> {
	const locator = context.getNodeParameter('incident', itemIndex, undefined, { extractValue: false }) as { mode?: string; value?: unknown };
	const parsed = parseIncidentReference(locator?.mode, locator?.value);
	if (!parsed.ok) throw new NodeOperationError(context.getNode(), parsed.message, { itemIndex, description: parsed.description });
	const reference = parsed.reference;

	let workspace = readWorkspace(context, itemIndex);
	if (reference.kind === 'name' && reference.workspace) {
		// A resource ID or portal link names its workspace; it must not contradict the Workspace field.
		if (workspace && workspace.armId.toLowerCase() !== reference.workspace.armId.toLowerCase()) {
			throw new NodeOperationError(context.getNode(), 'The incident link points to another workspace than the Workspace field', {
				itemIndex,
				description: `The link names workspace '${reference.workspace.workspaceName}' (resource group '${reference.workspace.resourceGroup}'); the Workspace field names '${workspace.workspaceName}'. Clear one of them or make them agree.`,
			});
		}
		workspace = reference.workspace;
	}
	if (!workspace) throw workspaceMissing(context, itemIndex);
	const connection = await SentinelConnection.open(context, workspace, itemIndex);
	if (reference.kind === 'name') return { connection, workspace, incidentName: reference.name };

	const filter =
		reference.kind === 'number'
			? `properties/incidentNumber eq ${reference.number}`
			: `properties/providerIncidentId eq ${odataString(reference.providerIncidentId)}`;
	const label = reference.kind === 'number' ? `incident number ${reference.number}` : `the incident with Defender ID ${reference.providerIncidentId}`;
	const page = await connection.call(`find ${label} in workspace '${workspace.workspaceName}'`, (client) =>
		fetchIncidentPage(client, workspace, { filter, top: 1 }, connection.armEndpoint),
	);
	const found = page.incidents[0];
	if (!found) {
		throw new NodeOperationError(context.getNode(), `There is no ${label} in workspace '${workspace.workspaceName}'`, {
			itemIndex,
			description: 'Check the number (or link) and the workspace.',
		});
	}
	return { connection, workspace, incidentName: found.name };
}
