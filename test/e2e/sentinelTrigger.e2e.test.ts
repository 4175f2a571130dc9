/**
 * Microsoft Sentinel Trigger in a real n8n 2.41, loaded as the community package `n8n-nodes-sentinel-signl4`,
 * polling the emulator over HTTPS with a service-principal credential imported through the n8n CLI.
 */
import { startEmulator } from '../emulator';
import {
	e2eTest,
	executionError,
	fixtureId,
	linearWorkflow,
	N8nInstance,
	noOpNode,
	nodeOutputJson,
} from './harness';
import {
	AZURE_CREDENTIAL_TYPE,
	emulatorAzureCredential,
	SENTINEL_TRIGGER_TYPE,
	sentinelTriggerNode,
	type RunningEmulator,
} from './fixtures/sentinel';

jest.setTimeout(20 * 60 * 1000); // covers a cold n8n install and a package build on the first run

const WORKFLOW_ID = fixtureId('sentinelTrigger');
const WRONG_SECRET_WORKFLOW_ID = fixtureId('sentinelBadCred');
const TRIGGER_NODE = 'Microsoft Sentinel Trigger';
const HOUR_MS = 3_600_000;
const wrongSecretValue = 'Wr0ng~secret.value-never-shown';

function hoursAgo(hours: number): string {
	return new Date(Date.now() - hours * HOUR_MS).toISOString();
}

/** What identifies an incident in the trigger output, in a stable order for comparison. */
function incidentKeys(items: Array<{ incidentName?: unknown; incidentNumber?: unknown }>): Array<[unknown, unknown]> {
	return items
		.map((item): [unknown, unknown] => [item.incidentName, item.incidentNumber])
		.sort((a, b) => Number(a[1]) - Number(b[1]));
}

