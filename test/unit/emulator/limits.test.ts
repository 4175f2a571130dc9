/**
 * Service limits as the real services enforce them (tracker issue 11): Resource Manager's token buckets per
 * subscription, principal and operation type (429 SubscriptionRequestsThrottled + Retry-After), Log Analytics' 200
 * requests per 30 s per principal (429 ThrottledError) and its queue past 5 concurrent queries — all behind one switch
 * (`limits: 'enforced' | 'reported'`, `emu.limits`, `/_emulator/limits`). 429 bodies are checked against the specs.
 */
import { randomUUID } from 'node:crypto';
import { startEmulator, type Emulator, type Principal } from '../../emulator';
import { RateLimitBuckets } from '../../emulator/arm/arm-headers';
import { RequestWindows } from '../../emulator/loganalytics/request-limit';
import { armRequest, ARM_SCOPE, request, secretCredential, sentinelPath, type RawResponse } from './support/clients';
import { loadLogAnalyticsContract } from './support/la-contract';
import { loadSentinelContract, type SentinelContract } from './support/spec-contract';

const V = 'api-version=2025-09-01';
const LA_SCOPE = 'https://api.loganalytics.io/.default';

/** A clock that stands still until a test moves it: bucket levels do not depend on how fast the requests run. */
function manualClock(start = Date.UTC(2025, 0, 1)) {
	let now = start;
	return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** `count` requests, 25 at a time (each is its own TLS connection), answers in sending order. */
async function many(count: number, send: () => Promise<RawResponse>): Promise<RawResponse[]> {
	const answers: RawResponse[] = [];
	for (let done = 0; done < count; done += 25) {
		answers.push(...(await Promise.all(Array.from({ length: Math.min(25, count - done) }, send))));
	}
	return answers;
}

const statuses = (answers: RawResponse[]) => answers.map((answer) => answer.status);

function throttleMessage(kind: 'read' | 'write' | 'delete', subscription: string, actor: string, seconds: number): string {
	return `Number of '${kind}' requests for subscription '${subscription}' actor '${actor}' exceeded. Please try again after '${seconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`;
}

describe('RateLimitBuckets (ARM token buckets)', () => {
	const SUB = 'a0000000-0000-4000-8000-000000000001';
	const ME = 'b0000000-0000-4000-8000-000000000001';

	it('holds 250 reads, refuses the 251st with the seconds until the next token, and refills 25 per second', () => {
		const clock = manualClock();
		const buckets = new RateLimitBuckets(clock.now);
		const remaining = Array.from({ length: 250 }, () => buckets.take(SUB, ME, 'reads', true));
		expect(remaining.every((decision) => decision.allowed)).toBe(true);
		expect(remaining[0].remaining).toBe(249);
		expect(remaining[249].remaining).toBe(0);
		expect(buckets.take(SUB, ME, 'reads', true)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
		clock.advance(39);
		expect(buckets.take(SUB, ME, 'reads', true).allowed).toBe(false);
		clock.advance(1);
		expect(buckets.take(SUB, ME, 'reads', true)).toMatchObject({ allowed: true, remaining: 0 });
		clock.advance(1000);
		const refilled = Array.from({ length: 26 }, () => buckets.take(SUB, ME, 'reads', true).allowed);
		expect(refilled.filter(Boolean)).toHaveLength(25);
		clock.advance(60_000);
		expect(buckets.peek(SUB, ME, 'reads')).toBe(250);
	});

	it('writes and deletes: 200 each, refilling 10 per second; a refusal spends nothing', () => {
		const clock = manualClock();
		const buckets = new RateLimitBuckets(clock.now);
		for (const kind of ['writes', 'deletes'] as const) {
			for (let i = 0; i < 200; i++) expect(buckets.take(SUB, ME, kind, true).allowed).toBe(true);
			for (let i = 0; i < 5; i++) expect(buckets.take(SUB, ME, kind, true)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
		}
		clock.advance(100);
		expect(buckets.take(SUB, ME, 'writes', true).allowed).toBe(true);
		expect(buckets.take(SUB, ME, 'deletes', true).allowed).toBe(true);
		expect(buckets.peek(SUB, ME, 'reads')).toBe(250);
	});

	it('keeps one bucket per subscription, principal and operation type (GUIDs compared case-insensitively)', () => {
		const buckets = new RateLimitBuckets(manualClock().now);
		buckets.drain([SUB], ME, ['reads']);
		expect(buckets.take(SUB.toUpperCase(), ME.toUpperCase(), 'reads', true).allowed).toBe(false);
		expect(buckets.take(SUB, 'c0000000-0000-4000-8000-000000000002', 'reads', true).remaining).toBe(249);
		expect(buckets.take('a0000000-0000-4000-8000-000000000009', ME, 'reads', true).remaining).toBe(249);
		expect(buckets.take(SUB, ME, 'writes', true).remaining).toBe(199);
		expect(buckets.state().map((bucket) => `${bucket.principal}:${bucket.kind}`)).toHaveLength(4);
	});

	it('only counts when not enforcing: never refuses, the remaining count stays at 0', () => {
		const buckets = new RateLimitBuckets(manualClock().now);
		const decisions = Array.from({ length: 300 }, () => buckets.take(SUB, ME, 'reads', false));
		expect(decisions.every((decision) => decision.allowed)).toBe(true);
		expect(decisions[299].remaining).toBe(0);
	});
});

describe('RequestWindows (Log Analytics, 200 requests per 30 s per principal)', () => {
	it('lets 200 through, refuses the 201st until the oldest leaves the window, and slides', () => {
		const clock = manualClock();
		const windows = new RequestWindows(clock.now);
		for (let i = 0; i < 100; i++) expect(windows.take('me', 200, 30_000, true).allowed).toBe(true);
		clock.advance(10_000);
		for (let i = 0; i < 100; i++) expect(windows.take('me', 200, 30_000, true).allowed).toBe(true);
		expect(windows.take('me', 200, 30_000, true)).toEqual({ allowed: false, retryAfterSeconds: 20 });
		expect(windows.take('other', 200, 30_000, true).allowed).toBe(true);
		clock.advance(19_999);
		expect(windows.take('me', 200, 30_000, true)).toEqual({ allowed: false, retryAfterSeconds: 1 });
		clock.advance(1);
		expect(windows.take('me', 200, 30_000, true).allowed).toBe(true);
		expect(windows.state(200, 30_000).find((state) => state.principal === 'me')).toEqual({ principal: 'me', requests: 101, retryAfterSeconds: 0 });
	});
});

describe('ARM with limits enforced', () => {
	const clock = manualClock();
	let emu: Emulator;
	let contract: SentinelContract;
	let subscription: string;
	const list = () => armRequest(emu, 'GET', sentinelPath(emu, `/incidents?${V}&$top=1`));

	beforeAll(async () => {
		[emu, contract] = await Promise.all([startEmulator({ limits: 'enforced', limitsClock: clock.now, seedIncidents: 3 }), loadSentinelContract()]);
		subscription = emu.workspace.subscriptionId;
	});
	afterAll(() => emu.stop());
	afterEach(() => {
		emu.limits.reset();
		emu.limits.set('enforced');
		emu.faults.clear();
	});

	it('answers the 251st quick GET with 429 SubscriptionRequestsThrottled, Retry-After and reads-remaining 0', async () => {
		const answers = await many(251, list);
		expect(statuses(answers.slice(0, 250))).toEqual(Array(250).fill(200));
		expect(answers.slice(0, 250).map((answer) => Number(answer.headers['x-ms-ratelimit-remaining-subscription-reads'])).sort((a, b) => b - a)).toEqual(
			Array.from({ length: 250 }, (_, i) => 249 - i),
		);
		const throttled = answers[250];
		expect(throttled.status).toBe(429);
		expect(throttled.headers['retry-after']).toBe('1');
		expect(throttled.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('0');
		expect(throttled.headers['x-ms-request-id']).toBeDefined();
		expect(throttled.json).toEqual({
			error: { code: 'SubscriptionRequestsThrottled', message: throttleMessage('read', subscription, emu.principal.objectId, 1) },
		});
		expect(contract.errors('Incidents_List', 429, throttled.json)).toEqual([]);
		expect(emu.requests.at(-1)).toMatchObject({ route: 'incidents.list', status: 429 });
	});

	it('refills the bucket over time: 25 reads a second', async () => {
		emu.limits.drain({ kinds: ['reads'] });
		expect((await list()).status).toBe(429);
		clock.advance(1000);
		const answers = await many(26, list);
		expect(statuses(answers).filter((status) => status === 200)).toHaveLength(25);
		expect(answers.find((answer) => answer.status === 429)?.headers['retry-after']).toBe('1');
	});

	it('keeps writes (PUT and POST actions) and deletes apart from reads', async () => {
		emu.limits.drain({ kinds: ['reads'] });
		const name = randomUUID();
		const put = await armRequest(emu, 'PUT', sentinelPath(emu, `/incidents/${name}?${V}`), { properties: { title: 'Limits', severity: 'Low', status: 'New' } });
		expect(put.status).toBe(201);
		expect(put.headers['x-ms-ratelimit-remaining-subscription-writes']).toBe('199');
		expect(put.headers['x-ms-ratelimit-remaining-subscription-reads']).toBeUndefined();
		const alerts = await armRequest(emu, 'POST', sentinelPath(emu, `/incidents/${name}/alerts?${V}`));
		expect(alerts.status).toBe(200);
		expect(alerts.headers['x-ms-ratelimit-remaining-subscription-writes']).toBe('198');

		emu.limits.drain({ kinds: ['writes'] });
		const entities = await armRequest(emu, 'POST', sentinelPath(emu, `/incidents/${name}/entities?${V}`));
		expect(entities.status).toBe(429);
		expect(entities.json).toEqual({ error: { code: 'SubscriptionRequestsThrottled', message: throttleMessage('write', subscription, emu.principal.objectId, 1) } });
		expect(contract.errors('Incidents_ListEntities', 429, entities.json)).toEqual([]);

		const deleted = await armRequest(emu, 'DELETE', sentinelPath(emu, `/incidents/${name}?${V}`));
		expect(deleted.status).toBe(200);
		expect(deleted.headers['x-ms-ratelimit-remaining-subscription-deletes']).toBe('199');
		expect(deleted.headers['x-ms-ratelimit-remaining-subscription-writes']).toBeUndefined();
		emu.limits.drain({ kinds: ['deletes'] });
		const refused = await armRequest(emu, 'DELETE', sentinelPath(emu, `/incidents/${name}?${V}`));
		expect(refused.status).toBe(429);
		expect((refused.json as { error: { message: string } }).error.message).toBe(throttleMessage('delete', subscription, emu.principal.objectId, 1));
		expect(contract.errors('Incidents_Delete', 429, refused.json)).toEqual([]);
	});

	it('keeps one bucket per principal: a second app is not throttled by the first one', async () => {
		const second: Principal = emu.identity.addPrincipal('limits test app');
		const credential = secretCredential(emu, { clientId: second.clientId, clientSecret: second.clientSecret });
		const token = (await credential.getToken(ARM_SCOPE)).token;
		const asSecond = () => request(emu, 'GET', sentinelPath(emu, `/incidents?${V}&$top=1`), { headers: { authorization: `Bearer ${token}` } });

		emu.limits.drain({ kinds: ['reads'] });
		expect((await list()).status).toBe(429);
		const other = await asSecond();
		expect(other.status).toBe(200);
		expect(other.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('249');

		emu.limits.drain({ kinds: ['reads'], principal: second.objectId });
		const refused = await asSecond();
		expect(refused.status).toBe(429);
		expect((refused.json as { error: { message: string } }).error.message).toBe(throttleMessage('read', subscription, second.objectId, 1));
		const state = emu.limits.state().arm.state.filter((bucket) => bucket.kind === 'reads');
		expect(state.map((bucket) => bucket.principal).sort()).toEqual([emu.principal.objectId, second.objectId].sort());
	});

	it('charges only requests that pass authentication; injected faults are separate', async () => {
		for (let i = 0; i < 5; i++) {
			expect((await request(emu, 'GET', sentinelPath(emu, `/incidents?${V}`), { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
		}
		emu.faults.add({ route: 'incidents.list', kind: 'status', status: 429, retryAfterSeconds: 3, times: 3 });
		const faulted = await many(3, list);
		expect(statuses(faulted)).toEqual([429, 429, 429]);
		expect(faulted[0].headers['retry-after']).toBe('3');
		expect((faulted[0].json as { error: { message: string } }).error.message).toBe(throttleMessage('read', subscription, emu.principal.objectId, 3));
		const first = await list();
		expect(first.status).toBe(200);
		expect(first.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('249');
	});

	it("switches to 'reported' and back, in process and over the control API", async () => {
		emu.limits.drain({ kinds: ['reads'] });
		emu.limits.set('reported');
		const reported = await list();
		expect(reported.status).toBe(200);
		expect(reported.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('0');

		const put = await request(emu, 'PUT', '/_emulator/limits', { body: { mode: 'enforced' } });
		expect(put.status).toBe(200);
		expect(put.json).toMatchObject({ mode: 'enforced', arm: { buckets: { reads: { capacity: 250, refillPerSecond: 25 }, writes: { capacity: 200, refillPerSecond: 10 } } } });
		expect(emu.limits.mode).toBe('enforced');
		expect((await list()).status).toBe(429);
		expect((await request(emu, 'PUT', '/_emulator/limits', { body: { mode: 'strict' } })).status).toBe(400);
		expect(((await request(emu, 'GET', '/_emulator/info')).json as { limits: string }).limits).toBe('enforced');

		const reset = await request(emu, 'DELETE', '/_emulator/limits');
		expect((reset.json as { arm: { state: unknown[] } }).arm.state).toEqual([]);
		expect((await list()).status).toBe(200);
		const drained = await request(emu, 'POST', '/_emulator/limits/drain', { body: { service: 'arm', kinds: ['reads'] } });
		expect(drained.status).toBe(200);
		expect((await list()).status).toBe(429);
		expect((await request(emu, 'POST', '/_emulator/limits/drain', { body: { kinds: ['reeds'] } })).status).toBe(400);
	});
});

describe('Log Analytics with limits enforced', () => {
	const clock = manualClock();
	let emu: Emulator;
	let contract: ReturnType<typeof loadLogAnalyticsContract>;
	let laToken: string;
	const query = (token = laToken) =>
		request(emu, 'POST', `/v1/workspaces/${emu.workspace.customerId}/query`, { body: { query: 'print 1' }, headers: { authorization: `Bearer ${token}` } });

	beforeAll(async () => {
		emu = await startEmulator({ limits: 'enforced', limitsClock: clock.now });
		contract = loadLogAnalyticsContract();
		laToken = (await secretCredential(emu).getToken(LA_SCOPE)).token;
	});
	afterAll(() => emu.stop());
	afterEach(() => {
		emu.limits.reset();
		emu.logAnalytics.settings.tableLatencyMs = {};
	});

	it('answers the 201st request in 30 s with 429 ThrottledError and Retry-After; another principal is not affected', async () => {
		const answers = await many(201, () => query());
		expect(statuses(answers.slice(0, 200))).toEqual(Array(200).fill(200));
		const throttled = answers[200];
		expect(throttled.status).toBe(429);
		expect(throttled.headers['retry-after']).toBe('30');
		expect(throttled.json).toMatchObject({ error: { code: 'ThrottledError', message: expect.stringContaining('throttled') } });
		expect(contract.validate('errorResponse', throttled.json)).toEqual([]);

		const second = emu.identity.addPrincipal();
		const otherToken = (await secretCredential(emu, { clientId: second.clientId, clientSecret: second.clientSecret }).getToken(LA_SCOPE)).token;
		expect((await query(otherToken)).status).toBe(200);

		clock.advance(29_000);
		expect((await query()).headers['retry-after']).toBe('1');
		clock.advance(1_000);
		expect((await query()).status).toBe(200);
		expect(emu.limits.state().loganalytics).toMatchObject({ requestLimit: 200, requestWindowSeconds: 30, concurrencyLimit: 5, queueing: true });
	});

	it('queues queries past 5 at once (the setting itself left off) and runs every one of them', async () => {
		expect(emu.logAnalytics.settings.queueOverConcurrencyLimit).toBe(false);
		emu.logAnalytics.settings.tableLatencyMs = { '*': 150 };
		emu.logAnalytics.resetConcurrency();
		const answers = await Promise.all(Array.from({ length: 8 }, () => request(emu, 'POST', `/v1/workspaces/${emu.workspace.customerId}/query`, { body: { query: 'SigninLogs | count' }, headers: { authorization: `Bearer ${laToken}` } })));
		expect(statuses(answers)).toEqual(Array(8).fill(200));
		expect(emu.logAnalytics.concurrency).toMatchObject({ max: 5, queueing: true });
		expect(emu.logAnalytics.concurrency.queuedTotal).toBeGreaterThanOrEqual(3);
	});
});

describe("limits 'reported' (the default of startEmulator)", () => {
	const clock = manualClock();
	let emu: Emulator;

	beforeAll(async () => {
		emu = await startEmulator({ limitsClock: clock.now });
	});
	afterAll(() => emu.stop());

	it('never answers 429 from a limit: ARM buckets and Log Analytics windows are only counted', async () => {
		expect(emu.limits.mode).toBe('reported');
		const arm = await many(260, () => armRequest(emu, 'GET', sentinelPath(emu, `/incidents?${V}&$top=1`)));
		expect(statuses(arm)).toEqual(Array(260).fill(200));
		expect(arm.map((answer) => answer.headers['x-ms-ratelimit-remaining-subscription-reads'])).toContain('0');

		const laToken = (await secretCredential(emu).getToken(LA_SCOPE)).token;
		const la = await many(210, () =>
			request(emu, 'POST', `/v1/workspaces/${emu.workspace.customerId}/query`, { body: { query: 'print 1' }, headers: { authorization: `Bearer ${laToken}` } }),
		);
		expect(statuses(la)).toEqual(Array(210).fill(200));
		expect(emu.limits.state().loganalytics.windows[0]).toMatchObject({ requests: 210, retryAfterSeconds: expect.any(Number) });
		expect(emu.logAnalytics.concurrency.queueing).toBe(false);
	});
});
