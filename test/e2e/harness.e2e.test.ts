/**
 * Harness self-test: proves install, user folder, import, start, login, API key, activation, execution listing,
 * kill -9 + restart on the same database, and stop against a real n8n with built-in nodes only, so a red result here
 * means "the harness or n8n setup is broken", not "our nodes are". Cheap: one n8n start, one restart, a few webhook calls.
 */
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';

import { e2eTest, executionError, fixtureId, linearWorkflow, N8nInstance, noOpNode, nodeOutputJson } from './harness';

jest.setTimeout(15 * 60 * 1000); // covers a cold n8n install on the first run

const WEBHOOK_WORKFLOW_ID = fixtureId('harnessWebhook');
const WEBHOOK_PATH = 'e2e-harness-self-test';

const webhookWorkflow = linearWorkflow({
	id: WEBHOOK_WORKFLOW_ID,
	name: 'Harness self-test: webhook → no-op',
	nodes: [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
		},
		noOpNode(),
	],
});

const COUNTER_WORKFLOW_ID = fixtureId('harnessCounter');
const COUNTER_PATH = 'e2e-harness-counter';

/** Webhook → Code: counts its runs in the workflow's static data, which n8n saves to the database after each run. */
const counterWorkflow = linearWorkflow({
	id: COUNTER_WORKFLOW_ID,
	name: 'Harness self-test: webhook → counter in static data',
	nodes: [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path: COUNTER_PATH, responseMode: 'lastNode', options: {} },
		},
		{
			name: 'Count',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: {
				jsCode: "const state = $getWorkflowStaticData('global');\nstate.runs = (state.runs ?? 0) + 1;\nreturn [{ json: { runs: state.runs } }];",
			},
		},
	],
});

/** Whether a process id is still alive (not a zombie). */
function alive(pid: number): boolean {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
	} catch {
		return false;
	}
}

describe('e2e harness (built-in nodes only)', () => {
	let n8n: N8nInstance;

	beforeAll(async () => {
		n8n = await N8nInstance.start({ label: 'harness', workflows: [webhookWorkflow, counterWorkflow], installPackage: false });
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	e2eTest('imports an inactive workflow, activates it and records the execution it triggers', async () => {
		const imported = await n8n.getWorkflow(WEBHOOK_WORKFLOW_ID);
		expect(imported.active).toBe(false);

		const publication = await n8n.activateWorkflow(WEBHOOK_WORKFLOW_ID);
		expect(publication.status).toBe('published');
		expect((await n8n.getWorkflow(WEBHOOK_WORKFLOW_ID)).active).toBe(true);

		const response = await fetch(`${n8n.baseUrl}/webhook/${WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ probe: 'harness-self-test' }),
		});
		expect(response.status).toBe(200);

		const [execution] = await n8n.waitForExecutions(WEBHOOK_WORKFLOW_ID, 1, 30_000);
		expect(executionError(execution)).toBeUndefined();
		expect(execution.status).toBe('success');
		const [item] = nodeOutputJson(execution, 'No Operation');
		expect(item.body).toEqual({ probe: 'harness-self-test' });

		await n8n.deactivateWorkflow(WEBHOOK_WORKFLOW_ID);
		expect((await n8n.getWorkflow(WEBHOOK_WORKFLOW_ID)).active).toBe(false);
		const afterDeactivation = await fetch(`${n8n.baseUrl}/webhook/${WEBHOOK_PATH}`, { method: 'POST' });
		expect(afterDeactivation.status).toBe(404);
	});

	e2eTest("kill -9 and restart on the same database: a workflow's static data and active state survive", async () => {
		await n8n.activateWorkflow(COUNTER_WORKFLOW_ID);
		const count = async () => {
			const response = await fetch(`${n8n.baseUrl}/webhook/${COUNTER_PATH}`, { method: 'POST' });
			expect(response.status).toBe(200);
			return ((await response.json()) as { runs: number }).runs;
		};
		expect(await count()).toBe(1);
		expect(await count()).toBe(2);
		// Static data is written after the execution; wait until n8n reports both runs finished.
		await n8n.waitForExecutions(COUNTER_WORKFLOW_ID, 2, 30_000);
		expect((await n8n.getWorkflow(COUNTER_WORKFLOW_ID)).staticData).toEqual({ global: { runs: 2 } });

		const group = n8n.processGroupId!;
		const pidsBefore = processesOfGroup(group);
		expect(pidsBefore.length).toBeGreaterThanOrEqual(1);
		await n8n.kill9();
		for (const pid of pidsBefore) expect(alive(pid)).toBe(false);
		const afterKill = await fetch(`${n8n.baseUrl}/healthz`).then(
			() => 'answered',
			() => 'connection refused',
		);
		expect(afterKill).toBe('connection refused');

		await n8n.restart();
		expect(n8n.processGroupId).not.toBe(group);
		const workflow = await n8n.getWorkflow(COUNTER_WORKFLOW_ID);
		expect(workflow.active).toBe(true);
		expect(workflow.staticData).toEqual({ global: { runs: 2 } });
		expect((await n8n.getPublicationStatus(COUNTER_WORKFLOW_ID)).status).toBe('published');
		// The webhook is registered again and the counter goes on from what was saved before the kill.
		expect(await count()).toBe(3);
		// The inactive workflow stayed inactive.
		expect((await n8n.getWorkflow(WEBHOOK_WORKFLOW_ID)).active).toBe(false);
		// Executions from before the kill are still listed (same database).
		expect((await n8n.waitForExecutions(COUNTER_WORKFLOW_ID, 3, 30_000)).length).toBe(3);
		process.stderr.write(`[e2e] restart timings: ${JSON.stringify(n8n.restartTimings)}\n`);
		expect(n8n.restartTimings.totalMs).toBeLessThan(60_000);
	});
});

/** Live processes whose process group is `pgid`. */
function processesOfGroup(pgid: number): number[] {
	const pids: number[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
		} catch {
			// gone meanwhile
		}
	}
	return pids;
}
