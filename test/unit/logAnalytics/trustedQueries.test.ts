/**
 * Enrich Incident is secure by default: the KQL it runs comes from Microsoft Sentinel (the incident's alerts, read by
 * the incident's name in its workspace), never from the input item — unless the user says the items are trusted, and
 * even then not when the node runs as an AI agent's tool (n8n's `…Tool` variant) without a second, explicit option.
 */
import { NodeHelpers, type IDataObject } from 'n8n-workflow';

import { chooseAlertSource, isAiToolNodeType } from '../../../nodes/AzureLogAnalytics/helpers/trust';
import { SCHEDULED_RULES } from '../../emulator/generator/scheduled-rules';
import { startEmulator, type Emulator } from '../../emulator';
import { runNode } from '../../helpers/n8nHarness';
import { createIncidentItem, credentials, enrichmentOf, enrichParameters, nodeType, resetLogAnalytics, run, TYPE_NAME } from './support';

const TOOL_TYPE_NAME = `${TYPE_NAME}Tool`;
/** What an untrusted item (a webhook body, an AI agent's arguments) might ask the node to run: a workspace-wide dump. */
const HOSTILE_QUERY = 'SigninLogs | project UserPrincipalName, IPAddress, CorrelationId | take 500';
const BRUTE_FORCE_RULE = SCHEDULED_RULES.find((rule) => rule.key === 'signin-bruteforce')!.query;

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(() => emu.stop());

afterEach(() => resetLogAnalytics(emu));

/** A trigger item for a real brute-force incident, whose alert query was replaced on the way (webhook, AI agent, Set node). */
function tamperedItem(): IDataObject {
	const item = createIncidentItem(emu, { title: 'Tampered', alerts: [{ scheduledRule: 'signin-bruteforce' }] });
	const alerts = item.alerts as IDataObject[];
	return { ...item, alerts: [{ ...alerts[0], query: HOSTILE_QUERY }] };
}

function queriesSent(): string[] {
	return emu.requests.filter((r) => r.route === 'loganalytics.query').map((r) => (r.body as { query: string }).query);
}

describe('where the queries come from', () => {
	it("by default reads the alerts from Sentinel and runs the analytics rule's query, not the item's", async () => {
		const item = tamperedItem();
		emu.clearRequests();
		const result = await run(emu, enrichParameters(), [item]);
		expect(result.error).toBeUndefined();
		const e = enrichmentOf(result.items[0].json);
		expect(e.alertsSource).toBe('sentinel');
		expect(e.alerts).toHaveLength(1);
		expect(e.alerts[0].status).toBe('ok');
		expect(e.alerts[0].query).toMatch(new RegExp(`^set query_now = datetime\\([^)]+\\);\\n${escape(BRUTE_FORCE_RULE)}$`));
		expect(e.alerts[0].rows?.[0]).toMatchObject({ FailedCount: 12, SuccessCount: 1 });
		// The hostile query never left n8n; reading the alerts cost exactly one ARM POST.
		expect(queriesSent()).toHaveLength(1);
		expect(queriesSent().join('\n')).not.toContain('take 500');
		expect(emu.requestCount('incidents.alerts')).toBe(1);
		expect(e.warnings).toEqual([]);
	});

	it('reads once per incident: a batch like workflow 1 costs one ARM POST per incident and gives the same evidence', async () => {
		const items = ['signin-bruteforce', 'encoded-powershell', 'rare-system-process'].map((scheduledRule) => createIncidentItem(emu, { alerts: [{ scheduledRule }, { productName: 'Office 365' }] }));
		emu.clearRequests();
		const result = await run(emu, enrichParameters(), items);
		expect(result.items).toHaveLength(3);
		expect(emu.requestCount('incidents.alerts')).toBe(3);
		const alertPaths = emu.requests.filter((r) => r.route === 'incidents.alerts').map((r) => r.path);
		for (const item of items) expect(alertPaths.some((path) => path.includes(`/incidents/${item.incidentName as string}/alerts`))).toBe(true);
		for (const [index, output] of result.items.entries()) {
			const e = enrichmentOf(output.json);
			// Alerts in the trigger's order, with the trigger's names.
			expect(e.alerts.map((a) => a.alertName)).toEqual((items[index].alerts as Array<{ alertName: string }>).map((a) => a.alertName));
			expect(e.alerts.map((a) => a.status)).toEqual(['ok', 'noQuery']);
		}
	});

	it('never runs the queries of an item that has alerts but no incident to read them from', async () => {
		const { incidentName: _name, ...item } = tamperedItem();
		emu.clearRequests();
		const failed = await run(emu, enrichParameters(), [item]);
		expect(failed.error?.message).toBe('The input item has no incident ID');
		expect(failed.error?.description).toMatch(/Trust Queries in the Input Item/);
		expect(queriesSent()).toEqual([]);
	});

	it("runs the item's own queries only when Trust Queries in the Input Item is on", async () => {
		const item = tamperedItem();
		emu.clearRequests();
		const result = await run(emu, enrichParameters({ options: { trustItemQueries: true, pinQueryTime: false } }), [item]);
		const e = enrichmentOf(result.items[0].json);
		expect(e.alertsSource).toBe('inputItem');
		expect(e.alerts[0].query).toBe(HOSTILE_QUERY);
		expect(queriesSent()).toEqual([HOSTILE_QUERY]);
		expect(emu.requestCount('incidents.alerts')).toBe(0);
	});

	it('a workflow saved with the former "Always Read Alerts From Sentinel" still reads from Sentinel', async () => {
		const item = tamperedItem();
		emu.clearRequests();
		const result = await run(emu, enrichParameters({ options: { readAlertsFromSentinel: true } }), [item]);
		expect(enrichmentOf(result.items[0].json).alertsSource).toBe('sentinel');
		expect(queriesSent().join('\n')).not.toContain('take 500');
	});
});

