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
 *
 * `npm start -- --queue` (`npm run start:queue`): the same on an n8n queue-mode cluster — PostgreSQL, Redis, the main
 * on N8N_PORT, 2 workers and 1 webhook processor, which SIGNL4's outbound webhook calls. It prints which process is
 * which (role, URL or port, pid, log). The cluster's folders are temporary: no state is kept between queue-mode
 * starts (only the callback password in .n8n-demo/). scripts/start.sh installs PostgreSQL and Redis when missing.
 */
import * as path from 'node:path';

import { demoInstructions, demoSettingsFromEnvironment, startDemo, watchSignlLatency, type Demo } from '../test/e2e/fixtures/demo';

const repoRoot = path.resolve(__dirname, '..');
const n8nPort = Number(process.env.N8N_PORT ?? 5678);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 8443);
const queueMode = process.argv.includes('--queue');

async function main(): Promise<void> {
	const settings = demoSettingsFromEnvironment();
	const startedAt = Date.now();
	let demo: Demo | undefined;
	let stopping = false;
	let starting: Promise<Demo> | undefined;
	const stopAll = (signal: string) => {
		if (stopping) {
			if (queueMode && !demo) process.exit(130); // a second Ctrl-C while waiting for the start: quit at once
			return;
		}
		stopping = true;
		if (queueMode && !demo && starting) {
			// PostgreSQL and Redis are not n8n processes the harness kills on exit: let the start finish (or fail, which
			// stops what it started), then stop everything.
			process.stdout.write(`\n${signal}: waiting for the start in progress, then stopping everything it started (Ctrl-C again to quit at once)…\n`);
			void starting.then((started) => started.stop(), () => undefined).then(() => {
				process.stdout.write('stopped.\n');
				process.exit(0);
			});
			return;
		}
		const what = queueMode ? 'the n8n processes, Redis and PostgreSQL' : 'n8n';
		process.stdout.write(`\n${signal}: stopping ${what}${demo?.emulator ? ' and the emulator' : ''}…\n`);
		void (demo?.stop() ?? Promise.resolve()).then(() => {
			process.stdout.write('stopped.\n');
			process.exit(0);
		});
	};
	process.on('SIGINT', () => stopAll('SIGINT'));
	process.on('SIGTERM', () => stopAll('SIGTERM'));

	starting = startDemo({
		settings,
		userFolder: path.join(repoRoot, '.n8n-demo'),
		n8nPort,
		emulatorPort,
		emulatorStateDir: path.join(repoRoot, '.emulator'),
		log: (line) => process.stdout.write(`${line}\n`),
		...(queueMode ? { queue: { workers: 2, webhookProcessors: 1 } } : {}),
	});
	try {
		demo = await starting;
	} catch (error) {
		if (stopping) return; // interrupted: startDemo stopped what it had started, stopAll exits
		throw error;
	}
	if (stopping) return;
	// Secrets stay out of the output (they are in .n8n-demo/, owner-only) unless asked for.
	const showSecrets = process.argv.includes('--show-secrets') || process.env.SHOW_SECRETS === '1';
	process.stdout.write(demoInstructions(demo, { showSecrets }).join('\n'));
	process.stdout.write(`(started in ${Math.round((Date.now() - startedAt) / 1000)} s)\n`);
	watchSignlLatency(demo, (line) => process.stdout.write(`${line}\n`));
}

main().catch((error: unknown) => {
	process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
