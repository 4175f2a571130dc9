/**
 * Run Query through n8n-core against the emulator: parameters as `let` literals, time ranges, row limit, both output
 * shapes, and what happens on partial results, timeouts, syntax errors and throttling.
 */
import { startEmulator, type Emulator } from '../../emulator';
import { resetLogAnalytics, run, runQueryParameters } from './support';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(() => emu.stop());

afterEach(() => resetLogAnalytics(emu));

function lastQueryBody(): { query: string; timespan?: string } {
	const requests = emu.requests.filter((r) => r.route === 'loganalytics.query');
	return requests[requests.length - 1].body as { query: string; timespan?: string };
}

describe('Run Query', () => {
	it('outputs one item per row, with parameters rendered as let statements before the query', async () => {
		const account = 'adele.vance@contoso.com';
		const result = await run(
			emu,
			runQueryParameters(emu, {
				query: 'SigninLogs\n| where UserPrincipalName == account and TimeGenerated > since\n| summarize Sign_ins = count() by UserPrincipalName, ResultType\n| sort by ResultType asc',
				parameters: {
					parameter: [
						{ name: 'account', type: 'string', value: '={{ $json.upn }}' },
						{ name: 'since', type: 'datetime', value: new Date(Date.now() - 15 * 86_400_000).toISOString() },
					],
				},
			}),
			[{ upn: account }],
		);
		expect(result.error).toBeUndefined();
		const body = lastQueryBody();
		expect(body.query).toMatch(/^let account = "adele\.vance@contoso\.com";\nlet since = datetime\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z\);\nSigninLogs\n\| where/);
		expect(body.timespan).toBeUndefined();
		expect(result.items.map((i) => i.json)).toEqual([
			{ UserPrincipalName: account, ResultType: '0', Sign_ins: 36 },
			{ UserPrincipalName: account, ResultType: '50126', Sign_ins: 4 },
		]);
		expect(result.items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('sends the time range as the timespan (last N units, or between two times)', async () => {
		await run(emu, runQueryParameters(emu, { timeRange: 'last', lastAmount: 90, lastUnit: 'minutes' }));
		expect(lastQueryBody().timespan).toBe('PT90M');
		await run(emu, runQueryParameters(emu, { timeRange: 'last', lastAmount: 3, lastUnit: 'days' }));
		expect(lastQueryBody().timespan).toBe('P3D');
		await run(emu, runQueryParameters(emu, { timeRange: 'between', start: '2024-05-01T00:00:00Z', end: '2024-05-02T12:00:00Z' }));
		expect(lastQueryBody().timespan).toBe('2024-05-01T00:00:00.000Z/2024-05-02T12:00:00.000Z');
		const backwards = await run(emu, runQueryParameters(emu, { timeRange: 'between', start: '2024-05-02T00:00:00Z', end: '2024-05-01T00:00:00Z' }));
		expect(backwards.error?.message).toBe('The time range needs a start before its end');
	});

	it('outputs at most Max Rows and says how many there were', async () => {
		const rows = await run(emu, runQueryParameters(emu, { query: 'SecurityEvent | project TimeGenerated, Computer', maxRows: 3 }));
		expect(rows.items).toHaveLength(3);
		expect(rows.items[0].json).toEqual({ TimeGenerated: expect.stringMatching(/Z$/), Computer: expect.any(String) });

		const tables = await run(emu, runQueryParameters(emu, { query: 'SecurityEvent | project TimeGenerated, Computer', maxRows: 3, output: 'tables' }));
		const json = tables.items[0].json as { status: string; rowCount: number; tables: Array<{ name: string; rows: unknown[]; totalRows: number; columns: unknown }>; warnings: string[] };
		const total = emu.logAnalytics.tables().find((t) => t.name === 'SecurityEvent')?.rowCount;
		expect(json.status).toBe('ok');
		expect(json.rowCount).toBe(total);
		expect(json.tables).toEqual([
			{ name: 'PrimaryResult', columns: [{ name: 'TimeGenerated', type: 'datetime' }, { name: 'Computer', type: 'string' }], rows: expect.any(Array), totalRows: total },
		]);
		expect(json.tables[0].rows).toHaveLength(3);
		expect(json.warnings).toEqual([`The query returned ${total} rows; the first 3 are output (Max Rows).`]);
	});

	it('marks the rows of a partial result, and reports it in the table output', async () => {
		emu.logAnalytics.settings.maxResultRows = 2;
		const rows = await run(emu, runQueryParameters(emu, { query: 'SecurityEvent | project EventID' }));
		expect(rows.items).toHaveLength(2);
		for (const item of rows.items) {
			expect(item.json.queryStatus).toBe('partial');
			expect((item.json.queryWarnings as string[])[0]).toMatch(/^Partial result: Log Analytics reported PartialError \/ EngineError \/ -2133196797/);
		}
		const tables = await run(emu, runQueryParameters(emu, { query: 'SecurityEvent | project EventID', output: 'tables' }));
		expect(tables.items[0].json).toMatchObject({ status: 'partial', rowCount: 2 });
	});

	it('reports a server timeout on the item instead of failing silently or retrying', async () => {
		emu.logAnalytics.settings.tableLatencyMs = { SecurityEvent: 3_000 };
		const started = Date.now();
		const result = await run(emu, runQueryParameters(emu, { query: 'SecurityEvent | take 5', options: { queryTimeout: 1 } }));
		expect(Date.now() - started).toBeLessThan(2_900);
		expect(result.items).toEqual([
			{
				json: { queryStatus: 'timeout', queryWarnings: ['The query ran longer than the 1-second server timeout and was cancelled; nothing was returned.'], rowCount: 0 },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('fails with the parse error of an invalid query, or passes it on under Continue', async () => {
		const failed = await run(emu, runQueryParameters(emu, { query: 'SigninLogs | wherre x' }));
		expect(failed.error?.message).toBe("The query is not valid KQL (SyntaxError): Query could not be parsed at 'wherre' on line [1,13]");
		const continued = await run(emu, runQueryParameters(emu, { query: 'SigninLogs | wherre x' }), [{}], true);
		expect(continued.items[0].json).toMatchObject({ error: "The query is not valid KQL (SyntaxError): Query could not be parsed at 'wherre' on line [1,13]", httpCode: '400' });
	});

	it('fails an item with an empty query or a parameter that cannot be written as its type, without sending anything', async () => {
		emu.clearRequests();
		const empty = await run(emu, runQueryParameters(emu, { query: '  ' }));
		expect(empty.error?.message).toBe('The query is empty');
		const badLong = await run(emu, runQueryParameters(emu, { query: 'print n', parameters: { parameter: [{ name: 'n', type: 'long', value: '5) | take 1000 //' }] } }));
		expect(badLong.error?.message).toBe("Parameter 'n' (long): a long must be a whole number such as 42 or -7");
		const badName = await run(emu, runQueryParameters(emu, { query: 'print 1', parameters: { parameter: [{ name: 'x; SecurityEvent', type: 'string', value: 'v' }] } }));
		expect(badName.error?.message).toBe('Parameter 1: a parameter name must start with a letter or _ and contain only letters, digits and _ (at most 128)');
		const keyword = await run(emu, runQueryParameters(emu, { query: 'print 1', parameters: { parameter: [{ name: 'where', type: 'string', value: 'v' }] } }));
		expect(keyword.error?.message).toBe("Parameter 1: 'where' is a KQL keyword; choose another parameter name");
		const twice = await run(emu, runQueryParameters(emu, { query: 'print 1', parameters: { parameter: [{ name: 'a', type: 'string', value: '1' }, { name: 'a', type: 'long', value: '2' }] } }));
		expect(twice.error?.message).toBe("Parameter 'a' is defined twice");
		expect(emu.requestCount('loganalytics.query')).toBe(0);
	});

	it('puts the parameters after the query options (set statements) the query starts with', async () => {
		const result = await run(
			emu,
			runQueryParameters(emu, {
				query: '// options first\nset query_now = datetime(2030-01-01);\nset truncationmaxrecords = 10;\nprint now_is = now(), who = name',
				parameters: { parameter: [{ name: 'name', type: 'string', value: 'a;b' }] },
			}),
		);
		expect(lastQueryBody().query).toBe('// options first\nset query_now = datetime(2030-01-01);\nset truncationmaxrecords = 10;\nlet name = "a;b";\nprint now_is = now(), who = name');
		expect(result.items[0].json).toEqual({ now_is: '2030-01-01T00:00:00.0000000Z', who: 'a;b' });
	});

	it('retries a throttled query after Retry-After', async () => {
		emu.faults.add({ route: 'loganalytics.query', kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
		const result = await run(emu, runQueryParameters(emu, { query: 'print ok = true' }));
		expect(result.items.map((i) => i.json)).toEqual([{ ok: true }]);
	});

	it('gives up on 429 after three retries and says so', async () => {
		emu.faults.add({ route: 'loganalytics.query', kind: 'status', status: 429, retryAfterSeconds: 0, times: 4 });
		emu.clearRequests();
		const result = await run(emu, runQueryParameters(emu, { query: 'print ok = true' }));
		expect(result.error?.message).toBe('Log Analytics is throttling queries (429) and the retries allowed by Retry-After ran out');
		expect(emu.requestCount('loganalytics.query')).toBe(4);
	});

	it('retries a 503 and a dropped connection, but not a 400', async () => {
		emu.faults.add({ route: 'loganalytics.query', kind: 'status', status: 503, times: 1 });
		emu.faults.add({ route: 'loganalytics.query', kind: 'drop', times: 1, skip: 1 });
		emu.clearRequests();
		const result = await run(emu, runQueryParameters(emu, { query: 'print ok = true' }));
		expect(result.items.map((i) => i.json)).toEqual([{ ok: true }]);
		expect(emu.requests.filter((r) => r.route === 'loganalytics.query').map((r) => r.status)).toEqual([503, 0, 200]);
	});

	it('signs in again once when Log Analytics rejects the cached token', async () => {
		await run(emu, runQueryParameters(emu, { query: 'print ok = true' }));
		emu.identity.expireAllTokens();
		emu.clearRequests();
		const result = await run(emu, runQueryParameters(emu, { query: 'print ok = true' }));
		expect(result.items.map((i) => i.json)).toEqual([{ ok: true }]);
		expect(emu.requests.filter((r) => r.route === 'loganalytics.query').map((r) => r.status)).toEqual([401, 200]);
	});

	it('decodes dynamic cells into objects and keeps datetime and timespan text as served', async () => {
		const result = await run(
			emu,
			runQueryParameters(emu, {
				query: 'print bag = dynamic({"a": [1, "two", null]}), at = datetime(2024-02-29T23:59:59.1234567Z), span = 1d + 90m, n = 7, r = 2.5, b = false',
			}),
		);
		expect(result.items[0].json).toEqual({ bag: { a: [1, 'two', null] }, at: '2024-02-29T23:59:59.1234567Z', span: '1.01:30:00', n: 7, r: 2.5, b: false });
	});
});
