/**
 * Microsoft Defender XDR Trigger in a real n8n 2.41, loaded as the community package, polling the emulator's Graph
 * security API over HTTPS with the Azure service-principal credential: new incidents are emitted once, most severe
 * first, an analyst's update once, and a restarted poller (reactivation) knows both from the cursor n8n persisted.
 */
import { startEmulator } from '../emulator';
import { e2eTest, executionError, fixtureId, linearWorkflow, N8nInstance, noOpNode, nodeOutputJson, useCredential } from './harness';
import { emulatorAzureCredential, type RunningEmulator } from './fixtures/sentinel';

jest.setTimeout(20 * 60 * 1000); // covers a cold n8n install and a package build on the first run

const DEFENDER_TRIGGER_TYPE = 'n8n-nodes-sentinel-signl4.microsoftDefenderXdrTrigger';
const WORKFLOW_ID = fixtureId('defenderTrigger');
const TRIGGER_NODE = 'Microsoft Defender XDR Trigger';

describe('Microsoft Defender XDR Trigger (real n8n, emulated Graph security API)', () => {
	let emulator: RunningEmulator;
	let n8n: N8nInstance;
	const started = Date.now();

	beforeAll(async () => {
		emulator = await startEmulator({ seedIncidents: 0 });
		const credential = emulatorAzureCredential(emulator);
		n8n = await N8nInstance.start({
			label: 'defender-trigger',
			credentials: [credential],
			workflows: [
				linearWorkflow({
					id: WORKFLOW_ID,
					name: 'E2E: Defender XDR incidents → no-op',
					nodes: [
						{
							name: TRIGGER_NODE,
							type: DEFENDER_TRIGGER_TYPE,
							typeVersion: 1,
							credentials: useCredential(credential),
							parameters: {
								pollTimes: { item: [{ mode: 'everyMinute' }] },
								watch: 'incidents',
								incidentStatuses: ['active', 'inProgress'],
								severities: ['high', 'medium', 'low', 'informational'],
								serviceSources: [],
								maxAgeHours: 24,
								event: 'createdOrUpdated',
								options: {},
							},
						},
						noOpNode(),
					],
				}),
			],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await emulator?.stop();
		console.log(`Defender XDR Trigger e2e: ${Math.round((Date.now() - started) / 1000)} s with the n8n start`);
	});

	e2eTest('emits new incidents once (most severe first), an update once, and nothing twice across restarts', async () => {
		const low = emulator.defender.createIncident({ displayName: 'E2E: low incident', severity: 'low' });
		const high = emulator.defender.createIncident({ displayName: 'E2E: high incident', severity: 'high' });
		emulator.defender.createIncident({ displayName: 'E2E: resolved incident', status: 'resolved', classification: 'falsePositive', determination: 'other' });

		// First activation: n8n runs the first poll right away.
		await n8n.activateWorkflow(WORKFLOW_ID);
		const [first] = await n8n.waitForExecutions(WORKFLOW_ID, 1, 90_000);
		expect(executionError(first)).toBeUndefined();
		const firstItems = nodeOutputJson(first, TRIGGER_NODE);
		expect(firstItems.map((item) => [item.id, item.eventType])).toEqual([
			[high.id, 'created'],
			[low.id, 'created'],
		]);
		expect(firstItems[0]).toMatchObject({
			source: 'defenderXdr',
			kind: 'incident',
			title: 'E2E: high incident',
			tenantId: emulator.principal.tenantId,
			portalUrl: high.incidentWebUrl,
		});
		expect((firstItems[0].alerts as unknown[]).length).toBe(emulator.defender.alerts(high.id).length);
		expect(nodeOutputJson(first, 'No Operation').map((item) => item.id)).toEqual([high.id, low.id]);

		// Reactivation starts a fresh poller that knows what was emitted only from the cursor in n8n's database.
		await n8n.deactivateWorkflow(WORKFLOW_ID);
		emulator.defender.updateIncident(low.id, { status: 'inProgress', assignedTo: 'kai@contoso.com' });
		const added = emulator.defender.createIncident({ displayName: 'E2E: new medium incident', severity: 'medium' });
		await n8n.activateWorkflow(WORKFLOW_ID);
		const second = (await n8n.waitForExecutions(WORKFLOW_ID, 2, 90_000))[1];
		expect(executionError(second)).toBeUndefined();
		expect(nodeOutputJson(second, TRIGGER_NODE).map((item) => [item.id, item.eventType, item.status])).toEqual([
			[added.id, 'created', 'active'],
			[low.id, 'updated', 'inProgress'],
		]);

		// Once more: only what is new now, none of the five emissions before.
		await n8n.deactivateWorkflow(WORKFLOW_ID);
		const last = emulator.defender.createIncident({ displayName: 'E2E: last incident', severity: 'informational' });
		await n8n.activateWorkflow(WORKFLOW_ID);
		const third = (await n8n.waitForExecutions(WORKFLOW_ID, 3, 90_000))[2];
		expect(nodeOutputJson(third, TRIGGER_NODE).map((item) => [item.id, item.eventType])).toEqual([[last.id, 'created']]);
		await n8n.deactivateWorkflow(WORKFLOW_ID);

		const saved = (await n8n.getWorkflow(WORKFLOW_ID)).staticData?.[`node:${TRIGGER_NODE}`] as { cursor?: { emitted?: Record<string, unknown> } } | undefined;
		expect(Object.keys(saved?.cursor?.emitted ?? {}).sort()).toEqual([high.id, low.id, added.id, last.id].sort());
	});
});
