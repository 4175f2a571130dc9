/**
 * `npm start`: the product, running locally. Builds and packs the package, starts the Azure emulator (unless real
 * Azure settings are given), installs the package into a real n8n 2.41 under its real name, imports the credential
 * and the demo workflow, activates it, and prints where to look. Ctrl-C stops everything it started.
 *
 * Real Azure instead of the emulator: set AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and
 * SENTINEL_WORKSPACE_ID (the workspace's ARM resource ID); optionally AZURE_CLOUD (AzurePublic, AzureUSGovernment,
 * AzureChina).
 */
import * as path from 'node:path';

import { startEmulator, type Emulator } from '../test/emulator';
import { N8nInstance, OWNER_EMAIL, OWNER_PASSWORD, fixtureId, linearWorkflow, noOpNode, type CredentialFixture } from '../test/e2e/harness';
import { AZURE_CREDENTIAL_TYPE, emulatorAzureCredential, sentinelTriggerNode } from '../test/e2e/fixtures/sentinel';

const repoRoot = path.resolve(__dirname, '..');
const n8nPort = Number(process.env.N8N_PORT ?? 5678);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 8443);

function realAzureCredential(): CredentialFixture | undefined {
	const { AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, SENTINEL_WORKSPACE_ID } = process.env;
	if (!AZURE_TENANT_ID || !AZURE_CLIENT_ID || !AZURE_CLIENT_SECRET || !SENTINEL_WORKSPACE_ID) return undefined;
	return {
		id: fixtureId('azureReal'),
		name: 'Azure (from environment)',
		type: AZURE_CREDENTIAL_TYPE,
		data: {
			tenantId: AZURE_TENANT_ID,
			clientId: AZURE_CLIENT_ID,
			authMethod: 'clientSecret',
			clientSecret: AZURE_CLIENT_SECRET,
			cloud: process.env.AZURE_CLOUD ?? 'AzurePublic',
		},
	};
}

async function main(): Promise<void> {
	const realAzure = realAzureCredential();
	let emulator: Emulator | undefined;
	let n8n: N8nInstance | undefined;
	const stopAll = async () => {
		await n8n?.stop().catch(() => undefined);
		await emulator?.stop().catch(() => undefined);
	};
	process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
	process.once('SIGTERM', () => void stopAll().then(() => process.exit(0)));

	try {
		let credential: CredentialFixture;
		let workspaceArmId: string;
		if (realAzure) {
			credential = realAzure;
			workspaceArmId = process.env.SENTINEL_WORKSPACE_ID as string;
		} else {
			emulator = await startEmulator({ port: emulatorPort, stateDir: path.join(repoRoot, '.emulator') });
			emulator.sentinel.seed(5, { createdWithinMinutes: 180 });
			credential = emulatorAzureCredential(emulator);
			workspaceArmId = emulator.workspace.armId;
		}

		const trigger = sentinelTriggerNode(emulator as Emulator, credential);
		trigger.parameters.workspace = { __rl: true, mode: 'id', value: workspaceArmId };
		const workflow = linearWorkflow({
			id: fixtureId('demoIncidents'),
			name: 'Sentinel incidents (demo)',
			nodes: [trigger, { ...noOpNode(), name: 'Incident received' }],
		});

		process.stdout.write('Starting n8n 2.41 with n8n-nodes-sentinel-signl4 (the first start installs n8n: a few minutes)…\n');
		n8n = await N8nInstance.start({
			label: 'demo',
			userFolder: path.join(repoRoot, '.n8n-demo'),
			port: n8nPort,
			brokerPort: n8nPort + 1,
			credentials: [credential],
			workflows: [workflow],
		});
		await n8n.activateWorkflow(workflow.id);

		const lines = [
			'',
			'n8n-nodes-sentinel-signl4 is running.',
			'',
			`  n8n editor      ${n8n.baseUrl}/workflow/${workflow.id}`,
			`  log in as       ${OWNER_EMAIL} / ${OWNER_PASSWORD}`,
			realAzure
				? `  Azure           your tenant ${process.env.AZURE_TENANT_ID}, workspace ${workspaceArmId}`
				: `  Azure emulator  ${emulator!.url}  (CA ${emulator!.caPath}; control API ${emulator!.url}/_emulator/info)`,
			'',
			'What to look at: open the workflow "Sentinel incidents (demo)" and its Executions tab — the first poll',
			'already delivered the seeded incidents, one item each with alerts and entities. New incidents arrive',
			'within a minute' + (realAzure ? '.' : ` (create one: curl -k -X POST ${emulator!.url}/_emulator/incidents -H 'content-type: application/json' -d '{}').`),
			'',
			'Ctrl-C stops n8n and the emulator.',
			'',
		];
		process.stdout.write(lines.join('\n'));
	} catch (error) {
		await stopAll();
		throw error;
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
