/**
 * `npm start`: the product, running locally. Builds and packs the package, starts the emulator (Entra ID, Sentinel,
 * Log Analytics and SIGNL4 with its web console), installs the package into a real n8n 2.41 under its real name,
 * imports credentials and the three reference workflows, points SIGNL4's outbound webhook at workflow 2, seeds a
 * few incidents, activates everything and prints where to look. Ctrl-C stops everything it started.
 *
 * Real services instead of the emulated ones (README, "npm start"): AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET, SENTINEL_WORKSPACE_ID [, AZURE_CLOUD]; SIGNL4_TEAM_SECRET [, SIGNL4_API_KEY, SIGNL4_BASE_URL];
 * WEBHOOK_URL (n8n's public URL, for a real SIGNL4's callbacks); SIGNL4_CALLBACK_USER / SIGNL4_CALLBACK_PASSWORD.
 * `npm start -- --show-secrets` (or SHOW_SECRETS=1) prints the callback password in the outbound-webhook URL; by
 * default it is only in .n8n-demo/signl4-callback-auth.json.
 */
import * as path from 'node:path';

import { demoInstructions, demoSettingsFromEnvironment, startDemo, type Demo } from '../test/e2e/fixtures/demo';

const repoRoot = path.resolve(__dirname, '..');
const n8nPort = Number(process.env.N8N_PORT ?? 5678);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 8443);

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
	// Secrets stay out of the output (they are in .n8n-demo/, owner-only) unless asked for.
	const showSecrets = process.argv.includes('--show-secrets') || process.env.SHOW_SECRETS === '1';
	process.stdout.write(demoInstructions(demo, { showSecrets }).join('\n'));
	process.stdout.write(`(started in ${Math.round((Date.now() - startedAt) / 1000)} s)\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
