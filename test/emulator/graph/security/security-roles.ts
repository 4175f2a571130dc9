import { newGuid } from '../../core/ids';
import { GRAPH_SECURITY_APP_ROLES, MICROSOFT_GRAPH_APP_ID, type GraphDirectory } from '../graph-directory';

export type SecurityRole = (typeof GRAPH_SECURITY_APP_ROLES)[number]['value'];

export const SECURITY_ROLES: readonly SecurityRole[] = GRAPH_SECURITY_APP_ROLES.map((role) => role.value);

/**
 * Application permissions of Microsoft Graph a principal holds: its app-role assignments on Microsoft Graph's
 * service principal (what admin consent creates). Entra ID puts their values into the `roles` claim of tokens
 * for Graph; the security routes read them from there.
 */
export function graphRolesOf(directory: GraphDirectory, principalObjectId: string): string[] {
	const graph = directory.servicePrincipalOf(MICROSOFT_GRAPH_APP_ID);
	if (!graph) return [];
	const id = principalObjectId.toLowerCase();
	return [...directory.appRoleAssignments.values()]
		.filter((assignment) => assignment.principalId === id && assignment.resourceId === graph.id)
		.map((assignment) => graph.appRoles.find((role) => role.id === assignment.appRoleId)?.value)
		.filter((value): value is string => !!value);
}

/** Replaces a principal's Graph security permissions with `roles` (other Graph permissions stay), as admin consent would. */
export function setSecurityRoles(directory: GraphDirectory, principalObjectId: string, displayName: string, roles: readonly string[]): void {
	const unknown = roles.filter((role) => !(SECURITY_ROLES as readonly string[]).includes(role));
	if (unknown.length) throw new Error(`Unknown Graph security permission(s): ${unknown.join(', ')} (known: ${SECURITY_ROLES.join(', ')})`);
	const graph = directory.servicePrincipalOf(MICROSOFT_GRAPH_APP_ID);
	if (!graph) throw new Error('Microsoft Graph has no service principal in the emulated tenant');
	const id = principalObjectId.toLowerCase();
	const securityRoleIds = new Set(GRAPH_SECURITY_APP_ROLES.map((role) => role.id as string));
	for (const [key, assignment] of directory.appRoleAssignments) {
		if (assignment.principalId === id && assignment.resourceId === graph.id && securityRoleIds.has(assignment.appRoleId)) directory.appRoleAssignments.delete(key);
	}
	for (const value of new Set(roles)) {
		const role = GRAPH_SECURITY_APP_ROLES.find((candidate) => candidate.value === value)!;
		const assignmentId = newGuid().replace(/-/g, '');
		directory.appRoleAssignments.set(assignmentId, {
			id: assignmentId,
			principalId: id,
			principalType: 'ServicePrincipal',
			principalDisplayName: displayName,
			resourceId: graph.id,
			resourceDisplayName: graph.displayName,
			appRoleId: role.id,
			createdDateTime: new Date().toISOString(),
			deletedDateTime: null,
		});
	}
}
