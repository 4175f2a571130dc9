/**
 * Azure RBAC on the emulated ARM (arm/rbac/): role definitions and assignments with ARM's answers (201, 409
 * RoleDefinitionWithSameNameExists / RoleAssignmentExists, 400 PrincipalNotFound, 404 RoleDefinitionDoesNotExist),
 * and the access check: a principal without assignments keeps full access, one with assignments gets 403
 * AuthorizationFailed for every action its roles do not grant; the nodes' error mapping names the missing action.
 */
import { randomUUID } from 'node:crypto';
import { startEmulator, type Emulator, type Principal } from '../../emulator';
import { actionMatches } from '../../emulator/arm/rbac/actions';
import { describeAzureError } from '../../../nodes/shared/azure/errors';
import { ARM_SCOPE, armRequest, request, secretCredential, sentinelPath } from './support/clients';

jest.setTimeout(30_000);

const AUTHZ = 'api-version=2022-04-01';
const V = 'api-version=2025-09-01';
let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator({ seedIncidents: 2 });
});
afterAll(() => emu.stop());

async function as(principal: Principal, method: string, path: string, body?: unknown) {
	const token = await secretCredential(emu, { clientId: principal.clientId, clientSecret: principal.clientSecret }).getToken(ARM_SCOPE);
	return request(emu, method, path, { body, headers: { authorization: `Bearer ${token.token}` } });
}

function roleBody(roleName: string, actions: string[], scope = `/subscriptions/${emu.workspace.subscriptionId}/resourceGroups/${emu.workspace.resourceGroup}`) {
	return { properties: { roleName, type: 'CustomRole', description: 'test', assignableScopes: [scope], permissions: [{ actions, notActions: [] }] } };
}

const sub = () => `/subscriptions/${emu.workspace.subscriptionId}`;
const definitionsAt = (scope: string) => `${scope}/providers/Microsoft.Authorization/roleDefinitions`;
const assignmentsAt = (scope: string) => `${scope}/providers/Microsoft.Authorization/roleAssignments`;

