import type { RouteId } from '../../core/route-ids';

/**
 * The Azure RBAC action each emulated ARM route needs, as ARM checks it before the resource provider runs.
 * Documented operation names (Microsoft Learn, "Azure resource provider operations": Microsoft.SecurityInsights,
 * Microsoft.OperationalInsights, Microsoft.Authorization). Assumed: Sentinel's POST list actions
 * (`incidents/{id}/alerts`, `/entities`, `/bookmarks`) are authorised as reads of those child types
 * (`…/incidents/alerts/read` …), which is why Microsoft Sentinel Reader (`Microsoft.SecurityInsights/*\/read`) can
 * call them. Routes without an entry (subscriptions and the workspace list, which ARM filters rather than refuses)
 * are not checked.
 */
export const ROUTE_ACTIONS: Partial<Record<RouteId, string>> = {
	'workspaces.get': 'Microsoft.OperationalInsights/workspaces/read',
	'incidents.list': 'Microsoft.SecurityInsights/incidents/read',
	'incidents.get': 'Microsoft.SecurityInsights/incidents/read',
	'incidents.put': 'Microsoft.SecurityInsights/incidents/write',
	'incidents.delete': 'Microsoft.SecurityInsights/incidents/delete',
	'incidents.alerts': 'Microsoft.SecurityInsights/incidents/alerts/read',
	'incidents.entities': 'Microsoft.SecurityInsights/incidents/entities/read',
	'incidents.bookmarks': 'Microsoft.SecurityInsights/incidents/bookmarks/read',
	'comments.list': 'Microsoft.SecurityInsights/incidents/comments/read',
	'comments.get': 'Microsoft.SecurityInsights/incidents/comments/read',
	'comments.put': 'Microsoft.SecurityInsights/incidents/comments/write',
	'comments.delete': 'Microsoft.SecurityInsights/incidents/comments/delete',
	'roleDefinitions.list': 'Microsoft.Authorization/roleDefinitions/read',
	'roleDefinitions.get': 'Microsoft.Authorization/roleDefinitions/read',
	'roleDefinitions.put': 'Microsoft.Authorization/roleDefinitions/write',
	'roleDefinitions.delete': 'Microsoft.Authorization/roleDefinitions/delete',
	'roleAssignments.list': 'Microsoft.Authorization/roleAssignments/read',
	'roleAssignments.get': 'Microsoft.Authorization/roleAssignments/read',
	'roleAssignments.put': 'Microsoft.Authorization/roleAssignments/write',
	'roleAssignments.delete': 'Microsoft.Authorization/roleAssignments/delete',
};

/**
 * Whether an action pattern of a role (`Microsoft.SecurityInsights/*\/read`, `Microsoft.SecurityInsights/incidents/*`,
 * `*`) covers an action. `*` matches any run of characters, `/` included, and names compare case-insensitively,
 * as in Azure RBAC.
 */
export function actionMatches(pattern: string, action: string): boolean {
	const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
	return regex.test(action);
}
