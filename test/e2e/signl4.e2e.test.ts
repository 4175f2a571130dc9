/**
 * The SIGNL4 nodes in a real n8n 2.41, loaded as the community package, against the emulator:
 * a Sentinel incident becomes a Signl (poll trigger → SIGNL4 On-Call), and the SIGNL4 On-Call Trigger, registered
 * with the emulator on activation, receives the emulator's console-style acknowledge/close callbacks through n8n's
 * real webhook endpoint — with duplicate deliveries starting no second execution.
 */
import { startEmulator } from '../emulator';
import { formatExternalId } from '../../nodes/shared/sentinel/externalId';
import { e2eTest, executionError, fixtureId, linearWorkflow, N8nInstance, noOpNode, nodeOutputJson } from './harness';
import { emulatorAzureCredential, sentinelTriggerNode, type RunningEmulator } from './fixtures/sentinel';
import {
	emulatorSignl4Credential,
	signl4BasicAuthCredential,
	signl4SendNode,
	signl4TriggerNode,
	SIGNL4_CREDENTIAL_TYPE,
	SIGNL4_NODE_TYPE,
	SIGNL4_TRIGGER_TYPE,
} from './fixtures/signl4';

jest.setTimeout(20 * 60 * 1000); // covers a cold n8n install and a package build on the first run

