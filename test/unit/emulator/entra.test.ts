/**
 * Entra ID: discovery documents and the client-credentials token endpoint, driven by @azure/identity 4.13.1
 * (secret and certificate) and by hand-made requests for the error shapes and assertion checks.
 */
import { constants, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity';
import { startEmulator, type Emulator } from '../../emulator';
import { ARM_SCOPE, certificateCredential, request, secretCredential } from './support/clients';

jest.setTimeout(30_000);

let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator();
});
afterAll(() => emu.stop());
beforeEach(() => emu.clearRequests());

const tokenPath = () => `/${emu.principal.tenantId}/oauth2/v2.0/token`;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function clientCertificateDer(): Buffer {
	const base64 = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(emu.principal.certificatePem)?.[1] ?? '';
	return Buffer.from(base64.replace(/\s+/g, ''), 'base64');
}

function makeAssertion(options: { alg?: 'RS256' | 'PS256'; key?: string; aud?: string; iss?: string; exp?: number; thumbprint?: 'x5t' | 'x5t#S256' } = {}): string {
	const alg = options.alg ?? 'RS256';
	const headerName = options.thumbprint ?? (alg === 'RS256' ? 'x5t' : 'x5t#S256');
	const thumb = createHash(headerName === 'x5t' ? 'sha1' : 'sha256').update(clientCertificateDer()).digest('base64url');
	const now = Math.floor(Date.now() / 1000);
	const header = { alg, typ: 'JWT', [headerName]: thumb };
	const payload = {
		aud: options.aud ?? `${emu.url}${tokenPath()}`,
		iss: options.iss ?? emu.principal.clientId,
		sub: options.iss ?? emu.principal.clientId,
		exp: options.exp ?? now + 600,
		nbf: now,
		jti: 'test',
	};
	const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
	const key = createPrivateKey(options.key ?? emu.principal.certificatePem);
	const signature =
		alg === 'RS256'
			? sign('sha256', Buffer.from(input), key)
			: sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
	return `${input}.${signature.toString('base64url')}`;
}

function assertionGrant(assertion: string) {
	return request(emu, 'POST', tokenPath(), {
		form: { client_id: emu.principal.clientId, grant_type: 'client_credentials', scope: ARM_SCOPE, client_assertion_type: JWT_BEARER, client_assertion: assertion },
	});
}

