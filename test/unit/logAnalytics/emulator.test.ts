/**
 * The emulator's Log Analytics query API on the wire: answers validated against the official spec
 * (OperationalInsights.json 2022-10-27), authentication by audience, Prefer: wait, partial results, 204, errors,
 * faults, the concurrency counter, seeded evidence for every seeded alert, and the control API.
 */
import { startEmulator, type Emulator } from '../../emulator';
import { request, secretCredential } from '../emulator/support/clients';
import { loadLogAnalyticsContract } from '../emulator/support/la-contract';

const LA_SCOPE = 'https://api.loganalytics.io/.default';
const ARM_SCOPE = 'https://management.azure.com/.default';

let emu: Emulator;
let contract: ReturnType<typeof loadLogAnalyticsContract>;
let laToken: string;
let armToken: string;

beforeAll(async () => {
	emu = await startEmulator({ seedIncidents: 25 });
	contract = loadLogAnalyticsContract();
	const credential = secretCredential(emu);
	laToken = (await credential.getToken(LA_SCOPE)).token;
	armToken = (await credential.getToken(ARM_SCOPE)).token;
});

afterAll(() => emu.stop());

afterEach(() => {
	emu.faults.clear();
	emu.logAnalytics.settings.tableLatencyMs = {};
	emu.logAnalytics.settings.maxResultRows = 500_000;
	emu.logAnalytics.settings.rejectOverConcurrencyLimit = false;
});

function query(body: unknown, options: { token?: string | null; workspaceId?: string; prefer?: string } = {}) {
	const headers: Record<string, string> = {};
	const token = options.token === undefined ? laToken : options.token;
	if (token) headers.authorization = `Bearer ${token}`;
	if (options.prefer) headers.prefer = options.prefer;
	return request(emu, 'POST', `/v1/workspaces/${options.workspaceId ?? emu.workspace.customerId}/query`, { body, headers });
}

