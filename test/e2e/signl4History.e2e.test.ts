/**
 * Reference workflow 5 in a real n8n 2.41: SIGNL4's outbound webhook pointed at its trigger, a Signl raised for a
 * Sentinel incident, acknowledged, annotated and closed in the emulator's SIGNL4, plus a duty event → one row per
 * event in SIGNL4_CL through the Logs Ingestion API (Azure Log Analytics → Send Records), with the incident's
 * severity and number read from Sentinel; then the saved response-times query, run by the Azure Log Analytics node
 * in the same n8n, gives the MTTA and MTTR the emulator's SIGNL4 recorded.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startEmulator, type Incident } from '../emulator';
import { ruleSpecFromTemplate } from '../emulator/loganalytics/ingestion/template-rule';
import { emulatorAzureCredential, signlExternalId, type RunningEmulator } from './fixtures/sentinel';
import { REFERENCE_WORKFLOWS, referenceWorkflow, signl4HistoryUrl, withHistorySettings } from './fixtures/referenceWorkflows';
import { signl4BasicAuthCredential } from './fixtures/signl4';
import { N8nInstance, e2eTest, executionError, fixtureId, linearWorkflow, nodeOutputJson, type N8nExecution } from './harness';

jest.setTimeout(20 * 60_000);

const DEPLOY = path.resolve(__dirname, '../../deploy/signl4-history');
const WF5 = REFERENCE_WORKFLOWS.signl4History.id;
const QUERY_WF = fixtureId('s4HistoryQuery');
const QUERY_PATH = 'signl4-history-mtta';
const CALLBACK_USER = 'signl4';
const CALLBACK_PASSWORD = 'n8n-history-Passw0rd';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectSucceeded(executions: N8nExecution[]): void {
	for (const execution of executions) expect({ id: execution.id, status: execution.status, error: executionError(execution) }).toMatchObject({ status: 'success' });
}

describe('workflow 5: SIGNL4 history → SIGNL4_CL, and the MTTA query (real n8n, emulated Azure and SIGNL4)', () => {
	let emu: RunningEmulator;
	let n8n: N8nInstance;
	let incident: Incident;

	beforeAll(async () => {
		emu = await startEmulator();
		incident = emu.sentinel.createIncident({ title: 'Impossible travel for adele.vance', severity: 'High' });
		// The rule the template deploys, defined in the emulator's data collection endpoint.
		const rule = emu.ingestion.defineRule(ruleSpecFromTemplate(path.join(DEPLOY, 'azuredeploy.json')));

		const azure = emulatorAzureCredential(emu);
		const callbackAuth = signl4BasicAuthCredential(CALLBACK_USER, CALLBACK_PASSWORD);
		// What the user copies from the template's outputs into Settings.
		const history = withHistorySettings(referenceWorkflow('signl4History', { credentials: [azure, callbackAuth], workspaceArmId: emu.workspace.armId }), {
			endpoint: emu.url,
			ruleId: rule.immutableId,
		});
		const mttaQuery = linearWorkflow({
			id: QUERY_WF,
			name: 'E2E: SIGNL4 response times by severity',
			nodes: [
				{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: randomUUID(), parameters: { httpMethod: 'POST', path: QUERY_PATH, responseMode: 'onReceived', options: {} } },
				{
					name: 'Response times by severity',
					type: 'n8n-nodes-sentinel-signl4.azureLogAnalytics',
					typeVersion: 1,
					credentials: { [azure.type]: { id: azure.id, name: azure.name } },
					parameters: {
						resource: 'query',
						operation: 'run',
						workspace: { __rl: true, mode: 'workspaceId', value: emu.workspace.customerId },
						query: readFileSync(path.join(DEPLOY, 'queries/response-times-by-severity.kql'), 'utf8'),
						timeRange: 'query',
						output: 'rows',
						options: {},
					},
				},
			],
		});
		n8n = await N8nInstance.start({ label: 'signl4-history', credentials: [azure, callbackAuth], workflows: [history, mttaQuery] });
		await n8n.activateWorkflow(WF5);
		await n8n.activateWorkflow(QUERY_WF);
		// The SIGNL4 admin adds workflow 5's production URL as one more outbound webhook (workflow 2 keeps its own).
		emu.signl4.outbound.addTarget(signl4HistoryUrl(n8n.baseUrl), { basicAuth: { user: CALLBACK_USER, password: CALLBACK_PASSWORD } });
	});

	afterAll(async () => {
		await n8n?.stop();
		await emu?.stop();
	});

	e2eTest("a Signl's events and a duty event become SIGNL4_CL rows; the saved query gives its MTTA and MTTR", async () => {
		const [john] = emu.signl4.users;
		const externalId = signlExternalId(emu, incident);
		const signl = emu.signl4.raise({ title: `[High] Sentinel #${incident.properties.incidentNumber}: ${incident.properties.title}`, externalId });
		await emu.signl4.outbound.idle();
		// Known gaps between the events, so the figures mean something (the query works on the events' own times).
		await sleep(2_000);
		emu.signl4.acknowledge(signl.id, john.mail);
		await emu.signl4.outbound.idle();
		emu.signl4.annotate(signl.id, 'Blocked the sign-ins, resetting the password', john.mail);
		await emu.signl4.outbound.idle();
		await sleep(1_000);
		emu.signl4.close(signl.id, john.mail);
		emu.signl4.duty('started', john.mail);
		await emu.signl4.outbound.idle();
		expectSucceeded(await n8n.waitForExecutions(WF5, 5, 120_000));

		const rows = emu.logAnalytics.rows('SIGNL4_CL');
		console.log(`SIGNL4_CL: ${rows.length} rows in ${emu.ingestion.uploads.length} uploads (${emu.ingestion.uploads.map((u) => `${u.bytes} B gzipped`).join(', ')})`);
		const signlRows = rows.filter((row) => row.SignlId === signl.id);
		expect(signlRows.map((row) => row.EventType)).toEqual(['alertCreated', 'alertAcknowledged', 'alertAnnotated', 'alertClosed']);
		for (const row of signlRows) {
			expect(row).toMatchObject({
				ExternalId: externalId,
				IncidentName: incident.name,
				IncidentNumber: incident.properties.incidentNumber,
				Severity: 'High',
			});
			expect(String(row.Workspace).toLowerCase()).toBe(emu.workspace.armId.toLowerCase());
			expect(row.CallbackId).toEqual(expect.any(String));
		}
		expect(signlRows.slice(1).map((row) => row.User)).toEqual([john.name, john.name, john.name]);
		expect(signlRows[2].Text).toBe('Blocked the sign-ins, resetting the password');
		const duty = rows.filter((row) => row.EventType === 'dutyStarted');
		expect(duty).toHaveLength(1);
		expect(duty[0]).toMatchObject({ SignlId: '', IncidentName: '', Severity: '', Team: emu.signl4.team.id });

		// The emulator's SIGNL4 recorded when the Signl was raised, acknowledged and closed.
		const record = emu.signl4.alert(signl.id)!;
		const mtta = (Date.parse(record.acknowledged!) - Date.parse(record.created)) / 1000;
		const mttr = (Date.parse(record.closed!) - Date.parse(record.created)) / 1000;
		console.log(`recorded by SIGNL4: MTTA ${mtta} s, MTTR ${mttr} s`);
		expect(mtta).toBeGreaterThanOrEqual(2);

		const response = await fetch(`${n8n.baseUrl}/webhook/${QUERY_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(response.status).toBe(200);
		const [run] = await n8n.waitForExecutions(QUERY_WF, 1);
		expectSucceeded([run]);
		const result = nodeOutputJson(run, 'Response times by severity');
		console.log(`response-times-by-severity.kql through the Azure Log Analytics node: ${JSON.stringify(result)}`);
		expect(result).toHaveLength(1);
		expect(result[0]).toMatchObject({ Severity: 'High', Signls: 1, AcknowledgedSignls: 1, ClosedSignls: 1 });
		// The callbacks' times and SIGNL4's record are taken a moment apart: within 50 ms of each other.
		expect(Math.abs((result[0].MttaSeconds as number) - mtta)).toBeLessThan(0.05);
		expect(Math.abs((result[0].MttrSeconds as number) - mttr)).toBeLessThan(0.05);
	});
});
