/**
 * ARM front door: bearer-token checks with WWW-Authenticate, api-version checks, subscription / resource group /
 * workspace resolution, response headers, unknown routes, and the subscription + workspace listings.
 */
import { startEmulator, type Emulator } from '../../emulator';
import { ARM_SCOPE, armRequest, request, secretCredential, sentinelClient, sentinelPath } from './support/clients';

jest.setTimeout(30_000);

let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator({ seedIncidents: 3 });
});
afterAll(() => emu.stop());

const V = 'api-version=2025-09-01';

async function tokenFor(scope: string): Promise<string> {
	return (await secretCredential(emu).getToken(scope)).token;
}

describe('authentication', () => {
	it('no Authorization header → 401 AuthenticationFailed with WWW-Authenticate', async () => {
		const response = await request(emu, 'GET', sentinelPath(emu, `/incidents?${V}`));
		expect(response.status).toBe(401);
		expect(response.json).toEqual({ error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } });
		expect(response.headers['www-authenticate']).toMatch(new RegExp(`^Bearer authorization_uri="${emu.url}/${emu.principal.tenantId}", error="invalid_token", error_description=".+"$`));
	});

	it('malformed header and unknown token → 401 AuthenticationFailed / InvalidAuthenticationToken', async () => {
		const malformed = await request(emu, 'GET', sentinelPath(emu, `/incidents?${V}`), { headers: { authorization: 'Basic abc' } });
		expect(malformed.json).toMatchObject({ error: { code: 'AuthenticationFailed' } });
		const unknown = await request(emu, 'GET', sentinelPath(emu, `/incidents?${V}`), { headers: { authorization: 'Bearer not-a-token' } });
		expect(unknown.status).toBe(401);
		expect(unknown.json).toEqual({ error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } });
		expect(unknown.headers['www-authenticate']).toContain('error="invalid_token"');
	});

	it('a token for another audience → 401 InvalidAuthenticationTokenAudience', async () => {
		const token = await tokenFor('https://api.loganalytics.io/.default');
		const response = await request(emu, 'GET', sentinelPath(emu, `/incidents?${V}`), { headers: { authorization: `Bearer ${token}` } });
		expect(response.status).toBe(401);
		expect(response.json).toMatchObject({ error: { code: 'InvalidAuthenticationTokenAudience' } });
		expect((response.json as { error: { message: string } }).error.message).toContain("wrong audience or resource 'https://api.loganalytics.io'");
	});

	it('expireAllTokens → cached tokens get 401 ExpiredAuthenticationToken; new tokens work', async () => {
		const token = await tokenFor(ARM_SCOPE);
		emu.identity.expireAllTokens();
		const response = await request(emu, 'GET', sentinelPath(emu, `/incidents?${V}`), { headers: { authorization: `Bearer ${token}` } });
		expect(response.status).toBe(401);
		expect((response.json as { error: { code: string; message: string } }).error.code).toBe('ExpiredAuthenticationToken');
		expect((response.json as { error: { message: string } }).error.message).toMatch(/^The access token expiry UTC time '\d+\/\d+\/\d{4} \d+:\d\d:\d\d (AM|PM)' is earlier than current UTC time/);
		expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
		expect((await armRequest(emu, 'GET', sentinelPath(emu, `/incidents?${V}`))).status).toBe(200);
	});

	it('the SDK surfaces an expired cached token as a RestError 401 (no silent refresh)', async () => {
		const client = sentinelClient(emu);
		await client.incidents.list(emu.workspace.resourceGroup, emu.workspace.name).next();
		emu.identity.expireAllTokens();
		const error = await client.incidents.get(emu.workspace.resourceGroup, emu.workspace.name, emu.sentinel.listIncidents()[0].name).catch((e: unknown) => e);
		expect(error).toMatchObject({ name: 'RestError', statusCode: 401, code: 'ExpiredAuthenticationToken' });
	});
});

