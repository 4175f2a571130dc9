import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { getPackageTarball, installCommunityPackage } from './communityPackage';
import type { CredentialFixture, WorkflowFixture } from './fixtures';
import { ensureN8nInstalled, type N8nRuntime } from './install';

/** Must stay the same between `import:credentials` and `start`, or n8n cannot decrypt what it imported. */
const ENCRYPTION_KEY = 'sentinel-signl4-e2e-encryption-key-not-a-secret';
/** The env-managed owner of every instance the harness (and `npm start`) runs; local throwaway instances only. */
export const OWNER_EMAIL = 'owner@e2e.sentinel-signl4.test';
export const OWNER_PASSWORD = 'E2e-Owner-Passw0rd';

/** Startup is 4-8 s on a quiet machine; a loaded CI box gets more. */
const READINESS_TIMEOUT_MS = 120_000;
const CLI_COMMAND_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;

/** The public-API scopes the harness uses; the key is created with exactly these. */
const API_KEY_SCOPES = [
	'workflow:read',
	'workflow:list',
	'workflow:activate',
	'workflow:deactivate',
	'execution:read',
	'execution:list',
];

/** Execution statuses after which n8n will not touch the execution again. */
const FINAL_EXECUTION_STATUSES = new Set(['success', 'error', 'crashed', 'canceled']);

/** Which n8n process this is: `n8n start` (the main: editor, API, triggers), `n8n worker` or `n8n webhook` (queue mode). */
export type N8nRole = 'main' | 'worker' | 'webhook';

export interface N8nStartOptions {
	/** Shown in log file names and failure output, to tell instances apart. */
	label?: string;
	/**
	 * Default `main`. A `worker` or `webhook` process imports nothing and has no owner login or API key (it shares the
	 * main's database); it is ready when its health endpoint answers.
	 */
	role?: N8nRole;
	credentials?: CredentialFixture[];
	workflows?: WorkflowFixture[];
	/** Extra or overriding environment for every n8n command of this instance. */
	env?: Record<string, string>;
	/** Install this package into the user folder (default true); false for harness self-tests of built-in nodes. */
	installPackage?: boolean;
	/** A user folder to keep between runs (`npm start`); default a fresh temporary folder removed on stop. */
	userFolder?: string;
	/** Fixed ports (`npm start`); default free ports picked by the kernel. */
	port?: number;
	brokerPort?: number;
	/**
	 * n8n's encryption key (what encrypts the credentials in the database); default a fixed key fit for throwaway test
	 * instances only. A kept user folder must be started with the key it was first started with.
	 */
	encryptionKey?: string;
}

export interface N8nExecution {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
	/** The run data (`IRunExecutionData`), present when listed or fetched with `includeData=true`. */
	data?: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> } }>>;
			error?: { message: string; description?: string };
			lastNodeExecuted?: string;
		};
	};
}

export interface N8nWorkflow {
	id: string;
	name: string;
	active: boolean;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
	staticData: Record<string, unknown> | null;
}

export interface N8nPublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: 'activated' | 'failed'; errorMessage: string | null }>;
}

const liveInstances = new Set<N8nInstance>();

// Last line of defence against orphaned n8n processes when a test file dies without calling stop().
process.once('exit', () => {
	for (const instance of liveInstances) instance.killImmediately();
});

/** Every instance started and not yet stopped in this test file (for failure reporting). */
export function runningN8nInstances(): N8nInstance[] {
	return [...liveInstances];
}

