#!/usr/bin/env bash
# `npm start`: installs what is missing, then runs scripts/start.ts (build, emulator, n8n, the reference workflows).
# `npm start -- --queue`: the same on a queue-mode cluster, which needs Debian's PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
for argument in "$@"; do
	if [ "$argument" = "--queue" ]; then bash scripts/ensure-servers.sh; fi
done
exec npx tsx scripts/start.ts "$@"
