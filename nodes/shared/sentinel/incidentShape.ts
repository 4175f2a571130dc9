import type { IDataObject } from 'n8n-workflow';

import type { WorkspaceRef } from '../azure/workspace';
import type { RawAlert, RawComment, RawEntitiesResponse, RawEntity, RawIncident } from './types';

/**
 * The item every node of this package emits for an incident: flat, readable fields first (what a workflow
 * maps into a Signl or a comment), then alerts and entities in readable form, then the raw ARM resources.
 */

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

function unique(values: Array<string | undefined>): string[] {
	return [...new Set(values.filter((v): v is string => !!v))];
}

export function shapeAlert(alert: RawAlert): IDataObject {
	const p = alert.properties ?? {};
	const extra = (p.additionalData ?? {}) as Record<string, unknown>;
	return {
		alertName: alert.name,
		displayName: p.alertDisplayName ?? p.friendlyName,
		severity: p.severity,
		status: p.status,
		productName: p.productName,
		productComponentName: p.productComponentName,
		vendorName: p.vendorName,
		tactics: p.tactics ?? [],
		techniques: p.techniques ?? [],
		description: p.description,
		compromisedEntity: p.compromisedEntity,
		startTimeUtc: p.startTimeUtc,
		endTimeUtc: p.endTimeUtc,
		timeGenerated: p.timeGenerated,
		alertLink: p.alertLink,
		remediationSteps: p.remediationSteps ?? [],
		// Scheduled analytics rules record the query they ran and its window; Log Analytics enrichment re-runs it.
		query: str(extra.Query) ?? str(extra.OriginalQuery),
		queryPeriod: str(extra['Query Period']),
		queryStartTimeUtc: str(extra['Query Start Time UTC']),
		queryEndTimeUtc: str(extra['Query End Time UTC']),
		queryResultCount: str(extra['Search Query Results Overall Count']),
		alertId: alert.id,
	};
}

type EntityGroup =
	| 'accounts'
	| 'hosts'
	| 'ips'
	| 'urls'
	| 'files'
	| 'fileHashes'
	| 'processes'
	| 'mailboxes'
	| 'cloudApplications'
	| 'azureResources'
	| 'dnsDomains'
	| 'malware'
	| 'registryKeys'
	| 'securityGroups'
	| 'other';

function readableEntity(entity: RawEntity): { group: EntityGroup; value: IDataObject } {
	const p = entity.properties ?? {};
	const friendlyName = str(p.friendlyName);
	switch (entity.kind) {
		case 'Account': {
			const upn = str(p.userPrincipalName) ?? (str(p.accountName) && str(p.upnSuffix) ? `${p.accountName}@${p.upnSuffix}` : undefined);
			return {
				group: 'accounts',
				value: { name: str(p.accountName) ?? friendlyName, upn, domain: str(p.ntDomain) ?? str(p.dnsDomain), displayName: str(p.displayName) ?? friendlyName, aadUserId: str(p.aadUserId), sid: str(p.sid) },
			};
		}
		case 'Host': {
			const hostName = str(p.hostName) ?? friendlyName;
			const dnsDomain = str(p.dnsDomain);
			return { group: 'hosts', value: { hostName, fqdn: hostName && dnsDomain ? `${hostName}.${dnsDomain}` : hostName, osFamily: str(p.osFamily), osVersion: str(p.osVersion), azureId: str(p.azureID) } };
		}
		case 'Ip': {
			const geo = (p.location ?? {}) as Record<string, unknown>;
			return { group: 'ips', value: { address: str(p.address) ?? friendlyName, country: str(geo.countryName) ?? str(geo.countryCode), city: str(geo.city), asn: geo.asn as number | undefined } };
		}
		case 'Url':
			return { group: 'urls', value: { url: str(p.url) ?? friendlyName } };
		case 'File':
			return { group: 'files', value: { name: str(p.fileName) ?? friendlyName, directory: str(p.directory) } };
		case 'FileHash':
			return { group: 'fileHashes', value: { algorithm: str(p.algorithm), value: str(p.hashValue) ?? friendlyName } };
		case 'Process':
			return { group: 'processes', value: { commandLine: str(p.commandLine) ?? friendlyName, processId: str(p.processId), creationTimeUtc: str(p.creationTimeUtc) } };
		case 'Mailbox':
			return { group: 'mailboxes', value: { address: str(p.mailboxPrimaryAddress) ?? friendlyName, displayName: str(p.displayName), upn: str(p.upn) } };
		case 'CloudApplication':
			return { group: 'cloudApplications', value: { name: str(p.appName) ?? friendlyName, appId: p.appId as number | undefined } };
		case 'AzureResource':
			return { group: 'azureResources', value: { resourceId: str(p.resourceId) ?? friendlyName } };
		case 'DnsResolution':
			return { group: 'dnsDomains', value: { domain: str(p.domainName) ?? friendlyName } };
		case 'Malware':
			return { group: 'malware', value: { name: str(p.malwareName) ?? friendlyName, category: str(p.category) } };
		case 'RegistryKey':
		case 'RegistryValue':
			return { group: 'registryKeys', value: { key: str(p.key) ?? friendlyName, valueName: str(p.valueName), hive: str(p.hive) } };
		case 'SecurityGroup':
			return { group: 'securityGroups', value: { name: str(p.distinguishedName) ?? friendlyName, objectGuid: str(p.objectGuid) } };
		default:
			return { group: 'other', value: { kind: entity.kind, name: friendlyName } };
	}
}

