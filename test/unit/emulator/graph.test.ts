/**
 * Microsoft Graph's app-registration surface on the emulator (graph/): applications, addPassword, service
 * principals and app-role assignments with Graph's answers (201/204, 404 Request_ResourceNotFound, 409 for a second
 * service principal, 400 for a duplicate permission, 403 Authorization_RequestDenied for callers without directory
 * rights), and an app that signs in with the secret Graph issued once it has a service principal.
 */
import { X509Certificate } from 'node:crypto';
import { startEmulator, type Emulator } from '../../emulator';
import { GRAPH_SECURITY_APP_ROLES, MICROSOFT_GRAPH_APP_ID } from '../../emulator/graph/graph-directory';
import { ARM_SCOPE, request, secretCredential } from './support/clients';

jest.setTimeout(30_000);

let emu: Emulator;
let adminToken: string;
beforeAll(async () => {
	emu = await startEmulator();
	adminToken = (await secretCredential(emu).getToken('https://graph.microsoft.com/.default')).token;
});
afterAll(() => emu.stop());

const graph = (method: string, path: string, body?: unknown, token = adminToken) =>
	request(emu, method, `/v1.0${path}`, { body, headers: { authorization: `Bearer ${token}` } });
type Json = Record<string, unknown> & { value?: Array<Record<string, unknown>> };

