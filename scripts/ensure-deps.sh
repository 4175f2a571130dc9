#!/usr/bin/env bash
# Installs the project's dev dependencies when they are missing or older than package-lock.json, so that
# `npm start` and `npm test` work on a fresh clone. Scripts are skipped: n8n-core's peer isolated-vm needs
# Node 24 to build, and nothing this project uses at test time needs an install script.
# `npm install` rather than `npm ci`: it installs the versions package-lock.json records just the same, but the
# registry mirror here lacks some optional platform bindings (e.g. @unrs/resolver-binding-android-arm-eabi, deep
# under @n8n/node-cli), which npm cannot record in the lockfile and `npm ci` then refuses as "missing".
set -euo pipefail
cd "$(dirname "$0")/.."
marker=node_modules/.package-lock.json
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
	echo "Installing dev dependencies…"
	npm install --ignore-scripts --no-audit --no-fund
fi
