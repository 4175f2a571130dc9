import { runningN8nInstances, type N8nExecution } from './n8nInstance';

export { N8nInstance, OWNER_EMAIL, OWNER_PASSWORD, runningN8nInstances } from './n8nInstance';
export { N8nCluster } from './cluster';
export type { N8nClusterOptions } from './cluster';
export { startPostgres, startRedis } from './servers';
export type { N8nExecution, N8nPublicationStatus, N8nRole, N8nStartOptions, N8nWorkflow } from './n8nInstance';
export { ensureN8nInstalled, parseInstallOutput } from './install';
export type { N8nRuntime } from './install';
export { getPackageTarball, installCommunityPackage, PACKAGE_NAME } from './communityPackage';
export { fixtureId, linearWorkflow, noOpNode, useCredential } from './fixtures';
export type { CredentialFixture, WorkflowConnections, WorkflowFixture, WorkflowNodeFixture } from './fixtures';

/**
 * `test()` for e2e cases: on failure, the error message gets the tail of every running n8n instance's log appended
 * and their user folders are kept, so a red CI run shows what n8n said without re-running anything.
 */
export function e2eTest(name: string, body: () => Promise<void>, timeoutMs?: number): void {
	test(
		name,
		async () => {
			try {
				await body();
			} catch (error) {
				let failure = error instanceof Error ? error : new Error(String(error));
				for (const instance of runningN8nInstances()) {
					instance.markFailed();
					failure = instance.withLogTail(failure);
				}
				throw failure;
			}
		},
		timeoutMs,
	);
}

/** The `json` of every item a node emitted in an execution (run 0, main output 0 unless told otherwise). */
export function nodeOutputJson(
	execution: N8nExecution,
	nodeName: string,
	options: { runIndex?: number; outputIndex?: number } = {},
): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData.runData[nodeName];
	if (!runs) {
		const ran = Object.keys(execution.data?.resultData.runData ?? {}).join(', ') || 'none';
		throw new Error(`execution ${execution.id} has no run data for node '${nodeName}' (nodes that ran: ${ran})`);
	}
	const run = runs[options.runIndex ?? 0];
	const items = run?.data?.main[options.outputIndex ?? 0] ?? [];
	return items.map((item) => item.json);
}

/** The error an execution ended with, if any (for clearer assertion messages). */
export function executionError(execution: N8nExecution): string | undefined {
	const error = execution.data?.resultData.error;
	return error ? `${error.message}${error.description ? ` (${error.description})` : ''}` : undefined;
}

/**
 * Waits until `probe` returns something truthy (checked every `intervalMs`) and returns it; fails naming `what`
 * after `timeoutMs`. For outcomes that arrive asynchronously: polls, webhook callbacks, the emulator's state.
 */
export async function eventually<T>(
	what: string,
	probe: () => T | undefined | false,
	{ timeoutMs = 150_000, intervalMs = 500 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}