describe('Log Analytics emulator: wire and contract', () => {
	it('answers POST with typed tables that match the spec; dynamic cells are JSON text', async () => {
		const response = await query({ query: 'SigninLogs | take 3 | project TimeGenerated, UserPrincipalName, LocationDetails, Type', timespan: 'P14D' });
		expect(response.status).toBe(200);
		expect(contract.validate('queryResults', response.json)).toEqual([]);
		const body = response.json as { tables: Array<{ name: string; columns: Array<{ name: string; type: string }>; rows: unknown[][] }> };
		expect(body.tables[0].name).toBe('PrimaryResult');
		expect(body.tables[0].columns).toEqual([
			{ name: 'TimeGenerated', type: 'datetime' },
			{ name: 'UserPrincipalName', type: 'string' },
			{ name: 'LocationDetails', type: 'dynamic' },
			{ name: 'Type', type: 'string' },
		]);
		const [time, , details] = body.tables[0].rows[0];
		expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
		expect(typeof details).toBe('string');
		expect(JSON.parse(details as string)).toMatchObject({ countryOrRegion: expect.any(String) });
	});

	it('has a contract check that catches drift (unknown column type, extra field, cells not in rows)', () => {
		const good = { tables: [{ name: 'PrimaryResult', columns: [{ name: 'x', type: 'long' }], rows: [[1]] }] };
		expect(contract.validate('queryResults', good)).toEqual([]);
		expect(contract.validate('queryResults', { tables: [{ name: 'T', columns: [{ name: 'x', type: 'int64' }], rows: [] }] })).not.toEqual([]);
		expect(contract.validate('queryResults', { ...good, extra: true })).not.toEqual([]);
		expect(contract.validate('queryResults', { tables: [{ name: 'T', columns: [], rows: [1] }] })).not.toEqual([]);
		expect(contract.validate('errorResponse', { error: { code: 'X' } })).not.toEqual([]);
	});

	it('answers GET with the query in the URL, like POST', async () => {
		const path = `/v1/workspaces/${emu.workspace.customerId}/query?query=${encodeURIComponent('print x = 1')}&timespan=PT1H`;
		const response = await request(emu, 'GET', path, { headers: { authorization: `Bearer ${laToken}` } });
		expect(response.status).toBe(200);
		expect(contract.validate('queryResults', response.json)).toEqual([]);
		expect(response.json).toEqual({ tables: [{ name: 'PrimaryResult', columns: [{ name: 'x', type: 'long' }], rows: [[1]] }] });
		expect(emu.requestCount('loganalytics.query-get')).toBe(1);
	});

	it('turns a result over the row limit into 200 + PartialError with the rows it has', async () => {
		emu.logAnalytics.settings.maxResultRows = 4;
		const response = await query({ query: 'SecurityEvent', timespan: 'P14D' });
		expect(response.status).toBe(200);
		expect(contract.validate('queryResults', response.json)).toEqual([]);
		const body = response.json as { tables: Array<{ rows: unknown[] }>; error: { code: string; details: Array<{ code: string; innererror: { code: string; message: string } }> } };
		expect(body.tables[0].rows).toHaveLength(4);
		expect(body.error.code).toBe('PartialError');
		expect(body.error.details[0].code).toBe('EngineError');
		expect(body.error.details[0].innererror.message).toContain('E_QUERY_RESULT_SET_TOO_LARGE');
	});

	it('reports syntax and semantic errors as 400 BadArgumentError', async () => {
		const syntax = await query({ query: 'SigninLogs | where (' });
		expect(syntax.status).toBe(400);
		expect(contract.validate('errorResponse', syntax.json)).toEqual([]);
		expect(syntax.json).toMatchObject({
			error: {
				code: 'BadArgumentError',
				message: 'The request had some invalid properties',
				correlationId: expect.any(String),
				innererror: { code: 'SyntaxError', innererror: { code: 'SYN0002', message: "Query could not be parsed at '<EOF>' on line [1,20]", line: 1, pos: 20 } },
			},
		});
		const semantic = await query({ query: 'NoSuchTable | take 1' });
		expect(semantic.status).toBe(400);
		expect(contract.validate('errorResponse', semantic.json)).toEqual([]);
		expect(semantic.json).toMatchObject({ error: { innererror: { code: 'SemanticError', innererror: { code: 'SEM0100', message: "Failed to resolve table or column expression named 'NoSuchTable'" } } } });
		const noQuery = await query({ timespan: 'P1D' });
		expect(noQuery.status).toBe(400);
		const badTimespan = await query({ query: 'print 1', timespan: 'yesterday' });
		expect(badTimespan.status).toBe(400);
		expect(badTimespan.json).toMatchObject({ error: { innererror: { code: 'InvalidTimespan' } } });
	});

	it('accepts only Log Analytics tokens: Resource Manager tokens are refused as the real service does', async () => {
		const arm = await query({ query: 'print 1' }, { token: armToken });
		expect(arm.status).toBe(403);
		expect(contract.validate('errorResponse', arm.json)).toEqual([]);
		expect(arm.json).toMatchObject({ error: { code: 'InvalidAuthenticationTokenAudience', message: expect.stringContaining("wrong audience or resource 'https://management.azure.com'") } });
		const none = await query({ query: 'print 1' }, { token: null });
		expect(none.status).toBe(401);
		expect(none.json).toMatchObject({ error: { code: 'AuthenticationFailed' } });
		expect(String(none.headers['www-authenticate'])).toMatch(/^Bearer authorization_uri=/);
		const unknown = await query({ query: 'print 1' }, { token: 'not-a-token' });
		expect(unknown.status).toBe(403);
		expect(unknown.json).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
	});

	it('answers 204 for the workspace without data, 404 for an unknown one, 403 for a denied one', async () => {
		const empty = await query({ query: 'SigninLogs | take 1' }, { workspaceId: emu.workspaces[1].customerId });
		expect(empty.status).toBe(204);
		expect(empty.text).toBe('');
		const unknown = await query({ query: 'print 1' }, { workspaceId: '00000000-0000-4000-8000-000000000000' });
		expect(unknown.status).toBe(404);
		expect(unknown.json).toMatchObject({ error: { code: 'WorkspaceNotFoundError' } });
		emu.logAnalytics.settings.deniedWorkspaces = [emu.workspace.customerId];
		try {
			const denied = await query({ query: 'print 1' });
			expect(denied.status).toBe(403);
			expect(contract.validate('errorResponse', denied.json)).toEqual([]);
			expect(denied.json).toMatchObject({ error: { code: 'InsufficientAccessError' } });
		} finally {
			emu.logAnalytics.settings.deniedWorkspaces = [];
		}
	});

	it('honours Prefer: wait — 504 once a query would run longer', async () => {
		emu.logAnalytics.settings.tableLatencyMs = { SecurityEvent: 3_000 };
		const started = Date.now();
		const slow = await query({ query: 'SecurityEvent | take 1' }, { prefer: 'wait=1' });
		expect(slow.status).toBe(504);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(Date.now() - started).toBeLessThan(2_500);
		expect(contract.validate('errorResponse', slow.json)).toEqual([]);
		const fast = await query({ query: 'SigninLogs | take 1' }, { prefer: 'wait=1, include-statistics=true' });
		expect(fast.status).toBe(200);
		expect(fast.headers['preference-applied']).toBe('wait=1,include-statistics=true');
		expect((fast.json as { statistics?: unknown }).statistics).toBeDefined();
		expect(contract.validate('queryResults', fast.json)).toEqual([]);
	});

	it('answers faults in its own error style: 429 ThrottledError with Retry-After, 403 InsufficientAccessError', async () => {
		emu.faults.add({ route: 'loganalytics.query', kind: 'status', status: 429, retryAfterSeconds: 7 });
		const throttled = await query({ query: 'print 1' });
		expect(throttled.status).toBe(429);
		expect(throttled.headers['retry-after']).toBe('7');
		expect(contract.validate('errorResponse', throttled.json)).toEqual([]);
		expect(throttled.json).toMatchObject({ error: { code: 'ThrottledError' } });
		emu.faults.add({ route: 'loganalytics.query', kind: 'status', status: 403 });
		expect((await query({ query: 'print 1' })).json).toMatchObject({ error: { code: 'InsufficientAccessError' } });
	});

	it('counts the queries running at once (current and highest), and can refuse or queue those over the limit', async () => {
		// Each query runs 500 ms, long enough for all of a batch (each request its own TLS connection) to arrive before
		// the first finishes, also on a loaded machine running the whole suite in parallel.
		emu.logAnalytics.settings.tableLatencyMs = { '*': 500 };
		emu.logAnalytics.resetConcurrency();
		const during: number[] = [];
		const pending = Array.from({ length: 8 }, () => query({ query: 'SigninLogs | count' }));
		for (let waited = 0; waited < 450 && emu.logAnalytics.concurrency.current < 8; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
		during.push(emu.logAnalytics.concurrency.current);
		const answers = await Promise.all(pending);
		expect(answers.every((a) => a.status === 200)).toBe(true);
		expect(during[0]).toBe(8);
		expect(emu.logAnalytics.concurrency).toMatchObject({ current: 0, max: 8, limit: 5, queuedTotal: 0, refusedTotal: 0 });

		emu.logAnalytics.settings.rejectOverConcurrencyLimit = true;
		emu.logAnalytics.resetConcurrency();
		const strict = await Promise.all(Array.from({ length: 8 }, () => query({ query: 'SigninLogs | count' })));
		expect(strict.filter((a) => a.status === 200)).toHaveLength(5);
		expect(strict.filter((a) => a.status === 429)).toHaveLength(3);
		expect(emu.logAnalytics.concurrency.max).toBe(5);
		emu.logAnalytics.settings.rejectOverConcurrencyLimit = false;

		// As the service does: past the limit, queries wait for a slot (never more than 5 run), up to the queue's
		// capacity and wait, then 429.
		emu.logAnalytics.settings.queueOverConcurrencyLimit = true;
		emu.logAnalytics.resetConcurrency();
		const queued = await Promise.all(Array.from({ length: 12 }, () => query({ query: 'SigninLogs | count' })));
		expect(queued.every((a) => a.status === 200)).toBe(true);
		expect(emu.logAnalytics.concurrency).toMatchObject({ current: 0, max: 5, queued: 0, maxQueued: 7, queuedTotal: 7, refusedTotal: 0 });

		emu.logAnalytics.settings.queueCapacity = 2;
		emu.logAnalytics.settings.queueTimeoutMs = 50;
		emu.logAnalytics.resetConcurrency();
		const overflow = await Promise.all(Array.from({ length: 9 }, () => query({ query: 'SigninLogs | count' })));
		// 5 run; 2 wait (and, the queries taking longer than the 50 ms wait, give up with 429); 2 find the queue full.
		expect(overflow.filter((a) => a.status === 200)).toHaveLength(5);
		expect(overflow.filter((a) => a.status === 429)).toHaveLength(4);
		expect(emu.logAnalytics.concurrency).toMatchObject({ max: 5, queuedTotal: 2, refusedTotal: 4 });
		Object.assign(emu.logAnalytics.settings, { queueOverConcurrencyLimit: false, queueCapacity: 200, queueTimeoutMs: 180_000 });
	});

	it("holds each seeded alert's evidence: its own query over its own window returns rows", async () => {
		let scheduled = 0;
		for (const incident of emu.sentinel.listIncidents()) {
			for (const alert of emu.sentinel.alerts(incident.name)) {
				const data = alert.properties.additionalData;
				if (!data.Query) continue;
				scheduled++;
				const start = data['Query Start Time UTC'].replace(' ', 'T');
				const end = data['Query End Time UTC'].replace(' ', 'T');
				const response = await query({ query: data.Query, timespan: `${start}/${end}` });
				expect(response.status).toBe(200);
				expect((response.json as { tables: Array<{ rows: unknown[] }> }).tables[0].rows.length).toBeGreaterThan(0);
			}
		}
		expect(scheduled).toBeGreaterThan(10);
	});

	it('restricts every table to the timespan (on TimeGenerated)', async () => {
		const all = emu.logAnalytics.query('SigninLogs | count', { timespan: 'P30D' }).tables[0].rows[0][0] as number;
		const lastDay = emu.logAnalytics.query('SigninLogs | count', { timespan: 'P1D' }).tables[0].rows[0][0] as number;
		const future = emu.logAnalytics.query('SigninLogs | count', { timespan: '2100-01-01T00:00:00Z/P1D' }).tables[0].rows[0][0];
		expect(all).toBeGreaterThan(lastDay);
		expect(lastDay).toBeGreaterThan(0);
		expect(future).toBe(0);
	});

	it('exposes tables, rows, settings, concurrency and queries through the control API', async () => {
		const tables = await request(emu, 'GET', '/_emulator/loganalytics/tables');
		expect((tables.json as { value: Array<{ name: string }> }).value.map((t) => t.name).sort()).toEqual(['DeviceProcessEvents', 'OfficeActivity', 'SecurityEvent', 'SigninLogs']);
		const inserted = await request(emu, 'POST', '/_emulator/loganalytics/tables/SigninLogs/rows', {
			body: { rows: [{ TimeGenerated: new Date().toISOString(), UserPrincipalName: 'control@contoso.com', ResultType: '0' }] },
		});
		expect(inserted.status).toBe(201);
		const found = await request(emu, 'POST', '/_emulator/loganalytics/query', { body: { query: 'SigninLogs | where UserPrincipalName == "control@contoso.com" | project ResultType', timespan: 'PT1H' } });
		expect(found.json).toEqual({ tables: [{ name: 'PrimaryResult', columns: [{ name: 'ResultType', type: 'string' }], rows: [['0']] }] });
		const settings = await request(emu, 'PUT', '/_emulator/loganalytics/settings', { body: { maxResultRows: 123 } });
		expect((settings.json as { maxResultRows: number }).maxResultRows).toBe(123);
		const concurrency = await request(emu, 'GET', '/_emulator/loganalytics/concurrency');
		expect(concurrency.json).toMatchObject({ current: 0, limit: 5 });
		const queries = await request(emu, 'GET', '/_emulator/loganalytics/queries');
		expect((queries.json as { value: unknown[] }).value.length).toBeGreaterThan(0);
	});
});
