/**
 * Bad IDs, URLs and GUIDs in every resource locator: the incident and workspace of the Microsoft Sentinel node, the
 * workspace and incident ID of the Azure Log Analytics node, the workspace of the Microsoft Sentinel Trigger. Each
 * gets a clear error before or from Azure (never a crash, an internal error or a request to another path), and under
 * "continue on fail" a bad item never drops the good ones.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { MicrosoftSentinelTrigger } from '../../../nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node';
import type { Emulator } from '../../emulator';
import { emulatorCredential, triggerParameters } from '../../helpers/azureFixtures';
import { PollHarness } from '../../helpers/n8nHarness';
import { enrichmentOf, enrichParameters, run as runLogAnalytics, runQueryParameters } from '../logAnalytics/support';
import { json, resetEmulator, run as runSentinel, startNodeEmulator, triggerItem } from '../sentinelNode/support';
import { expectClearError, expectRefused, hostileSuite, outcomeOf, type Outcome } from './support';

jest.setTimeout(120_000);

const suite = hostileSuite('locators.test.ts');
const ZERO = '00000000-0000-0000-0000-000000000000';
const ARM_PATH_REFUSED = /^Not an incident name$/;

let emu: Emulator;
beforeAll(async () => {
	emu = await startNodeEmulator();
});
afterAll(() => emu.stop());
afterEach(() => resetEmulator(emu));

const workspaceById = () => ({ __rl: true, mode: 'id', value: emu.workspace.armId });
/** Requests that left for Azure Resource Manager other than sign-in: none may address anything but an incident path. */
const armRequests = () => emu.requests.filter((r) => r.route !== 'token' && !String(r.route).startsWith('loganalytics'));

type Expectation = { error: RegExp; http?: number } | { refused: RegExp };

function check(outcome: Outcome, expected: Expectation): void {
	if ('refused' in expected) expectRefused(outcome, expected.refused);
	else {
		expectClearError(outcome, expected.error, [emu.principal.clientSecret]);
		if (outcome.kind === 'error' && expected.http !== undefined) expect(Number(outcome.httpCode)).toBe(expected.http);
	}
}

