import { isGuid } from '../../core/ids';
import { cloudError, isPlainObject, json, parseJsonBody } from '../../core/json';
import type { HttpResponse, RequestContext, RouteDefinition } from '../../core/http-types';
import type { IssuedToken } from '../../entra/token-store';
import type { ArmPipeline, ArmRequest } from '../arm-pipeline';
import { ROUTE_ACTIONS } from './actions';
import { normaliseScope, scopeCovers, type RbacStore, type RoleAssignment, type RoleDefinition } from './rbac-store';

/** api-versions of Microsoft.Authorization's roleDefinitions / roleAssignments that the emulator answers (az 2.45 sends 2022-04-01). */
export const AUTHORIZATION_API_VERSIONS = ['2022-05-01-preview', '2022-04-01', '2020-10-01-preview', '2020-04-01-preview', '2018-01-01-preview', '2015-07-01'];

const AUTHORIZATION = '/providers/Microsoft.Authorization';
/** The three scopes the setup script and the tests use: subscription, resource group, workspace. */
const SCOPES: Array<{ prefix: string; scope: 'subscription' | 'workspace' }> = [
	{ prefix: '/subscriptions/{subscriptionId}', scope: 'subscription' },
	{ prefix: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}', scope: 'subscription' },
	{ prefix: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}', scope: 'workspace' },
];

/** Who may be assigned a role: an object id the directory knows (service principals, the emulator's apps). */
export type PrincipalLookup = (objectId: string) => boolean;

/** The scope a request names: its decoded path up to `/providers/Microsoft.Authorization`. */
function scopeOf(ctx: RequestContext): string {
	const path = decodeURIComponent(ctx.rawPath);
	const at = path.toLowerCase().indexOf(AUTHORIZATION.toLowerCase());
	return path.slice(0, at).replace(/\/+$/, '');
}

function definitionJson(definition: RoleDefinition, subscriptionId: string) {
	const { name, roleName, type, description, assignableScopes, permissions, createdOn, updatedOn, createdBy, updatedBy } = definition;
	return {
		id: `/subscriptions/${subscriptionId}${AUTHORIZATION}/roleDefinitions/${name}`,
		type: 'Microsoft.Authorization/roleDefinitions',
		name,
		properties: { roleName, type, description, assignableScopes, permissions, createdOn, updatedOn, createdBy, updatedBy },
	};
}

function assignmentJson(assignment: RoleAssignment) {
	const { id, name, scope, roleDefinitionId, principalId, principalType, description, createdOn, updatedOn, createdBy, updatedBy } = assignment;
	return {
		id,
		type: 'Microsoft.Authorization/roleAssignments',
		name,
		properties: { roleDefinitionId, principalId, principalType, scope, condition: null, conditionVersion: null, createdOn, updatedOn, createdBy, updatedBy, delegatedManagedIdentityResourceId: null, description },
	};
}

/** `$filter` values ARM's role APIs accept: `roleName eq '…'`, `type eq '…'`, `atScope()`, `principalId eq '…'`, `assignedTo('…')`. */
function filterValue(filter: string | undefined, field: string): string | undefined {
	if (!filter) return undefined;
	const match = new RegExp(`${field}\\s+eq\\s+'([^']*)'`, 'i').exec(filter) ?? (field === 'principalId' ? /assignedTo\('([^']*)'\)/i.exec(filter) : null);
	return match?.[1];
}

function readBody(ctx: RequestContext): Record<string, unknown> | HttpResponse {
	const parsed = parseJsonBody(ctx.rawBody);
	if (!parsed.ok || !isPlainObject(parsed.value) || !isPlainObject(parsed.value.properties)) {
		return cloudError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
	}
	return parsed.value.properties;
}

