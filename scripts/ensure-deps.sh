#!/usr/bin/env bash
# Installs the project's dev dependencies when they are missing or older than package-lock.json, so that
# `npm start` and `npm test` work on a fresh clone. Scripts are skipped: n8n-core's peer isolated-vm needs
# Node 24 to build, and nothing this project uses at test time needs an install script.
set -euo pipefail
cd "$(dirname "$0")/.."
marker=node_modules/.package-lock.json
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
	echo "Installing dev dependencies (npm ci)…"
	npm ci --ignore-scripts --no-audit --no-fund
fi
