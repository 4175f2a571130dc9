// Standalone emulator: `npm run emulator -- --port 8443 --seed 12 --state-dir .emulator --limits enforced`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { isLimitsMode, type LimitsMode } from './core/limits';
import { startEmulator } from './index';

interface CliOptions {
	port: number;
	seed: number;
	stateDir: string;
	/** Standalone, the emulator behaves like the real services: limits enforced unless `--limits reported`. */
	limits: LimitsMode;
}

function parseArgs(argv: string[]): CliOptions {
	const options: CliOptions = { port: 8443, seed: 12, stateDir: path.resolve(__dirname, '../../.emulator'), limits: 'enforced' };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = () => inline ?? argv[++i];
		switch (flag) {
			case '--port':
				options.port = Number(value());
				break;
			case '--seed':
				options.seed = Number(value());
				break;
			case '--state-dir':
				options.stateDir = path.resolve(value());
				break;
			case '--limits': {
				const mode = value();
				if (!isLimitsMode(mode)) throw new Error("--limits must be 'enforced' or 'reported'");
				options.limits = mode;
				break;
			}
			case '--help':
			case '-h':
				console.log('Usage: npm run emulator -- [--port 8443] [--seed 12] [--state-dir .emulator] [--limits enforced|reported]');
				process.exit(0);
				break;
			default:
				throw new Error(`Unknown argument '${argv[i]}'`);
		}
	}
	if (!Number.isInteger(options.port) || options.port < 0) throw new Error('--port must be an integer');
	if (!Number.isInteger(options.seed) || options.seed < 0) throw new Error('--seed must be an integer >= 0');
	return options;
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const emulator = await startEmulator({ port: options.port, stateDir: options.stateDir, seedIncidents: options.seed, limits: options.limits });
	const summary = {
		url: emulator.url,
		limits: emulator.limits.mode,
		caPath: emulator.caPath,
		principal: emulator.principal,
		workspace: emulator.workspace,
		workspaces: emulator.workspaces,
		controlApi: `${emulator.url}/_emulator/info`,
	};
	const summaryPath = path.join(options.stateDir, 'emulator.json');
	writeFileSync(summaryPath, `${JSON.stringify(summary, null, '\t')}\n`, { mode: 0o600 });

	console.log(`Sentinel / Entra ID emulator listening on ${emulator.url}`);
	console.log(`  CA certificate:   ${emulator.caPath}   (NODE_EXTRA_CA_CERTS=${emulator.caPath})`);
	console.log(`  Tenant id:        ${emulator.principal.tenantId}`);
	console.log(`  Client id:        ${emulator.principal.clientId}`);
	console.log(`  Client secret:    ${emulator.principal.clientSecret}`);
	console.log(`  Client cert+key:  ${path.join(options.stateDir, 'client-certificate.pem')}`);
	console.log(`  Subscription:     ${emulator.workspace.subscriptionId}`);
	console.log(`  Workspace:        ${emulator.workspace.resourceGroup}/${emulator.workspace.name} (customerId ${emulator.workspace.customerId})`);
	console.log(`  Workspace ARM id: ${emulator.workspace.armId}`);
	console.log(`  Seeded incidents: ${options.seed}`);
	console.log(`  Limits:           ${emulator.limits.mode}   (PUT ${emulator.url}/_emulator/limits {"mode":"enforced"|"reported"})`);
	console.log(`  Details:          ${summaryPath}`);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal} received, stopping emulator`);
		emulator.stop().then(
			() => process.exit(0),
			(error) => {
				console.error(error);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error) => {
	console.error(`emulator failed to start: ${(error as Error).message}`);
	process.exit(1);
});
