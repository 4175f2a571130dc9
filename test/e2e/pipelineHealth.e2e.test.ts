/**
 * Workflow 4, pipeline health, in a real n8n: two workflows that name it as their error workflow fail (a Microsoft
 * Sentinel node against a Sentinel answering 403). The operations team gets one SIGNL4 alert per failing workflow,
 * naming the workflow, the node, n8n's error message and the execution URL — not one per failure — through its own
 * SIGNL4 credential (the SOC's would not even reach SIGNL4 here). The de-duplication survives a kill -9 of n8n.
 */
import { randomUUID } from 'node:crypto';

import { startEmulator } from '../emulator';
import { REFERENCE_WORKFLOWS, referenceWorkflow } from './fixtures/referenceWorkflows';
import { emulatorAzureCredential, type RunningEmulator } from './fixtures/sentinel';
import { sentinelNode } from './fixtures/sentinelNode';
import { emulatorSignl4Credential } from './fixtures/signl4';
import { e2eTest, eventually, executionError, fixtureId, linearWorkflow, N8nInstance, type N8nExecution, type WorkflowFixture } from './harness';

jest.setTimeout(20 * 60_000);

const WF4 = REFERENCE_WORKFLOWS.pipelineHealth.id;
const FAILING = [
	{ id: fixtureId('failingA'), name: 'Nightly incident report', path: 'pipeline-health-a' },
	{ id: fixtureId('failingB'), name: 'Weekly Sentinel export', path: 'pipeline-health-b' },
];
const FAILING_NODE = 'List Sentinel incidents';

/** Webhook → Microsoft Sentinel (Get Many): fails while Sentinel answers 403; its error workflow is workflow 4. */
function failingWorkflow(emu: RunningEmulator, azure: ReturnType<typeof emulatorAzureCredential>, spec: (typeof FAILING)[number]): WorkflowFixture {
	return linearWorkflow({
		id: spec.id,
		name: spec.name,
		settings: { errorWorkflow: WF4 },
		nodes: [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: spec.path, responseMode: 'onReceived', options: {} },
			},
			sentinelNode(FAILING_NODE, azure, 'getMany', { workspace: { __rl: true, mode: 'id', value: emu.workspace.armId }, returnAll: false, limit: 5, filters: {} }),
		],
	});
}

/** Two failures a few seconds apart must fall into the same UTC hour: wait past the hour if it is about to turn. */
async function awayFromTheHourBoundary(marginMs = 3 * 60_000): Promise<void> {
	const intoHour = Date.now() % 3_600_000;
	if (intoHour > 3_600_000 - marginMs) await new Promise((resolve) => setTimeout(resolve, 3_600_000 - intoHour + 5_000));
}