describe('Microsoft Sentinel: the Incident locator', () => {
	const NOT_FOUND = { error: /^Not found \(NotFound\): could not read incident /, http: 404 };
	const NOT_A_NAME = { error: /^Not an incident name$/ };
	const cases: Array<[label: string, mode: string, value: string, expected: Expectation]> = [
		['blank', 'id', '   ', { error: /^No incident given$/ }],
		['empty', 'id', '', { refused: /Parameter "Incident" is required/ }],
		['path traversal', 'id', '../../subscriptions', NOT_A_NAME],
		['slash', 'id', 'abc/def', NOT_A_NAME],
		['query string', 'id', 'a?b', NOT_A_NAME],
		['fragment', 'id', 'a#b', NOT_A_NAME],
		['encoded dots', 'id', '%2e%2e', NOT_A_NAME],
		['backslash', 'id', 'a\\b', NOT_A_NAME],
		['NUL', 'id', 'a\u0000b', NOT_A_NAME],
		['KQL/SQL quote', 'id', "'; drop", NOT_A_NAME],
		['5,000 characters', 'id', 'x'.repeat(5000), NOT_A_NAME],
		['not a GUID', 'id', 'not-a-guid', NOT_FOUND],
		['the zero GUID', 'id', ZERO, NOT_FOUND],
		['GUID with a trailing newline', 'id', `${ZERO}\n`, NOT_FOUND],
		['GUID with a leading blank', 'id', ` ${ZERO}`, NOT_FOUND],
		['GUID with a zero-width space', 'id', `${ZERO}\u200B`, NOT_FOUND],
		['right-to-left override', 'id', '\u202Eabc', NOT_FOUND],
		['HTML', 'id', '<script>', NOT_FOUND],
		['number: zero', 'number', '0', { error: /^The incident number must be a positive whole number$/ }],
		['number: 20 digits', 'number', '99999999999999999999', { error: /^The incident number must be a positive whole number$/ }],
		['number: negative', 'number', '-1', { refused: /An incident number is a whole number/ }],
		['number: exponent', 'number', '1e3', { refused: /An incident number is a whole number/ }],
		['number: fraction', 'number', '3.5', { refused: /An incident number is a whole number/ }],
		['number: trailing text', 'number', '12abc', { refused: /An incident number is a whole number/ }],
		['number: missing after #', 'number', '#', { refused: /An incident number is a whole number/ }],
		['number: not in the workspace', 'number', '987654', { error: /^There is no incident number 987654 in workspace / }],
		['URL of another site', 'url', 'https://evil.example/subscriptions/x', { error: /^The link does not name a Microsoft Sentinel incident$/ }],
		['javascript: URL', 'url', 'javascript:alert(1)', { refused: /Paste an incident link/ }],
		['plain http', 'url', `http://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident/subscriptions/${ZERO}/x`, { refused: /Paste an incident link/ }],
		['text, not a URL', 'url', 'not a url', { refused: /Paste an incident link/ }],
		['Defender link without a number', 'url', 'https://security.microsoft.com/incidents/abc', { error: /^The link does not name a Microsoft Sentinel incident$/ }],
		['Defender link with encoded dots', 'url', 'https://security.microsoft.com/incidents/%2e%2e', { error: /^The link does not name a Microsoft Sentinel incident$/ }],
	];

	test.each(cases)('%s (%s)', async (_label, mode, value, expected) => {
		suite.count();
		const incident = emu.sentinel.createIncident();
		const before = emu.sentinel.getIncident(incident.name);
		const outcome = await outcomeOf(runSentinel(emu, 'get', { incident: { __rl: true, mode, value }, workspace: workspaceById() }, { input: [{}] }));
		check(outcome, expected);
		// Nothing but incident reads reached Azure, and nothing changed.
		for (const request of armRequests()) expect(request.method === 'GET' || request.route === 'incidents.alerts' || request.route === 'incidents.entities').toBe(true);
		expect(emu.sentinel.getIncident(incident.name)).toEqual(before);
	});

	// Found by this suite: a lone surrogate reached encodeURIComponent and failed as "Azure request failed … (URIError)";
	// `.` and `..` passed the name check and were sent, so the request resolved to another ARM path.
	test.each([
		['a lone surrogate', '\uD800'],
		['a dot segment', '..'],
		['a single dot', '.'],
	])('%s is refused as "Not an incident name" before any request', async (_label, value) => {
		suite.count();
		const outcome = await outcomeOf(runSentinel(emu, 'get', { incident: { __rl: true, mode: 'id', value }, workspace: workspaceById() }, { input: [{}] }));
		check(outcome, NOT_A_NAME);
		expect(armRequests().filter((r) => String(r.route).startsWith('incidents') || r.route === 'unmatched')).toEqual([]);
	});

	test('Update with a bad incident changes nothing and the other items still update (continue on fail)', async () => {
		suite.count();
		const good = emu.sentinel.createIncident({ title: 'good' });
		const items: IDataObject[] = [
			triggerItem(emu, good),
			{ incidentName: 'a/b', workspace: { armId: emu.workspace.armId } },
			{ incidentName: ZERO, workspace: { armId: emu.workspace.armId } },
			{ incidentName: good.name, workspace: { armId: 'not a workspace' } },
			triggerItem(emu, good),
		];
		const result = await runSentinel(emu, 'update', { tagAction: 'add', tags: 'hostile' }, { input: items, continueOnFail: true });
		const out = json(result);
		expect(out).toHaveLength(5);
		expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(out[0]).toMatchObject({ incidentName: good.name });
		expect(out[0].error).toBeUndefined();
		expect(out[1]).toMatchObject({ error: 'Not an incident name', statusCode: null });
		expect(out[2]).toMatchObject({ error: expect.stringMatching(/^Not found \(NotFound\)/), statusCode: 404 });
		expect(out[3]).toMatchObject({ error: expect.stringMatching(/workspace/i) });
		expect(out[4]).toMatchObject({ incidentName: good.name });
		expect(out[4].error).toBeUndefined();
		expect(emu.sentinel.getIncident(good.name)?.properties.labels?.map((l: { labelName: string }) => l.labelName)).toContain('hostile');
	});
});

