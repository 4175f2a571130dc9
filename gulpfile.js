// Build: TypeScript → dist/, then the Azure SDK bundle over the compiled stub of sdkBundle.ts,
// then icons and codex files. See nodes/shared/azure/sdkBundle.ts for why the SDKs are bundled.
const { series, src, dest } = require('gulp');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, 'dist');

async function clean() {
	await fs.promises.rm(dist, { recursive: true, force: true });
}

async function compileTypeScript() {
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
		cwd: __dirname,
		stdio: 'inherit',
	});
}

async function bundleAzureSdk() {
	const esbuild = require('esbuild');
	await esbuild.build({
		entryPoints: [path.join(__dirname, 'nodes/shared/azure/sdkBundle.ts')],
		outfile: path.join(dist, 'nodes/shared/azure/sdkBundle.js'),
		bundle: true,
		platform: 'node',
		// n8n 2.41 runs on Node 24; the code itself also stays loadable on Node 20 for the unit tests.
		target: 'node20',
		format: 'cjs',
		minify: true,
		legalComments: 'external',
		logLevel: 'warning',
	});
}

function copyAssets() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'nodes/**/__schema__/**/*.json', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest(dist));
}

exports.clean = clean;
exports.build = series(clean, compileTypeScript, bundleAzureSdk, copyAssets);
exports.default = exports.build;
