/**
 * PostgreSQL and Redis for a queue-mode n8n cluster: Debian's own server binaries (installed by
 * `scripts/ensure-servers.sh` when missing), each started unprivileged on a free loopback port with its data in a
 * temporary folder, and stopped (folder removed) afterwards. No system service, no Docker.
 *
 * PostgreSQL refuses to run as root; when the tests run as root the server runs as the `postgres` user the Debian
 * package creates (or `nobody`), through `setpriv`, which execs in place so the signal reaches the server itself.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPOSITORY_ROOT } from './install';

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;

/** A server this harness started: where it listens, its process and log, what n8n needs to reach it. */
export interface LocalServer {
	host: string;
	port: number;
	pid: number | undefined;
	logPath: string;
	/** The n8n environment that points at it. */
	n8nEnvironment(): Record<string, string>;
	stop(): Promise<void>;
}

export interface DatabaseServer extends LocalServer {
	database: string;
	user: string;
	password: string;
}

export type RedisServer = LocalServer;

let serversEnsured = false;

/** Servers started and not yet stopped; killed when the test process exits without stopping them (a crashed run). */
const liveServers = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of liveServers) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
	liveServers.add(child);
	child.once('exit', () => liveServers.delete(child));
	return child;
}

/** Installs Debian's postgresql and redis-server once per test process when they are missing. */
export function ensureServersInstalled(): void {
	if (serversEnsured) return;
	execFileSync('bash', [path.join(REPOSITORY_ROOT, 'scripts', 'ensure-servers.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
	serversEnsured = true;
}

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The newest PostgreSQL's binaries Debian installed (`/usr/lib/postgresql/<major>/bin`). */
function postgresBinDir(): string {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((entry) => fs.existsSync(path.join(root, entry, 'bin', 'postgres'))) : [];
	majors.sort((a, b) => Number(b) - Number(a));
	if (!majors.length) throw new Error('no PostgreSQL server under /usr/lib/postgresql (scripts/ensure-servers.sh installs it)');
	return path.join(root, majors[0], 'bin');
}

/** uid/gid to run PostgreSQL as when we are root; undefined when we are not root (it runs as us). */
function unprivilegedAccount(): { uid: number; gid: number; name: string } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	for (const name of ['postgres', 'nobody']) {
		const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith(`${name}:`));
		if (line) {
			const [, , uid, gid] = line.split(':');
			return { uid: Number(uid), gid: Number(gid), name };
		}
	}
	throw new Error('running as root and neither a postgres nor a nobody account exists to run PostgreSQL as');
}

function asAccount(account: ReturnType<typeof unprivilegedAccount>, command: string, args: string[]): [string, string[]] {
	if (!account) return [command, args];
	return ['setpriv', [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--', command, ...args]];
}

function tcpAnswers(port: number, probe?: Buffer, expect?: RegExp): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let received = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1_000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => {
			if (!probe) return done(true);
			socket.write(probe);
		});
		socket.on('data', (chunk) => {
			received += chunk.toString('utf8');
			if (!expect || expect.test(received)) done(true);
		});
	});
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
	return new Promise((resolve) => {
		const timer = setTimeout(() => resolve(false), ms);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve(true);
		});
	});
}

/** Stops a server with its own shutdown signal (SIGKILL if it does not exit in time) and removes a temporary folder. */
async function stopServer(child: ChildProcess, signal: NodeJS.Signals, temporaryFolder: string | undefined): Promise<void> {
	child.kill(signal);
	if (!(await waitForExit(child, STOP_GRACE_MS))) {
		child.kill('SIGKILL');
		await waitForExit(child, STOP_GRACE_MS);
	}
	if (temporaryFolder) fs.rmSync(temporaryFolder, { recursive: true, force: true });
}

function logTail(file: string, lines = 30): string {
	return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(no log)';
}

/**
 * A fresh PostgreSQL cluster: `initdb` with a generated password (scram-sha-256 on loopback), one database for n8n,
 * the server in the foreground as our child. `folder`: a folder to use and keep (`npm start -- --queue`).
 */