function sleep(milliseconds: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** True if the promise settled within the time; the timer is cleared either way so jest can exit promptly. */
async function settlesWithin(promise: Promise<unknown>, milliseconds: number): Promise<boolean> {
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<false>((resolve) => {
		timer = setTimeout(() => resolve(false), milliseconds);
	});
	try {
		return await Promise.race([promise.then(() => true as const), timedOut]);
	} finally {
		clearTimeout(timer);
	}
}

/** Ports the kernel just handed out; held together so the two picks cannot collide. */
async function findFreePorts(count: number): Promise<number[]> {
	const servers = await Promise.all(
		Array.from(
			{ length: count },
			() =>
				new Promise<net.Server>((resolve, reject) => {
					const server = net.createServer();
					server.once('error', reject);
					server.listen(0, '127.0.0.1', () => resolve(server));
				}),
		),
	);
	const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
	await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
	return ports;
}

let ownerPasswordHash: string | undefined;

/** bcrypt hash of the owner password, made with n8n's own bcryptjs so the format is one n8n accepts. */
async function hashOwnerPassword(runtime: N8nRuntime): Promise<string> {
	if (ownerPasswordHash) return ownerPasswordHash;
	const script =
		"const bcrypt = require(require.resolve('bcryptjs', { paths: [process.argv[1]] }));" +
		'process.stdout.write(bcrypt.hashSync(process.argv[2], 10));';
	const hash = await new Promise<string>((resolve, reject) => {
		execFile(runtime.nodeBinary, ['-e', script, runtime.n8nModules, OWNER_PASSWORD], (error, stdout) =>
			error ? reject(error) : resolve(stdout.trim()),
		);
	});
	if (!/^\$2[aby]\$/.test(hash)) throw new Error(`bcryptjs produced an unexpected hash: ${hash}`);
	ownerPasswordHash = hash;
	return hash;
}

/** Environment inherited from the test process, minus what would change n8n's behaviour behind our back. */
function inheritedEnvironment(): Record<string, string> {
	const environment: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value === undefined) continue;
		// N8N_*: a developer's shell settings must not leak in (an empty N8N_CUSTOM_EXTENSIONS alone makes n8n glob
		// the working directory and crash). NODE_ENV=test (set by jest) switches n8n into its own test behaviour.
		// NODE_OPTIONS may carry ts-jest/debugger flags meant for the test process.
		if (key.startsWith('N8N_') || key === 'NODE_ENV' || key === 'NODE_OPTIONS' || key.startsWith('JEST_')) continue;
		if (key === 'DB_TYPE' || key.startsWith('DB_') || key.startsWith('EXECUTIONS_') || key.startsWith('QUEUE_') || key === 'WEBHOOK_URL') continue;
		environment[key] = value;
	}
	return environment;
}

/**
 * One real n8n process with its own temporary user folder, SQLite database and ports, set up the way a user would
 * set it up: the package installed as a community package, credentials and workflows imported with the n8n CLI,
 * an env-managed owner, and an API key for the public API.
 */
export class N8nInstance {
	readonly baseUrl: string;

	/** How long the steps of start() took, for spotting a slow machine or a slow n8n release. */
	readonly startupTimings = { importMs: 0, startUntilReadyMs: 0, loginAndApiKeyMs: 0 };

	/** How long the steps of the last restart() took (all 0 before the first). */
	readonly restartTimings = { stopMs: 0, startUntilReadyMs: 0, loginMs: 0, reactivationMs: 0, totalMs: 0 };

	private readonly logFile: string;

	private process: ChildProcess | undefined;

	private exited: Promise<void> = Promise.resolve();

	private exitCode: number | null = null;

	private authCookie = '';

	private apiKey = '';

	/** The auth cookie is bound to a browser id; every /rest call must send the same one. */
	private readonly browserId = randomUUID();

	private keepUserFolder = process.env.SENTINEL_E2E_KEEP === '1';

	private constructor(
		readonly role: N8nRole,
		readonly label: string,
		readonly runtime: N8nRuntime,
		readonly userFolder: string,
		readonly port: number,
		readonly brokerPort: number,
		private readonly environment: Record<string, string>,
	) {
		this.baseUrl = `http://127.0.0.1:${port}`;
		this.logFile = path.join(userFolder, 'n8n.log');
	}

