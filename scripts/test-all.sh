#!/usr/bin/env bash
# Every test of the project, in the order that fails fastest: types, n8n's lint, unit and emulator tests
# (nodes in real n8n-core contexts against the HTTPS emulator), the build, then the real-n8n end-to-end suite
# against the packed tarball. Prints one closing line "N passed, N failed" summed over both jest projects.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

echo "== type check"
npm run --silent typecheck
echo "== lint (n8n-node lint)"
npx n8n-node lint
echo "== unit and emulator tests"
unit_status=0
npx jest --selectProjects unit --json --outputFile="$results/unit.json" || unit_status=$?

echo "== build and pack"
npm run --silent build
tarball_dir=$(mktemp -d)
npm pack --silent --pack-destination "$tarball_dir" >/dev/null
export SENTINEL_SIGNL4_TARBALL=$(ls "$tarball_dir"/*.tgz)

echo "== end to end in a real n8n (and its editor in Chromium; queue mode on PostgreSQL and Redis)"
bash scripts/ensure-browser.sh
bash scripts/ensure-servers.sh
bash scripts/ensure-az.sh  # issue 14: Debian's azure-cli for test/e2e/setupAzure.e2e.test.ts (the real az against the emulator)
e2e_status=0
npx jest --selectProjects e2e --runInBand --json --outputFile="$results/e2e.json" || e2e_status=$?

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
for (const file of process.argv.slice(1)) {
	if (!fs.existsSync(file)) { failed++; continue; }
	const r = JSON.parse(fs.readFileSync(file, "utf8"));
	passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
' "$results/unit.json" "$results/e2e.json"

[ "$unit_status" -eq 0 ] && [ "$e2e_status" -eq 0 ]