/** Role definitions and role assignments (Microsoft.Authorization) at subscription, resource-group and workspace scope. */
export function rbacRoutes(pipeline: ArmPipeline, store: RbacStore, principalExists: PrincipalLookup, tenantId: string): RouteDefinition[] {
	const routes: RouteDefinition[] = [];
	for (const { prefix, scope } of SCOPES) {
		const definitions = `${prefix}${AUTHORIZATION}/roleDefinitions`;
		const assignments = `${prefix}${AUTHORIZATION}/roleAssignments`;
		const base = { apiVersions: AUTHORIZATION_API_VERSIONS, scope } as const;
		routes.push(
			pipeline.route({ ...base, id: 'roleDefinitions.list', method: 'GET', pattern: definitions, handler: (request) => listDefinitions(request, store) }),
			pipeline.route({ ...base, id: 'roleDefinitions.get', method: 'GET', pattern: `${definitions}/{roleDefinitionId}`, handler: (request) => getDefinition(request, store) }),
			pipeline.route({ ...base, id: 'roleDefinitions.put', method: 'PUT', pattern: `${definitions}/{roleDefinitionId}`, handler: (request) => putDefinition(request, store) }),
			pipeline.route({ ...base, id: 'roleDefinitions.delete', method: 'DELETE', pattern: `${definitions}/{roleDefinitionId}`, handler: (request) => deleteDefinition(request, store) }),
			pipeline.route({ ...base, id: 'roleAssignments.list', method: 'GET', pattern: assignments, handler: (request) => listAssignments(request, store) }),
			pipeline.route({ ...base, id: 'roleAssignments.get', method: 'GET', pattern: `${assignments}/{roleAssignmentName}`, handler: (request) => getAssignment(request, store) }),
			pipeline.route({ ...base, id: 'roleAssignments.put', method: 'PUT', pattern: `${assignments}/{roleAssignmentName}`, handler: (request) => putAssignment(request, store, principalExists, tenantId) }),
			pipeline.route({ ...base, id: 'roleAssignments.delete', method: 'DELETE', pattern: `${assignments}/{roleAssignmentName}`, handler: (request) => deleteAssignment(request, store) }),
		);
	}
	return routes;
}

function subscriptionOf(request: ArmRequest): string {
	return request.subscription?.subscriptionId ?? '';
}

function listDefinitions(request: ArmRequest, store: RbacStore): HttpResponse {
	const filter = request.ctx.query.$filter;
	const roleName = filterValue(filter, 'roleName');
	const type = filterValue(filter, 'type');
	const value = store
		.definitions()
		.filter((def) => (roleName === undefined || def.roleName.toLowerCase() === roleName.toLowerCase()) && (type === undefined || def.type.toLowerCase() === type.toLowerCase()))
		.map((def) => definitionJson(def, subscriptionOf(request)));
	return json(200, { value });
}

function notFoundDefinition(guid: string): HttpResponse {
	return cloudError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid}' does not exist.`);
}

function getDefinition(request: ArmRequest, store: RbacStore): HttpResponse {
	const guid = request.ctx.params.roleDefinitionId;
	const definition = store.findDefinition(guid);
	return definition ? json(200, definitionJson(definition, subscriptionOf(request))) : notFoundDefinition(guid);
}