describe('api-version and resource resolution', () => {
	it('missing / unsupported api-version → 400', async () => {
		const missing = await armRequest(emu, 'GET', sentinelPath(emu, '/incidents'));
		expect(missing.status).toBe(400);
		expect(missing.json).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
		const wrong = await armRequest(emu, 'GET', sentinelPath(emu, '/incidents?api-version=2019-01-01-preview'));
		expect(wrong.status).toBe(400);
		expect(wrong.json).toEqual({
			error: { code: 'InvalidApiVersionParameter', message: "The api-version '2019-01-01-preview' is invalid. The supported versions are '2025-09-01,2022-09-01-preview'." },
		});
		expect((await armRequest(emu, 'GET', sentinelPath(emu, '/incidents?api-version=2022-09-01-preview'))).status).toBe(200);
	});

	it('unknown subscription, resource group and workspace → 404 with ARM codes', async () => {
		const { subscriptionId, resourceGroup } = emu.workspace;
		const base = '/providers/Microsoft.OperationalInsights/workspaces';
		const sub = await armRequest(emu, 'GET', `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/${resourceGroup}${base}/x/providers/Microsoft.SecurityInsights/incidents?${V}`);
		expect(sub.status).toBe(404);
		expect(sub.json).toMatchObject({ error: { code: 'SubscriptionNotFound' } });
		const rg = await armRequest(emu, 'GET', `/subscriptions/${subscriptionId}/resourceGroups/rg-nope${base}/x/providers/Microsoft.SecurityInsights/incidents?${V}`);
		expect(rg.json).toMatchObject({ error: { code: 'ResourceGroupNotFound', message: "Resource group 'rg-nope' could not be found." } });
		const ws = await armRequest(emu, 'GET', `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}${base}/law-nope/providers/Microsoft.SecurityInsights/incidents?${V}`);
		expect(ws.json).toMatchObject({ error: { code: 'ResourceNotFound' } });
	});

	it('paths are case-insensitive like ARM', async () => {
		const path = sentinelPath(emu, `/incidents?${V}`).replace('/resourceGroups/', '/resourcegroups/').replace('Microsoft.SecurityInsights', 'microsoft.securityinsights');
		expect((await armRequest(emu, 'GET', path)).status).toBe(200);
	});

	it('unknown routes → 404 CloudError (InvalidResourceType under a provider)', async () => {
		const type = await armRequest(emu, 'GET', sentinelPath(emu, `/watchlists?${V}`));
		expect(type.status).toBe(404);
		expect(type.json).toMatchObject({ error: { code: 'InvalidResourceType' } });
		const other = await armRequest(emu, 'GET', '/nothing/here');
		expect(other.status).toBe(404);
		expect(other.json).toMatchObject({ error: { code: 'NotFound' } });
		expect(emu.requestCount('unmatched')).toBeGreaterThanOrEqual(2);
	});
});

describe('response headers', () => {
	it('GET carries request ids and reads remaining; PUT/POST writes; DELETE deletes', async () => {
		const get = await armRequest(emu, 'GET', sentinelPath(emu, `/incidents?${V}`), undefined, { 'x-ms-correlation-request-id': 'corr-1' });
		expect(get.headers['content-type']).toBe('application/json; charset=utf-8');
		expect(get.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
		expect(get.headers['x-ms-correlation-request-id']).toBe('corr-1');
		expect(get.headers['x-ms-routing-request-id']).toMatch(/^WESTEUROPE:\d{8}T\d{6}Z:/);
		expect(Number(get.headers['x-ms-ratelimit-remaining-subscription-reads'])).toBeGreaterThan(0);
		const name = emu.sentinel.listIncidents()[0].name;
		const post = await armRequest(emu, 'POST', sentinelPath(emu, `/incidents/${name}/alerts?${V}`));
		expect(Number(post.headers['x-ms-ratelimit-remaining-subscription-writes'])).toBeGreaterThan(0);
		const del = await armRequest(emu, 'DELETE', sentinelPath(emu, `/incidents/00000000-0000-0000-0000-00000000dead?${V}`));
		expect(del.status).toBe(204);
		expect(del.headers['x-ms-ratelimit-remaining-subscription-deletes']).toBeDefined();
	});
});

describe('subscriptions and workspaces', () => {
	it('lists the subscription the principal can see', async () => {
		const response = await armRequest(emu, 'GET', '/subscriptions?api-version=2022-12-01');
		expect(response.status).toBe(200);
		const body = response.json as { value: Array<Record<string, unknown>>; count: { value: number } };
		expect(body.value).toHaveLength(1);
		expect(body.value[0]).toMatchObject({ subscriptionId: emu.workspace.subscriptionId, tenantId: emu.principal.tenantId, state: 'Enabled', id: `/subscriptions/${emu.workspace.subscriptionId}` });
		const one = await armRequest(emu, 'GET', `/subscriptions/${emu.workspace.subscriptionId}?api-version=2022-12-01`);
		expect(one.json).toEqual(body.value[0]);
	});

	it.each(['2022-10-01', '2023-09-01', '2025-02-01'])('lists and gets workspaces with customerId (api-version %s)', async (apiVersion) => {
		const list = await armRequest(emu, 'GET', `/subscriptions/${emu.workspace.subscriptionId}/providers/Microsoft.OperationalInsights/workspaces?api-version=${apiVersion}`);
		const workspaces = (list.json as { value: Array<{ id: string; name: string; properties: { customerId: string } }> }).value;
		expect(workspaces.map((ws) => ws.id)).toEqual(emu.workspaces.map((ws) => ws.armId));
		expect(workspaces[0].properties.customerId).toBe(emu.workspace.customerId);
		const get = await armRequest(emu, 'GET', `${emu.workspace.armId}?api-version=${apiVersion}`);
		expect(get.json).toMatchObject({ name: emu.workspace.name, type: 'Microsoft.OperationalInsights/workspaces', properties: { customerId: emu.workspace.customerId, provisioningState: 'Succeeded' } });
	});

	it('the second workspace is a Sentinel workspace without incidents', async () => {
		const second = emu.workspaces[1];
		const response = await armRequest(emu, 'GET', `${second.armId}/providers/Microsoft.SecurityInsights/incidents?${V}`);
		expect(response.status).toBe(200);
		expect(response.json).toEqual({ value: [] });
	});
});
