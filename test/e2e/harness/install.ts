import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** Where `scripts/n8n-install.sh` put the private Node 24 and n8n. */
export interface N8nRuntime {
	/** The version-keyed install directory in the cache (outside the clone). */
	home: string;
	/** Node 24 binary; n8n 2.40+ refuses older runtimes. */
	nodeBinary: string;
	nodeBinDir: string;
	/** n8n's `bin/n8n` script; run it as `<nodeBinary> <n8nEntry> <command>`. */
	n8nEntry: string;
	/** n8n's `node_modules`, for helpers that borrow n8n's own dependencies (bcryptjs). */
	n8nModules: string;
	n8nVersion: string;
	nodeVersion: string;
}

export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');
const INSTALL_SCRIPT = path.join(REPOSITORY_ROOT, 'scripts', 'n8n-install.sh');

/** A cold install takes ~7 minutes on 2 cores; give it generous room before calling it hung. */
const INSTALL_TIMEOUT_MS = 30 * 60 * 1000;

let cachedRuntime: N8nRuntime | undefined;

/** Parses the KEY=VALUE lines the install script prints on stdout. */
export function parseInstallOutput(stdout: string): N8nRuntime {
	const values = new Map<string, string>();
	for (const line of stdout.split('\n')) {
		const match = /^(SENTINEL_N8N_[A-Z_]+)=(.*)$/.exec(line.trim());
		if (match) values.set(match[1], match[2]);
	}
	const required = (key: string): string => {
		const value = values.get(key);
		if (!value) throw new Error(`scripts/n8n-install.sh did not print ${key}; its stdout was:\n${stdout}`);
		return value;
	};
	return {
		home: required('SENTINEL_N8N_HOME'),
		nodeBinary: required('SENTINEL_N8N_NODE'),
		nodeBinDir: required('SENTINEL_N8N_NODE_BIN_DIR'),
		n8nEntry: required('SENTINEL_N8N_ENTRY'),
		n8nModules: required('SENTINEL_N8N_MODULES'),
		n8nVersion: required('SENTINEL_N8N_VERSION'),
		nodeVersion: required('SENTINEL_N8N_NODE_VERSION'),
	};
}

/**
 * Makes sure n8n is installed (a no-op taking well under a second once the cache is warm) and returns its paths.
 * Synchronous on purpose: it is called once per test file, and the script's progress goes straight to our stderr.
 */
export function ensureN8nInstalled(): N8nRuntime {
	if (cachedRuntime) return cachedRuntime;
	const stdout = execFileSync('bash', [INSTALL_SCRIPT], {
		cwd: REPOSITORY_ROOT,
		env: { ...process.env, CI: 'true' },
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
		timeout: INSTALL_TIMEOUT_MS,
	});
	cachedRuntime = parseInstallOutput(stdout);
	return cachedRuntime;
}
