/**
 * The Microsoft Sentinel node in a real n8n 2.41: Microsoft Sentinel Trigger → Microsoft Sentinel (Update: close as
 * True Positive with owner and classification comment) → Microsoft Sentinel (Add Comment), with no expression typed:
 * each node takes the incident and workspace from its input item. An analyst adds a tag between the Update node's
 * GET and its PUT; the tag must survive.
 */
import { startEmulator, type Incident } from '../emulator';
import { e2eTest, executionError, fixtureId, linearWorkflow, N8nInstance, nodeOutputJson } from './harness';
import { emulatorAzureCredential, sentinelTriggerNode, type RunningEmulator } from './fixtures/sentinel';
import { SENTINEL_NODE_TYPE, sentinelNode } from './fixtures/sentinelNode';

jest.setTimeout(20 * 60 * 1000); // covers a cold n8n install and a package build on the first run

const WORKFLOW_ID = fixtureId('sentinelClose');
const OWNER = { email: 'john.doe@contoso.com', objectId: '2046feea-040d-4a46-9e2b-91c2941bfa70', upn: 'john@contoso.com' };
const CLASSIFICATION_COMMENT = 'Confirmed by the on-call engineer in SIGNL4';
const NOTE = '**Closed from n8n** after the on-call engineer confirmed it.';

describe('Microsoft Sentinel node (real n8n, emulated Sentinel)', () => {
	let emulator: RunningEmulator;
	let n8n: N8nInstance;

	beforeAll(async () => {
		emulator = await startEmulator();
		const credential = emulatorAzureCredential(emulator);
		n8n = await N8nInstance.start({
			label: 'sentinel-node',
			credentials: [credential],
			workflows: [
				linearWorkflow({
					id: WORKFLOW_ID,
					name: 'E2E: Sentinel incident → close as True Positive → comment',
					nodes: [
						sentinelTriggerNode(emulator, credential, { includeEntities: false }),
						sentinelNode('Close Incident', credential, 'update', {
							status: 'Closed',
							classification: 'TruePositive',
							classificationComment: CLASSIFICATION_COMMENT,
							ownerAction: 'email',
							owner: OWNER.email,
							tagAction: 'add',
							tags: 'SIGNL4',
						}),
						sentinelNode('Add Note', credential, 'addComment', { message: NOTE, format: 'markdown' }),
					],
				}),
			],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await emulator?.stop();
	});

	e2eTest('n8n loads the node under the package name', async () => {
		const nodeTypes = await n8n.internalApi<Array<{ name: string; usableAsTool?: boolean }>>('GET', '/types/nodes.json');
		const names = nodeTypes.map((type) => type.name);
		expect(names).toContain(SENTINEL_NODE_TYPE);
		// usableAsTool: n8n derives an AI-agent tool variant of the node.
		expect(names).toContain(`${SENTINEL_NODE_TYPE}Tool`);
	});

	e2eTest('closes the incident as True Positive with owner and comments; a tag added concurrently survives', async () => {
		const incident: Incident = emulator.sentinel.createIncident({ title: 'E2E: suspicious sign-in', severity: 'High', status: 'New', labels: ['triage'] });
		// An analyst tags the incident in the portal between the Update node's read and its write.
		emulator.sentinel.beforeNextPut(incident.name, { addLabels: ['analyst-escalated'], actor: 'mei.tanaka@contoso.com' });

		await n8n.activateWorkflow(WORKFLOW_ID);
		const [execution] = await n8n.waitForExecutions(WORKFLOW_ID, 1, 120_000);
		await n8n.deactivateWorkflow(WORKFLOW_ID);
		expect(executionError(execution)).toBeUndefined();
		expect(execution.status).toBe('success');

		// The emulator's incident shows exactly what the workflow asked for, plus the analyst's tag.
		const after = emulator.sentinel.getIncident(incident.name)!;
		expect(after.properties).toMatchObject({
			title: 'E2E: suspicious sign-in',
			severity: 'High',
			status: 'Closed',
			classification: 'TruePositive',
			classificationReason: 'SuspiciousActivity',
			classificationComment: CLASSIFICATION_COMMENT,
			owner: { objectId: OWNER.objectId, email: OWNER.email, userPrincipalName: OWNER.upn, ownerType: 'User' },
		});
		expect(after.properties.labels.map((label) => label.labelName)).toEqual(['triage', 'analyst-escalated', 'SIGNL4']);
		expect(emulator.sentinel.comments(incident.name).map((comment) => comment.properties.message)).toEqual([NOTE]);

		// One stale write (409) after the analyst's change, then the re-applied change; history in that order.
		const puts = emulator.requests.filter((request) => request.route === 'incidents.put');
		expect(puts.map((request) => request.status)).toEqual([409, 200]);
		expect(emulator.sentinel.history(incident.name).map((entry) => entry.via)).toEqual(['create', 'analyst', 'put', 'comment']);

		const [closed] = nodeOutputJson(execution, 'Close Incident');
		expect(closed).toMatchObject({ incidentName: incident.name, status: 'Closed', changed: true, conflictsResolved: 1, workspace: { armId: emulator.workspace.armId } });
		const [note] = nodeOutputJson(execution, 'Add Note');
		expect(note).toMatchObject({ incidentName: incident.name, posted: 1, parts: 1 });
	});
});
