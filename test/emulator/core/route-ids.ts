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
] as const;

export type EntraRouteId = (typeof ENTRA_ROUTE_IDS)[number];
export type ArmRouteId = (typeof ARM_ROUTE_IDS)[number];

/** Ids of the routes that emulate a real service (faults and the request log use these). */
export type RouteId = EntraRouteId | ArmRouteId;

/** Requests that matched no route are logged under this id. */
export type LoggedRouteId = RouteId | 'unmatched';

export const ALL_ROUTE_IDS: readonly RouteId[] = [...ENTRA_ROUTE_IDS, ...ARM_ROUTE_IDS];