describe('Microsoft Sentinel: the Workspace locator', () => {
	const NOT_AN_ID = { refused: /Not a Log Analytics workspace resource ID/ };
	const cases: Array<[label: string, mode: string, value: string, expected: Expectation]> = [
		['empty', 'id', '', { refused: /Parameter "Workspace" is required/ }],
		['free text', 'id', 'not-an-arm-id', NOT_AN_ID],
		['no workspace name', 'id', '/subscriptions/x/resourceGroups/y/providers/Microsoft.OperationalInsights/workspaces/', NOT_AN_ID],
		['another resource type', 'id', `/subscriptions/${ZERO}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s`, NOT_AN_ID],
		['encoded slash in the group', 'id', `/subscriptions/${ZERO}/resourceGroups/r%2Fg/providers/Microsoft.OperationalInsights/workspaces/ws`, NOT_AN_ID],
		['a URL', 'id', 'https://evil.example/', NOT_AN_ID],
		['a bare GUID', 'id', ZERO, NOT_AN_ID],
		['path traversal in the name', 'id', `/subscriptions/${ZERO}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/..`, NOT_AN_ID],
		['unknown subscription', 'id', `/subscriptions/${ZERO}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/nope`, { error: /^Not found \(SubscriptionNotFound\)/, http: 404 }],
		['URL mode: not a link', 'url', 'not-an-arm-id', { refused: /Paste a link from the Azure portal or the Defender portal/ }],
		['URL mode: a GUID', 'url', ZERO, { refused: /Paste a link from the Azure portal or the Defender portal/ }],
		['URL mode: a link to another site', 'url', 'https://evil.example/', { error: /^No Microsoft Sentinel workspace for this item$/ }],
	];

	test.each(cases)('%s (%s)', async (_label, mode, value, expected) => {
		suite.count();
		const incident = emu.sentinel.createIncident();
		const outcome = await outcomeOf(runSentinel(emu, 'get', { incident: { __rl: true, mode: 'id', value: incident.name }, workspace: { __rl: true, mode, value } }, { input: [{}] }));
		check(outcome, expected);
		expect(armRequests().every((r) => r.method === 'GET')).toBe(true);
	});
});