describe('Microsoft Graph app registrations', () => {
	it('creates an app, filters by displayName and appId, adds a password that is returned once, and the app signs in once it has a service principal', async () => {
		const created = await graph('POST', '/applications', { displayName: 'n8n test app', signInAudience: 'AzureADMyOrg' });
		expect(created.status).toBe(201);
		const app = created.json as { id: string; appId: string };
		expect((await graph('GET', `/applications?$filter=${encodeURIComponent("displayName eq 'n8n test app'")}`)).json).toMatchObject({ value: [{ id: app.id, appId: app.appId }] });
		expect(((await graph('GET', `/applications?$filter=${encodeURIComponent(`appId eq '${app.appId}'`)}`)).json as Json).value).toHaveLength(1);
		expect(((await graph('GET', `/applications?$filter=${encodeURIComponent("startswith(displayName,'n8n test')")}`)).json as Json).value).toHaveLength(1);

		const password = await graph('POST', `/applications/${app.id}/addPassword`, { passwordCredential: { displayName: 'n8n', endDateTime: new Date(Date.now() + 86_400_000).toISOString() } });
		expect(password.status).toBe(200);
		const secret = (password.json as { secretText: string }).secretText;
		expect(secret).toMatch(/^.{3}8Q~.{30,}$/);
		const read = (await graph('GET', `/applications/${app.id}`)).json as { passwordCredentials: Array<{ secretText: unknown; hint: string }> };
		expect(read.passwordCredentials).toEqual([expect.objectContaining({ secretText: null, hint: secret.slice(0, 3) })]);
		// The request log never holds the secret.
		expect(JSON.stringify(emu.requests)).not.toContain(secret);

		// Entra ID issues tokens only to an app with a service principal in the tenant.
		await expect(secretCredential(emu, { clientId: app.appId, clientSecret: secret }).getToken(ARM_SCOPE)).rejects.toThrow(/700016/);
		const sp = await graph('POST', '/servicePrincipals', { appId: app.appId });
		expect(sp.status).toBe(201);
		const spId = (sp.json as { id: string }).id;
		const token = await secretCredential(emu, { clientId: app.appId, clientSecret: secret }).getToken(ARM_SCOPE);
		expect(token.token).toBeTruthy();

		const second = await graph('POST', '/servicePrincipals', { appId: app.appId });
		expect(second.status).toBe(409);
		expect(second.json).toMatchObject({ error: { code: 'Request_MultipleObjectsWithSameKeyValue', innerError: { 'request-id': expect.any(String) } } });
		expect((await graph('GET', `/servicePrincipals?$filter=${encodeURIComponent(`servicePrincipalNames/any(c:c eq '${app.appId}')`)}`)).json).toMatchObject({ value: [{ id: spId }] });

		// An app without directory rights may not manage app registrations.
		const appGraphToken = (await secretCredential(emu, { clientId: app.appId, clientSecret: secret }).getToken('https://graph.microsoft.com/.default')).token;
		const denied = await graph('GET', '/applications', undefined, appGraphToken);
		expect(denied.status).toBe(403);
		expect(denied.json).toMatchObject({ error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });

		// Deleting the application deletes its service principal and its sign-in.
		expect((await graph('DELETE', `/applications/${app.id}`)).status).toBe(204);
		expect((await graph('GET', `/servicePrincipals/${spId}`)).status).toBe(404);
		const gone = await graph('GET', `/applications/${app.id}`);
		expect(gone.json).toMatchObject({ error: { code: 'Request_ResourceNotFound', message: `Resource '${app.id}' does not exist or one of its queried reference-property objects are not present.` } });
		await expect(secretCredential(emu, { clientId: app.appId, clientSecret: secret }).getToken(ARM_SCOPE)).rejects.toThrow(/700016/);
	});

	it("grants Microsoft Graph's security application permissions (app-role assignments) once; a duplicate is 400", async () => {
		const app = (await graph('POST', '/applications', { displayName: 'graph perms app' })).json as { appId: string };
		const sp = (await graph('POST', '/servicePrincipals', { appId: app.appId })).json as { id: string };
		const graphSp = ((await graph('GET', `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${MICROSOFT_GRAPH_APP_ID}'`)}`)).json as Json).value![0] as { id: string; appRoles: Array<{ id: string; value: string }> };
		expect(graphSp.appRoles.map((role) => role.value)).toEqual(GRAPH_SECURITY_APP_ROLES.map((role) => role.value));
		const incidentsRw = graphSp.appRoles.find((role) => role.value === 'SecurityIncident.ReadWrite.All')!;
		const body = { principalId: sp.id, resourceId: graphSp.id, appRoleId: incidentsRw.id };
		const granted = await graph('POST', `/servicePrincipals/${sp.id}/appRoleAssignments`, body);
		expect(granted.status).toBe(201);
		expect(granted.json).toMatchObject({ principalId: sp.id, resourceId: graphSp.id, appRoleId: incidentsRw.id, resourceDisplayName: 'Microsoft Graph' });
		const duplicate = await graph('POST', `/servicePrincipals/${sp.id}/appRoleAssignments`, body);
		expect(duplicate.status).toBe(400);
		expect(duplicate.json).toMatchObject({ error: { code: 'Request_BadRequest', message: 'Permission being assigned already exists on the object' } });
		expect(((await graph('GET', `/servicePrincipals/${sp.id}/appRoleAssignments`)).json as Json).value).toHaveLength(1);
		const unknownRole = await graph('POST', `/servicePrincipals/${sp.id}/appRoleAssignments`, { ...body, appRoleId: '00000000-0000-0000-0000-000000000001' });
		expect(unknownRole.status).toBe(400);
	});

	it("stores an uploaded certificate with the SHA-1 thumbprint Graph computes as customKeyIdentifier, keeps listed ones by keyId, refuses a bad key", async () => {
		const app = (await graph('POST', '/applications', { displayName: 'cert app' })).json as { id: string };
		const der = new X509Certificate(emu.principal.certificatePem).raw.toString('base64');
		const key = { type: 'AsymmetricX509Cert', usage: 'Verify', key: der, displayName: 'CN=n8n' };
		expect((await graph('PATCH', `/applications/${app.id}`, { keyCredentials: [key] })).status).toBe(204);
		const stored = ((await graph('GET', `/applications/${app.id}`)).json as { keyCredentials: Array<{ keyId: string; key: unknown; customKeyIdentifier: string }> }).keyCredentials;
		const thumbprint = new X509Certificate(emu.principal.certificatePem).fingerprint.replace(/:/g, '');
		expect(stored).toEqual([expect.objectContaining({ key: null, customKeyIdentifier: thumbprint, type: 'AsymmetricX509Cert', usage: 'Verify' })]);
		// A client appending sends the existing entry back without its key.
		expect((await graph('PATCH', `/applications/${app.id}`, { keyCredentials: [{ ...stored[0], key: null }, key] })).status).toBe(204);
		expect(((await graph('GET', `/applications/${app.id}`)).json as { keyCredentials: unknown[] }).keyCredentials).toHaveLength(2);
		const bad = await graph('PATCH', `/applications/${app.id}`, { keyCredentials: [{ ...key, key: Buffer.from('not a certificate').toString('base64') }] });
		expect(bad.status).toBe(400);
		expect(bad.json).toMatchObject({ error: { code: 'KeyCredentialsInvalidValue' } });
	});

	it('refuses tokens for other audiences and unsupported filters like Graph', async () => {
		const armToken = (await secretCredential(emu).getToken(ARM_SCOPE)).token;
		const wrongAudience = await graph('GET', '/applications', undefined, armToken);
		expect(wrongAudience.status).toBe(401);
		expect(wrongAudience.json).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid audience.' } });
		const filter = await graph('GET', `/applications?$filter=${encodeURIComponent("notes eq 'x'")}`);
		expect(filter.status).toBe(400);
		expect(filter.json).toMatchObject({ error: { code: 'Request_UnsupportedQuery' } });
		// The emulator's own URL is a Graph audience too (a custom cloud's Graph resource id, as az asks for it).
		const ownAudience = (await secretCredential(emu).getToken(`${emu.url}/.default`)).token;
		expect((await graph('GET', '/applications', undefined, ownAudience)).status).toBe(200);
	});
});
