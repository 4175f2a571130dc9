/**
 * n8n in queue mode, as a SOC that outgrew one process runs it: PostgreSQL for state, Redis for the queue, one main
 * (editor, API, poll triggers, webhooks), workers that run the executions, and webhook processors that receive
 * production webhooks. Every process has its own user folder with this package installed (n8n loads community nodes
 * from the user folder of each process), and all share one database and one encryption key; the fixtures are
 * imported once, through the main.
 */
import * as fs from 'node:fs';

import type { CredentialFixture, WorkflowFixture } from './fixtures';
import { N8nInstance } from './n8nInstance';
import { startPostgres, startRedis, type DatabaseServer, type RedisServer } from './servers';

export interface N8nClusterOptions {
	/** Prefix of every process's label (`<label>-main`, `<label>-worker-1`, …). */
	label?: string;
	credentials?: CredentialFixture[];
	workflows?: WorkflowFixture[];
	workers?: number;
	webhookProcessors?: number;
	/** Extra environment for every process. */
	env?: Record<string, string>;
	/** The main's port (`npm start -- --queue`: 5678); default a free port. Every other port is a free one. */
	mainPort?: number;
}

/** The environment every process of one cluster shares: queue mode, the database, Redis. */
function queueEnvironment(db: DatabaseServer, redis: RedisServer, extra: Record<string, string> = {}): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		...db.n8nEnvironment(),
		...redis.n8nEnvironment(),
		// Runs started in the editor go to the workers as well (n8n 2.41 runs them on the main unless told).
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		...extra,
	};
}

export class N8nCluster {
	private constructor(
		readonly db: DatabaseServer,
		readonly redis: RedisServer,
		readonly main: N8nInstance,
		readonly workers: N8nInstance[],
		readonly webhookProcessors: N8nInstance[],
	) {}

	/** Every n8n process of the cluster, main first. */
	get processes(): N8nInstance[] {
		return [this.main, ...this.workers, ...this.webhookProcessors];
	}

	/** The processes that receive production webhooks: the main and the webhook processors. */
	get webhookReceivers(): N8nInstance[] {
		return [this.main, ...this.webhookProcessors];
	}

	static async start(options: N8nClusterOptions = {}): Promise<N8nCluster> {
		const label = options.label ?? 'cluster';
		const [db, redis] = await Promise.all([startPostgres({ label: `${label}-postgres` }), startRedis({ label: `${label}-redis` })]);
		const env = queueEnvironment(db, redis, options.env);
		const processOptions = (role: 'main' | 'worker' | 'webhook', name: string) => ({
			role,
			label: `${label}-${name}`,
			env,
			...(role === 'main' && options.mainPort ? { port: options.mainPort } : {}),
		});
		let main: N8nInstance | undefined;
		try {
			// The main first: it runs the database migrations and imports the fixtures the others will read.
			main = await N8nInstance.start({ ...processOptions('main', 'main'), credentials: options.credentials, workflows: options.workflows });
			const starts = await Promise.allSettled([
				...Array.from({ length: options.workers ?? 2 }, (_, i) => N8nInstance.start(processOptions('worker', `worker-${i + 1}`))),
				...Array.from({ length: options.webhookProcessors ?? 1 }, (_, i) => N8nInstance.start(processOptions('webhook', `webhook-${i + 1}`))),
			]);
			const others = starts.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
			const failed = starts.find((result): result is PromiseRejectedResult => result.status === 'rejected');
			if (failed) {
				// Every process that did start is stopped (N8nInstance.start stops its own on failure).
				await Promise.allSettled(others.map((instance) => instance.stop()));
				throw failed.reason;
			}
			const workers = others.filter((instance) => instance.role === 'worker');
			const webhooks = others.filter((instance) => instance.role === 'webhook');
			return new N8nCluster(db, redis, main, workers, webhooks);
		} catch (error) {
			await main?.stop();
			await Promise.allSettled([db.stop(), redis.stop()]);
			throw error;
		}
	}

	/** Stops every n8n process (webhook processors and workers before the main), then Redis and PostgreSQL. */
	async stop(): Promise<void> {
		await Promise.allSettled([...this.webhookProcessors, ...this.workers].map((instance) => instance.stop()));
		await Promise.allSettled([this.main.stop()]);
		await Promise.allSettled([this.redis.stop(), this.db.stop()]);
	}

	/** Keep every process's user folder (logs) after stop; the e2e failure wrapper does this for running instances. */
	markFailed(): void {
		for (const instance of this.processes) instance.markFailed();
	}

	/** Executions each worker started, from its log ("Worker started execution N"). */
	executionsPerWorker(): Record<string, string[]> {
		const out: Record<string, string[]> = {};
		for (const worker of this.workers) out[worker.label] = workerExecutionIds(worker, 'started');
		return out;
	}

	/** Executions a worker started and has not finished (by its log): what a kill now would cut short. */
	executionsInFlight(worker: N8nInstance): string[] {
		const finished = new Set(workerExecutionIds(worker, 'finished'));
		return workerExecutionIds(worker, 'started').filter((id) => !finished.has(id));
	}
}

function workerExecutionIds(worker: N8nInstance, what: 'started' | 'finished'): string[] {
	if (!fs.existsSync(worker.logPath)) return [];
	const pattern = new RegExp(`Worker ${what} execution (\\d+)`, 'g');
	return [...fs.readFileSync(worker.logPath, 'utf8').matchAll(pattern)].map((match) => match[1]);
}
