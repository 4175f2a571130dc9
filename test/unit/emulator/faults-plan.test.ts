/**
 * The fault plan beyond "the next N requests": a share of requests (seeded, reproducible), time windows, whole-service
 * route groups, ids and removal — first on the injector with a fake clock, then on the wire for every service
 * (429s carry Retry-After, a drop answers nothing, the request log names the faults), and the control API.
 */
import { startEmulator, type Emulator } from '../../emulator';
import { FaultInjector, type FaultSpec } from '../../emulator/core/faults';
import { ALL_ROUTE_IDS, LOG_ANALYTICS_ROUTE_IDS, ROUTE_GROUPS, SIGNL4_ROUTE_IDS, type RouteId } from '../../emulator/core/route-ids';
import { ARM_SCOPE, request, secretCredential, sentinelPath } from './support/clients';

jest.setTimeout(30_000);

/** Which of `count` requests on `route` a fault answered (terminal) or delayed, as 0/1. */
function hits(injector: FaultInjector, route: RouteId, count: number): number[] {
	return Array.from({ length: count }, () => (injector.plan(route).fired.length ? 1 : 0));
}

describe('fault injector', () => {
	it('probability: applies to about that share of matching requests, the same ones for the same seed', () => {
		const spec: FaultSpec = { route: 'incidents.list', kind: 'status', status: 503, probability: 0.3 };
		const first = new FaultInjector({ seed: 42 });
		first.add(spec);
		const second = new FaultInjector({ seed: 42 });
		second.add(spec);
		const a = hits(first, 'incidents.list', 2000);
		const b = hits(second, 'incidents.list', 2000);
		expect(a).toEqual(b);
		const share = a.reduce((sum, hit) => sum + hit, 0) / a.length;
		expect(share).toBeGreaterThan(0.26);
		expect(share).toBeLessThan(0.34);
		// Unlimited by default once a probability bounds it: still there after 2000 requests.
		expect(first.list()).toEqual([expect.objectContaining({ kind: 'status', probability: 0.3, remaining: Infinity, matched: 2000, applied: a.filter(Boolean).length })]);

		const otherSeed = new FaultInjector({ seed: 43 });
		otherSeed.add(spec);
		expect(hits(otherSeed, 'incidents.list', 2000)).not.toEqual(a);
		// A fault's own seed wins over the injector's.
		const own = new FaultInjector({ seed: 7 });
		own.add({ ...spec, seed: 99 });
		const ownAgain = new FaultInjector({ seed: 8 });
		ownAgain.add({ ...spec, seed: 99 });
		expect(hits(own, 'incidents.list', 200)).toEqual(hits(ownAgain, 'incidents.list', 200));
	});

	it('probability: 0 never, 1 always; times and skip still count; traffic on other routes does not change the draws', () => {
		const injector = new FaultInjector();
		injector.add({ route: 'token', kind: 'drop', probability: 0 });
		injector.add({ route: 'jwks', kind: 'drop', probability: 1, times: 3, skip: 1 });
		expect(hits(injector, 'token', 100)).toEqual(Array(100).fill(0));
		expect(hits(injector, 'jwks', 6)).toEqual([0, 1, 1, 1, 0, 0]);

		const quiet = new FaultInjector({ seed: 5 });
		quiet.add({ route: 'signl4', kind: 'status', status: 500, probability: 0.5 });
		const busy = new FaultInjector({ seed: 5 });
		busy.add({ route: 'signl4', kind: 'status', status: 500, probability: 0.5 });
		const busyHits: number[] = [];
		for (let i = 0; i < 300; i++) {
			busy.plan('incidents.list');
			busy.plan('token');
			busyHits.push(busy.plan('signl4.webhook').fired.length);
		}
		expect(hits(quiet, 'signl4.webhook', 300)).toEqual(busyHits);
	});

	it('time window: forMs from now, untilMs absolute, the earlier end wins; gone afterwards', () => {
		let now = 1_000_000;
		const injector = new FaultInjector({ now: () => now });
		const windowed = injector.add({ route: 'incidents.get', kind: 'status', status: 503, forMs: 1000 });
		injector.add({ route: 'comments.put', kind: 'status', status: 500, untilMs: now + 500 });
		injector.add({ route: 'incidents.put', kind: 'latency', delayMs: 5, forMs: 5000, untilMs: now + 200 });
		expect(injector.list().map((fault) => fault.activeUntil)).toEqual([
			new Date(1_001_000).toISOString(),
			new Date(1_000_500).toISOString(),
			new Date(1_000_200).toISOString(),
		]);
		// Inside the window every matching request meets it (no `times` limit).
		expect(hits(injector, 'incidents.get', 5)).toEqual([1, 1, 1, 1, 1]);
		expect(hits(injector, 'incidents.put', 2)).toEqual([1, 1]);
		now += 200;
		expect(hits(injector, 'incidents.put', 1)).toEqual([0]);
		expect(hits(injector, 'comments.put', 1)).toEqual([1]);
		now += 300;
		expect(hits(injector, 'comments.put', 1)).toEqual([0]);
		now += 499;
		expect(injector.plan('incidents.get').faultIds).toEqual([windowed]);
		now += 1;
		expect(hits(injector, 'incidents.get', 1)).toEqual([0]);
		expect(injector.list()).toEqual([]);

		// A window and `times` together: whichever ends first.
		injector.add({ route: 'incidents.get', kind: 'drop', forMs: 60_000, times: 2 });
		expect(hits(injector, 'incidents.get', 3)).toEqual([1, 1, 0]);
	});

	it('route groups cover exactly their service; lists mix ids and groups; unknown names are refused', () => {
		const matching = (route: FaultSpec['route']) => {
			const injector = new FaultInjector();
			injector.add({ route, kind: 'drop', times: Infinity });
			return ALL_ROUTE_IDS.filter((id) => injector.plan(id).terminal);
		};
		expect(matching('signl4')).toEqual([...SIGNL4_ROUTE_IDS]);
		expect(matching('loganalytics')).toEqual([...LOG_ANALYTICS_ROUTE_IDS]);
		expect(matching('entra')).toEqual(['openid-configuration', 'instance-discovery', 'token', 'jwks']);
		expect(matching('arm')).toEqual(expect.arrayContaining(['subscriptions.list', 'workspaces.get', 'incidents.list', 'comments.put']));
		expect(matching('arm')).not.toContain('token');
		expect(matching('arm')).not.toContain('loganalytics.query');
		expect(matching('sentinel')).toEqual([...ROUTE_GROUPS.sentinel]);
		expect(matching('sentinel')).not.toContain('workspaces.list');
		expect(matching('*')).toEqual([...ALL_ROUTE_IDS]);
		expect(matching(['token', 'loganalytics'])).toEqual(['token', ...LOG_ANALYTICS_ROUTE_IDS]);

		const injector = new FaultInjector();
		expect(() => injector.add({ route: 'signl4.webhooks' as RouteId, kind: 'drop' })).toThrow(/Unknown route id 'signl4.webhooks'/);
		expect(() => injector.add({ route: 'toString' as RouteId, kind: 'drop' })).toThrow(/Unknown route id/);
		expect(() => injector.add({ route: [], kind: 'drop' })).toThrow(/at least one/);
		expect(() => injector.add({ route: '*', kind: 'drop', probability: 1.5 })).toThrow(/probability/);
		expect(() => injector.add({ route: '*', kind: 'drop', forMs: 0 })).toThrow(/forMs/);
		expect(injector.list()).toEqual([]);
	});

	it('add returns an id; remove(id) takes one fault away; 429 gets a Retry-After when it names none', () => {
		const injector = new FaultInjector();
		const throttle = injector.add({ route: 'arm', kind: 'status', status: 429, times: Infinity });
		const slow = injector.add({ route: '*', kind: 'latency', delayMs: 10, times: Infinity });
		expect(throttle).not.toBe(slow);
		expect(injector.list().find((fault) => fault.id === throttle)).toMatchObject({ retryAfterSeconds: 1 });
		const plan = injector.plan('incidents.list');
		expect(plan).toMatchObject({ delayMs: 10, fired: ['status', 'latency'], faultIds: [throttle, slow] });
		expect(injector.remove(throttle)).toBe(true);
		expect(injector.remove(throttle)).toBe(false);
		const after = injector.plan('incidents.list');
		expect(after.terminal).toBeUndefined();
		expect(after.faultIds).toEqual([slow]);
	});
});