const SEND_WORKFLOW_ID = fixtureId('signl4Send');
const TRIGGER_WORKFLOW_ID = fixtureId('signl4Trigger');
const WEBHOOK_ID = '3b5e8f7a-1c2d-4e6f-9a0b-7c8d9e0f1a2b';
const BASIC = { user: 'signl4', password: 'e2e-basic-auth-password-0123' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SIGNL4 nodes (real n8n, emulated SIGNL4 and Sentinel)', () => {
	let emulator: RunningEmulator;
	let n8n: N8nInstance;
	const signl4 = () => emulatorSignl4Credential(emulator);

	beforeAll(async () => {
		emulator = await startEmulator({ seedIncidents: 0 });
		const azure = emulatorAzureCredential(emulator);
		const basicAuth = signl4BasicAuthCredential(BASIC.user, BASIC.password);
		n8n = await N8nInstance.start({
			label: 'signl4',
			credentials: [
				azure,
				signl4(),
				emulatorSignl4Credential(emulator, { id: fixtureId('signl4BadSecret'), name: 'SIGNL4 (wrong secret)', teamSecret: 'wr0ng-secret-e2e' }),
				emulatorSignl4Credential(emulator, { id: fixtureId('signl4BadKey'), name: 'SIGNL4 (wrong key)', apiKey: 'wr0ng-key-e2e' }),
				basicAuth,
			],
			workflows: [
				linearWorkflow({
					id: SEND_WORKFLOW_ID,
					name: 'E2E: Sentinel incident → SIGNL4 On-Call',
					nodes: [sentinelTriggerNode(emulator, azure), signl4SendNode(signl4(), { alertingScenario: 'bySeverity', scenarioHigh: 'multi_ack', scenarioMedium: 'single_ack', scenarioLow: 'single_ack', scenarioInformational: 'single_ack' })],
				}),
				linearWorkflow({
					id: TRIGGER_WORKFLOW_ID,
					name: 'E2E: SIGNL4 callbacks',
					nodes: [signl4TriggerNode(signl4(), basicAuth, WEBHOOK_ID), noOpNode()],
				}),
			],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await emulator?.stop();
	});

	e2eTest('n8n loads both nodes and the credential under the package name', async () => {
		const nodeTypes = (await n8n.internalApi<Array<{ name: string }>>('GET', '/types/nodes.json')).map((type) => type.name);
		expect(nodeTypes).toEqual(expect.arrayContaining([SIGNL4_NODE_TYPE, SIGNL4_TRIGGER_TYPE]));
		const credentialTypes = (await n8n.internalApi<Array<{ name: string }>>('GET', '/types/credentials.json')).map((type) => type.name);
		expect(credentialTypes).toContain(SIGNL4_CREDENTIAL_TYPE);
	});

	e2eTest('a workflow sends a Signl: the emulator holds it with the workspace-qualified external ID and readable text', async () => {
		const incident = emulator.sentinel.createIncident({
			title: 'E2E: Impossible travel',
			severity: 'High',
			status: 'New',
			createdTimeUtc: new Date(Date.now() - 3_600_000).toISOString(),
			lastModifiedTimeUtc: new Date(Date.now() - 3_600_000).toISOString(),
			alerts: [{}],
		});
		await n8n.activateWorkflow(SEND_WORKFLOW_ID);
		const [execution] = await n8n.waitForExecutions(SEND_WORKFLOW_ID, 1, 90_000);
		expect(executionError(execution)).toBeUndefined();

		const externalId = formatExternalId({
			subscriptionId: emulator.workspace.subscriptionId,
			resourceGroup: emulator.workspace.resourceGroup,
			workspaceName: emulator.workspace.name,
			incidentName: incident.name,
		});
		const alerts = emulator.signl4.alerts({ externalId });
		expect(alerts).toHaveLength(1);
		const [alert] = alerts;
		expect(alert.title).toBe(`[High] Sentinel #${incident.properties.incidentNumber}: E2E: Impossible travel`);
		expect(alert.text).toContain(`High severity incident #${incident.properties.incidentNumber} in ${emulator.workspace.name} (New)`);
		expect(alert.text).toContain('Owner: ');
		expect(alert.scenario).toBe('multi_ack');
		expect(alert.parameters.find((p) => p.name === 'Workspace')?.value).toBe(`${emulator.workspace.resourceGroup}/${emulator.workspace.name}`);

		const [sent] = nodeOutputJson(execution, 'SIGNL4 On-Call');
		expect(sent).toMatchObject({ eventId: alert.eventId, status: 'sent', externalId, incidentName: incident.name, workspace: { name: emulator.workspace.name } });
		await n8n.deactivateWorkflow(SEND_WORKFLOW_ID);
	});

	e2eTest('the trigger registers itself, refuses strangers, and turns console acknowledge/close into one execution each despite duplicates', async () => {
		await n8n.activateWorkflow(TRIGGER_WORKFLOW_ID);
		const webhookUrl = `${n8n.baseUrl}/webhook/${WEBHOOK_ID}/signl4`;
		const [registered] = emulator.signl4.outbound.targets;
		expect(registered).toMatchObject({ source: 'api', basicAuth: BASIC });
		expect(registered.url.replace(`${BASIC.user}:${BASIC.password}@`, '')).toBe(webhookUrl);

		// Strangers: no credentials → 401; right credentials but not a SIGNL4 callback → 400. Neither starts anything.
		const stranger = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'x', eventType: 201 }) });
		expect(stranger.status).toBe(401);
		const authorization = `Basic ${Buffer.from(`${BASIC.user}:${BASIC.password}`).toString('base64')}`;
		const malformed = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ hello: 'world' }) });
		expect(malformed.status).toBe(400);

		// An alert for an incident, then what an engineer does in the app: acknowledge, close. Every callback twice.
		const incidentName = '0f1e2d3c-4b5a-4697-8877-665544332211';
		const externalId = formatExternalId({
			subscriptionId: emulator.workspace.subscriptionId,
			resourceGroup: emulator.workspace.resourceGroup,
			workspaceName: emulator.workspace.name,
			incidentName,
		});
		emulator.signl4.outbound.configure({ duplicates: 1 });
		const alert = emulator.signl4.raise({ title: 'E2E callback alert', externalId });
		const engineer = emulator.signl4.users[1];
		emulator.signl4.acknowledge(alert.id, engineer.mail);
		await emulator.signl4.outbound.idle();
		emulator.signl4.close(alert.id, engineer.mail);
		await emulator.signl4.outbound.idle();

		// 200 (created, not selected), 201/2, 201/4 — each delivered twice, every delivery answered 200.
		// Callbacks of different events travel independently (the created one may overtake the acknowledgement).
		const deliveries = emulator.signl4.outbound.deliveries;
		expect(deliveries.map((d) => [d.eventType, d.copy, d.status]).sort()).toEqual([
			[200, 0, 200],
			[200, 1, 200],
			[201, 0, 200],
			[201, 0, 200],
			[201, 1, 200],
			[201, 1, 200],
		]);

		const executions = await n8n.waitForExecutions(TRIGGER_WORKFLOW_ID, 2, 60_000);
		await sleep(3_000); // a second execution for a duplicate would have shown up by now
		const all = await n8n.listExecutions(TRIGGER_WORKFLOW_ID);
		expect(all).toHaveLength(2);
		const items = executions.map((execution) => {
			expect(executionError(execution)).toBeUndefined();
			return nodeOutputJson(execution, 'SIGNL4 On-Call Trigger')[0];
		});
		expect(items.map((item) => item.event)).toEqual(['alertAcknowledged', 'alertClosed']);
		for (const item of items) {
			expect(item).toMatchObject({
				externalId,
				incidentName,
				workspace: {
					subscriptionId: emulator.workspace.subscriptionId,
					resourceGroup: emulator.workspace.resourceGroup,
					name: emulator.workspace.name,
					armId: emulator.workspace.armId,
				},
				alertId: alert.id,
				user: { id: engineer.id, name: engineer.name, email: engineer.mail },
			});
		}
		expect(items.map((item) => item.status)).toEqual(['acknowledged', 'closed']);

		// The de-dup state is in n8n's database.
		const workflow = await n8n.getWorkflow(TRIGGER_WORKFLOW_ID);
		const state = (workflow.staticData?.['node:SIGNL4 On-Call Trigger'] as { signl4Callbacks?: { seen?: Record<string, number> } })?.signl4Callbacks;
		expect(Object.keys(state?.seen ?? {})).toHaveLength(2);

		await n8n.deactivateWorkflow(TRIGGER_WORKFLOW_ID);
		expect(emulator.signl4.outbound.targets).toHaveLength(0);
	});

	e2eTest("the credential's test names a wrong secret or key without repeating it", async () => {
		const test = async (credential: ReturnType<typeof signl4>) =>
			(await n8n.internalApi<{ data: { status: string; message: string } }>('POST', '/rest/credentials/test', { credentials: credential })).data;
		expect(await test(signl4())).toMatchObject({ status: 'OK' });
		const wrongSecret = await test(emulatorSignl4Credential(emulator, { id: fixtureId('signl4BadSecret'), name: 'SIGNL4 (wrong secret)', teamSecret: 'wr0ng-secret-e2e' }));
		expect(wrongSecret.status).toBe('Error');
		expect(wrongSecret.message).toContain('SIGNL4 does not know this team or integration secret');
		expect(wrongSecret.message).not.toContain('wr0ng-secret-e2e');
		const wrongKey = await test(emulatorSignl4Credential(emulator, { id: fixtureId('signl4BadKey'), name: 'SIGNL4 (wrong key)', apiKey: 'wr0ng-key-e2e' }));
		expect(wrongKey).toMatchObject({ status: 'Error', message: expect.stringContaining('SIGNL4 rejected the API key') });
		expect(wrongKey.message).not.toContain('wr0ng-key-e2e');
	});
});
