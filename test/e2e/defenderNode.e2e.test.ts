/**
 * The Microsoft Defender XDR node in a real n8n 2.41: Webhook (an incident ID) → Microsoft Defender XDR (Update:
 * in progress, assigned, tag added) → Microsoft Defender XDR (Add Comment, the incident taken from the input item
 * with no expression) against the emulator's Graph security API. The incident's existing tag must survive (Graph
 * replaces the tag list as a whole, so the node merges it).
 */
import { randomUUID } from 'node:crypto';

import { startEmulator } from '../emulator';
import { e2eTest, executionError, fixtureId, linearWorkflow, N8nInstance, nodeOutputJson, useCredential, type CredentialFixture, type WorkflowNodeFixture } from './harness';
import { emulatorAzureCredential, type RunningEmulator } from './fixtures/sentinel';

jest.setTimeout(20 * 60 * 1000); // covers a cold n8n install and a package build on the first run

const DEFENDER_NODE_TYPE = 'n8n-nodes-sentinel-signl4.microsoftDefenderXdr';
const WORKFLOW_ID = fixtureId('defenderAck');
const WEBHOOK_PATH = 'e2e-defender-ack';
const ANALYST = 'jane.doe@contoso.com';
const NOTE = 'Acknowledged in SIGNL4 by Jane Doe';

function defenderNode(name: string, credential: CredentialFixture, operation: string, parameters: Record<string, unknown>): WorkflowNodeFixture {
	return { name, type: DEFENDER_NODE_TYPE, typeVersion: 1, credentials: useCredential(credential), parameters: { resource: 'incident', operation, ...parameters } };
}

describe('Microsoft Defender XDR node (real n8n, emulated Graph security API)', () => {
	let emulator: RunningEmulator;
	let n8n: N8nInstance;

	beforeAll(async () => {
		emulator = await startEmulator();
		const credential = emulatorAzureCredential(emulator);
		n8n = await N8nInstance.start({
			label: 'defender-node',
			credentials: [credential],
			workflows: [
				linearWorkflow({
					id: WORKFLOW_ID,
					name: 'E2E: Defender XDR incident → in progress, assigned, tagged → comment',
					nodes: [
						{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: randomUUID(), parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} } },
						defenderNode('Acknowledge', credential, 'update', {
							incident: { __rl: true, mode: 'id', value: '={{ $json.body.incidentId }}' },
							updateFields: { status: 'inProgress', assignedTo: ANALYST, tagsToAdd: 'SIGNL4' },
						}),
						// No incident given: the default takes the input item's id (the incident Acknowledge output).
						defenderNode('Add Note', credential, 'addComment', { comment: NOTE }),
					],
				}),
			],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await emulator?.stop();
	});

	e2eTest('n8n loads the node under the package name, with its AI tool variant', async () => {
		const names = (await n8n.internalApi<Array<{ name: string }>>('GET', '/types/nodes.json')).map((type) => type.name);
		expect(names).toContain(DEFENDER_NODE_TYPE);
		expect(names).toContain(`${DEFENDER_NODE_TYPE}Tool`);
	});

	e2eTest('updates the incident (status, owner, tag merged with the existing one) and adds the comment', async () => {
		const incident = emulator.defender.createIncident({ displayName: 'E2E: credential dumping', customTags: ['vip'] });
		await n8n.activateWorkflow(WORKFLOW_ID);
		const response = await fetch(`${n8n.baseUrl}/webhook/${WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ incidentId: incident.id }),
		});
		expect(response.status).toBe(200);
		const [execution] = await n8n.waitForExecutions(WORKFLOW_ID, 1, 60_000);
		await n8n.deactivateWorkflow(WORKFLOW_ID);
		expect(executionError(execution)).toBeUndefined();
		expect(execution.status).toBe('success');

		const after = emulator.defender.incident(incident.id)!;
		expect(after).toMatchObject({ status: 'inProgress', assignedTo: ANALYST, customTags: ['vip', 'SIGNL4'] });
		expect(after.comments.map((comment) => comment.comment)).toEqual([NOTE]);
		const security = emulator.requests.filter((request) => String(request.route).startsWith('graph.security.'));
		expect(security.map((request) => `${request.method} ${request.path}`)).toEqual([
			`GET /v1.0/security/incidents/${incident.id}`,
			`PATCH /v1.0/security/incidents/${incident.id}`,
			`GET /v1.0/security/incidents/${incident.id}`,
			`POST /v1.0/security/incidents/${incident.id}/comments`,
		]);
		const [acknowledged] = nodeOutputJson(execution, 'Acknowledge');
		expect(acknowledged).toMatchObject({ id: incident.id, status: 'inProgress', updated: { patches: 1 } });
		const [note] = nodeOutputJson(execution, 'Add Note');
		expect(note).toMatchObject({ incidentId: incident.id, commentsCount: 1, comment: { comment: NOTE } });
		console.log(`[e2e] Defender node: ${security.length} Graph security requests for update + comment`);
	});
});