describe('as an AI tool (the …Tool variant n8n derives)', () => {
	const runAsTool = (options: IDataObject, input: IDataObject[]) =>
		runNode({ nodeType, typeName: TOOL_TYPE_NAME, nodeName: 'Azure Log Analytics Tool', parameters: enrichParameters({ options: options as never }), credentials: credentials(emu), input });

	it('ignores Trust Queries in the Input Item and says so, unless the tool option allows it too', async () => {
		const item = tamperedItem();
		emu.clearRequests();
		const result = await runAsTool({ trustItemQueries: true }, [item]);
		expect(result.error).toBeUndefined();
		const e = enrichmentOf(result.items[0].json);
		expect(e.alertsSource).toBe('sentinel');
		expect(queriesSent().join('\n')).not.toContain('take 500');
		expect(e.warnings).toEqual([
			"The queries in the input item were not run: the node runs as an AI agent's tool. The alerts were read from Microsoft Sentinel instead (turn on 'Trust Queries in the Input Item When Used as a Tool' to change this).",
		]);
	});

	it('runs the item queries as a tool only with both options on', async () => {
		const item = tamperedItem();
		emu.clearRequests();
		const result = await runAsTool({ trustItemQueries: true, trustItemQueriesAsTool: true, pinQueryTime: false }, [item]);
		expect(enrichmentOf(result.items[0].json).alertsSource).toBe('inputItem');
		expect(queriesSent()).toEqual([HOSTILE_QUERY]);
	});

	it('the tool option alone trusts nothing', async () => {
		const item = tamperedItem();
		emu.clearRequests();
		const result = await runAsTool({ trustItemQueriesAsTool: true }, [item]);
		expect(enrichmentOf(result.items[0].json).alertsSource).toBe('sentinel');
		expect(queriesSent().join('\n')).not.toContain('take 500');
	});
});

describe('the decision, as a table', () => {
	test.each([
		// type name, item has alerts, options → source, ignored-item-queries note
		['n8n-nodes-sentinel-signl4.azureLogAnalytics', true, {}, 'sentinel', false],
		['n8n-nodes-sentinel-signl4.azureLogAnalytics', false, {}, 'sentinel', false],
		['n8n-nodes-sentinel-signl4.azureLogAnalytics', true, { trustItemQueries: true }, 'inputItem', false],
		['n8n-nodes-sentinel-signl4.azureLogAnalytics', false, { trustItemQueries: true }, 'sentinel', false],
		['n8n-nodes-sentinel-signl4.azureLogAnalytics', true, { trustItemQueriesAsTool: true }, 'sentinel', false],
		['n8n-nodes-sentinel-signl4.azureLogAnalytics', true, { trustItemQueries: 'true' }, 'sentinel', false],
		['n8n-nodes-sentinel-signl4.azureLogAnalyticsTool', true, {}, 'sentinel', false],
		['n8n-nodes-sentinel-signl4.azureLogAnalyticsTool', true, { trustItemQueries: true }, 'sentinel', true],
		['n8n-nodes-sentinel-signl4.azureLogAnalyticsTool', false, { trustItemQueries: true }, 'sentinel', false],
		['n8n-nodes-sentinel-signl4.azureLogAnalyticsTool', true, { trustItemQueries: true, trustItemQueriesAsTool: true }, 'inputItem', false],
		['CUSTOM.azureLogAnalyticsTool', true, { trustItemQueries: true }, 'sentinel', true],
		['CUSTOM.azureLogAnalytics', true, { trustItemQueries: true }, 'inputItem', false],
	] as const)('%s, item alerts %s, %j → %s', (type, itemHasAlerts, options, source, noted) => {
		const decision = chooseAlertSource({ nodeType: type, itemHasAlerts, options });
		expect(decision.source).toBe(source);
		expect(decision.note !== undefined).toBe(noted);
	});

	test.each([
		['n8n-nodes-sentinel-signl4.azureLogAnalytics', false],
		['n8n-nodes-sentinel-signl4.azureLogAnalyticsTool', true],
		['CUSTOM.azureLogAnalyticsTool', true],
		['@scope/n8n-nodes-x.azureLogAnalyticsTool', true],
		['n8n-nodes-base.toolCode', true],
		['n8n-nodes-base.httpRequest', false],
		['azureLogAnalytics', false],
		['', false],
	])('%s is a tool: %s (as n8n-workflow itself decides)', (type, tool) => {
		expect(isAiToolNodeType(type)).toBe(tool);
		// The same answer as n8n 2.41's own helper, where it exists.
		const own = (NodeHelpers as unknown as { isToolType?: (type: string) => boolean }).isToolType;
		if (own) expect(own(type)).toBe(tool);
	});
});

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