describe('Azure Log Analytics: Workspace and Incident ID', () => {
	const itemFor = () => triggerItemWithAlerts();
	function triggerItemWithAlerts(): IDataObject {
		const incident = emu.sentinel.createIncident({ alerts: [{ scheduledRule: 'rare-system-process' }] });
		return { incidentName: incident.name, workspace: { armId: emu.workspace.armId } };
	}

	const workspaceCases: Array<[label: string, workspace: IDataObject, expected: Expectation]> = [
		['workspace ID that is not a GUID', { __rl: true, mode: 'workspaceId', value: 'not-a-guid' }, { refused: /Not a workspace ID: use the GUID from the workspace's Overview page/ }],
		['workspace ID with a query string', { __rl: true, mode: 'workspaceId', value: `${ZERO}?x=1` }, { refused: /Not a workspace ID/ }],
		['workspace ID with path traversal', { __rl: true, mode: 'workspaceId', value: `../${ZERO}` }, { refused: /Not a workspace ID/ }],
		['workspace ID from an expression that is not a GUID', { __rl: true, mode: 'workspaceId', value: '={{ "../" + "x" }}' }, { error: /^The workspace ID is not a GUID$/ }],
		['resource ID of nothing', { __rl: true, mode: 'id', value: 'https://evil.example/' }, { refused: /Not a Log Analytics workspace resource ID/ }],
		['resource ID from an expression that is nothing', { __rl: true, mode: 'id', value: '={{ "https://evil.example/" }}' }, { error: /^Choose the Log Analytics workspace to query$/ }],
		['unknown workspace', { __rl: true, mode: 'id', value: `/subscriptions/${ZERO}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/nope` }, { error: /./ }],
	];

	test.each(workspaceCases)('Run Query: %s', async (_label, workspace, expected) => {
		suite.count();
		emu.clearRequests();
		const outcome = await outcomeOf(runLogAnalytics(emu, runQueryParameters(emu, { workspace } as INodeParameters)));
		check(outcome, expected);
		expect(emu.requestCount('loganalytics.query')).toBe(0);
	});

	const incidentCases: Array<[label: string, incidentId: string, expected: Expectation]> = [
		['path traversal', '../../subscriptions', { error: ARM_PATH_REFUSED }],
		['slash', 'a/b', { error: ARM_PATH_REFUSED }],
		['query string', 'x?api-version=1', { error: ARM_PATH_REFUSED }],
		['NUL', 'a\u0000b', { error: ARM_PATH_REFUSED }],
		['5,000 characters', 'x'.repeat(5000), { error: ARM_PATH_REFUSED }],
		['a dot segment', '..', { error: ARM_PATH_REFUSED }],
		['a single dot', '.', { error: ARM_PATH_REFUSED }],
		['a lone surrogate', 'a\uD800', { error: ARM_PATH_REFUSED }],
		['unknown GUID', ZERO, { error: /^Not found \(NotFound\)/, http: 404 }],
	];

	test.each(incidentCases)('Enrich Incident, incident ID: %s', async (_label, incidentId, expected) => {
		suite.count();
		emu.clearRequests();
		const outcome = await outcomeOf(runLogAnalytics(emu, enrichParameters({ incidentId }), [{ ...itemFor(), incidentName: incidentId }]));
		check(outcome, expected);
		expect(emu.requestCount('loganalytics.query')).toBe(0);
		expect(emu.requests.filter((r) => r.route === 'unmatched')).toEqual([]);
	});

	test('Enrich Incident under continue on fail: the bad items carry their reason, the good ones their evidence', async () => {
		suite.count();
		const good = itemFor();
		const items = [good, { ...good, incidentName: 'a/b' }, { ...good, workspace: { armId: 'nonsense' } }, { title: 'no incident' }, good];
		const result = await runLogAnalytics(emu, enrichParameters(), items, true);
		expect(result.items).toHaveLength(5);
		const statuses = result.items.map((item) => (item.json.error ? `error: ${String(item.json.error)}` : enrichmentOf(item.json).alerts.map((a) => a.status).join()));
		expect(statuses[0]).toBe('ok');
		expect(statuses[1]).toBe('error: Not an incident name');
		expect(statuses[2]).toMatch(/^error: Choose the Log Analytics workspace to query$/);
		expect(statuses[3]).toMatch(/^error: /);
		expect(statuses[4]).toBe('ok');
		for (const item of result.items.slice(1, 4)) expect(enrichmentOf(item.json).summary).toMatch(/^Log Analytics enrichment failed: /);
	});
});

describe('Microsoft Sentinel Trigger: the Workspace locator', () => {
	const trigger = new MicrosoftSentinelTrigger();
	const cases: Array<[label: string, workspace: IDataObject, message: RegExp]> = [
		['free text', { __rl: true, mode: 'id', value: 'not-an-arm-id' }, /workspace/i],
		['a bare GUID', { __rl: true, mode: 'id', value: ZERO }, /workspace/i],
		['another resource type', { __rl: true, mode: 'id', value: `/subscriptions/${ZERO}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s` }, /workspace/i],
		['a link to another site', { __rl: true, mode: 'url', value: 'https://evil.example/' }, /workspace/i],
		['empty', { __rl: true, mode: 'id', value: '' }, /workspace/i],
		['unknown subscription', { __rl: true, mode: 'id', value: `/subscriptions/${ZERO}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/nope` }, /not found|SubscriptionNotFound|could not/i],
	];

	test.each(cases)('%s: the poll fails with a clear error and keeps no state', async (_label, workspace, message) => {
		suite.count();
		const harness = new PollHarness({ nodeType: trigger, typeName: 'n8n-nodes-sentinel-signl4.microsoftSentinelTrigger', parameters: triggerParameters(emu, { workspace: workspace as never }), credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) } });
		let thrown: unknown;
		try {
			await harness.poll('manual', 'manual');
		} catch (error) {
			thrown = error;
		}
		const error = thrown as { name?: string; message?: string; description?: string };
		expect(['NodeOperationError', 'NodeApiError']).toContain(error?.name);
		expect(error.message).toMatch(message);
		expect(`${error.message} ${error.description ?? ''}`).not.toMatch(/TypeError|Cannot read|undefined|\n\s+at /);
		expect(`${error.message} ${error.description ?? ''}`).not.toContain(emu.principal.clientSecret);
		expect(harness.staticData).toEqual({});
	});
});
