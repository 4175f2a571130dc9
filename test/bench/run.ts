/**
 * `npm run bench`: speed and memory figures for the trigger and the package's load cost. Prints figures; it asserts
 * nothing (tests assert behaviour, never wall-clock times). Runs against the in-process emulator over HTTPS.
 */
import './env';

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import type * as TriggerModule from '../../nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node';
import { emptyState, planPoll, stateFigures } from '../../nodes/MicrosoftSentinelTrigger/cursor';
import { startEmulator } from '../emulator';
import { readReferenceWorkflow } from '../e2e/fixtures/referenceWorkflows';
import { emulatorCredential, triggerParameters } from '../helpers/azureFixtures';
import { PollHarness } from '../helpers/n8nHarness';

// tsx resolves a bare `….node` specifier as a native addon; name the TypeScript file explicitly.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MicrosoftSentinelTrigger } = require(path.join(__dirname, '../../nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node.ts')) as typeof TriggerModule;

type Figures = Record<string, string | number>;

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
	const started = process.hrtime.bigint();
	const value = await fn();
	return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

function report(title: string, figures: Figures): void {
	process.stdout.write(`\n${title}\n`);
	for (const [key, value] of Object.entries(figures)) process.stdout.write(`  ${key.padEnd(38)} ${value}\n`);
}

/** Load cost of the built package as n8n pays it: node files at start-up, the SDK bundle on first use. */
function loadCost(): void {
	const root = path.resolve(__dirname, '../..');
	// n8n has n8n-workflow loaded long before it loads community nodes: load it first so it is not counted.
	const script = `
		require(${JSON.stringify(path.join(root, 'node_modules/n8n-workflow'))});
		const t0 = process.hrtime.bigint();
		require(${JSON.stringify(path.join(root, 'dist/nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node.js'))});
		require(${JSON.stringify(path.join(root, 'dist/credentials/SentinelSignl4AzureApi.credentials.js'))});
		const t1 = process.hrtime.bigint();
		const rss1 = process.memoryUsage().rss;
		require(${JSON.stringify(path.join(root, 'dist/nodes/shared/azure/sdkBundle.js'))});
		const t2 = process.hrtime.bigint();
		console.log(JSON.stringify({ nodes: Number(t1 - t0) / 1e6, sdk: Number(t2 - t1) / 1e6, rssBefore: rss1, rssAfter: process.memoryUsage().rss }));
	`;
	const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as Record<string, number>;
	report('Package load (dist/, fresh Node process)', {
		'node + credential files (n8n start-up)': `${result.nodes.toFixed(1)} ms`,
		'Azure SDK bundle (first use only)': `${result.sdk.toFixed(1)} ms, +${mb(result.rssAfter - result.rssBefore)} RSS`,
	});
}

async function triggerFigures(): Promise<void> {
	const emu = await startEmulator();
	try {
		const make = (overrides: Record<string, unknown>) =>
			new PollHarness({
				nodeType: new MicrosoftSentinelTrigger(),
				typeName: 'n8n-nodes-sentinel-signl4.microsoftSentinelTrigger',
				parameters: triggerParameters(emu, { statuses: [], ...overrides }),
				credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) },
			});

		emu.sentinel.seed(2500, { createdWithinMinutes: 600, alertsPerIncident: [1, 3] });
		global.gc?.();
		const heapBefore = process.memoryUsage().heapUsed;
		const bulk = make({ includeAlerts: false, includeEntities: false, options: { maxIncidentsPerPoll: 0 } });
		emu.clearRequests();
		const first = await timed(() => bulk.poll());
		const heapAfter = process.memoryUsage().heapUsed;
		const listCalls = emu.requestCount('incidents.list');
		emu.clearRequests();
		const idle = await timed(() => bulk.poll());
		const idleCalls = { arm: emu.requests.length - emu.requestCount('token'), token: emu.requestCount('token') };
		const stateBytes = JSON.stringify(bulk.staticData).length;

		const detailed = make({ options: { maxIncidentsPerPoll: 100 } });
		emu.clearRequests();
		const withDetails = await timed(() => detailed.poll());
		const detailCalls = emu.requests.length;

		report('Microsoft Sentinel Trigger against the emulator (HTTPS, real SDKs)', {
			'first poll, 2,500 incidents, no details': `${first.ms.toFixed(0)} ms, ${first.value?.[0].length} items, ${listCalls} list calls`,
			// The emulator shares this process, so this includes its request log for the poll.
			'heap growth for that poll': mb(heapAfter - heapBefore),
			'idle poll right after': `${idle.ms.toFixed(1)} ms, ${idleCalls.arm} ARM call(s), ${idleCalls.token} token requests`,
			'cursor state after 2,500 incidents': `${(stateBytes / 1024).toFixed(1)} KB`,
			'poll of 100 incidents with alerts+entities': `${withDetails.ms.toFixed(0)} ms, ${detailCalls} ARM calls`,
		});

		// Idle polls as a user runs the trigger: workflow 1's settings (New incidents, alerts and entities, at-least-once
		// delivery), after a first poll that emitted the workspace's backlog.
		const asInWorkflowOne = readReferenceWorkflow('sentinelToSignl4').nodes.find((node) => node.type.endsWith('.microsoftSentinelTrigger'))!.parameters;
		const userTrigger = make({ ...asInWorkflowOne, workspace: { __rl: true, mode: 'id', value: emu.workspace.armId } });
		const backlog = (await userTrigger.poll())?.[0].length ?? 0;
		const IDLE_POLLS = 5;
		emu.clearRequests();
		const idleStarted = process.hrtime.bigint();
		for (let poll = 0; poll < IDLE_POLLS; poll++) await userTrigger.poll();
		const idleMs = Number(process.hrtime.bigint() - idleStarted) / 1e6 / IDLE_POLLS;
		const idleTokens = emu.requestCount('token');
		const idleArm = emu.requests.length - idleTokens;
		report(`Idle poll, workflow 1's trigger settings (${IDLE_POLLS} polls after a first poll of ${backlog} incidents)`, {
			'per idle poll': `${idleMs.toFixed(1)} ms, ${(idleArm / IDLE_POLLS).toFixed(1)} ARM call(s), ${(idleTokens / IDLE_POLLS).toFixed(1)} token requests`,
			'routes called': [...new Set(emu.requests.map((request) => request.route))].join(', ') || 'none',
		});

		const incidents = Array.from({ length: 20_000 }, (_, i) => ({
			incidentNumber: i + 1,
			createdTimeUtc: new Date(Date.now() - i * 1000).toISOString(),
			lastModifiedTimeUtc: new Date(Date.now() - i * 500).toISOString(),
		}));
		const figures: Record<string, string> = {};
		for (const events of ['created', 'createdOrUpdated'] as const) {
			const plan = await timed(async () => planPoll(emptyState('/ws'), incidents, { events, maxAgeHours: 24, maxPerPoll: 0, nowMs: Date.now() }));
			const state = stateFigures(plan.value.next);
			figures[`planPoll over 20,000 incidents (${events})`] =
				`${plan.ms.toFixed(1)} ms, state ${(state.bytes / 1024).toFixed(1)} KB (${state.ranges} range(s), ${state.recent} modification times)`;
		}
		report('Cursor (pure)', figures);
	} finally {
		await emu.stop();
	}
}

async function main(): Promise<void> {
	execFileSync('npm', ['run', '--silent', 'build'], { cwd: path.resolve(__dirname, '../..'), stdio: 'ignore' });
	loadCost();
	await triggerFigures();
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
