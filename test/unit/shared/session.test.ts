import { getSentinelClient } from '../../../nodes/shared/azure/armTransport';
import { clearAzureSessions, getAzureSession, toServicePrincipal } from '../../../nodes/shared/azure/credential';

const principal = toServicePrincipal({
	tenantId: '11111111-1111-1111-1111-111111111111',
	clientId: '22222222-2222-2222-2222-222222222222',
	authMethod: 'clientSecret',
	clientSecret: 'not-used-here',
	cloud: 'AzurePublic',
});

describe('Azure sessions', () => {
	beforeEach(() => clearAzureSessions());

	it('items that start together share one session and one client (one token cache)', async () => {
		const sessions = await Promise.all([1, 2, 3, 4].map(() => getAzureSession(principal)));
		expect(new Set(sessions).size).toBe(1);
		const clients = await Promise.all([1, 2, 3].map(() => getSentinelClient(sessions[0], '33333333-3333-3333-3333-333333333333')));
		expect(new Set(clients).size).toBe(1);
	});

	it('a changed secret is a new session; a fresh session (credential test) is never cached', async () => {
		const first = await getAzureSession(principal);
		expect(await getAzureSession({ ...principal, clientSecret: 'rotated' })).not.toBe(first);
		const fresh = await getAzureSession(principal, { fresh: true });
		expect(fresh).not.toBe(first);
		expect(await getAzureSession(principal)).toBe(first);
	});

	it('the fingerprint never contains the secret', async () => {
		const session = await getAzureSession(principal);
		expect(session.fingerprint).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify({ ...session, credential: undefined })).not.toContain('not-used-here');
	});
});
