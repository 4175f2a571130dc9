/**
 * The Azure credential's test as the Defender XDR nodes run it (`sentinelSignl4AzureGraphTest`): a Graph token,
 * its `roles` claim read, missing application permissions named before any Graph call can fail on them.
 */
import { MicrosoftDefenderXdr } from '../../../nodes/MicrosoftDefenderXdr/MicrosoftDefenderXdr.node';
import { missingGraphPermissions, tokenRoles } from '../../../nodes/shared/methods/testAzureCredential';
import type { Emulator } from '../../emulator';
import { emulatorCredential } from '../../helpers/azureFixtures';
import { credentialTestContext } from '../../helpers/n8nHarness';
import { graphRequests, resetEmulator, startDefenderEmulator } from './support';

let emu: Emulator;
beforeAll(async () => {
	emu = await startDefenderEmulator();
});
afterAll(() => emu.stop());
afterEach(() => resetEmulator(emu));

async function credentialTest(overrides: Record<string, string> = {}) {
	const node = new MicrosoftDefenderXdr();
	expect(node.description.credentials).toEqual([{ name: 'sentinelSignl4AzureApi', required: true, testedBy: 'sentinelSignl4AzureGraphTest' }]);
	return node.methods.credentialTest.sentinelSignl4AzureGraphTest.call(credentialTestContext(), {
		id: 'c1',
		name: 'Azure',
		type: 'sentinelSignl4AzureApi',
		data: emulatorCredential(emu, overrides),
	});
}

function principalWith(roles: string[]): Record<string, string> {
	const principal = emu.identity.addPrincipal();
	emu.defender.setRoles(principal.objectId, roles);
	return { clientId: principal.clientId, clientSecret: principal.clientSecret };
}

test('the default principal has all four permissions: OK after one listing of one incident', async () => {
	await expect(credentialTest()).resolves.toMatchObject({ status: 'OK' });
	expect(graphRequests(emu).map((request) => [request.path, request.query])).toEqual([['/v1.0/security/incidents', { $top: '1' }]]);
	const token = emu.requests.find((request) => request.route === 'token');
	expect(String((token?.body as string | undefined) ?? '')).toContain('scope=https%3A%2F%2Fgraph.microsoft.com%2F.default');
});

test('read-only permissions: the test names the two ReadWrite permissions and admin consent, without calling Graph', async () => {
	const result = await credentialTest(principalWith(['SecurityIncident.Read.All', 'SecurityAlert.Read.All']));
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/lacks the Microsoft Graph application permissions SecurityIncident\.ReadWrite\.All, SecurityAlert\.ReadWrite\.All/);
	expect(result.message).toMatch(/cannot update and comment on incidents, update and comment on alerts/);
	expect(result.message).toMatch(/administrator grant admin consent/);
	expect(graphRequests(emu)).toEqual([]);
});

test('no security permission at all, or only the incident ones: each missing one is named once', async () => {
	const none = await credentialTest(principalWith([]));
	expect(none.message).toMatch(/permissions SecurityIncident\.ReadWrite\.All, SecurityAlert\.ReadWrite\.All:/);
	expect(none.message).toMatch(/cannot read incidents, update and comment on incidents, read alerts/);
	const incidentsOnly = await credentialTest(principalWith(['SecurityIncident.ReadWrite.All']));
	expect(incidentsOnly.message).toMatch(/permission SecurityAlert\.ReadWrite\.All: the Defender XDR nodes cannot read alerts, update and comment on alerts/);
	expect(graphRequests(emu)).toEqual([]);
});

test('Azure China is refused with the reason; a wrong secret is explained without echoing it', async () => {
	const china = await credentialTest({ cloud: 'AzureChina' });
	expect(china).toMatchObject({ status: 'Error', message: expect.stringMatching(/not available in Azure China \(21Vianet\)/) });
	const secret = 'Wr0ng~Secret.Value_that-must-not-leak';
	const wrong = await credentialTest({ clientSecret: secret });
	expect(wrong.status).toBe('Error');
	expect(wrong.message).toMatch(/AADSTS7000215/);
	expect(wrong.message).not.toContain(secret);
});

test('roles are read from the token payload (not verified); what is missing is worded from them', () => {
	const token = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
	expect(tokenRoles(token({ roles: ['SecurityAlert.Read.All'] }))).toEqual(['SecurityAlert.Read.All']);
	expect(tokenRoles(token({ aud: 'https://graph.microsoft.com' }))).toEqual([]);
	expect(tokenRoles('not-a-jwt')).toBeUndefined();
	expect(missingGraphPermissions(['SecurityIncident.ReadWrite.All', 'SecurityAlert.ReadWrite.All'])).toBeUndefined();
	expect(missingGraphPermissions(['SecurityIncident.ReadWrite.All', 'SecurityAlert.Read.All'])).toMatch(/permission SecurityAlert\.ReadWrite\.All:/);
});