	/** Installs (if needed), sets up a fresh user folder, imports fixtures, starts n8n and obtains an API key. */
	static async start(options: N8nStartOptions = {}): Promise<N8nInstance> {
		const runtime = ensureN8nInstalled();
		const role = options.role ?? 'main';
		const label = options.label ?? (role === 'main' ? 'n8n' : role);
		const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), `sentinel-signl4-${label.replace(/\W+/g, '-')}-`));
		fs.mkdirSync(userFolder, { recursive: true });
		// The database, n8n's settings (encryption key) and the log live here: the owner's eyes only.
		fs.chmodSync(userFolder, 0o700);
		if (options.installPackage ?? true) installCommunityPackage(userFolder, getPackageTarball());

		const [freePort, freeBrokerPort] = await findFreePorts(2);
		const port = options.port ?? freePort;
		const brokerPort = options.brokerPort ?? freeBrokerPort;
		const environment: Record<string, string> = {
			...inheritedEnvironment(),
			PATH: `${runtime.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
			HOME: userFolder,
			CI: 'true',
			TZ: 'UTC',
			GENERIC_TIMEZONE: 'UTC',
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: options.encryptionKey ?? ENCRYPTION_KEY,
			N8N_PORT: String(port),
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
			// The task-runner broker listens on 5679 whatever N8N_PORT says; two instances (or a developer's own
			// n8n) would collide there.
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_SECURE_COOKIE: 'false',
			// Our package is unverified; 2.x loads it by default but warns that 3.0 will not, so say it explicitly.
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			// The emulator listens on loopback; SSRF protection would block it (it is off by default, say so).
			N8N_SSRF_PROTECTION_ENABLED: 'false',
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: OWNER_EMAIL,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: await hashOwnerPassword(runtime),
			N8N_INSTANCE_OWNER_FIRST_NAME: 'E2E',
			N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
			N8N_LOG_LEVEL: process.env.SENTINEL_E2E_N8N_LOG_LEVEL ?? 'info',
			N8N_LOG_OUTPUT: 'console',
			// The MCP server registry refreshes from api.n8n.io at startup; offline that is a stack trace of noise.
			N8N_DISABLED_MODULES: 'mcp-registry',
			// Stop quickly: nothing in a test instance is worth 30 s of graceful draining.
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			// A worker answers /healthz only when asked to, on its own port.
			...(role === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port) } : {}),
			...options.env,
		};

		const instance = new N8nInstance(role, label, runtime, userFolder, port, brokerPort, environment);
		if (options.userFolder) instance.keepUserFolder = true;
		liveInstances.add(instance);
		try {
			let phaseStartedAt = Date.now();
			const endPhase = (phase: keyof N8nInstance['startupTimings']) => {
				instance.startupTimings[phase] = Date.now() - phaseStartedAt;
				phaseStartedAt = Date.now();
			};
			if (role === 'main') await instance.importFixtures(options.credentials ?? [], options.workflows ?? []);
			endPhase('importMs');
			await instance.launch();
			await instance.waitUntilReady();
			endPhase('startUntilReadyMs');
			if (role === 'main') {
				await instance.logIn();
				await instance.createApiKey();
			}
			endPhase('loginAndApiKeyMs');
			const { importMs, startUntilReadyMs, loginAndApiKeyMs } = instance.startupTimings;
			process.stderr.write(
				`[e2e] n8n '${label}' up on ${instance.baseUrl}: import ${importMs} ms, start ${startUntilReadyMs} ms, ` +
					`login + API key ${loginAndApiKeyMs} ms\n`,
			);
		} catch (error) {
			instance.keepUserFolder = true;
			await instance.stop();
			throw instance.withLogTail(error);
		}
		return instance;
	}

	// ---------------------------------------------------------------------------------------------------- lifecycle

	private async importFixtures(credentials: CredentialFixture[], workflows: WorkflowFixture[]): Promise<void> {
		const importDirectory = path.join(this.userFolder, 'fixtures');
		fs.mkdirSync(importDirectory, { recursive: true });
		if (credentials.length > 0) {
			// Plaintext secrets: readable by the owner only, and gone once n8n has them (encrypted) in its database.
			const file = path.join(importDirectory, 'credentials.json');
			fs.rmSync(file, { force: true });
			fs.writeFileSync(file, JSON.stringify(credentials, null, '\t'), { mode: 0o600 });
			try {
				await this.runCli(['import:credentials', `--input=${file}`]);
			} finally {
				fs.rmSync(file, { force: true });
			}
		}
		if (workflows.length > 0) {
			const file = path.join(importDirectory, 'workflows.json');
			const now = new Date().toISOString();
			const rows = workflows.map((workflow) => ({
				active: false,
				settings: {},
				staticData: null,
				pinData: {},
				versionId: randomUUID(),
				createdAt: now,
				updatedAt: now,
				...workflow,
			}));
			fs.writeFileSync(file, JSON.stringify(rows, null, '\t'));
			await this.runCli(['import:workflow', `--input=${file}`]);
		}
	}

	/** Runs an n8n CLI command to completion against this instance's user folder, logging to the instance log. */
	async runCli(args: string[]): Promise<void> {
		this.appendLog(`\n===== n8n ${args.join(' ')}\n`);
		const logFd = fs.openSync(this.logFile, 'a', 0o600);
		try {
			const child = spawn(this.runtime.nodeBinary, [this.runtime.n8nEntry, ...args], {
				cwd: this.userFolder,
				env: this.environment,
				stdio: ['ignore', logFd, logFd],
				detached: true,
			});
			const exitCode = await new Promise<number | null>((resolve, reject) => {
				const timer = setTimeout(() => {
					killGroup(child.pid, 'SIGKILL');
					reject(new Error(`n8n ${args[0]} did not finish within ${CLI_COMMAND_TIMEOUT_MS} ms`));
				}, CLI_COMMAND_TIMEOUT_MS);
				child.once('error', reject);
				child.once('exit', (code) => {
					clearTimeout(timer);
					resolve(code);
				});
			});
			if (exitCode !== 0) throw new Error(`n8n ${args.join(' ')} exited with code ${exitCode}`);
		} finally {
			fs.closeSync(logFd);
		}
	}

	private async launch(): Promise<void> {
		this.appendLog(`\n===== n8n ${this.role === 'main' ? 'start' : this.role}\n`);
		const logFd = fs.openSync(this.logFile, 'a', 0o600);
		// Own process group, so stop() reaches the task runner children too.
		const command = this.role === 'main' ? 'start' : this.role;
		const child = spawn(this.runtime.nodeBinary, [this.runtime.n8nEntry, command], {
			cwd: this.userFolder,
			env: this.environment,
			stdio: ['ignore', logFd, logFd],
			detached: true,
		});
		fs.closeSync(logFd);
		this.process = child;
		this.exited = new Promise((resolve) => {
			child.once('exit', (code, signal) => {
				this.exitCode = code ?? (signal ? 128 : null);
				resolve();
			});
			child.once('error', (error) => {
				this.appendLog(`\n===== spawn error: ${error.message}\n`);
				this.exitCode = -1;
				resolve();
			});
		});
	}

	private async waitUntilReady(): Promise<void> {
		const deadline = Date.now() + READINESS_TIMEOUT_MS;
		while (Date.now() < deadline) {
			if (this.exitCode !== null) throw new Error(`n8n exited with code ${this.exitCode} before it was ready`);
			try {
				const response = await fetch(`${this.baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2_000) });
				if (response.ok) return;
			} catch {
				// Not listening yet.
			}
			await sleep(250);
		}
		throw new Error(`n8n was not ready within ${READINESS_TIMEOUT_MS} ms`);
	}

	private async logIn(): Promise<void> {
		const response = await fetch(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': this.browserId },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER_EMAIL, password: OWNER_PASSWORD }),
		});
		if (!response.ok) throw new Error(`POST /rest/login: HTTP ${response.status} ${await response.text()}`);
		const cookie = response.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
		if (!cookie) throw new Error('POST /rest/login set no n8n-auth cookie');
		this.authCookie = cookie.split(';')[0];
	}

	private async createApiKey(): Promise<void> {
		const available = (await this.internalApi<{ data: string[] }>('GET', '/rest/api-keys/scopes')).data;
		const missing = API_KEY_SCOPES.filter((scope) => !available.includes(scope));
		if (missing.length > 0) throw new Error(`n8n offers no API key scopes ${missing.join(', ')}`);
		// A kept user folder (`npm start`) still has the key of the previous start; labels are unique per user.
		const label = `e2e-${this.label}`;
		const listed = await this.internalApi<{ data: { items: Array<{ id: string; label: string }> } }>('GET', '/rest/api-keys');
		for (const key of listed.data.items.filter((k) => k.label === label)) {
			await this.internalApi('DELETE', `/rest/api-keys/${key.id}`);
		}
		const created = await this.internalApi<{ data: { rawApiKey: string } }>('POST', '/rest/api-keys', {
			label,
			scopes: API_KEY_SCOPES,
			expiresAt: null,
		});
		this.apiKey = created.data.rawApiKey;
	}

	/** Stops n8n and everything it spawned; removes the user folder unless a failure (or SENTINEL_E2E_KEEP=1) says keep. */
	async stop(): Promise<void> {
		const child = this.process;
		if (child && this.exitCode === null) {
			killGroup(child.pid, 'SIGTERM');
			const stoppedInTime = await settlesWithin(this.exited, STOP_GRACE_MS);
			if (!stoppedInTime) this.appendLog(`\n===== no exit ${STOP_GRACE_MS} ms after SIGTERM; SIGKILL\n`);
		}
		// Whatever is left of the group (a runner that outlived its parent) goes now.
		if (child) killGroup(child.pid, 'SIGKILL');
		if (child) await settlesWithin(this.exited, STOP_GRACE_MS);
		liveInstances.delete(this);
		if (this.keepUserFolder) {
			process.stderr.write(`[e2e] kept n8n user folder of '${this.label}': ${this.userFolder}\n`);
		} else {
			fs.rmSync(this.userFolder, { recursive: true, force: true });
		}
	}

	/** The combined stdout/stderr of every n8n command of this instance. */
	get logPath(): string {
		return this.logFile;
	}

	/** The n8n process's id, which is also its process group's (n8n and its task runners); undefined before start. */
	get processGroupId(): number | undefined {
		return this.process?.pid;
	}

	/** For the exit hook only: synchronous, no waiting. */
	killImmediately(): void {
		if (this.process) killGroup(this.process.pid, 'SIGKILL');
	}

	/**
	 * `kill -9` of n8n and everything it spawned (its process group: the task runners), as a crash or an OOM kill
	 * would end it: no shutdown hooks, nothing flushed. Resolves when no process of the group is left. The user
	 * folder stays; `restart()` starts n8n on it again.
	 */
	async kill9(): Promise<void> {
		const child = this.process;
		if (!child?.pid) return;
		this.appendLog('\n===== kill -9 (harness)\n');
		killGroup(child.pid, 'SIGKILL');
		if (!(await settlesWithin(this.exited, STOP_GRACE_MS))) throw new Error(`n8n '${this.label}' (pid ${child.pid}) still running ${STOP_GRACE_MS} ms after SIGKILL`);
		const deadline = Date.now() + STOP_GRACE_MS;
		while (processGroupAlive(child.pid)) {
			if (Date.now() > deadline) throw new Error(`processes of n8n's group ${child.pid} still running ${STOP_GRACE_MS} ms after SIGKILL`);
			killGroup(child.pid, 'SIGKILL');
			await sleep(50);
		}
	}

	/**
	 * Starts n8n again on the same user folder (SQLite database, encryption key, installed package), ports, owner and
	 * environment, after `kill9()` or a crash; a still-running n8n is stopped gracefully first. Nothing is imported
	 * again. Returns when n8n is ready, logged in, its API key works (the stored key normally does; a new one is made
	 * if not) and every workflow that was active has been re-activated by n8n's own start-up (its publication has
	 * settled), so a caller can go on as before.
	 */
	async restart(): Promise<void> {
		const startedAt = Date.now();
		let phaseStartedAt = startedAt;
		const endPhase = (phase: Exclude<keyof N8nInstance['restartTimings'], 'totalMs'>) => {
			this.restartTimings[phase] = Date.now() - phaseStartedAt;
			phaseStartedAt = Date.now();
		};
		try {
			const child = this.process;
			if (child?.pid && this.exitCode === null) {
				killGroup(child.pid, 'SIGTERM');
				if (!(await settlesWithin(this.exited, STOP_GRACE_MS))) await this.kill9();
			}
			endPhase('stopMs');
			this.exitCode = null;
			await this.launch();
			await this.waitUntilReady();
			endPhase('startUntilReadyMs');
			if (this.role === 'main') {
				await this.logIn();
				if (!(await this.apiKeyWorks())) await this.createApiKey();
			}
			endPhase('loginMs');
			if (this.role === 'main') await this.waitForActiveWorkflows();
			endPhase('reactivationMs');
			this.restartTimings.totalMs = Date.now() - startedAt;
			const { stopMs, startUntilReadyMs, loginMs, reactivationMs, totalMs } = this.restartTimings;
			process.stderr.write(
				`[e2e] n8n '${this.label}' restarted on ${this.baseUrl} in ${totalMs} ms: stop ${stopMs} ms, start ${startUntilReadyMs} ms, ` +
					`login ${loginMs} ms, re-activation ${reactivationMs} ms\n`,
			);
		} catch (error) {
			this.keepUserFolder = true;
			throw this.withLogTail(error);
		}
	}

	private async apiKeyWorks(): Promise<boolean> {
		if (!this.apiKey) return false;
		const response = await fetch(`${this.baseUrl}/api/v1/workflows?limit=1`, { headers: { 'X-N8N-API-KEY': this.apiKey, accept: 'application/json' } });
		await response.arrayBuffer();
		return response.ok;
	}

	/** Waits until n8n has (re-)activated every workflow marked active, as it does on start; throws on a failure. */
	private async waitForActiveWorkflows(timeoutMs = 60_000): Promise<void> {
		const active = await this.publicApi<{ data: Array<{ id: string }> }>('GET', '/workflows?active=true&limit=250');
		for (const { id } of active.data) {
			const publication = await this.waitForPublicationToSettle(id, timeoutMs);
			if (publication.status !== 'published') {
				const reasons = publication.triggers.filter((trigger) => trigger.status !== 'activated').map((trigger) => `node ${trigger.nodeId}: ${trigger.errorMessage ?? trigger.status}`);
				throw new Error(`workflow ${id} did not come back active after the restart (publication status '${publication.status}'): ${reasons.join('; ')}`);
			}
		}
	}

	/** Keep the user folder (database, log) after stop(); the failure wrapper calls it. */
	markFailed(): void {
		this.keepUserFolder = true;
	}

	// ------------------------------------------------------------------------------------------------- public API

	/**
	 * Activates (publishes) a workflow and waits until n8n has really started its triggers. n8n 2.41 applies a
	 * publication asynchronously through an outbox: the API call returns at once with `active: true`, and the
	 * triggers (webhook registration, a poll trigger's first poll) run moments later. A trigger that fails there
	 * does not fail the API call, so this reads the publication status and throws with n8n's error messages.
	 */
	async activateWorkflow(workflowId: string, timeoutMs = 60_000): Promise<N8nPublicationStatus> {
		await this.publicApi<N8nWorkflow>('POST', `/workflows/${workflowId}/activate`);
		const publication = await this.waitForPublicationToSettle(workflowId, timeoutMs);
		if (publication.status !== 'published') {
			const reasons = publication.triggers
				.filter((trigger) => trigger.status !== 'activated')
				.map((trigger) => `node ${trigger.nodeId}: ${trigger.errorMessage ?? trigger.status}`);
			throw new Error(
				`workflow ${workflowId} did not activate (publication status '${publication.status}'): ${reasons.join('; ')}`,
			);
		}
		return publication;
	}

	/** Activates without judging the outcome, for cases that expect activation to fail. */
	async tryActivateWorkflow(workflowId: string, timeoutMs = 60_000): Promise<N8nPublicationStatus> {
		await this.publicApi<N8nWorkflow>('POST', `/workflows/${workflowId}/activate`);
		return await this.waitForPublicationToSettle(workflowId, timeoutMs);
	}

	/** Deactivates (unpublishes) a workflow and waits until n8n has torn its triggers down. */
	async deactivateWorkflow(workflowId: string, timeoutMs = 60_000): Promise<N8nPublicationStatus> {
		await this.publicApi<N8nWorkflow>('POST', `/workflows/${workflowId}/deactivate`);
		return await this.waitForPublicationToSettle(workflowId, timeoutMs, ['not_published']);
	}

	/** n8n's own view of a workflow's publication (`GET /rest/workflows/:id/publication-status`, as the editor uses). */
	async getPublicationStatus(workflowId: string): Promise<N8nPublicationStatus> {
		return (await this.internalApi<{ data: N8nPublicationStatus }>('GET', `/rest/workflows/${workflowId}/publication-status`))
			.data;
	}

	private async waitForPublicationToSettle(
		workflowId: string,
		timeoutMs: number,
		acceptedStatuses: string[] = ['published', 'partial', 'failed'],
	): Promise<N8nPublicationStatus> {
		const deadline = Date.now() + timeoutMs;
		let publication = await this.getPublicationStatus(workflowId);
		while (!acceptedStatuses.includes(publication.status)) {
			if (Date.now() > deadline) {
				throw new Error(
					`workflow ${workflowId}: publication still '${publication.status}' after ${timeoutMs} ms ` +
						`(waiting for ${acceptedStatuses.join('/')})`,
				);
			}
			await sleep(200);
			publication = await this.getPublicationStatus(workflowId);
		}
		return publication;
	}

	async getWorkflow(workflowId: string): Promise<N8nWorkflow> {
		return await this.publicApi<N8nWorkflow>('GET', `/workflows/${workflowId}`);
	}

	/** All executions of a workflow, oldest first. */
	async listExecutions(workflowId: string, options: { includeData?: boolean } = {}): Promise<N8nExecution[]> {
		const executions: N8nExecution[] = [];
		let cursor: string | undefined;
		// Bounded: 20 pages of 250 is far beyond anything a test produces.
		for (let page = 0; page < 20; page++) {
			const query = new URLSearchParams({ workflowId, limit: '250' });
			if (options.includeData) query.set('includeData', 'true');
			if (cursor) query.set('cursor', cursor);
			const result = await this.publicApi<{ data: N8nExecution[]; nextCursor: string | null }>(
				'GET',
				`/executions?${query.toString()}`,
			);
			executions.push(...result.data);
			if (!result.nextCursor) break;
			cursor = result.nextCursor;
		}
		return executions
			.map((execution) => ({ ...execution, id: String(execution.id) }))
			.sort((a, b) => Number(a.id) - Number(b.id));
	}

	/**
	 * Waits until at least `count` executions of the workflow have finished (successfully or not) and returns all
	 * finished ones with their data, oldest first. Throws with a status summary on timeout.
	 */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 60_000): Promise<N8nExecution[]> {
		const deadline = Date.now() + timeoutMs;
		let seen: N8nExecution[] = [];
		while (Date.now() < deadline) {
			seen = await this.listExecutions(workflowId);
			const finished = seen.filter((execution) => FINAL_EXECUTION_STATUSES.has(execution.status));
			if (finished.length >= count) {
				const withData = await this.listExecutions(workflowId, { includeData: true });
				return withData.filter((execution) => FINAL_EXECUTION_STATUSES.has(execution.status));
			}
			if (this.exitCode !== null) throw new Error(`n8n exited with code ${this.exitCode} while waiting for executions`);
			await sleep(500);
		}
		const summary = seen.map((execution) => `${execution.id}:${execution.status}`).join(', ') || 'none';
		throw new Error(
			`workflow ${workflowId}: expected ${count} finished execution(s) within ${timeoutMs} ms; saw ${summary}`,
		);
	}

	// ----------------------------------------------------------------------------------------------------- plumbing

	/** A call to n8n's internal REST API (`/rest/...`, `/types/...`) as the logged-in owner, like the editor makes. */
	async internalApi<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}${urlPath}`, {
			method,
			headers: {
				cookie: this.authCookie,
				'browser-id': this.browserId,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${urlPath}: HTTP ${response.status} ${text}`);
		return JSON.parse(text) as T;
	}

	/** A call to the public API (`/api/v1`), authenticated with the instance's API key. */
	async publicApi<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}/api/v1${urlPath}`, {
			method,
			headers: {
				'X-N8N-API-KEY': this.apiKey,
				accept: 'application/json',
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} /api/v1${urlPath}: HTTP ${response.status} ${text}`);
		return JSON.parse(text) as T;
	}

	private appendLog(text: string): void {
		fs.appendFileSync(this.logFile, text, { mode: 0o600 });
	}

	/** The last lines of this instance's combined stdout/stderr (CLI commands and the server). */
	logTail(lineCount = 80): string {
		if (!fs.existsSync(this.logFile)) return '(no log yet)';
		const lines = fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n');
		return lines.slice(-lineCount).join('\n');
	}

	/** Same error, its message extended with the log tail, so jest's failure output shows what n8n said. */
	withLogTail(error: unknown): Error {
		const failure = error instanceof Error ? error : new Error(String(error));
		failure.message +=
			`\n\n----- last lines of n8n log '${this.label}' (${this.logFile}) -----\n${this.logTail()}\n----- end of n8n log -----`;
		return failure;
	}
}

/**
 * Whether any live process is left in the process group (zombies do not count: a container without an init that
 * reaps orphans keeps them around). Reads /proc; elsewhere falls back to signal 0.
 */
function processGroupAlive(pgid: number): boolean {
	if (!fs.existsSync('/proc/self/stat')) {
		try {
			process.kill(-pgid, 0);
			return true;
		} catch {
			return false;
		}
	}
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat: string;
		try {
			stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue; // gone meanwhile
		}
		// pid (comm) state ppid pgrp …; comm may contain spaces and parentheses, so split after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
	}
	return false;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (!pid) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}
