import { newGuid } from '../../core/ids';
import { actionMatches } from './actions';

export interface Permission {
	actions: string[];
	notActions: string[];
	dataActions: string[];
	notDataActions: string[];
}

export interface RoleDefinition {
	/** GUID (the resource name). */
	name: string;
	/** `/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}` (built-in roles: no subscription). */
	id: string;
	roleName: string;
	type: 'BuiltInRole' | 'CustomRole';
	description: string;
	assignableScopes: string[];
	permissions: Permission[];
	createdOn: string;
	updatedOn: string;
	createdBy: string | null;
	updatedBy: string | null;
}

export interface RoleAssignment {
	name: string;
	id: string;
	scope: string;
	roleDefinitionId: string;
	principalId: string;
	principalType: string;
	description: string | null;
	createdOn: string;
	updatedOn: string;
	createdBy: string;
	updatedBy: string;
}

const ROLE_DEFINITIONS = '/providers/Microsoft.Authorization/roleDefinitions/';

function builtIn(name: string, roleName: string, description: string, actions: string[], notActions: string[] = []): RoleDefinition {
	return {
		name,
		id: `${ROLE_DEFINITIONS}${name}`,
		roleName,
		type: 'BuiltInRole',
		description,
		assignableScopes: ['/'],
		permissions: [{ actions, notActions, dataActions: [], notDataActions: [] }],
		createdOn: '2019-09-23T00:00:00.0000000Z',
		updatedOn: '2024-05-01T00:00:00.0000000Z',
		createdBy: null,
		updatedBy: null,
	};
}

/**
 * The built-in roles the project's README names, with their documented ids and the part of their actions on the
 * providers the emulator serves (Microsoft Learn, "Azure built-in roles for Security"/"Monitor").
 */
export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
	builtIn('8d289c81-5878-46d4-8554-54e1e3d8b5cb', 'Microsoft Sentinel Reader', 'Microsoft Sentinel Reader', [
		'Microsoft.SecurityInsights/*/read',
		'Microsoft.OperationalInsights/workspaces/analytics/query/action',
		'Microsoft.OperationalInsights/workspaces/*/read',
		'Microsoft.OperationalInsights/workspaces/query/read',
		'Microsoft.OperationalInsights/workspaces/query/*/read',
		'Microsoft.Authorization/*/read',
		'Microsoft.Resources/subscriptions/resourceGroups/read',
	]),
	builtIn(
		'3e150937-b8fe-4cfb-8069-0eaf05ecd056',
		'Microsoft Sentinel Responder',
		'Microsoft Sentinel Responder',
		[
			'Microsoft.SecurityInsights/*/read',
			'Microsoft.SecurityInsights/incidents/*',
			'Microsoft.SecurityInsights/automationRules/*',
			'Microsoft.OperationalInsights/workspaces/analytics/query/action',
			'Microsoft.OperationalInsights/workspaces/*/read',
			'Microsoft.OperationalInsights/workspaces/query/read',
			'Microsoft.OperationalInsights/workspaces/query/*/read',
			'Microsoft.Authorization/*/read',
			'Microsoft.Resources/subscriptions/resourceGroups/read',
		],
		['Microsoft.SecurityInsights/cases/*/Delete', 'Microsoft.SecurityInsights/incidents/*/Delete'],
	),
	builtIn('73c42c96-874c-492b-b04d-ab87d138a893', 'Log Analytics Reader', 'Log Analytics Reader can view and search all monitoring data as well as and view monitoring settings.', [
		'*/read',
		'Microsoft.OperationalInsights/workspaces/analytics/query/action',
		'Microsoft.OperationalInsights/workspaces/search/action',
	]),
];

/** Lower-cased, no trailing slash: how ARM compares scopes and resource ids. */
export function normaliseScope(scope: string): string {
	return scope.replace(/\/+$/, '').toLowerCase() || '/';
}

/** `scope` is `resource` or one of its ancestors (segment-wise). */
export function scopeCovers(scope: string, resource: string): boolean {
	const s = normaliseScope(scope);
	const r = normaliseScope(resource);
	return s === '/' || r === s || r.startsWith(`${s}/`);
}

