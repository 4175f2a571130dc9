// Turns seeds into the exact resource JSON the emulator serves for alerts, entities and comments.
import { dotnetIso, newGuid } from '../../core/ids';
import type { WorkspaceInfo } from '../topology';
import type { Alert, AlertSeed, CommentAuthor, Entity, EntitySeed, IncidentComment, SentinelUser } from './model';

const ENTITY_KEYS: Record<EntitySeed['kind'], string[]> = {
	Account: ['aadUserId', 'sid', 'accountName'],
	Host: ['hostName', 'azureID'],
	Ip: ['address'],
	Url: ['url'],
	File: ['directory', 'fileName'],
	FileHash: ['algorithm', 'hashValue'],
	Process: ['processId', 'commandLine'],
	Mailbox: ['mailboxPrimaryAddress'],
};

export function entitiesPrefix(workspace: WorkspaceInfo): string {
	return `${workspace.armId}/providers/Microsoft.SecurityInsights/Entities`;
}

export function buildAlert(seed: AlertSeed, workspace: WorkspaceInfo): Alert {
	const name = seed.systemAlertId;
	return {
		id: `${entitiesPrefix(workspace)}/${name}`,
		name,
		type: 'Microsoft.SecurityInsights/Entities',
		kind: 'SecurityAlert',
		properties: {
			systemAlertId: name,
			providerAlertId: name,
			tactics: seed.tactics,
			alertDisplayName: seed.displayName,
			description: seed.description,
			confidenceLevel: 'Unknown',
			severity: seed.severity,
			vendorName: 'Microsoft',
			productName: seed.productName,
			...(seed.productComponentName ? { productComponentName: seed.productComponentName } : {}),
			alertType: seed.alertType,
			processingEndTime: dotnetIso(new Date(seed.timeGenerated)),
			status: seed.status,
			endTimeUtc: dotnetIso(new Date(seed.endTimeUtc)),
			startTimeUtc: dotnetIso(new Date(seed.startTimeUtc)),
			timeGenerated: dotnetIso(new Date(seed.timeGenerated)),
			compromisedEntity: seed.compromisedEntity,
			remediationSteps: seed.remediationSteps,
			alertLink: alertLink(seed, workspace),
			resourceIdentifiers: [
				{ type: 'LogAnalytics', workspaceId: workspace.customerId, subscriptionId: workspace.subscriptionId, resourceGroup: workspace.resourceGroup },
			],
			additionalData: seed.additionalData,
			friendlyName: seed.displayName,
		},
	};
}

function alertLink(seed: AlertSeed, workspace: WorkspaceInfo): string {
	if (seed.productName === 'Azure Sentinel') {
		return `https://portal.azure.com/#blade/Microsoft_Azure_Security_Insights/AlertDetailsBlade/alertId/${seed.systemAlertId}/workspaceId/${workspace.customerId}`;
	}
	return `https://security.microsoft.com/alerts/${seed.systemAlertId}`;
}

export function buildEntity(seed: EntitySeed, workspace: WorkspaceInfo): Entity {
	const name = newGuid();
	const properties = Object.fromEntries(Object.entries(seed.properties).filter(([, value]) => value !== undefined));
	const friendlyName = typeof properties.friendlyName === 'string' ? properties.friendlyName : defaultFriendlyName(seed);
	return {
		id: `${entitiesPrefix(workspace)}/${name}`,
		name,
		type: 'Microsoft.SecurityInsights/Entities',
		kind: seed.kind,
		properties: { ...properties, friendlyName },
	};
}

/** Identity of an entity across alerts: two alerts about the same host share one Host entity. */
export function entityKey(seed: EntitySeed): string {
	const values = ENTITY_KEYS[seed.kind].map((key) => String(seed.properties[key] ?? '').toLowerCase());
	return `${seed.kind}:${values.join('|')}`;
}

function defaultFriendlyName(seed: EntitySeed): string {
	for (const key of ENTITY_KEYS[seed.kind]) {
		const value = seed.properties[key];
		if (typeof value === 'string' && value) return value;
	}
	return seed.kind;
}

export function authorFromUser(user: SentinelUser): CommentAuthor {
	return { objectId: user.objectId, email: user.email, userPrincipalName: user.userPrincipalName, name: user.name };
}

/** Comment etags are unquoted in the service's examples, unlike incident etags. */
export function buildComment(
	incidentId: string,
	name: string,
	message: string,
	author: CommentAuthor,
	createdTimeUtc: string,
	etag: string,
): IncidentComment {
	return {
		id: `${incidentId}/comments/${name}`,
		name,
		type: 'Microsoft.SecurityInsights/incidents/comments',
		etag,
		properties: { message, createdTimeUtc, lastModifiedTimeUtc: createdTimeUtc, author },
	};
}
