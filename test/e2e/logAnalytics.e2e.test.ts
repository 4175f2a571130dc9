/**
 * In a real n8n 2.41 (the packed package loaded as a community package): Microsoft Sentinel Trigger → Azure Log
 * Analytics (Enrich Incident) against the emulator. The enriched items' rows must be what the emulator's tables hold
 * for each alert's query over its window.
 */
import { startEmulator } from '../emulator';
import { e2eTest, executionError, fixtureId, linearWorkflow, N8nInstance, nodeOutputJson } from './harness';
import { enrichIncidentNode, AZURE_LOG_ANALYTICS_TYPE } from './fixtures/logAnalytics';
import { emulatorAzureCredential, sentinelTriggerNode, type RunningEmulator } from './fixtures/sentinel';

jest.setTimeout(20 * 60 * 1000); // covers a cold n8n install and a package build on the first run

const WORKFLOW_ID = fixtureId('laEnrich');
const TRIGGER = 'Microsoft Sentinel Trigger';
const ENRICH = 'Azure Log Analytics';

interface AlertEnrichment {
	alertName: string | null;
	displayName: string;
	status: string;
	query?: string;
	timespan?: string;
	totalRows?: number;
	columns?: string[];
	rows?: Array<Record<string, unknown>>;
	summary: string;
	error?: string;
}

/** The emulator's own answer for a query over a window, as row objects with dynamic cells parsed. */
function tableRows(emulator: RunningEmulator, query: string, timespan: string): Array<Record<string, unknown>> {
	const table = emulator.logAnalytics.query(query, { timespan }).tables[0];
	return table.rows.map((row) =>
		Object.fromEntries(table.columns.map((c, i) => [c.name, c.type === 'dynamic' && typeof row[i] === 'string' ? JSON.parse(row[i] as string) : row[i]])),
	);
}

describe('Sentinel Trigger → Azure Log Analytics Enrich Incident (real n8n, emulated Azure)', () => {
	let emulator: RunningEmulator;
	let n8n: N8nInstance;

	beforeAll(async () => {
		emulator = await startEmulator({ seedIncidents: 0 });
		const credential = emulatorAzureCredential(emulator);
		n8n = await N8nInstance.start({
			label: 'log-analytics',
			credentials: [credential],
			workflows: [
				linearWorkflow({
					id: WORKFLOW_ID,
					name: 'E2E: Sentinel incidents → Log Analytics enrichment',
					nodes: [sentinelTriggerNode(emulator, credential), enrichIncidentNode(credential, { rowsPerAlert: 5 })],
				}),
			],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await emulator?.stop();
	});

	e2eTest('n8n loads the Azure Log Analytics node under the package name', async () => {
		const nodeTypes = await n8n.internalApi<Array<{ name: string; usableAsTool?: boolean }>>('GET', '/types/nodes.json');
		const names = nodeTypes.map((type) => type.name);
		expect(names).toContain(AZURE_LOG_ANALYTICS_TYPE);
		// usableAsTool: n8n derives the AI-agent tool variant.
		expect(names).toContain(`${AZURE_LOG_ANALYTICS_TYPE}Tool`);
	});

	e2eTest("enriches each polled incident with its alerts' rows, exactly as the workspace holds them", async () => {
		const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
		const incidents = [
			emulator.sentinel.createIncident({
				title: 'E2E: brute force and a Defender alert',
				severity: 'High',
				createdTimeUtc: hoursAgo(2),
				lastModifiedTimeUtc: hoursAgo(2),
				alerts: [{ scheduledRule: 'signin-bruteforce' }, { productName: 'Microsoft Defender for Endpoint' }],
			}),
			emulator.sentinel.createIncident({
				title: 'E2E: encoded PowerShell and a new local admin',
				severity: 'Medium',
				createdTimeUtc: hoursAgo(1),
				lastModifiedTimeUtc: hoursAgo(1),
				alerts: [{ scheduledRule: 'encoded-powershell' }, { scheduledRule: 'local-admin-added' }, { scheduledRule: 'sharepoint-mass-download' }],
			}),
		];

		await n8n.activateWorkflow(WORKFLOW_ID);
		const [execution] = await n8n.waitForExecutions(WORKFLOW_ID, 1, 120_000);
		expect(executionError(execution)).toBeUndefined();
		expect(execution.status).toBe('success');

		const triggered = nodeOutputJson(execution, TRIGGER);
		const enriched = nodeOutputJson(execution, ENRICH);
		expect(enriched).toHaveLength(incidents.length);
		for (const [index, item] of enriched.entries()) {
			// Everything the trigger emitted is passed on unchanged; only `enrichment` is added.
			const { enrichment, ...rest } = item as Record<string, unknown> & { enrichment: { summary: string; alerts: AlertEnrichment[]; warnings: string[] } };
			expect(rest).toEqual(triggered[index]);
			const sourceAlerts = (triggered[index].alerts as Array<{ alertName: string; query?: string }>) ?? [];
			expect(enrichment.alerts.map((a) => a.alertName)).toEqual(sourceAlerts.map((a) => a.alertName));
			for (const alert of enrichment.alerts) {
				if (alert.status === 'noQuery') continue;
				expect(alert.status).toBe('ok');
				const expected = tableRows(emulator, alert.query as string, alert.timespan as string);
				expect(expected.length).toBeGreaterThan(0);
				expect(alert.totalRows).toBe(expected.length);
				expect(alert.rows).toEqual(expected.slice(0, 5));
				expect(alert.columns).toEqual(Object.keys(expected[0]));
			}
			expect(enrichment.summary.split('\n')[0]).toMatch(/^Log Analytics: \d+ alerts?, \d+ with results/);
			expect(enrichment.warnings).toEqual([]);
		}
		const byTitle = new Map(enriched.map((item) => [item.title, item]));
		const first = byTitle.get('E2E: brute force and a Defender alert') as { enrichment: { alerts: AlertEnrichment[] } };
		expect(first.enrichment.alerts.map((a) => a.status)).toEqual(['ok', 'noQuery']);
		expect(first.enrichment.alerts[0].rows?.[0]).toMatchObject({ FailedCount: 12, SuccessCount: 1 });
		// One query per alert with a query, each with the server timeout set through Prefer.
		const queries = emulator.requests.filter((r) => r.route === 'loganalytics.query');
		expect(queries).toHaveLength(4);
		expect(queries.every((r) => r.headers.prefer === 'wait=60')).toBe(true);
		expect(emulator.logAnalytics.concurrency.max).toBeLessThanOrEqual(5);

		await n8n.deactivateWorkflow(WORKFLOW_ID);
	});
});