/**
 * Role definitions and role assignments of the emulated tenant, and the access check ARM runs with them.
 *
 * Enforcement is opt-in per principal: a principal with no role assignment at all keeps full access (every test
 * written before RBAC existed signs in as such a principal, and so does the emulator's own principal, which plays
 * the administrator who runs setup-azure.sh); as soon as a principal has one assignment, every checked ARM call is
 * allowed only when one of its roles grants the call's action at a scope that contains the resource.
 */
export class RbacStore {
	private readonly custom = new Map<string, RoleDefinition>();
	private readonly assignments = new Map<string, RoleAssignment>();

	definitions(): RoleDefinition[] {
		return [...BUILT_IN_ROLES, ...this.custom.values()];
	}

	findDefinition(guid: string): RoleDefinition | undefined {
		const key = guid.toLowerCase();
		return this.custom.get(key) ?? BUILT_IN_ROLES.find((role) => role.name === key);
	}

	/** By the GUID at the end of a role definition id, whatever scope prefixes it. */
	findDefinitionById(id: string): RoleDefinition | undefined {
		const guid = /roleDefinitions\/([^/]+)\/?$/i.exec(id)?.[1];
		return guid ? this.findDefinition(guid) : undefined;
	}

	customByName(roleName: string): RoleDefinition | undefined {
		return [...this.custom.values()].find((role) => role.roleName.toLowerCase() === roleName.toLowerCase());
	}

	putDefinition(definition: RoleDefinition): { created: boolean; definition: RoleDefinition } {
		const created = !this.custom.has(definition.name);
		this.custom.set(definition.name, definition);
		return { created, definition };
	}

	deleteDefinition(guid: string): RoleDefinition | undefined {
		const existing = this.custom.get(guid.toLowerCase());
		if (existing) this.custom.delete(guid.toLowerCase());
		return existing;
	}

	allAssignments(): RoleAssignment[] {
		return [...this.assignments.values()];
	}

	findAssignment(guid: string): RoleAssignment | undefined {
		return this.assignments.get(guid.toLowerCase());
	}

	putAssignment(assignment: RoleAssignment): void {
		this.assignments.set(assignment.name, assignment);
	}

	deleteAssignment(guid: string): RoleAssignment | undefined {
		const existing = this.assignments.get(guid.toLowerCase());
		if (existing) this.assignments.delete(guid.toLowerCase());
		return existing;
	}

	/** Test helper: assigns a role (by GUID or role name) to a principal at a scope. */
	assign(principalId: string, role: string, scope: string): RoleAssignment {
		const definition = this.findDefinition(role) ?? this.definitions().find((def) => def.roleName.toLowerCase() === role.toLowerCase());
		if (!definition) throw new Error(`no role definition '${role}'`);
		const name = newGuid();
		const now = new Date().toISOString();
		const assignment: RoleAssignment = {
			name,
			id: `${scope.replace(/\/+$/, '')}/providers/Microsoft.Authorization/roleAssignments/${name}`,
			scope: scope.replace(/\/+$/, ''),
			roleDefinitionId: definition.id,
			principalId: principalId.toLowerCase(),
			principalType: 'ServicePrincipal',
			description: null,
			createdOn: now,
			updatedOn: now,
			createdBy: principalId,
			updatedBy: principalId,
		};
		this.putAssignment(assignment);
		return assignment;
	}

	isEnforcedFor(principalId: string): boolean {
		const id = principalId.toLowerCase();
		return this.allAssignments().some((assignment) => assignment.principalId === id);
	}

	/** True when the principal may perform `action` on `resource` (always true for a principal without assignments). */
	allows(principalId: string, action: string, resource: string): boolean {
		const id = principalId.toLowerCase();
		const mine = this.allAssignments().filter((assignment) => assignment.principalId === id);
		if (mine.length === 0) return true;
		return mine.some((assignment) => {
			if (!scopeCovers(assignment.scope, resource)) return false;
			const definition = this.findDefinitionById(assignment.roleDefinitionId);
			return (definition?.permissions ?? []).some(
				(permission) =>
					permission.actions.some((pattern) => actionMatches(pattern, action)) &&
					!permission.notActions.some((pattern) => actionMatches(pattern, action)),
			);
		});
	}
}