function putDefinition(request: ArmRequest, store: RbacStore): HttpResponse {
	const guid = request.ctx.params.roleDefinitionId.toLowerCase();
	if (!isGuid(guid)) return cloudError(400, 'InvalidRoleDefinitionId', 'The role definition ID must be a GUID.');
	const props = readBody(request.ctx);
	if ('status' in props) return props as HttpResponse;
	const roleName = typeof props.roleName === 'string' ? props.roleName.trim() : '';
	if (!roleName) return cloudError(400, 'RoleDefinitionNameNullOrEmpty', 'The role definition name cannot be null or empty.');
	const scopes = Array.isArray(props.assignableScopes) ? props.assignableScopes.filter((s): s is string => typeof s === 'string') : [];
	if (scopes.length === 0) return cloudError(400, 'MissingAssignableScopes', 'The role definition must have at least one assignable scope.');
	const outside = scopes.find((s) => !scopeCovers(`/subscriptions/${subscriptionOf(request)}`, s));
	if (outside) {
		return cloudError(400, 'InvalidAssignableScope', `The assignable scope '${outside}' is not in the subscription '${subscriptionOf(request)}' of the request.`);
	}
	const rawPermissions = Array.isArray(props.permissions) ? props.permissions : [];
	const list = (value: unknown) => (Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : []);
	const permissions = rawPermissions.filter(isPlainObject).map((p) => ({
		actions: list(p.actions),
		notActions: list(p.notActions),
		dataActions: list(p.dataActions),
		notDataActions: list(p.notDataActions),
	}));
	if (store.findDefinition(guid)?.type === 'BuiltInRole') {
		return cloudError(403, 'RoleDefinitionUpdateNotPermitted', 'Built-in role definitions cannot be updated.');
	}
	const sameName = store.customByName(roleName) ?? store.definitions().find((def) => def.type === 'BuiltInRole' && def.roleName.toLowerCase() === roleName.toLowerCase());
	if (sameName && sameName.name !== guid) {
		return cloudError(409, 'RoleDefinitionWithSameNameExists', 'A custom role with the same name already exists in this directory. Use a different name.');
	}
	const existing = store.findDefinition(guid);
	const now = new Date().toISOString();
	const definition: RoleDefinition = {
		name: guid,
		id: `/subscriptions/${subscriptionOf(request)}${AUTHORIZATION}/roleDefinitions/${guid}`,
		roleName,
		type: 'CustomRole',
		description: typeof props.description === 'string' ? props.description : '',
		assignableScopes: scopes,
		permissions,
		createdOn: existing?.createdOn ?? now,
		updatedOn: now,
		createdBy: existing?.createdBy ?? request.token.objectId,
		updatedBy: request.token.objectId,
	};
	store.putDefinition(definition);
	return json(201, definitionJson(definition, subscriptionOf(request)));
}

function deleteDefinition(request: ArmRequest, store: RbacStore): HttpResponse {
	const guid = request.ctx.params.roleDefinitionId;
	const definition = store.findDefinition(guid);
	if (!definition) return { status: 204 };
	if (definition.type === 'BuiltInRole') return cloudError(403, 'RoleDefinitionUpdateNotPermitted', 'Built-in role definitions cannot be deleted.');
	if (store.allAssignments().some((assignment) => store.findDefinitionById(assignment.roleDefinitionId)?.name === definition.name)) {
		return cloudError(409, 'RoleDefinitionHasAssignments', `There are existing role assignments referencing role (code: RoleDefinitionHasAssignments).`);
	}
	store.deleteDefinition(guid);
	return json(200, definitionJson(definition, subscriptionOf(request)));
}

function listAssignments(request: ArmRequest, store: RbacStore): HttpResponse {
	const scope = scopeOf(request.ctx);
	const filter = request.ctx.query.$filter ?? '';
	const principal = filterValue(filter, 'principalId')?.toLowerCase();
	const atScope = /atScope\(\)/i.test(filter);
	const value = store
		.allAssignments()
		.filter((a) => scopeCovers(a.scope, scope) || (!atScope && scopeCovers(scope, a.scope)))
		.filter((a) => principal === undefined || a.principalId === principal)
		.map(assignmentJson);
	return json(200, { value });
}

function getAssignment(request: ArmRequest, store: RbacStore): HttpResponse {
	const assignment = store.findAssignment(request.ctx.params.roleAssignmentName);
	if (!assignment || normaliseScope(assignment.scope) !== normaliseScope(scopeOf(request.ctx))) {
		return cloudError(404, 'RoleAssignmentNotFound', `The role assignment '${request.ctx.params.roleAssignmentName}' is not found.`);
	}
	return json(200, assignmentJson(assignment));
}

