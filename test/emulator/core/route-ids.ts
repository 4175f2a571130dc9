// Every route the emulator serves has a stable id; faults and the request log refer to routes by it.
// A new service module adds its ids here (one `as const` list per module) so `RouteId` stays a closed union.

export const ENTRA_ROUTE_IDS = ['openid-configuration', 'instance-discovery', 'token', 'jwks'] as const;

export const ARM_ROUTE_IDS = [
	'subscriptions.list',
	'subscriptions.get',
	'workspaces.list',
	'workspaces.get',
	'incidents.list',
	'incidents.get',
	'incidents.put',
	'incidents.delete',
	'incidents.alerts',
	'incidents.entities',
	'incidents.bookmarks',
	'comments.list',
	'comments.get',
	'comments.put',
	'comments.delete',
	// Microsoft.Authorization (arm/rbac/): role definitions and assignments at subscription, resource group, workspace
	'roleDefinitions.list',
	'roleDefinitions.get',
	'roleDefinitions.put',
	'roleDefinitions.delete',
	'roleAssignments.list',
	'roleAssignments.get',
	'roleAssignments.put',
	'roleAssignments.delete',
] as const;

/** Log Analytics query API (`loganalytics/`): POST and GET `/v1/workspaces/{workspaceId}/query`. */
export const LOG_ANALYTICS_ROUTE_IDS = ['loganalytics.query', 'loganalytics.query-get'] as const;

/** Logs Ingestion API (`loganalytics/ingestion/`): a data collection endpoint's upload route. */
export const INGESTION_ROUTE_IDS = ['ingestion.upload'] as const;

/** Microsoft Graph directory (`graph/`): app registrations, service principals, app-role assignments, under `/v1.0`. */
export const GRAPH_ROUTE_IDS = [
	'graph.applications.list',
	'graph.applications.create',
	'graph.applications.get',
	'graph.applications.update',
	'graph.applications.delete',
	'graph.applications.addPassword',
	'graph.applications.removePassword',
	'graph.servicePrincipals.list',
	'graph.servicePrincipals.create',
	'graph.servicePrincipals.get',
	'graph.servicePrincipals.delete',
	'graph.appRoleAssignments.list',
	'graph.appRoleAssignments.create',
	'graph.appRoleAssignments.delete',
] as const;

/** Microsoft Graph security API (`graph/security/`): Defender XDR incidents and alerts_v2, under `/v1.0/security`. */
export const GRAPH_SECURITY_ROUTE_IDS = [
	'graph.security.incidents.list',
	'graph.security.incidents.get',
	'graph.security.incidents.update',
	'graph.security.incidents.comments',
	'graph.security.alerts.list',
	'graph.security.alerts.get',
	'graph.security.alerts.update',
	'graph.security.alerts.comments',
] as const;

/** SIGNL4 (`signl4/`): inbound webhook and API-key events, REST alerts, users and outbound webhooks, under `/signl4`. */
export const SIGNL4_ROUTE_IDS = [
	'signl4.webhook',
	'signl4.events',
	'signl4.alerts.get',
	'signl4.alerts.paged',
	'signl4.alerts.acknowledge',
	'signl4.alerts.close',
	'signl4.alerts.undoAcknowledge',
	'signl4.alerts.undoClose',
	'signl4.alerts.annotate',
	'signl4.alerts.annotations',
	'signl4.users.list',
	'signl4.users.get',
	'signl4.webhooks.list',
	'signl4.webhooks.create',
	'signl4.webhooks.delete',
] as const;

export type EntraRouteId = (typeof ENTRA_ROUTE_IDS)[number];
export type ArmRouteId = (typeof ARM_ROUTE_IDS)[number];
export type LogAnalyticsRouteId = (typeof LOG_ANALYTICS_ROUTE_IDS)[number];
export type IngestionRouteId = (typeof INGESTION_ROUTE_IDS)[number];
export type Signl4RouteId = (typeof SIGNL4_ROUTE_IDS)[number];
export type GraphRouteId = (typeof GRAPH_ROUTE_IDS)[number];
export type GraphSecurityRouteId = (typeof GRAPH_SECURITY_ROUTE_IDS)[number];

/** Ids of the routes that emulate a real service (faults and the request log use these). */
export type RouteId = EntraRouteId | ArmRouteId | LogAnalyticsRouteId | IngestionRouteId | Signl4RouteId | GraphRouteId | GraphSecurityRouteId;

/** Requests that matched no route are logged under this id. */
export type LoggedRouteId = RouteId | 'unmatched';

export const ALL_ROUTE_IDS: readonly RouteId[] = [...ENTRA_ROUTE_IDS, ...ARM_ROUTE_IDS, ...LOG_ANALYTICS_ROUTE_IDS, ...INGESTION_ROUTE_IDS, ...SIGNL4_ROUTE_IDS, ...GRAPH_ROUTE_IDS, ...GRAPH_SECURITY_ROUTE_IDS];

/**
 * Service groups a fault can name instead of one route id: `entra` (login.microsoftonline.com), `arm` (everything on
 * management.azure.com: subscriptions, workspaces and Sentinel), `sentinel` (incidents and comments only),
 * `loganalytics` (the query API), `signl4` (webhook, events and REST API), `graph` (every Microsoft Graph route) and
 * `defender` (Graph's security API only: incidents and alerts_v2).
 */
export const ROUTE_GROUPS = {
	entra: ENTRA_ROUTE_IDS,
	arm: ARM_ROUTE_IDS,
	sentinel: ARM_ROUTE_IDS.filter((id) => id.startsWith('incidents.') || id.startsWith('comments.')),
	loganalytics: LOG_ANALYTICS_ROUTE_IDS,
	ingestion: INGESTION_ROUTE_IDS,
	signl4: SIGNL4_ROUTE_IDS,
	graph: [...GRAPH_ROUTE_IDS, ...GRAPH_SECURITY_ROUTE_IDS],
	defender: GRAPH_SECURITY_ROUTE_IDS,
} as const satisfies Record<string, readonly RouteId[]>;

export type RouteGroup = keyof typeof ROUTE_GROUPS;

export function routeInGroup(route: RouteId, group: RouteGroup): boolean {
	return (ROUTE_GROUPS[group] as readonly RouteId[]).includes(route);
}

export function isRouteGroup(value: unknown): value is RouteGroup {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ROUTE_GROUPS, value);
}