/**
 * Entities grouped by kind, de-duplicated, with `products` and `companies` (alert products and vendors) so a
 * message can say "Microsoft Defender for Endpoint (Microsoft)" without looking at alerts.
 */
export function shapeEntities(response: RawEntitiesResponse | undefined, alerts: RawAlert[] = []): IDataObject {
	const groups: Record<string, IDataObject[]> = {};
	const seen = new Set<string>();
	for (const entity of response?.entities ?? []) {
		if (entity.kind === 'SecurityAlert' || entity.kind === 'Bookmark') continue;
		const { group, value } = readableEntity(entity);
		const key = `${group}:${JSON.stringify(value)}`;
		if (seen.has(key)) continue;
		seen.add(key);
		(groups[group] ??= []).push(value);
	}
	return {
		accounts: groups.accounts ?? [],
		hosts: groups.hosts ?? [],
		ips: groups.ips ?? [],
		urls: groups.urls ?? [],
		files: groups.files ?? [],
		...Object.fromEntries(Object.entries(groups).filter(([g]) => !['accounts', 'hosts', 'ips', 'urls', 'files'].includes(g))),
		products: unique(alerts.map((a) => a.properties?.productName)),
		companies: unique(alerts.map((a) => a.properties?.vendorName)),
	};
}

export interface IncidentExtras {
	alerts?: RawAlert[];
	entities?: RawEntitiesResponse;
}

export function shapeIncident(incident: RawIncident, workspace: WorkspaceRef, extras: IncidentExtras = {}): IDataObject {
	const p = incident.properties;
	const extra = p.additionalData ?? {};
	const owner = p.owner ?? {};
	const item: IDataObject = {
		incidentNumber: p.incidentNumber,
		title: p.title,
		severity: p.severity,
		status: p.status,
		owner: owner.assignedTo ?? owner.email ?? owner.userPrincipalName ?? null,
		ownerEmail: owner.email ?? null,
		ownerUpn: owner.userPrincipalName ?? null,
		ownerObjectId: owner.objectId ?? null,
		tags: (p.labels ?? []).map((l) => l.labelName),
		createdTimeUtc: p.createdTimeUtc,
		lastModifiedTimeUtc: p.lastModifiedTimeUtc,
		firstActivityTimeUtc: p.firstActivityTimeUtc ?? null,
		lastActivityTimeUtc: p.lastActivityTimeUtc ?? null,
		portalUrl: p.incidentUrl ?? null,
		defenderPortalUrl: extra.providerIncidentUrl ?? null,
		alertProducts: extra.alertProductNames ?? [],
		tactics: extra.tactics ?? [],
		techniques: extra.techniques ?? [],
		alertCount: extra.alertsCount ?? 0,
		commentCount: extra.commentsCount ?? 0,
		description: p.description ?? '',
		classification: p.classification ?? null,
		classificationReason: p.classificationReason ?? null,
		classificationComment: p.classificationComment ?? null,
		providerName: p.providerName ?? null,
		incidentName: incident.name,
		incidentId: incident.id,
		etag: incident.etag ?? null,
		workspace: {
			subscriptionId: workspace.subscriptionId,
			resourceGroup: workspace.resourceGroup,
			name: workspace.workspaceName,
			armId: workspace.armId,
		},
	};
	const raw: IDataObject = { incident: incident as unknown as IDataObject };
	if (extras.alerts) {
		item.alerts = extras.alerts.map(shapeAlert);
		raw.alerts = extras.alerts as unknown as IDataObject[];
	}
	if (extras.entities) {
		item.entities = shapeEntities(extras.entities, extras.alerts);
		raw.entities = extras.entities as unknown as IDataObject;
	}
	item.raw = raw;
	return item;
}

/** The `workspace` object every item of this package carries (the same fields `shapeIncident` emits). */
export function shapeWorkspace(workspace: WorkspaceRef): IDataObject {
	return {
		subscriptionId: workspace.subscriptionId,
		resourceGroup: workspace.resourceGroup,
		name: workspace.workspaceName,
		armId: workspace.armId,
	};
}

/** One entity in readable form: its kind, the group `shapeEntities` files it under, and the readable fields. */
export function shapeEntity(entity: RawEntity): IDataObject {
	const { group, value } = readableEntity(entity);
	return { kind: entity.kind, group, friendlyName: str(entity.properties?.friendlyName) ?? null, ...value, entityId: entity.id ?? null };
}

/** One incident comment in readable form. */
export function shapeComment(comment: RawComment): IDataObject {
	const p = comment.properties ?? ({} as RawComment['properties']);
	const author = p.author ?? {};
	return {
		commentName: comment.name,
		message: p.message,
		author: author.name ?? author.email ?? author.userPrincipalName ?? null,
		authorEmail: author.email ?? null,
		authorUpn: author.userPrincipalName ?? null,
		authorObjectId: author.objectId ?? null,
		createdTimeUtc: p.createdTimeUtc ?? null,
		lastModifiedTimeUtc: p.lastModifiedTimeUtc ?? null,
		commentId: comment.id,
	};
}
