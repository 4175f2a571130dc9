/**
 * `npm start`: the product, running locally. Builds and packs the package, starts the emulator (Entra ID, Sentinel,
 * Log Analytics and SIGNL4 with its web console), installs the package into a real n8n 2.41 under its real name,
 * imports credentials and the three reference workflows, points SIGNL4's outbound webhook at workflow 2, seeds a
 * few incidents, activates everything and prints where to look. Ctrl-C stops everything it started.
 *
 * Real services instead of the emulated ones (README, "npm start"): AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET, SENTINEL_WORKSPACE_ID [, AZURE_CLOUD]; SIGNL4_TEAM_SECRET [, SIGNL4_API_KEY, SIGNL4_BASE_URL];
 * WEBHOOK_URL (n8n's public URL, for a real SIGNL4's callbacks); SIGNL4_CALLBACK_USER / SIGNL4_CALLBACK_PASSWORD.
 */
import * as path from 'node:path';

import { OWNER_EMAIL, OWNER_PASSWORD } from '../test/e2e/harness';
import { demoSettingsFromEnvironment, startDemo, type Demo } from '../test/e2e/fixtures/demo';

const repoRoot = path.resolve(__dirname, '..');
const n8nPort = Number(process.env.N8N_PORT ?? 5678);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 8443);

function instructions(demo: Demo): string[] {
	const { n8n, emulator } = demo;
	const emulatedAzure = demo.azure === 'emulator';
	const emulatedSignl4 = demo.signl4 === 'emulator';
	const workflowUrl = (id: string) => `${n8n.baseUrl}/workflow/${id}`;
	const lines = [
		'',
		'n8n-nodes-sentinel-signl4 is running: Microsoft Sentinel ⇄ SIGNL4, both ways.',
		'',
		`  n8n editor      ${n8n.baseUrl}   log in as ${OWNER_EMAIL} / ${OWNER_PASSWORD}`,
		`    1 Sentinel → SIGNL4                  ${workflowUrl(demo.workflowIds.sentinelToSignl4)}`,
		`    2 SIGNL4 → Sentinel                  ${workflowUrl(demo.workflowIds.signl4ToSentinel)}`,
		`    3 Sentinel closed → SIGNL4 resolved  ${workflowUrl(demo.workflowIds.closedResolvesSignl4)}`,
		emulatedSignl4
			? `  SIGNL4 console  ${emulator!.signl4.consoleUrl}   (the emulated SIGNL4 app; accept its self-signed certificate)`
			: `  SIGNL4          your team at ${process.env.SIGNL4_BASE_URL || 'https://connect.signl4.com'}`,
		emulatedAzure
			? `  Sentinel        emulated: ${emulator!.url}/_emulator/incidents   (curl -sk …)`
			: `  Sentinel        your workspace ${demo.workspaceArmId}`,
		'',
	];

	if (emulatedAzure) {
		lines.push(`${demo.seeded.length} new incidents were seeded:`);
		for (const incident of demo.seeded) lines.push(`  #${incident.number} [${incident.severity}] ${incident.title}   ${incident.name}`);
		lines.push('');
	}
	const [first, second] = demo.seeded;
	lines.push(
		'See the loop:',
		`  1. Workflow 1 polled Sentinel when it was activated and polls every minute: each new incident became a Signl ${emulatedSignl4 ? 'in the SIGNL4 console' : 'in your SIGNL4 app'},`,
		'     and the incident got the tag SIGNL4 and a comment with the SIGNL4 event ID (see workflow 1\'s Executions tab).',
	);
	if (emulatedSignl4) {
		lines.push(
			'  2. In the console choose a user at the top, select a Signl and click Acknowledge: SIGNL4 calls workflow 2 and the',
			`     incident becomes Active, owned by that user, with a comment${emulatedAzure ? '' : ' (this writes to your real incidents)'}.`,
		);
		if (emulatedAzure && first) {
			lines.push(
				`       curl -sk ${emulator!.url}/_emulator/incidents/${first.name}            # properties.status, .owner, .labels`,
				`       curl -sk ${emulator!.url}/_emulator/incidents/${first.name}/comments   # what the workflows wrote`,
			);
		}
		lines.push('  3. Annotate → a comment with the author; Close → the incident is Closed (True Positive unless Settings say otherwise).');
	} else {
		const authUrl = demo.callbackUrl.replace('://', `://${demo.callbackAuth.user}:${demo.callbackAuth.password}@`);
		lines.push(
			'  2. For the way back SIGNL4 must reach n8n. Add this outbound webhook in the SIGNL4 portal (Teams → Developer →',
			`     Outbound Webhooks):  ${authUrl}`,
			process.env.WEBHOOK_URL
				? '     Then acknowledge, annotate or close a Signl in the app: workflow 2 writes it to the incident (see its Executions).'
				: '     WEBHOOK_URL is not set, so that URL is on 127.0.0.1, which SIGNL4 cannot reach: set WEBHOOK_URL to a public HTTPS URL forwarding to this n8n.',
		);
	}
	if (emulatedAzure) {
		lines.push(
			'  4. Close an alerted incident "in the Sentinel portal": within a minute workflow 3 resolves its Signl.',
			`       curl -sk -X PATCH ${emulator!.url}/_emulator/incidents/${second?.name ?? '<name>'} -H 'content-type: application/json' \\`,
			`         -d '{"change":{"status":"Closed","classification":"BenignPositive","classificationReason":"SuspiciousButExpected"}}'`,
			'  More incidents (alerted within a minute):',
			`       curl -sk -X POST ${emulator!.url}/_emulator/incidents -H 'content-type: application/json' -d '{"severity":"High","title":"Suspicious sign-in"}'`,
		);
	} else {
		lines.push('  4. Close an alerted incident in the Sentinel portal: within a minute workflow 3 resolves its Signl.');
	}
	lines.push('', `Ctrl-C stops n8n${emulator ? ' and the emulator' : ''}.`, '');
	return lines;
}

async function main(): Promise<void> {
	const settings = demoSettingsFromEnvironment();
	const startedAt = Date.now();
	let demo: Demo | undefined;
	let stopping = false;
	const stopAll = (signal: string) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`\n${signal}: stopping n8n${demo?.emulator ? ' and the emulator' : ''}…\n`);
		void (demo?.stop() ?? Promise.resolve()).then(() => {
			process.stdout.write('stopped.\n');
			process.exit(0);
		});
	};
	process.on('SIGINT', () => stopAll('SIGINT'));
	process.on('SIGTERM', () => stopAll('SIGTERM'));

	demo = await startDemo({
		settings,
		userFolder: path.join(repoRoot, '.n8n-demo'),
		n8nPort,
		emulatorPort,
		emulatorStateDir: path.join(repoRoot, '.emulator'),
		log: (line) => process.stdout.write(`${line}\n`),
	});
	if (stopping) return;
	process.stdout.write(instructions(demo).join('\n'));
	process.stdout.write(`(started in ${Math.round((Date.now() - startedAt) / 1000)} s)\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
