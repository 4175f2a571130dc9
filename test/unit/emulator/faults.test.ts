/** Fault injection per route id: throttling the SDK honours, 5xx, dropped sockets, latency, expired tokens. */
import type { SecurityInsights } from '@azure/arm-securityinsight';
import { startEmulator, type Emulator } from '../../emulator';
import { ARM_SCOPE, request, secretCredential, sentinelClient, sentinelPath } from './support/clients';

jest.setTimeout(30_000);

const V = 'api-version=2025-09-01';
let emu: Emulator;
let client: SecurityInsights;
let incidentName: string;

beforeAll(async () => {
	emu = await startEmulator({ seedIncidents: 3 });
	client = sentinelClient(emu);
	incidentName = emu.sentinel.listIncidents()[0].name;
	await client.incidents.list(emu.workspace.resourceGroup, emu.workspace.name).next(); // token cached
});
afterAll(() => emu.stop());
beforeEach(() => {
	emu.faults.clear();
	emu.clearRequests();
});

const statuses = (route: string) => emu.requests.filter((entry) => entry.route === route).map((entry) => entry.status);
const firstPage = () => client.incidents.list(emu.workspace.resourceGroup, emu.workspace.name).next();

async function rawArm(path: string) {
	const token = await secretCredential(emu).getToken(ARM_SCOPE);
	return request(emu, 'GET', path, { headers: { authorization: `Bearer ${token.token}` } });
}

describe('faults', () => {
	it('429 with Retry-After: ARM-shaped body, remaining-reads 0, and the SDK waits then succeeds', async () => {
		emu.faults.add({ route: 'incidents.list', kind: 'status', status: 429, retryAfterSeconds: 1 });
		const raw = await rawArm(sentinelPath(emu, `/incidents?${V}`));
		expect(raw.status).toBe(429);
		expect(raw.headers['retry-after']).toBe('1');
		expect(raw.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('0');
		expect(raw.json).toMatchObject({ error: { code: 'SubscriptionRequestsThrottled', message: expect.stringContaining("try again after '1' seconds") } });

		emu.clearRequests();
		emu.faults.add({ route: 'incidents.list', kind: 'status', status: 429, retryAfterSeconds: 1 });
		const started = Date.now();
		const page = await firstPage();
		expect(page.done).toBe(false);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(statuses('incidents.list')).toEqual([429, 200]);
		expect(emu.requests[0].fault).toBe('status');
	});

	it('503 with Retry-After and 500/502 without are retried by the SDK', async () => {
		emu.faults.add({ route: 'incidents.get', kind: 'status', status: 503, retryAfterSeconds: 0 });
		emu.faults.add({ route: 'incidents.alerts', kind: 'status', status: 500 });
		emu.faults.add({ route: 'incidents.entities', kind: 'status', status: 502 });
		await client.incidents.get(emu.workspace.resourceGroup, emu.workspace.name, incidentName);
		await client.incidents.listAlerts(emu.workspace.resourceGroup, emu.workspace.name, incidentName);
		await client.incidents.listEntities(emu.workspace.resourceGroup, emu.workspace.name, incidentName);
		expect(statuses('incidents.get')).toEqual([503, 200]);
		expect(statuses('incidents.alerts')).toEqual([500, 200]);
		expect(statuses('incidents.entities')).toEqual([502, 200]);
		const body = await rawArm(sentinelPath(emu, `/incidents/${incidentName}?${V}`));
		expect(body.status).toBe(200);
	});

	it('times: Infinity keeps failing until cleared; the SDK gives up after its retries', async () => {
		emu.faults.add({ route: 'incidents.list', kind: 'status', status: 429, retryAfterSeconds: 0, times: Infinity });
		const error = await firstPage().catch((e: unknown) => e);
		expect(error).toMatchObject({ statusCode: 429, code: 'SubscriptionRequestsThrottled' });
		expect(statuses('incidents.list')).toEqual([429, 429, 429, 429]);
		emu.faults.clear();
		expect((await firstPage()).done).toBe(false);
	});

	it('drop destroys the socket without an answer; the SDK retries; the log shows status 0', async () => {
		emu.faults.add({ route: 'incidents.get', kind: 'drop' });
		const incident = await client.incidents.get(emu.workspace.resourceGroup, emu.workspace.name, incidentName);
		expect(incident.name).toBe(incidentName);
		expect(emu.requests.filter((entry) => entry.route === 'incidents.get').map((entry) => [entry.status, entry.fault])).toEqual([
			[0, 'drop'],
			[200, undefined],
		]);
	});

	it('latency delays the real answer', async () => {
		emu.faults.add({ route: 'incidents.get', kind: 'latency', delayMs: 300 });
		const started = Date.now();
		await client.incidents.get(emu.workspace.resourceGroup, emu.workspace.name, incidentName);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect(emu.requests[0]).toMatchObject({ status: 200, fault: 'latency' });
	});

	it('expiredToken answers 401 ExpiredAuthenticationToken with WWW-Authenticate', async () => {
		emu.faults.add({ route: 'incidents.get', kind: 'expiredToken' });
		const response = await rawArm(sentinelPath(emu, `/incidents/${incidentName}?${V}`));
		expect(response.status).toBe(401);
		expect(response.json).toMatchObject({ error: { code: 'ExpiredAuthenticationToken' } });
		expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
	});

	it("skip lets requests through first; '*' matches any route; faults on the token route answer in OAuth shape", async () => {
		emu.faults.add({ route: 'incidents.get', kind: 'status', status: 500, skip: 2, times: 1 });
		for (let i = 0; i < 3; i++) await rawArm(sentinelPath(emu, `/incidents/${incidentName}?${V}`));
		expect(statuses('incidents.get')).toEqual([200, 200, 500]);

		emu.clearRequests();
		emu.faults.add({ route: '*', kind: 'status', status: 503, retryAfterSeconds: 2 });
		const token = await request(emu, 'POST', `/${emu.principal.tenantId}/oauth2/v2.0/token`, {
			form: { client_id: emu.principal.clientId, client_secret: emu.principal.clientSecret, grant_type: 'client_credentials', scope: ARM_SCOPE },
		});
		expect(token.status).toBe(503);
		expect(token.headers['retry-after']).toBe('2');
		expect(token.json).toMatchObject({ error: 'temporarily_unavailable' });
		expect(emu.requestCount('token')).toBe(1);
		expect(emu.faults.list()).toEqual([]);
	});

	it('rejects invalid fault definitions', () => {
		expect(() => emu.faults.add({ route: 'incidents.get', kind: 'status' })).toThrow(/status/);
		expect(() => emu.faults.add({ route: 'incidents.get', kind: 'latency' })).toThrow(/delayMs/);
		expect(() => emu.faults.add({ route: 'incidents.get', kind: 'status', status: 500, times: 0 })).toThrow(/times/);
	});
});
