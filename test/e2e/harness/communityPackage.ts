import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPOSITORY_ROOT } from './install';

export const PACKAGE_NAME = 'n8n-nodes-sentinel-signl4';

/** Serialises our builds of the clone with any other harness process doing the same. */
const BUILD_LOCK_FILE = path.join(os.tmpdir(), 'n8n-nodes-sentinel-signl4-build.lock');
const PACK_ROOT = path.join(os.tmpdir(), 'n8n-nodes-sentinel-signl4-e2e-pack');
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

function isProcessAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Pack directories are keyed by the jest process id; those of finished runs are garbage. */
function removePackDirectoriesOfDeadProcesses(): void {
	if (!fs.existsSync(PACK_ROOT)) return;
	for (const entry of fs.readdirSync(PACK_ROOT)) {
		const pid = Number(entry);
		if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) {
			fs.rmSync(path.join(PACK_ROOT, entry), { recursive: true, force: true });
		}
	}
}

/**
 * The package tarball under test: `SENTINEL_SIGNL4_TARBALL` if the caller packed already (the project's test script
 * does), otherwise built and packed from this clone once per jest process. Jest gives every test file a fresh module
 * registry, so "once" is remembered on disk, keyed by the process id (all files share it under --runInBand).
 */
export function getPackageTarball(): string {
	const givenTarball = process.env.SENTINEL_SIGNL4_TARBALL;
	if (givenTarball) {
		const resolved = path.resolve(givenTarball);
		if (!fs.existsSync(resolved)) throw new Error(`SENTINEL_SIGNL4_TARBALL names a missing file: ${resolved}`);
		return resolved;
	}

	const packDirectory = path.join(PACK_ROOT, String(process.pid));
	const existing = fs.existsSync(packDirectory)
		? fs.readdirSync(packDirectory).find((file) => file.endsWith('.tgz'))
		: undefined;
	if (existing) return path.join(packDirectory, existing);

	removePackDirectoriesOfDeadProcesses();
	fs.mkdirSync(packDirectory, { recursive: true });
	// The tarball is only for this run; a run killed before this hook is cleaned up by the next one (above).
	process.once('exit', () => fs.rmSync(packDirectory, { recursive: true, force: true }));
	const run = (command: string): string =>
		execFileSync('flock', [BUILD_LOCK_FILE, 'bash', '-c', command], {
			cwd: REPOSITORY_ROOT,
			env: { ...process.env, CI: 'true' },
			stdio: ['ignore', 'pipe', 'inherit'],
			encoding: 'utf8',
			timeout: BUILD_TIMEOUT_MS,
		});
	// Build and pack under one lock hold, so nobody's `clean` empties dist/ between the two.
	const packOutput = run(
		`npm run build >&2 && npm pack --silent --pack-destination ${JSON.stringify(packDirectory)}`,
	);
	const fileName = packOutput.trim().split('\n').pop()?.trim();
	if (!fileName || !fs.existsSync(path.join(packDirectory, fileName))) {
		throw new Error(`npm pack did not report a tarball in ${packDirectory}; it printed:\n${packOutput}`);
	}
	return path.join(packDirectory, fileName);
}

/**
 * Installs the tarball the way n8n installs a community package (extract into `<userFolder>/.n8n/nodes/node_modules`),
 * so n8n loads its nodes at startup under the real name `n8n-nodes-sentinel-signl4.<node>`, with no database row and
 * no `npm install` (the package has no runtime dependencies).
 */
export function installCommunityPackage(n8nUserFolder: string, tarball: string): string {
	const nodesDirectory = path.join(n8nUserFolder, '.n8n', 'nodes');
	const packageDirectory = path.join(nodesDirectory, 'node_modules', PACKAGE_NAME);
	// A kept user folder (`npm start`) may hold an older build: replace it whole, as n8n does on an update.
	fs.rmSync(packageDirectory, { recursive: true, force: true });
	fs.mkdirSync(packageDirectory, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', packageDirectory, '--strip-components=1']);

	const manifest = JSON.parse(fs.readFileSync(path.join(packageDirectory, 'package.json'), 'utf8')) as {
		name: string;
		version: string;
	};
	if (manifest.name !== PACKAGE_NAME) {
		throw new Error(`${tarball} holds package ${manifest.name}, expected ${PACKAGE_NAME}`);
	}
	// What n8n itself leaves next to an installed package; harmless, and keeps the folder recognisable.
	fs.writeFileSync(
		path.join(nodesDirectory, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: manifest.version } }, null, '\t'),
	);
	return packageDirectory;
}
