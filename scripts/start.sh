#!/usr/bin/env bash
# `npm start`: installs what is missing, then runs scripts/start.ts (build, emulator, n8n, the reference workflows).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec npx tsx scripts/start.ts "$@"