describe('Microsoft Sentinel Trigger (real n8n, emulated Sentinel)', () => {
	let emulator: RunningEmulator;
	let n8n: N8nInstance;

	beforeAll(async () => {
		emulator = await startEmulator({ seedIncidents: 0 });
		const credential = emulatorAzureCredential(emulator);
		const wrongSecret = emulatorAzureCredential(emulator, { id: fixtureId('azureWrongSecret'), name: 'Azure (wrong secret)' });
		wrongSecret.data.clientSecret = wrongSecretValue;
		n8n = await N8nInstance.start({
			label: 'sentinel-trigger',
			credentials: [credential, wrongSecret],
			workflows: [
				linearWorkflow({
					id: WORKFLOW_ID,
					name: 'E2E: Sentinel incidents → no-op',
					nodes: [sentinelTriggerNode(emulator, credential), noOpNode()],
				}),
				linearWorkflow({
					id: WRONG_SECRET_WORKFLOW_ID,
					name: 'E2E: Sentinel trigger with a wrong client secret',
					nodes: [sentinelTriggerNode(emulator, wrongSecret), noOpNode()],
				}),
			],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await emulator?.stop();
	});

	e2eTest('n8n loads the trigger and its credential type under the package name', async () => {
		// Cheap first check (no extra n8n start): when this fails, the package did not load at all, and the case
		// below would only say "unknown node type".
		const nodeTypes = await n8n.internalApi<Array<{ name: string }>>('GET', '/types/nodes.json');
		expect(nodeTypes.map((type) => type.name)).toContain(SENTINEL_TRIGGER_TYPE);
		const credentialTypes = await n8n.internalApi<Array<{ name: string }>>('GET', '/types/credentials.json');
		expect(credentialTypes.map((type) => type.name)).toContain(AZURE_CREDENTIAL_TYPE);
	});

	e2eTest('emits the matching incidents on activation, then only newer ones from its persisted cursor', async () => {
		const createNewIncident = (title: string, createdTimeUtc: string) =>
			emulator.sentinel.createIncident({
				title,
				severity: 'High',
				status: 'New',
				createdTimeUtc,
				lastModifiedTimeUtc: createdTimeUtc,
				alerts: [{}],
			});

		// Within the 24 h window and status New: these three must come.
		const expected = [
			createNewIncident('E2E: recent incident (3 h old)', hoursAgo(3)),
			createNewIncident('E2E: recent incident (2 h old)', hoursAgo(2)),
			createNewIncident('E2E: recent incident (1 h old)', hoursAgo(1)),
		];
		// Older than maxAgeHours (24): must not come.
		createNewIncident('E2E: stale incident (30 h old)', hoursAgo(30));
		createNewIncident('E2E: stale incident (48 h old)', hoursAgo(48));
		// Recent but not in the chosen statuses (New only): must not come.
		emulator.sentinel.createIncident({
			title: 'E2E: recent incident already Active',
			severity: 'High',
			status: 'Active',
			createdTimeUtc: hoursAgo(2),
			lastModifiedTimeUtc: hoursAgo(2),
			alerts: [{}],
		});

		// --- first activation: n8n runs the first poll right away (activation mode `activate`) ---
		await n8n.activateWorkflow(WORKFLOW_ID);
		const [firstExecution] = await n8n.waitForExecutions(WORKFLOW_ID, 1, 90_000);
		expect(executionError(firstExecution)).toBeUndefined();
		expect(firstExecution.status).toBe('success');

		const firstItems = nodeOutputJson(firstExecution, TRIGGER_NODE);
		expect(incidentKeys(firstItems)).toEqual(
			incidentKeys(expected.map((incident) => ({ incidentName: incident.name, incidentNumber: incident.properties.incidentNumber }))),
		);
		for (const item of firstItems) {
			expect(item.severity).toBe('High');
			expect(item.status).toBe('New');
			expect(typeof item.title).toBe('string');
			expect(Array.isArray(item.alerts)).toBe(true);
			expect((item.alerts as unknown[]).length).toBeGreaterThan(0);
			expect(item.entities).toEqual(expect.any(Object));
			// The untouched ARM resources travel along under `raw` (`raw.incident` is the incident resource itself).
			const raw = item.raw as { incident?: { name?: unknown; properties?: { incidentNumber?: unknown } } };
			expect(raw.incident?.name).toBe(item.incidentName);
			expect(raw.incident?.properties?.incidentNumber).toBe(item.incidentNumber);
		}
		// The items went through the rest of the workflow unchanged.
		expect(incidentKeys(nodeOutputJson(firstExecution, 'No Operation'))).toEqual(incidentKeys(firstItems));

		// The cursor is in n8n's database (read back through the public API), holding the emitted incidents.
		const afterFirstPoll = await n8n.getWorkflow(WORKFLOW_ID);
		const triggerState = afterFirstPoll.staticData?.[`node:${TRIGGER_NODE}`] as
			| { cursor?: { emitted?: Array<[number, number, number]> } }
			| undefined;
		// Emitted numbers are kept as ranges [first, last, newest creation time].
		const rememberedNumbers = (triggerState?.cursor?.emitted ?? []).flatMap(([first, last]) =>
			Array.from({ length: last - first + 1 }, (_, i) => first + i),
		);
		expect(rememberedNumbers).toEqual(expected.map((incident) => incident.properties.incidentNumber).sort((a, b) => a - b));

		// --- second round ---
		// The next cron tick is up to a minute away. Deactivating and reactivating is both faster and the stronger
		// check: reactivation starts a fresh poller whose first poll can only know what was emitted before from the
		// cursor n8n persisted in its database (in-memory state of the old poller is gone), so emitting exactly the
		// two new incidents proves the cursor survives a restart of the trigger. The cron path itself is n8n's code.
		await n8n.deactivateWorkflow(WORKFLOW_ID);
		const newer = [
			createNewIncident('E2E: new incident after deactivation (1)', new Date().toISOString()),
			createNewIncident('E2E: new incident after deactivation (2)', new Date().toISOString()),
		];
		await n8n.activateWorkflow(WORKFLOW_ID);

		const executions = await n8n.waitForExecutions(WORKFLOW_ID, 2, 90_000);
		expect(executions).toHaveLength(2);
		const secondExecution = executions[1];
		expect(executionError(secondExecution)).toBeUndefined();
		expect(incidentKeys(nodeOutputJson(secondExecution, TRIGGER_NODE))).toEqual(
			incidentKeys(newer.map((incident) => ({ incidentName: incident.name, incidentNumber: incident.properties.incidentNumber }))),
		);

		await n8n.deactivateWorkflow(WORKFLOW_ID);
	});

	e2eTest('refuses to activate with a wrong client secret', async () => {
		// n8n runs the first poll during activation; when it throws, the publication fails with the node's message.
		// n8n 2.41 retries a failing trigger activation itself (5 attempts, ~15 s of back-off) before giving up.
		const tokenRejectionsBefore = emulator.requests.filter((r) => r.route === 'token' && r.status === 401).length;
		const publication = await n8n.tryActivateWorkflow(WRONG_SECRET_WORKFLOW_ID);
		expect(publication.status).toBe('failed');
		const messages = publication.triggers.map((trigger) => trigger.errorMessage ?? '').join('\n');
		expect(messages).toContain('There was a problem activating the workflow');
		// The operator sees the cause (Entra's code for a wrong secret), never the secret or Entra's text.
		expect(messages).toContain('Could not sign in to Azure (AADSTS7000215)');
		expect(messages).not.toMatch(/Trace ID|Correlation ID|Invalid client secret provided/);
		expect(messages).not.toContain(wrongSecretValue);
		// The failure really was the token request being refused, and nothing ran.
		const tokenRejections = emulator.requests.filter((r) => r.route === 'token' && r.status === 401).length;
		expect(tokenRejections).toBeGreaterThan(tokenRejectionsBefore);
		expect(await n8n.listExecutions(WRONG_SECRET_WORKFLOW_ID)).toHaveLength(0);
	});
});
