import { workspaceArmId } from '../azure/workspace';

/**
 * The correlation key between a Sentinel incident and the Signl(s) raised for it: SIGNL4's `X-S4-ExternalID`, echoed
 * back as `alert.externalEventId` in every outbound callback.
 *
 * Format: `sentinel:<subscriptionId>:<resourceGroup>:<workspaceName>:<incidentName>`, all lower case.
 *
 * - Workspace-qualified: the same incident GUID in two workspaces (or the same workspace name in two resource groups
 *   or subscriptions) gives two different IDs, so resolving one never touches the other.
 * - Parseable back into the incident reference, so a SIGNL4 callback alone says which incident to update.
 * - `:` is a safe separator: Azure resource-group names (letters, digits, `-_.()`) and workspace names (letters,
 *   digits, `-`) cannot contain it, the subscription ID and Sentinel's incident names are GUIDs.
 * - Lower case because Azure resource names are case-insensitive while SIGNL4 compares external IDs as strings: the
 *   same incident reached through differently-cased workspace settings must give one ID.
 * - Length: at most 9 + 36 + 1 + 90 + 1 + 63 + 1 + 64 = 265 characters with Azure's limits (resource group ≤ 90,
 *   workspace ≤ 63) and incident names up to 64 characters; a GUID incident name in a realistically named
 *   workspace gives ~120. SIGNL4 documents no limit for external IDs; `MAX_EXTERNAL_ID_LENGTH` (255, a common
 *   limit for such keys) is enforced on formatting so an over-long ID fails loudly here instead of being cut by
 *   SIGNL4 and never matching again.
 */

export const EXTERNAL_ID_PREFIX = 'sentinel';
export const MAX_EXTERNAL_ID_LENGTH = 255;

export interface SentinelIncidentRef {
	subscriptionId: string;
	resourceGroup: string;
	workspaceName: string;
	/** The incident's ARM name (a GUID for incidents Sentinel creates). */
	incidentName: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RESOURCE_GROUP = /^[-\w.()]{1,90}$/;
const WORKSPACE_NAME = /^(?:[a-z0-9][a-z0-9-]{0,61}[a-z0-9]|[a-z0-9])$/;
const INCIDENT_NAME = /^[\w.-]{1,64}$/;

export class ExternalIdError extends Error {}

function check(ref: SentinelIncidentRef): SentinelIncidentRef {
	const normalised: SentinelIncidentRef = {
		subscriptionId: String(ref.subscriptionId ?? '').trim().toLowerCase(),
		resourceGroup: String(ref.resourceGroup ?? '').trim().toLowerCase(),
		workspaceName: String(ref.workspaceName ?? '').trim().toLowerCase(),
		incidentName: String(ref.incidentName ?? '').trim().toLowerCase(),
	};
	// Messages name the part, never the value: these strings may come from arbitrary input items.
	if (!GUID.test(normalised.subscriptionId)) throw new ExternalIdError('the subscription ID is not a GUID');
	if (!RESOURCE_GROUP.test(normalised.resourceGroup) || normalised.resourceGroup.endsWith('.')) {
		throw new ExternalIdError('the resource group name is not a valid Azure resource group name');
	}
	if (!WORKSPACE_NAME.test(normalised.workspaceName)) {
		throw new ExternalIdError('the workspace name is not a valid Log Analytics workspace name');
	}
	if (!INCIDENT_NAME.test(normalised.incidentName)) {
		throw new ExternalIdError('the incident name is not a valid Sentinel incident name (expected its GUID)');
	}
	return normalised;
}

/** The external ID of an incident; throws `ExternalIdError` for parts that cannot form a parseable ID. */
export function formatExternalId(ref: SentinelIncidentRef): string {
	const p = check(ref);
	const id = [EXTERNAL_ID_PREFIX, p.subscriptionId, p.resourceGroup, p.workspaceName, p.incidentName].join(':');
	if (id.length > MAX_EXTERNAL_ID_LENGTH) {
		throw new ExternalIdError(
			`the workspace-qualified external ID would be ${id.length} characters, more than ${MAX_EXTERNAL_ID_LENGTH}`,
		);
	}
	return id;
}

/** The incident reference in an external ID made by `formatExternalId`; undefined for any other string. */
export function parseExternalId(externalId: unknown): SentinelIncidentRef | undefined {
	if (typeof externalId !== 'string' || externalId.length > MAX_EXTERNAL_ID_LENGTH) return undefined;
	const parts = externalId.trim().split(':');
	if (parts.length !== 5 || parts[0].toLowerCase() !== EXTERNAL_ID_PREFIX) return undefined;
	try {
		return check({ subscriptionId: parts[1], resourceGroup: parts[2], workspaceName: parts[3], incidentName: parts[4] });
	} catch {
		return undefined;
	}
}

/**
 * The incident reference as the Sentinel nodes emit it (`incidentName` + `workspace: { subscriptionId,
 * resourceGroup, name, armId }`), so a SIGNL4 callback item can feed the Microsoft Sentinel node without mapping.
 */
export function incidentReferenceFields(ref: SentinelIncidentRef): {
	incidentName: string;
	workspace: { subscriptionId: string; resourceGroup: string; name: string; armId: string };
} {
	return {
		incidentName: ref.incidentName,
		workspace: {
			subscriptionId: ref.subscriptionId,
			resourceGroup: ref.resourceGroup,
			name: ref.workspaceName,
			armId: workspaceArmId(ref.subscriptionId, ref.resourceGroup, ref.workspaceName),
		},
	};
}

/**
 * Reads the incident reference from an item shaped like the Microsoft Sentinel Trigger's output
 * (`incidentName` + `workspace.{subscriptionId,resourceGroup,name}`), or from `workspace.armId`; undefined when the
 * item carries no incident.
 */
export function incidentRefFromItem(item: Record<string, unknown>): SentinelIncidentRef | undefined {
	const incidentName = typeof item.incidentName === 'string' ? item.incidentName : undefined;
	const workspace = item.workspace as Record<string, unknown> | undefined;
	if (!incidentName || !workspace || typeof workspace !== 'object') return undefined;
	let subscriptionId = typeof workspace.subscriptionId === 'string' ? workspace.subscriptionId : undefined;
	let resourceGroup = typeof workspace.resourceGroup === 'string' ? workspace.resourceGroup : undefined;
	let workspaceName = typeof workspace.name === 'string' ? workspace.name : undefined;
	if ((!subscriptionId || !resourceGroup || !workspaceName) && typeof workspace.armId === 'string') {
		const match = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)/i.exec(
			workspace.armId,
		);
		if (match) [, subscriptionId, resourceGroup, workspaceName] = match;
	}
	if (!subscriptionId || !resourceGroup || !workspaceName) return undefined;
	return { subscriptionId, resourceGroup, workspaceName, incidentName };
}