describe('role definitions', () => {
	it('creates a custom role (201), finds it by roleName, refuses a second role of the same name (409) and deletes it', async () => {
		const guid = randomUUID();
		const created = await armRequest(emu, 'PUT', `${definitionsAt(sub())}/${guid}?${AUTHZ}`, roleBody('Reader of incidents', ['Microsoft.SecurityInsights/incidents/read']));
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({ id: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${guid}`, name: guid, properties: { roleName: 'Reader of incidents', type: 'CustomRole' } });

		const listed = await armRequest(emu, 'GET', `${definitionsAt(sub())}?${AUTHZ}&$filter=${encodeURIComponent("roleName eq 'Reader of incidents'")}`);
		expect((listed.json as { value: Array<{ name: string }> }).value.map((role) => role.name)).toEqual([guid]);

		const twin = await armRequest(emu, 'PUT', `${definitionsAt(sub())}/${randomUUID()}?${AUTHZ}`, roleBody('Reader of incidents', ['*/read']));
		expect(twin.status).toBe(409);
		expect(twin.json).toMatchObject({ error: { code: 'RoleDefinitionWithSameNameExists' } });

		expect((await armRequest(emu, 'DELETE', `${definitionsAt(sub())}/${guid}?${AUTHZ}`)).status).toBe(200);
		const gone = await armRequest(emu, 'GET', `${definitionsAt(sub())}/${guid}?${AUTHZ}`);
		expect(gone.status).toBe(404);
		expect(gone.json).toMatchObject({ error: { code: 'RoleDefinitionDoesNotExist' } });
		expect((await armRequest(emu, 'DELETE', `${definitionsAt(sub())}/${guid}?${AUTHZ}`)).status).toBe(204);
	});

	it('lists the built-in Sentinel and Log Analytics roles with their documented ids', async () => {
		const listed = await armRequest(emu, 'GET', `${definitionsAt(sub())}?${AUTHZ}&$filter=${encodeURIComponent("type eq 'BuiltInRole'")}`);
		const names = (listed.json as { value: Array<{ name: string; properties: { roleName: string } }> }).value.map((role) => `${role.properties.roleName}=${role.name}`);
		expect(names).toEqual(
			expect.arrayContaining(['Microsoft Sentinel Reader=8d289c81-5878-46d4-8554-54e1e3d8b5cb', 'Microsoft Sentinel Responder=3e150937-b8fe-4cfb-8069-0eaf05ecd056', 'Log Analytics Reader=73c42c96-874c-492b-b04d-ab87d138a893']),
		);
	});

	it('matches actions the way Azure RBAC does: * spans segments, case-insensitive', () => {
		expect(actionMatches('Microsoft.SecurityInsights/*/read', 'Microsoft.SecurityInsights/incidents/comments/read')).toBe(true);
		expect(actionMatches('microsoft.securityinsights/incidents/*', 'Microsoft.SecurityInsights/incidents/write')).toBe(true);
		expect(actionMatches('Microsoft.SecurityInsights/*/read', 'Microsoft.SecurityInsights/incidents/write')).toBe(false);
		expect(actionMatches('Microsoft.SecurityInsights/incidents/read', 'Microsoft.SecurityInsights/incidents/readX')).toBe(false);
	});
});

describe('role assignments and the access check', () => {
	let app: Principal;
	let roleId: string;
	const ws = () => emu.workspace.armId;

	beforeAll(async () => {
		app = emu.identity.addPrincipal('restricted app');
		const guid = randomUUID();
		roleId = `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
		const created = await armRequest(emu, 'PUT', `${definitionsAt(sub())}/${guid}?${AUTHZ}`, roleBody('Incident reader', ['Microsoft.SecurityInsights/incidents/read']));
		expect(created.status).toBe(201);
	});

	it('a principal without assignments has full access (every existing test relies on it)', async () => {
		expect((await as(app, 'GET', sentinelPath(emu, `/incidents?${V}`))).status).toBe(200);
		expect(emu.rbac.isEnforcedFor(app.objectId)).toBe(false);
	});

	it('assigns at the workspace (201); the same assignment again is 409, an unknown principal 400 PrincipalNotFound', async () => {
		const assignment = { properties: { roleDefinitionId: roleId, principalId: app.objectId, principalType: 'ServicePrincipal' } };
		const created = await armRequest(emu, 'PUT', `${assignmentsAt(ws())}/${randomUUID()}?${AUTHZ}`, assignment);
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({ properties: { roleDefinitionId: roleId, principalId: app.objectId, scope: ws() } });

		const again = await armRequest(emu, 'PUT', `${assignmentsAt(ws())}/${randomUUID()}?${AUTHZ}`, assignment);
		expect(again.status).toBe(409);
		expect(again.json).toMatchObject({ error: { code: 'RoleAssignmentExists', message: 'The role assignment already exists.' } });

		const stranger = await armRequest(emu, 'PUT', `${assignmentsAt(ws())}/${randomUUID()}?${AUTHZ}`, { properties: { roleDefinitionId: roleId, principalId: randomUUID() } });
		expect(stranger.status).toBe(400);
		expect(stranger.json).toMatchObject({ error: { code: 'PrincipalNotFound' } });

		const mine = await armRequest(emu, 'GET', `${assignmentsAt(ws())}?${AUTHZ}&$filter=${encodeURIComponent(`principalId eq '${app.objectId}'`)}`);
		expect((mine.json as { value: unknown[] }).value).toHaveLength(1);
	});

	it('then refuses what the role does not grant with ARM 403 AuthorizationFailed, and allows what it grants', async () => {
		expect((await as(app, 'GET', sentinelPath(emu, `/incidents?${V}`))).status).toBe(200);
		const [incident] = emu.sentinel.listIncidents();
		const comment = await as(app, 'PUT', sentinelPath(emu, `/incidents/${incident.name}/comments/${randomUUID()}?${V}`), { properties: { message: 'hi' } });
		expect(comment.status).toBe(403);
		const scope = `${ws()}/providers/Microsoft.SecurityInsights/incidents/${incident.name}/comments/`;
		expect(comment.json).toEqual({
			error: {
				code: 'AuthorizationFailed',
				message: expect.stringMatching(
					new RegExp(`^The client '${app.clientId}' with object id '${app.objectId}' does not have authorization to perform action 'Microsoft.SecurityInsights/incidents/comments/write' over scope '${scope.replace(/[.]/g, '\\.')}[0-9a-f-]+' or the scope is invalid\\. If access was recently granted, please refresh your credentials\\.$`),
				),
			},
		});
		expect(comment.headers['x-ms-failure-cause']).toBe('gateway');
		expect(emu.sentinel.comments(incident.name).some((c) => c.properties.message === 'hi')).toBe(false);
		// Outside the assignment's scope (the other workspace) even the granted action is refused.
		const other = emu.workspaces[1];
		const elsewhere = await as(app, 'GET', `${other.armId}/providers/Microsoft.SecurityInsights/incidents?${V}`);
		expect(elsewhere.status).toBe(403);
		// The emulator's own principal (no assignments) is unaffected.
		expect((await armRequest(emu, 'GET', `${other.armId}/providers/Microsoft.SecurityInsights/incidents?${V}`)).status).toBe(200);
	});

	it("the nodes' error mapping turns that 403 into the missing action, the setup script's part and the built-in role", async () => {
		const [incident] = emu.sentinel.listIncidents();
		const denied = await as(app, 'PUT', sentinelPath(emu, `/incidents/${incident.name}/comments/${randomUUID()}?${V}`), { properties: { message: 'x' } });
		const described = describeAzureError({ name: 'RestError', statusCode: 403, details: denied.json }, { action: 'add a comment to incident 1' });
		expect(described.message).toBe('The service principal may not add comments to incidents: its roles on the workspace lack Microsoft.SecurityInsights/incidents/comments/write');
		expect(described.description).toContain("--grant including 'writeback'");
		expect(described.description).toContain('Microsoft Sentinel Responder');
		expect(described.httpCode).toBe('403');
	});

	it('a role cannot be deleted while assigned (409 RoleDefinitionHasAssignments); deleting the assignment restores full access', async () => {
		const guid = roleId.split('/').pop() as string;
		const refused = await armRequest(emu, 'DELETE', `${definitionsAt(sub())}/${guid}?${AUTHZ}`);
		expect(refused.status).toBe(409);
		expect(refused.json).toMatchObject({ error: { code: 'RoleDefinitionHasAssignments' } });
		const [assignment] = emu.rbac.allAssignments().filter((a) => a.principalId === app.objectId);
		expect((await armRequest(emu, 'DELETE', `${assignment.id}?${AUTHZ}`)).status).toBe(200);
		expect(emu.rbac.isEnforcedFor(app.objectId)).toBe(false);
		const [incident] = emu.sentinel.listIncidents();
		expect((await as(app, 'PUT', sentinelPath(emu, `/incidents/${incident.name}/comments/${randomUUID()}?${V}`), { properties: { message: 'now allowed' } })).status).toBe(201);
		expect((await armRequest(emu, 'DELETE', `${definitionsAt(sub())}/${guid}?${AUTHZ}`)).status).toBe(200);
	});

	it('the built-in Responder grants adding comments but not deleting them (its notActions)', async () => {
		const responder = emu.identity.addPrincipal('responder app');
		emu.rbac.assign(responder.objectId, 'Microsoft Sentinel Responder', emu.workspace.armId);
		const [incident] = emu.sentinel.listIncidents();
		const commentId = randomUUID();
		expect((await as(responder, 'PUT', sentinelPath(emu, `/incidents/${incident.name}/comments/${commentId}?${V}`), { properties: { message: 'by responder' } })).status).toBe(201);
		const deletion = await as(responder, 'DELETE', sentinelPath(emu, `/incidents/${incident.name}/comments/${commentId}?${V}`));
		expect(deletion.status).toBe(403);
		expect(deletion.json).toMatchObject({ error: { code: 'AuthorizationFailed', message: expect.stringContaining("'Microsoft.SecurityInsights/incidents/comments/delete'") } });
	});
});