export async function startPostgres(options: { folder?: string; port?: number; label?: string } = {}): Promise<DatabaseServer> {
	ensureServersInstalled();
	const bin = postgresBinDir();
	const account = unprivilegedAccount();
	const folder = options.folder ?? fs.mkdtempSync(path.join(os.tmpdir(), `sentinel-signl4-${options.label ?? 'postgres'}-`));
	const dataDir = path.join(folder, 'data');
	const log = path.join(folder, 'postgres.log');
	const passwordFile = path.join(folder, 'password');
	const user = 'n8n';
	const database = 'n8n';
	fs.mkdirSync(folder, { recursive: true });
	const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
	if (fresh) fs.writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
	const password = fs.readFileSync(passwordFile, 'utf8').trim();
	if (account) {
		fs.chmodSync(folder, 0o755);
		fs.chownSync(folder, account.uid, account.gid);
		fs.chownSync(passwordFile, account.uid, account.gid);
	}
	if (fresh) {
		const [command, args] = asAccount(account, path.join(bin, 'initdb'), [
			'-D', dataDir, '-U', user, `--pwfile=${passwordFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync',
		]);
		execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: folder });
	}
	const port = options.port ?? (await freePort());
	const logFd = fs.openSync(log, 'a', 0o644);
	if (account) fs.fchownSync(logFd, account.uid, account.gid);
	const [command, args] = asAccount(account, path.join(bin, 'postgres'), [
		'-D', dataDir, '-p', String(port), '-k', folder, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200',
	]);
	// Own process group: a terminal's Ctrl-C must not stop the database under the n8n processes still shutting down.
	const child = track(spawn(command, args, { stdio: ['ignore', logFd, logFd], cwd: folder, detached: true }));
	fs.closeSync(logFd);
	const deadline = Date.now() + START_TIMEOUT_MS;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`PostgreSQL exited with code ${child.exitCode}:\n${logTail(log)}`);
		try {
			execFileSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q'], { stdio: 'ignore' });
			break;
		} catch {
			if (Date.now() > deadline) throw new Error(`PostgreSQL not ready within ${START_TIMEOUT_MS} ms:\n${logTail(log)}`);
			await sleep(200);
		}
	}
	if (fresh) {
		// Over the Unix socket in the folder (trust for local connections only: the folder is the owner's).
		const [createCommand, createArgs] = asAccount(account, path.join(bin, 'createdb'), ['-h', folder, '-p', String(port), '-U', user, database]);
		execFileSync(createCommand, createArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
	}
	return {
		host: '127.0.0.1',
		port,
		database,
		user,
		password,
		pid: child.pid,
		logPath: log,
		n8nEnvironment: () => ({
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: password,
		}),
		// SIGINT = PostgreSQL's fast shutdown: sessions ended, a clean checkpoint.
		stop: () => stopServer(child, 'SIGINT', options.folder ? undefined : folder),
	};
}

/** A Redis server on a free loopback port, without persistence (n8n's queue needs none across a test run). */
export async function startRedis(options: { folder?: string; port?: number; label?: string } = {}): Promise<RedisServer> {
	ensureServersInstalled();
	const folder = options.folder ?? fs.mkdtempSync(path.join(os.tmpdir(), `sentinel-signl4-${options.label ?? 'redis'}-`));
	fs.mkdirSync(folder, { recursive: true });
	const log = path.join(folder, 'redis.log');
	const port = options.port ?? (await freePort());
	const logFd = fs.openSync(log, 'a', 0o600);
	const child = track(spawn(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--dir', folder, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'yes'],
		{ stdio: ['ignore', logFd, logFd], cwd: folder, detached: true },
	));
	fs.closeSync(logFd);
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (!(await tcpAnswers(port, Buffer.from('PING\r\n'), /\+PONG/))) {
		if (child.exitCode !== null) throw new Error(`Redis exited with code ${child.exitCode}:\n${logTail(log)}`);
		if (Date.now() > deadline) throw new Error(`Redis not ready within ${START_TIMEOUT_MS} ms:\n${logTail(log)}`);
		await sleep(100);
	}
	return {
		host: '127.0.0.1',
		port,
		pid: child.pid,
		logPath: log,
		n8nEnvironment: () => ({ QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) }),
		stop: () => stopServer(child, 'SIGTERM', options.folder ? undefined : folder),
	};
}