describe('discovery', () => {
	it('serves an openid-configuration whose issuer and endpoints share the emulator origin', async () => {
		const response = await request(emu, 'GET', `/${emu.principal.tenantId}/v2.0/.well-known/openid-configuration`);
		expect(response.status).toBe(200);
		const doc = response.json as Record<string, string>;
		expect(doc.issuer).toBe(`${emu.url}/${emu.principal.tenantId}/v2.0`);
		expect(doc.token_endpoint).toBe(`${emu.url}${tokenPath()}`);
		expect(doc.authorization_endpoint).toMatch(new RegExp(`^${emu.url}/`));
		expect(doc.jwks_uri).toMatch(new RegExp(`^${emu.url}/`));
	});

	it('answers an unknown tenant with AADSTS90002', async () => {
		const response = await request(emu, 'GET', '/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration');
		expect(response.status).toBe(400);
		expect(response.json).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
	});

	it('serves instance discovery metadata on the same origin', async () => {
		const response = await request(emu, 'GET', `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${emu.url}/x/oauth2/v2.0/authorize`)}`);
		expect(response.status).toBe(200);
		expect((response.json as { tenant_discovery_endpoint: string }).tenant_discovery_endpoint).toMatch(new RegExp(`^${emu.url}/`));
	});
});

describe('token grant with the real @azure/identity', () => {
	it('issues an ARM token for a client secret shaped like Entra ID v1 app tokens, with the lifetime configured', async () => {
		const token = await secretCredential(emu).getToken(ARM_SCOPE);
		const [, payload, signature] = token.token.split('.');
		expect(signature?.length).toBeGreaterThan(40);
		expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toMatchObject({
			aud: 'https://management.azure.com',
			appid: emu.principal.clientId,
			oid: emu.principal.objectId,
			tid: expect.stringMatching(/^[0-9a-f-]{36}$/),
			idtyp: 'app',
			ver: '1.0',
		});
		expect(token.expiresOnTimestamp - Date.now()).toBeGreaterThan(3500_000);
		const logged = emu.requests.find((entry) => entry.route === 'token');
		expect(logged?.body).toMatch(/grant_type=client_credentials/);
		expect(logged?.body).toMatch(/client_secret=REDACTED/);
		expect(JSON.stringify(emu.requests)).not.toContain(emu.principal.clientSecret);
	});

	it('issues a token for the certificate credential (PS256 + x5t#S256 assertion, as identity 4.13.1 sends it)', async () => {
		const token = await certificateCredential(emu).getToken(ARM_SCOPE);
		expect(token.token).toBeTruthy();
		const body = String(emu.requests.find((entry) => entry.route === 'token')?.body);
		expect(body).toMatch(/client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer/);
		expect(body).toMatch(/client_assertion=REDACTED/);
	});

	it('caches the token: several getToken calls → one token request', async () => {
		const credential = secretCredential(emu);
		for (let i = 0; i < 4; i++) await credential.getToken(ARM_SCOPE);
		expect(emu.requestCount('token')).toBe(1);
	});

	// identity 4.13.1 turns MSAL's ServerError into AuthenticationRequiredError, keeping the AADSTS text.
	it('rejects a wrong secret with 401 invalid_client AADSTS7000215', async () => {
		const error = await secretCredential(emu, { clientSecret: 'wrong' }).getToken(ARM_SCOPE).catch((e: Error) => e);
		expect(error).toBeInstanceOf(AuthenticationRequiredError);
		expect((error as Error).message).toMatch(/^invalid_client: .*AADSTS7000215: Invalid client secret provided/s);
		expect(emu.requests.find((entry) => entry.route === 'token')?.status).toBe(401);
	});

	it('unknown tenant: discovery fails first, so MSAL reports endpoints_resolution_error', async () => {
		const error = await secretCredential(emu, { tenantId: '11111111-2222-3333-4444-555555555555' }).getToken(ARM_SCOPE).catch((e: Error) => e);
		expect(error).toBeInstanceOf(CredentialUnavailableError);
		expect((error as Error).message).toContain('endpoints_resolution_error');
		expect(emu.requests.map((entry) => [entry.route, entry.status])).toContainEqual(['openid-configuration', 400]);
		// The token endpoint itself answers AADSTS90002 for clients that skip discovery.
		const direct = await request(emu, 'POST', '/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token', {
			form: { client_id: emu.principal.clientId, client_secret: emu.principal.clientSecret, grant_type: 'client_credentials', scope: ARM_SCOPE },
		});
		expect(direct.status).toBe(400);
		expect(direct.json).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
	});

	it('rejects an unknown client with 400 unauthorized_client AADSTS700016', async () => {
		const error = await secretCredential(emu, { clientId: '99999999-2222-3333-4444-555555555555' }).getToken(ARM_SCOPE).catch((e: Error) => e);
		expect((error as Error).message).toMatch(/^unauthorized_client: .*AADSTS700016: Application with identifier '99999999-2222-3333-4444-555555555555' was not found/s);
		expect(emu.requests.find((entry) => entry.route === 'token')?.status).toBe(400);
	});

	it('rejects a certificate the app registration does not know (AADSTS700027)', async () => {
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
		const otherPem = emu.principal.certificatePem.replace(/-----BEGIN RSA PRIVATE KEY-----[\s\S]+-----END RSA PRIVATE KEY-----\n?/, privateKey);
		const error = await certificateCredential(emu, otherPem).getToken(ARM_SCOPE).catch((e: Error) => e);
		expect((error as Error).message).toContain('AADSTS700027');
	});
});

describe('token endpoint wire behaviour', () => {
	it('accepts an RS256 assertion with the SHA-1 x5t header (older MSAL)', async () => {
		const response = await assertionGrant(makeAssertion({ alg: 'RS256' }));
		expect(response.status).toBe(200);
		expect(response.json).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
	});

	it('accepts a PS256 assertion with x5t#S256', async () => {
		expect((await assertionGrant(makeAssertion({ alg: 'PS256' }))).status).toBe(200);
	});

	it('rejects a forged signature, a wrong audience, a wrong issuer and an expired assertion', async () => {
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
		const forged = await assertionGrant(makeAssertion({ key: privateKey }));
		expect(forged.status).toBe(401);
		expect(forged.json).toMatchObject({ error: 'invalid_client', error_codes: [700027] });

		const wrongAudience = await assertionGrant(makeAssertion({ aud: 'https://login.microsoftonline.com/other/oauth2/v2.0/token' }));
		expect(wrongAudience.json).toMatchObject({ error: 'invalid_client', error_codes: [700027] });

		const wrongIssuer = await assertionGrant(makeAssertion({ iss: '99999999-2222-3333-4444-555555555555' }));
		expect(wrongIssuer.json).toMatchObject({ error: 'invalid_client', error_codes: [700021] });

		const expired = await assertionGrant(makeAssertion({ exp: Math.floor(Date.now() / 1000) - 3600 }));
		expect(expired.json).toMatchObject({ error: 'invalid_client', error_codes: [700024] });

		const garbage = await assertionGrant('not-a-jwt');
		expect(garbage.status).toBe(400);
		expect(garbage.json).toMatchObject({ error: 'invalid_request', error_codes: [50027] });
		// The key in the fixture really is the certificate's key (sanity check of the helper).
		expect(createPublicKey(createPrivateKey(emu.principal.certificatePem)).export({ format: 'pem', type: 'spki' })).toBeTruthy();
	});

	it('answers errors in the AADSTS shape with trace and correlation ids', async () => {
		const response = await request(emu, 'POST', tokenPath(), {
			form: { client_id: emu.principal.clientId, client_secret: 'nope', grant_type: 'client_credentials', scope: ARM_SCOPE },
			headers: { 'client-request-id': '3b7a6a0e-0000-4000-8000-000000000001' },
		});
		expect(response.status).toBe(401);
		const body = response.json as Record<string, unknown>;
		expect(Object.keys(body).sort()).toEqual(['correlation_id', 'error', 'error_codes', 'error_description', 'error_uri', 'timestamp', 'trace_id']);
		expect(body.error_description).toMatch(/^AADSTS7000215: .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: 3b7a6a0e-0000-4000-8000-000000000001\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s);
		expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
	});

	it('requires a /.default scope for a known resource', async () => {
		const base = { client_id: emu.principal.clientId, client_secret: emu.principal.clientSecret, grant_type: 'client_credentials' };
		const noDefault = await request(emu, 'POST', tokenPath(), { form: { ...base, scope: 'https://management.azure.com/user_impersonation' } });
		expect(noDefault.json).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
		const unknown = await request(emu, 'POST', tokenPath(), { form: { ...base, scope: 'https://unknown-resource.example/.default' } });
		expect(unknown.json).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
		const missing = await request(emu, 'POST', tokenPath(), { form: { client_id: emu.principal.clientId, client_secret: emu.principal.clientSecret, scope: ARM_SCOPE } });
		expect(missing.json).toMatchObject({ error: 'invalid_request', error_codes: [900144] });
		const unsupported = await request(emu, 'POST', tokenPath(), { form: { ...base, grant_type: 'password', scope: ARM_SCOPE } });
		expect(unsupported.json).toMatchObject({ error: 'unsupported_grant_type' });
	});

	it('honours setTokenLifetime for new tokens', async () => {
		emu.identity.setTokenLifetime(120);
		try {
			const response = await request(emu, 'POST', tokenPath(), {
				form: { client_id: emu.principal.clientId, client_secret: emu.principal.clientSecret, grant_type: 'client_credentials', scope: ARM_SCOPE },
			});
			expect(response.json).toMatchObject({ expires_in: 120 });
		} finally {
			emu.identity.setTokenLifetime(3599);
		}
	});
});