describe('workflow 4: pipeline health → the operations team in SIGNL4', () => {
	let emu: RunningEmulator;
	let n8n: N8nInstance;
	const opsAlerts = () => emu.signl4.alerts().filter((alert) => alert.externalId?.startsWith('n8n-pipeline:'));

	async function fail(spec: (typeof FAILING)[number], count: number): Promise<N8nExecution> {
		const response = await fetch(`${n8n.baseUrl}/webhook/${spec.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(response.status).toBe(200);
		const executions = await n8n.waitForExecutions(spec.id, count);
		const latest = executions[executions.length - 1];
		expect(latest.status).toBe('error');
		return latest;
	}

	beforeAll(async () => {
		await awayFromTheHourBoundary();
		emu = await startEmulator({ seedIncidents: 2 });
		// The principal lost its Sentinel role: every Sentinel request is refused.
		emu.faults.add({ route: 'sentinel', kind: 'status', status: 403, times: Infinity });
		const azure = emulatorAzureCredential(emu);
		// The SOC's SIGNL4 team is not the operations team: with the SOC's credential the alert would not arrive.
		const soc = emulatorSignl4Credential(emu, { id: fixtureId('signl4Soc'), name: 'SIGNL4 On-Call (SOC)', teamSecret: 'the-soc-team-is-not-here' });
		const ops = emulatorSignl4Credential(emu, { id: fixtureId('signl4Ops'), name: 'SIGNL4 On-Call (operations)', teamSecret: emu.signl4.integrationSecret });
		const pipelineHealth = referenceWorkflow('pipelineHealth', { credentials: [azure, soc], opsCredentials: [ops], workspaceArmId: emu.workspace.armId });
		n8n = await N8nInstance.start({
			label: 'pipeline-health',
			credentials: [azure, soc, ops],
			workflows: [pipelineHealth, ...FAILING.map((spec) => failingWorkflow(emu, azure, spec))],
		});
		// An error workflow runs only when published (n8n 2.x loads its published version).
		await n8n.activateWorkflow(WF4);
		for (const spec of FAILING) await n8n.activateWorkflow(spec.id);
	});

	afterAll(async () => {
		await n8n?.stop();
		await emu?.stop();
	});

	e2eTest('workflow 4 alerts with the operations credential', async () => {
		const workflow = await n8n.getWorkflow(WF4);
		const send = workflow.nodes.find((node) => node.type === 'n8n-nodes-sentinel-signl4.signl4OnCall') as unknown as { credentials: Record<string, { id: string }> };
		expect(send.credentials.signl4OnCallApi.id).toBe(fixtureId('signl4Ops'));
	});

	e2eTest('a workflow failing twice within the hour: exactly one alert, naming workflow, node, message and execution', async () => {
		const [a] = FAILING;
		const first = await fail(a, 1);
		const [firstAlert] = await eventually('the operations alert', () => (opsAlerts().length ? opsAlerts() : undefined), { timeoutMs: 60_000 });
		const message = executionError(first);
		expect(message).toBeDefined();
		const errorMessage = first.data!.resultData.error!.message;
		expect(errorMessage).toContain('not allowed');

		await fail(a, 2);
		// Workflow 4 ran for both failures; the second run stopped at the de-duplication.
		const runs = await n8n.waitForExecutions(WF4, 2);
		for (const run of runs) expect({ id: run.id, status: run.status, error: executionError(run) }).toMatchObject({ status: 'success' });
		expect(Object.keys(runs[1].data!.resultData.runData)).not.toContain('Alert the operations team');

		expect(opsAlerts()).toHaveLength(1);
		const hour = new Date().toISOString().slice(0, 13);
		expect(firstAlert.externalId).toBe(`n8n-pipeline:${a.id}:${hour}`);
		expect(firstAlert.title).toBe(`n8n workflow failed: ${a.name}`);
		expect(firstAlert.text).toContain(`Workflow: ${a.name} (${a.id})`);
		expect(firstAlert.text).toContain(`Node: ${FAILING_NODE}`);
		expect(firstAlert.text).toContain(`Error: ${errorMessage}`);
		expect(firstAlert.text).toContain(`Execution: ${n8n.baseUrl}/workflow/${a.id}/executions/${first.id}`);
		expect(firstAlert.category).toBe('n8n');
		expect(Object.fromEntries(firstAlert.parameters.map((p) => [p.name, p.value]))).toMatchObject({
			Workflow: a.name,
			Node: FAILING_NODE,
			Execution: `${n8n.baseUrl}/workflow/${a.id}/executions/${first.id}`,
		});
		// Only the named fields: no stack trace, no node parameters, no credential or workspace details.
		const sent = JSON.stringify(emu.signl4.events());
		for (const leak of ['stack', 'at Object.', '"parameters"', emu.workspace.armId, emu.principal.clientSecret, emu.signl4.integrationSecret]) expect(sent).not.toContain(leak);
	});

	e2eTest('another failing workflow gets its own alert', async () => {
		const [a, b] = FAILING;
		const failure = await fail(b, 1);
		await eventually("workflow B's alert", () => opsAlerts().length === 2 || undefined, { timeoutMs: 60_000 });
		const alert = opsAlerts().find((candidate) => candidate.externalId?.startsWith(`n8n-pipeline:${b.id}:`));
		expect(alert?.title).toBe(`n8n workflow failed: ${b.name}`);
		expect(alert?.text).toContain(`Execution: ${n8n.baseUrl}/workflow/${b.id}/executions/${failure.id}`);
		expect(opsAlerts().filter((candidate) => candidate.externalId?.startsWith(`n8n-pipeline:${a.id}:`))).toHaveLength(1);
	});

	e2eTest('the de-duplication is kept in the database: after kill -9 and a restart, no second alert within the hour', async () => {
		const [a] = FAILING;
		await n8n.kill9();
		await n8n.restart();
		await fail(a, 3);
		await n8n.waitForExecutions(WF4, 4);
		expect(opsAlerts()).toHaveLength(2);
		expect(opsAlerts().filter((alert) => alert.externalId?.startsWith(`n8n-pipeline:${a.id}:`))).toHaveLength(1);
	});
});