function putAssignment(request: ArmRequest, store: RbacStore, principalExists: PrincipalLookup, tenantId: string): HttpResponse {
	const name = request.ctx.params.roleAssignmentName.toLowerCase();
	if (!isGuid(name)) return cloudError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
	const props = readBody(request.ctx);
	if ('status' in props) return props as HttpResponse;
	const scope = scopeOf(request.ctx);
	const roleDefinitionId = typeof props.roleDefinitionId === 'string' ? props.roleDefinitionId : '';
	const definition = store.findDefinitionById(roleDefinitionId);
	if (!definition) {
		return cloudError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${/([^/]+)$/.exec(roleDefinitionId)?.[1] ?? roleDefinitionId}' does not exist.`);
	}
	if (!definition.assignableScopes.some((assignable) => scopeCovers(assignable, scope))) {
		return cloudError(403, 'AuthorizationFailed', `The role definition '${definition.name}' cannot be assigned at scope '${scope}': it is not within the role's assignable scopes.`);
	}
	const principalId = typeof props.principalId === 'string' ? props.principalId.toLowerCase() : '';
	if (!principalExists(principalId)) {
		return cloudError(
			400,
			'PrincipalNotFound',
			`Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
		);
	}
	const existing = store.findAssignment(name);
	if (existing) {
		if (existing.principalId !== principalId || normaliseScope(existing.scope) !== normaliseScope(scope) || existing.roleDefinitionId.toLowerCase() !== definition.id.toLowerCase()) {
			return cloudError(400, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
		}
		return cloudError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
	}
	const duplicate = store
		.allAssignments()
		.find((a) => a.principalId === principalId && normaliseScope(a.scope) === normaliseScope(scope) && store.findDefinitionById(a.roleDefinitionId)?.name === definition.name);
	if (duplicate) return cloudError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
	const now = new Date().toISOString();
	const assignment: RoleAssignment = {
		name,
		id: `${scope}${AUTHORIZATION}/roleAssignments/${name}`,
		scope,
		roleDefinitionId: `/subscriptions/${subscriptionOf(request)}${AUTHORIZATION}/roleDefinitions/${definition.name}`,
		principalId,
		principalType: typeof props.principalType === 'string' ? props.principalType : 'ServicePrincipal',
		description: typeof props.description === 'string' ? props.description : null,
		createdOn: now,
		updatedOn: now,
		createdBy: request.token.objectId,
		updatedBy: request.token.objectId,
	};
	store.putAssignment(assignment);
	return json(201, assignmentJson(assignment));
}

function deleteAssignment(request: ArmRequest, store: RbacStore): HttpResponse {
	const assignment = store.findAssignment(request.ctx.params.roleAssignmentName);
	if (!assignment || normaliseScope(assignment.scope) !== normaliseScope(scopeOf(request.ctx))) return { status: 204 };
	store.deleteAssignment(assignment.name);
	return json(200, assignmentJson(assignment));
}

/**
 * ARM's access check, run by the pipeline after authentication: a principal that has role assignments may call a
 * route only when its roles grant the route's action (ROUTE_ACTIONS) at a scope containing the requested resource;
 * otherwise 403 `AuthorizationFailed` in ARM's wording. Principals without assignments are not checked.
 */
export function rbacAuthorizer(store: RbacStore) {
	return (ctx: RequestContext, token: IssuedToken): HttpResponse | undefined => {
		const action = ROUTE_ACTIONS[ctx.route as keyof typeof ROUTE_ACTIONS];
		if (!action) return undefined;
		const resource = decodeURIComponent(ctx.rawPath).replace(/\/+$/, '');
		if (store.allows(token.objectId, action, resource)) return undefined;
		return cloudError(
			403,
			'AuthorizationFailed',
			`The client '${token.clientId}' with object id '${token.objectId}' does not have authorization to perform action '${action}' over scope '${resource}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
			{ 'x-ms-failure-cause': 'gateway' },
		);
	};
}

