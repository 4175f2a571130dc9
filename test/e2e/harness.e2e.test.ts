/**
 * Harness self-test: proves install, user folder, import, start, login, API key, activation, execution listing and
 * stop against a real n8n with built-in nodes only, so a red result here means "the harness or n8n setup is broken",
 * not "our nodes are". Cheap: one n8n start, one webhook call.
 */
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

describe('e2e harness (built-in nodes only)', () => {
	let n8n: N8nInstance;

	beforeAll(async () => {
		n8n = await N8nInstance.start({ label: 'harness', workflows: [webhookWorkflow], installPackage: false });
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
});
