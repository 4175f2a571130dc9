/**
 * Enrich Incident through n8n-core's WorkflowExecute against the emulator: each alert's own query over its own
 * window, rows and columns limited, partial results, timeouts, throttling, concurrency and the item contract the
 * SIGNL4 node builds its message from.
 */
import { startEmulator, type Emulator } from '../../emulator';
import { emulatorCredential } from '../../helpers/azureFixtures';
import { runNode } from '../../helpers/n8nHarness';
import {
	alertWithQuery,
	createIncidentItem,
	nodeType,
	TYPE_NAME,
	enrichmentOf,
	enrichParameters,
	expectedEvidence,
	incidentItem,
	resetLogAnalytics,
	run,
} from './support';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(() => emu.stop());

afterEach(() => resetLogAnalytics(emu));

/** A property of the first entity of a kind on an emulator incident (what the seeded evidence is about). */
function entityProperty(incidentName: string, kind: string, property: string): string {
	const entity = emu.sentinel.entities(incidentName).find((e) => e.kind === kind);
	if (!entity) throw new Error(`incident has no ${kind} entity`);
	return String(entity.properties[property]);
}

describe('Enrich Incident', () => {
	it('enriches an incident with three alerts: one with rows, one without a query, one whose query fails', async () => {
		const item = createIncidentItem(emu, {
			title: 'Three alerts',
			alerts: [
				{ scheduledRule: 'signin-bruteforce' },
				{ productName: 'Microsoft Defender for Endpoint' },
				alertWithQuery('DeviceProcessEvents | where NoSuchColumn == 1'),
			],
		});
		const result = await run(emu, enrichParameters(), [item]);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const { enrichment, ...rest } = result.items[0].json;
		// Every other field of the incident item is passed on unchanged.
		expect(rest).toEqual(item);
		const e = enrichmentOf(result.items[0].json);
		expect(e.alerts.map((a) => a.status)).toEqual(['ok', 'noQuery', 'failed']);

		const [ok, noQuery, failed] = e.alerts;
		const source = (item.alerts as Array<{ alertName: string; displayName: string }>)[0];
		expect(ok.alertName).toBe(source.alertName);
		expect(ok.displayName).toBe('Brute force attack against Azure Portal');
		// Query, window and rows as worked out from the emulator's incident and tables, not from the node's output.
		const [expected] = expectedEvidence(emu, item.incidentName as string);
		expect(ok.query).toBe(expected.query);
		expect(ok.timespan).toBe(expected.timespan);
		expect(expected.rows.length).toBeGreaterThan(0);
		expect(ok.totalRows).toBe(expected.rows.length);
		expect(ok.rows).toEqual(expected.rows);
		expect(ok.columns).toEqual(['UserPrincipalName', 'IPAddress', 'FailedCount', 'SuccessCount', 'StartTime', 'EndTime', 'AccountCustomEntity', 'IPCustomEntity']);
		// …and, counted by hand from the raw sign-in rows of this incident's account and address: 12 failures, 1 success.
		const upn = `${entityProperty(item.incidentName as string, 'Account', 'accountName')}@contoso.com`;
		const ip = entityProperty(item.incidentName as string, 'Ip', 'address');
		const [from, to] = (expected.timespan as string).split('/').map(Date.parse);
		const signins = emu.logAnalytics
			.rows('SigninLogs')
			.filter((row) => row.UserPrincipalName === upn && row.IPAddress === ip && String(row.AppDisplayName).includes('Azure Portal'))
			.filter((row) => Date.parse(String(row.TimeGenerated)) >= from && Date.parse(String(row.TimeGenerated)) <= to);
		const times = signins.map((row) => String(row.TimeGenerated)).sort();
		expect(ok.rows?.find((row) => row.UserPrincipalName === upn && row.IPAddress === ip)).toEqual({
			UserPrincipalName: upn,
			IPAddress: ip,
			FailedCount: signins.filter((row) => row.ResultType !== '0').length,
			SuccessCount: signins.filter((row) => row.ResultType === '0').length,
			StartTime: times[0],
			EndTime: times[times.length - 1],
			AccountCustomEntity: upn,
			IPCustomEntity: ip,
		});
		expect(signins.filter((row) => row.ResultType !== '0')).toHaveLength(12);
		expect(signins.filter((row) => row.ResultType === '0')).toHaveLength(1);
		expect(ok.summary).toMatch(/^Brute force attack against Azure Portal: \d+ results? — UserPrincipalName: \S+@contoso\.com, IPAddress: [\d.]+/);
		expect(ok.error).toBeUndefined();

		expect(noQuery).toEqual({
			alertName: (item.alerts as Array<{ alertName: string }>)[1].alertName,
			displayName: (item.alerts as Array<{ displayName: string }>)[1].displayName,
			status: 'noQuery',
			summary: expect.stringMatching(/no query to re-run \(Microsoft Defender for Endpoint alert\)$/),
		});

		expect(failed.error).toMatch(/^The query is not valid KQL \(SemanticError\): 'where' operator: Failed to resolve scalar expression named 'NoSuchColumn'/);
		expect(failed.summary).toMatch(/query failed \(SemanticError\)$/);
		expect(failed.rows).toBeUndefined();

		expect(e.summary.split('\n')).toEqual([
			'Log Analytics: 3 alerts, 1 with results, 1 incomplete',
			`• ${ok.summary}`,
			`• ${noQuery.summary}`,
			`• ${failed.summary}`,
		]);
		expect(e.warnings).toEqual([`${failed.displayName}: ${failed.error}`]);
		expect(Date.parse(e.queriedAt)).toBeGreaterThan(Date.now() - 60_000);
	});

	it('runs every seeded analytics rule and finds the evidence of each alert', async () => {
		const rules = ['signin-bruteforce', 'signin-password-spray', 'encoded-powershell', 'local-admin-added', 'rare-system-process', 'sharepoint-mass-download', 'inbox-forwarding-rule'];
		const item = createIncidentItem(emu, { alerts: rules.map((scheduledRule) => ({ scheduledRule })) });
		const result = await run(emu, enrichParameters(), [item]);
		const e = enrichmentOf(result.items[0].json);
		expect(e.alerts.map((a) => a.status)).toEqual(rules.map(() => 'ok'));
		const expected = expectedEvidence(emu, item.incidentName as string);
		expect(e.alerts.map((a) => a.alertName)).toEqual(expected.map((a) => a.alertName));
		for (const [index, alert] of e.alerts.entries()) {
			expect(expected[index].rows.length).toBeGreaterThan(0);
			expect(alert.query).toBe(expected[index].query);
			expect(alert.timespan).toBe(expected[index].timespan);
			expect(alert.totalRows).toBe(expected[index].rows.length);
			expect(alert.rows).toEqual(expected[index].rows.slice(0, 10));
		}
		// A headline and one line per alert, within the default 1,000 characters.
		expect(e.summary.split('\n')).toHaveLength(8);
		expect(e.summary.length).toBeLessThanOrEqual(1000);
		expect(e.summary).not.toMatch(/more$/);
	});

	it('keeps the first N rows and the chosen columns, and reports the total', async () => {
		const item = createIncidentItem(emu, { alerts: [{ scheduledRule: 'local-admin-added' }, { scheduledRule: 'sharepoint-mass-download' }] });
		const result = await run(emu, enrichParameters({ options: { rowsPerAlert: 1, columns: 'EventID, Computer, NoSuchColumn, Downloads' } }), [item]);
		const [admin, downloads] = enrichmentOf(result.items[0].json).alerts;
		const [expectedAdmin, expectedDownloads] = expectedEvidence(emu, item.incidentName as string);
		expect([admin.query, admin.timespan]).toEqual([expectedAdmin.query, expectedAdmin.timespan]);
		expect([downloads.query, downloads.timespan]).toEqual([expectedDownloads.query, expectedDownloads.timespan]);
		expect(admin.totalRows).toBe(expectedAdmin.rows.length);
		expect(admin.totalRows).toBeGreaterThanOrEqual(2);
		expect(admin.rows).toHaveLength(1);
		expect(admin.rows).toEqual([{ EventID: expectedAdmin.rows[0].EventID, Computer: expectedAdmin.rows[0].Computer }]);
		expect(admin.columns).toEqual(['EventID', 'Computer']);
		expect(Object.keys(admin.rows?.[0] ?? {})).toEqual(['EventID', 'Computer']);
		expect(admin.warning).toBe('Columns not in the result: NoSuchColumn, Downloads.');
		expect(admin.summary).toMatch(new RegExp(`: ${admin.totalRows} results — EventID: 47(20|32), Computer: `));
		expect(downloads.columns).toEqual(['Downloads']);
		expect(downloads.rows).toEqual([{ Downloads: 60 }]);
		expect(downloads.rows).toEqual([{ Downloads: expectedDownloads.rows[0].Downloads }]);
		expect(downloads.totalRows).toBe(expectedDownloads.rows.length);
	});

	it('reports a partial result as a warning with the rows that were returned', async () => {
		emu.logAnalytics.settings.maxResultRows = 1;
		const item = createIncidentItem(emu, { alerts: [{ scheduledRule: 'encoded-powershell' }] });
		const result = await run(emu, enrichParameters(), [item]);
		const e = enrichmentOf(result.items[0].json);
		const [alert] = e.alerts;
		expect(alert.status).toBe('partial');
		expect(alert.rows).toHaveLength(1);
		expect(alert.totalRows).toBe(1);
		expect(alert.warning).toMatch(/^Partial result: Log Analytics reported PartialError \/ EngineError \/ -2133196797 \(.*E_QUERY_RESULT_SET_TOO_LARGE.*\)\. Only the 1 rows it returned are counted; more may exist\.$/);
		expect(alert.summary).toMatch(/: partial result, 1 row returned — /);
		expect(e.warnings).toEqual([`${alert.displayName}: ${alert.warning}`]);
		expect(e.summary).toMatch(/1 incomplete/);
	});

	it('stops a slow query at the server timeout (Prefer: wait) and goes on with the other alerts', async () => {
		emu.logAnalytics.settings.tableLatencyMs = { DeviceProcessEvents: 5_000 };
		emu.clearRequests();
		const item = createIncidentItem(emu, { alerts: [{ scheduledRule: 'encoded-powershell' }, { scheduledRule: 'signin-bruteforce' }] });
		const started = Date.now();
		const result = await run(emu, enrichParameters({ options: { queryTimeout: 1 } }), [item]);
		expect(Date.now() - started).toBeLessThan(4_000);
		const [slow, fast] = enrichmentOf(result.items[0].json).alerts;
		expect(slow.status).toBe('timeout');
		expect(slow.rows).toBeUndefined();
		expect(slow.warning).toMatch(/^The query ran longer than the 1-second server timeout and was cancelled; nothing was returned/);
		expect(slow.summary).toMatch(/query timed out after 1 s, no rows$/);
		expect(fast.status).toBe('ok');
		const queries = emu.requests.filter((r) => r.route === 'loganalytics.query');
		expect(queries.map((r) => r.headers.prefer)).toEqual(['wait=1', 'wait=1']);
		// A timed-out query is not retried: it would only time out again.
		expect(queries.map((r) => r.status).sort()).toEqual([200, 504]);
	});

	it("honours Retry-After on 429 and retries until the query runs", async () => {
		emu.faults.add({ route: 'loganalytics.query', kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
		emu.clearRequests();
		const item = createIncidentItem(emu, { alerts: [{ scheduledRule: 'rare-system-process' }] });
		const started = Date.now();
		const result = await run(emu, enrichParameters(), [item]);
		const elapsed = Date.now() - started;
		expect(enrichmentOf(result.items[0].json).alerts[0].status).toBe('ok');
		const attempts = emu.requests.filter((r) => r.route === 'loganalytics.query');
		expect(attempts.map((r) => r.status)).toEqual([429, 429, 200]);
		expect(elapsed).toBeGreaterThanOrEqual(2_000);
		const gaps = attempts.slice(1).map((r, i) => Date.parse(r.at) - Date.parse(attempts[i].at));
		for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
	});

	it('does not wait for a Retry-After longer than a minute: the alert fails and says how long Azure asked for', async () => {
		emu.faults.add({ route: 'loganalytics.query', kind: 'status', status: 429, retryAfterSeconds: 120, times: 1 });
		const item = createIncidentItem(emu, { alerts: [{ scheduledRule: 'rare-system-process' }] });
		const started = Date.now();
		const result = await run(emu, enrichParameters(), [item]);
		expect(Date.now() - started).toBeLessThan(3_000);
		const [alert] = enrichmentOf(result.items[0].json).alerts;
		expect(alert.status).toBe('failed');
		expect(alert.error).toMatch(/^Log Analytics is throttling queries \(429\) and asked to wait 120 s\./);
		expect(alert.summary).toMatch(/query failed \(429\)$/);
	});

	it('never runs more than 5 queries at once, across many items and alerts', async () => {
		emu.logAnalytics.settings.tableLatencyMs = { '*': 80 };
		emu.logAnalytics.resetConcurrency();
		const rules = ['signin-bruteforce', 'encoded-powershell', 'local-admin-added'] as const;
		const items = Array.from({ length: 12 }, () => createIncidentItem(emu, { alerts: rules.map((scheduledRule) => ({ scheduledRule })) }));
		const started = Date.now();
		const result = await run(emu, enrichParameters(), items);
		const elapsed = Date.now() - started;
		expect(result.items).toHaveLength(12);
		for (const output of result.items) expect(enrichmentOf(output.json).alerts.map((a) => a.status)).toEqual(['ok', 'ok', 'ok']);
		expect(emu.logAnalytics.concurrency.max).toBeLessThanOrEqual(5);
		// …and it did run queries side by side (36 queries × 80 ms one after another would take ~2.9 s).
		expect(emu.logAnalytics.concurrency.max).toBeGreaterThanOrEqual(4);
		expect(elapsed).toBeLessThan(2_500);
	});

	it('shares the limit between two executions running at the same time', async () => {
		emu.logAnalytics.settings.tableLatencyMs = { '*': 60 };
		emu.logAnalytics.resetConcurrency();
		const batch = () => Array.from({ length: 6 }, () => createIncidentItem(emu, { alerts: [{ scheduledRule: 'signin-bruteforce' }, { scheduledRule: 'rare-system-process' }] }));
		const [a, b] = await Promise.all([run(emu, enrichParameters(), batch()), run(emu, enrichParameters(), batch())]);
		expect(a.items).toHaveLength(6);
		expect(b.items).toHaveLength(6);
		expect(emu.logAnalytics.concurrency.max).toBeLessThanOrEqual(5);
	});

	it('reads the alerts of an incident reference from Microsoft Sentinel first', async () => {
		const incident = emu.sentinel.createIncident({ alerts: [{ scheduledRule: 'inbox-forwarding-rule' }, { productName: 'Office 365' }] });
		const reference = { incidentName: incident.name, workspace: { armId: emu.workspace.armId }, note: 'from a webhook' };
		emu.clearRequests();
		const result = await run(emu, enrichParameters(), [reference]);
		expect(result.error).toBeUndefined();
		const { enrichment, ...rest } = result.items[0].json;
		expect(rest).toEqual(reference);
		expect(enrichment).toBeDefined();
		const e = enrichmentOf(result.items[0].json);
		expect(e.alerts.map((a) => a.status)).toEqual(['ok', 'noQuery']);
		expect(e.alerts[0].rows?.[0]).toMatchObject({ Operation: 'New-InboxRule' });
		expect(emu.requestCount('incidents.alerts')).toBe(1);
	});

	it('passes an incident without alerts through with a note', async () => {
		const item = incidentItem(emu, emu.sentinel.createIncident({ alerts: [] }));
		emu.clearRequests();
		const result = await run(emu, enrichParameters(), [item]);
		const e = enrichmentOf(result.items[0].json);
		expect(e).toEqual({
			summary: 'No alerts on this incident: nothing to look up in Log Analytics.',
			alerts: [],
			warnings: ['The incident has no alerts; nothing was queried.'],
			queriedAt: expect.any(String),
			alertsSource: 'sentinel',
		});
		expect(emu.requestCount('loganalytics.query')).toBe(0);
	});

	it('looks the workspace ID up in Resource Manager once for many items', async () => {
		const fresh = await startEmulator();
		try {
			const items = Array.from({ length: 5 }, () => createIncidentItem(fresh, { alerts: [{ scheduledRule: 'rare-system-process' }] }));
			await run(fresh, enrichParameters(), items);
			await run(fresh, enrichParameters(), items.slice(0, 2));
			expect(fresh.requestCount('workspaces.get')).toBe(1);
			expect(fresh.requestCount('loganalytics.query')).toBe(7);
			// The Log Analytics token is one token, obtained once, for the Log Analytics audience.
			const scopes = fresh.requests.filter((r) => r.route === 'token').map((r) => new URLSearchParams(String(r.body)).get('scope'));
			expect(scopes.filter((s) => s === 'https://api.loganalytics.io/.default')).toHaveLength(1);
		} finally {
			await fresh.stop();
		}
	});

	it('queries a workspace given by its workspace ID without asking Resource Manager', async () => {
		emu.clearRequests();
		const item = createIncidentItem(emu, { alerts: [{ scheduledRule: 'rare-system-process' }] });
		const result = await run(emu, enrichParameters({ workspace: { __rl: true, mode: 'workspaceId', value: emu.workspace.customerId } }), [item]);
		expect(enrichmentOf(result.items[0].json).alerts[0].status).toBe('ok');
		expect(emu.requestCount('workspaces.get')).toBe(0);
		expect(emu.requests.find((r) => r.route === 'loganalytics.query')?.path).toBe(`/v1/workspaces/${emu.workspace.customerId}/query`);
	});

	it('says so when the workspace has no data (204)', async () => {
		const item = createIncidentItem(emu, { alerts: [{ scheduledRule: 'rare-system-process' }] });
		// The incident lives in the first workspace; its (trusted) alerts are queried in the second, empty one.
		const result = await run(emu, enrichParameters({ workspace: { __rl: true, mode: 'id', value: emu.workspaces[1].armId }, options: { trustItemQueries: true } }), [item]);
		const [alert] = enrichmentOf(result.items[0].json).alerts;
		expect(alert).toMatchObject({ status: 'ok', totalRows: 0, rows: [], warning: 'The workspace has no data at all (Log Analytics answered 204 No Content).' });
		expect(alert.summary).toMatch(/: the workspace has no data$/);
	});

	it('names the missing Log Analytics Reader role when the principal may not query (403)', async () => {
		emu.logAnalytics.settings.deniedWorkspaces = [emu.workspace.customerId];
		const item = createIncidentItem(emu, { alerts: [{ scheduledRule: 'rare-system-process' }] });
		const result = await run(emu, enrichParameters(), [item]);
		const [alert] = enrichmentOf(result.items[0].json).alerts;
		expect(alert.status).toBe('failed');
		expect(alert.error).toMatch(/not allowed to run the query of alert .* \(InsufficientAccessError\)\. Give the service principal the Log Analytics Reader role/);
	});

	it('fails the item (or passes it on with the reason under Continue) when it has no incident ID', async () => {
		const failed = await run(emu, enrichParameters(), [{ title: 'no alerts here', workspace: { armId: emu.workspace.armId } }]);
		expect(failed.error?.message).toBe('The input item has no incident ID');

		const continued = await run(emu, enrichParameters(), [{ title: 'no alerts here', workspace: { armId: emu.workspace.armId } }], true);
		expect(continued.items).toHaveLength(1);
		const json = continued.items[0].json;
		expect(json.title).toBe('no alerts here');
		expect(json.error).toBe('The input item has no incident ID');
		expect(enrichmentOf(json).summary).toBe('Log Analytics enrichment failed: The input item has no incident ID');
	});

	it('fails the item, not each alert, when the credential cannot sign in — and never shows the secret', async () => {
		const secret = 'Wr0ng~secret.value-never-shown';
		const item = createIncidentItem(emu, { alerts: [{ scheduledRule: 'rare-system-process' }, { scheduledRule: 'signin-bruteforce' }] });
		const result = await runNode({
			nodeType,
			typeName: TYPE_NAME,
			parameters: enrichParameters({ workspace: { __rl: true, mode: 'workspaceId', value: emu.workspace.customerId } }),
			credentials: { sentinelSignl4AzureApi: emulatorCredential(emu, { clientSecret: secret }) },
			input: [item],
		});
		expect(result.error?.message).toBe('Could not sign in to Azure (AADSTS7000215)');
		expect(JSON.stringify(result.error)).not.toContain(secret);
	});

	it('can leave the query text out and skip pinning the query time', async () => {
		const item = createIncidentItem(emu, { alerts: [alertWithQuery('SecurityEvent | where EventID == 4688 | take 1')] });
		emu.clearRequests();
		const result = await run(emu, enrichParameters({ options: { includeQuery: false, pinQueryTime: false } }), [item]);
		const [alert] = enrichmentOf(result.items[0].json).alerts;
		expect(alert.query).toBeUndefined();
		expect(alert.timespan).toMatch(/^\d{4}-.*Z\/\d{4}-.*Z$/);
		const body = emu.requests.find((r) => r.route === 'loganalytics.query')?.body as { query: string; timespan: string };
		expect(body.query).toBe('SecurityEvent | where EventID == 4688 | take 1');
		expect(body.timespan).toBe(alert.timespan);
	});

	it('pins the query time to the end of the alert window unless the query pins it already', async () => {
		const item = createIncidentItem(emu, { alerts: [alertWithQuery('SecurityEvent | take 1'), alertWithQuery('set query_now = datetime(2020-01-01);\nSecurityEvent | take 1')] });
		const result = await run(emu, enrichParameters(), [item]);
		const [pinned, own] = enrichmentOf(result.items[0].json).alerts;
		const end = (pinned.timespan as string).split('/')[1];
		expect(pinned.query).toBe(`set query_now = datetime(${end.replace(/\.(\d{3})Z$/, '.$10000Z')});\nSecurityEvent | take 1`);
		expect(own.query).toBe('set query_now = datetime(2020-01-01);\nSecurityEvent | take 1');
	});
});