describe('faults on the wire', () => {
	let emu: Emulator;
	const hook = () => `/signl4/webhook/${emu.signl4.team.secret}`;
	const control = (method: string, path: string, body?: unknown) => request(emu, method, `/_emulator${path}`, body === undefined ? {} : { body });

	beforeAll(async () => {
		emu = await startEmulator({ seedIncidents: 1 });
	});
	afterAll(() => emu.stop());
	beforeEach(() => {
		emu.faults.clear();
		emu.clearRequests();
		emu.signl4.reset();
	});

	it("'signl4' throttles the webhook and the REST API alike, with Retry-After; other services are untouched", async () => {
		emu.faults.add({ route: 'signl4', kind: 'status', status: 429, times: 2 });
		const webhook = await request(emu, 'POST', hook(), { body: { Title: 'x' } });
		const rest = await request(emu, 'GET', '/signl4/api/alerts/nope', { headers: { 'X-S4-Api-Key': emu.signl4.apiKey } });
		for (const reply of [webhook, rest]) {
			expect(reply.status).toBe(429);
			expect(reply.headers['retry-after']).toBe('1');
			expect(reply.headers['x-ratelimit-remaining']).toBe('0');
		}
		expect((await request(emu, 'POST', hook(), { body: { Title: 'x' } })).status).toBe(201);
		expect(emu.requests.map((entry) => [entry.route, entry.status, entry.fault])).toEqual([
			['signl4.webhook', 429, 'status'],
			['signl4.alerts.get', 429, 'status'],
			['signl4.webhook', 201, undefined],
		]);
	});

	it("'arm' and 'loganalytics' answer in their own style, 429 always with Retry-After; 'entra' drop answers nothing", async () => {
		emu.faults.add({ route: 'arm', kind: 'status', status: 429, times: Infinity });
		emu.faults.add({ route: 'loganalytics', kind: 'status', status: 503, retryAfterSeconds: 4, times: Infinity });
		emu.faults.add({ route: 'entra', kind: 'drop', times: Infinity });
		const arm = await request(emu, 'GET', sentinelPath(emu, '/incidents?api-version=2025-09-01'));
		expect(arm.status).toBe(429);
		expect(arm.headers['retry-after']).toBe('1');
		expect(arm.json).toMatchObject({ error: { code: 'SubscriptionRequestsThrottled' } });
		const workspaces = await request(emu, 'GET', `/subscriptions/${emu.workspace.subscriptionId}/providers/Microsoft.OperationalInsights/workspaces?api-version=2023-09-01`);
		expect(workspaces.status).toBe(429);
		const query = await request(emu, 'POST', `/v1/workspaces/${emu.workspace.customerId}/query`, { body: { query: 'SigninLogs | take 1' } });
		expect(query.status).toBe(503);
		expect(query.headers['retry-after']).toBe('4');
		const dropped = await request(emu, 'POST', `/${emu.principal.tenantId}/oauth2/v2.0/token`, { form: { grant_type: 'client_credentials' } }).catch((error: Error) => error);
		expect(dropped).toMatchObject({ code: 'ECONNRESET' });
		expect(emu.requests.map((entry) => [entry.route, entry.status, entry.fault])).toEqual([
			['incidents.list', 429, 'status'],
			['workspaces.list', 429, 'status'],
			['loganalytics.query', 503, 'status'],
			['token', 0, 'drop'],
		]);
		expect(emu.requests.every((entry) => entry.faultIds?.length === 1)).toBe(true);
	});

	it('a time window on the wire: failing now, healthy after forMs', async () => {
		emu.faults.add({ route: 'signl4.webhook', kind: 'status', status: 503, forMs: 300 });
		expect((await request(emu, 'POST', hook(), { body: { Title: 'x' } })).status).toBe(503);
		expect((await request(emu, 'POST', hook(), { body: { Title: 'x' } })).status).toBe(503);
		await new Promise((resolve) => setTimeout(resolve, 350));
		expect((await request(emu, 'POST', hook(), { body: { Title: 'x' } })).status).toBe(201);
		expect(emu.faults.list()).toEqual([]);
	});

	it('control API: groups, probability and windows from JSON; ids back; remove one by id; reseed', async () => {
		const added = await control('POST', '/faults', {
			faults: [
				{ route: 'signl4', kind: 'status', status: 500, probability: 0.5, seed: 3 },
				{ route: 'loganalytics', kind: 'latency', delayMs: 1, untilMs: new Date(Date.now() + 60_000).toISOString() },
			],
		});
		expect(added.status).toBe(201);
		const { ids, value } = added.json as { ids: string[]; value: Array<{ id: string; route: string; activeUntil?: string; remaining: number | null }> };
		expect(ids).toHaveLength(2);
		expect(value.map((fault) => fault.route)).toEqual(['signl4', 'loganalytics']);
		expect(value[1].activeUntil).toBeDefined();
		expect((await control('DELETE', `/faults/${ids[0]}`)).status).toBe(200);
		expect((await control('DELETE', `/faults/${ids[0]}`)).status).toBe(404);
		expect(((await control('GET', '/faults')).json as { value: Array<{ id: string }> }).value.map((fault) => fault.id)).toEqual([ids[1]]);
		expect((await control('POST', '/faults/seed', { seed: 12 })).json).toEqual({ seed: 12 });
		expect((await control('POST', '/faults', { route: 'signl4', kind: 'drop', probability: 2 })).status).toBe(400);
		// All or nothing: a bad entry in a list adds none of them.
		expect((await control('POST', '/faults', { faults: [{ route: 'signl4', kind: 'drop' }, { route: 'signl4', kind: 'nope' }] })).status).toBe(400);
		expect(emu.faults.list()).toHaveLength(1);
		expect((await control('POST', '/faults/seed', { seed: 'x' })).status).toBe(400);
		expect((await control('GET', '/info')).json).toMatchObject({ routeGroups: { signl4: [...SIGNL4_ROUTE_IDS] } });
	});

	it('the request log keeps the team secret, API key and URL passwords out', async () => {
		emu.faults.add({ route: 'signl4.webhook', kind: 'status', status: 503 });
		await request(emu, 'POST', hook(), { body: { Title: 'x' } });
		await request(emu, 'POST', hook(), { body: { Title: 'x' } });
		await request(emu, 'POST', `/signl4/api/v2/events/${emu.signl4.team.secret}`, { body: { Title: 'y' }, headers: { 'X-S4-Api-Key': emu.signl4.apiKey } });
		await request(emu, 'POST', '/signl4/api/webhooks', {
			body: { name: 'n8n', externalAddress: 'https://signl4:callback-Passw0rd@n8n.example.com/webhook/x/signl4' },
			headers: { 'X-S4-Api-Key': emu.signl4.apiKey },
		});
		const logged = JSON.stringify(emu.requests);
		expect(emu.requests.map((entry) => entry.path)).toEqual([
			'/signl4/webhook/REDACTED',
			'/signl4/webhook/REDACTED',
			'/signl4/api/v2/events/REDACTED',
			'/signl4/api/webhooks',
		]);
		expect(emu.requests.map((entry) => entry.status)).toEqual([503, 201, 201, expect.any(Number)]);
		expect(logged).not.toContain(emu.signl4.team.secret);
		expect(logged).not.toContain(emu.signl4.apiKey);
		expect(logged).not.toContain('callback-Passw0rd');
		expect(logged).toContain('https://signl4:REDACTED@n8n.example.com/webhook/x/signl4');
	});

	it('issued bearer tokens are listed for leak checks and never logged', async () => {
		const { token } = await secretCredential(emu).getToken(ARM_SCOPE);
		expect((await request(emu, 'GET', sentinelPath(emu, '/incidents?api-version=2025-09-01'), { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
		const issued = (await control('GET', '/identity/issued-tokens')).json as { value: string[] };
		expect(issued.value).toContain(token);
		expect(JSON.stringify(emu.requests)).not.toContain(token);
		expect(JSON.stringify(emu.requests)).not.toContain(emu.principal.clientSecret);
	});
});
