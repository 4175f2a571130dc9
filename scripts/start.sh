#!/usr/bin/env bash
# `npm start`: installs what is missing, then runs scripts/start.ts (build, emulator, n8n, the reference workflows).
# `npm start -- --queue`: the same on a queue-mode cluster, which needs Debian's PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
for argument in "$@"; do
	if [ "$argument" = "--queue" ]; then bash scripts/ensure-servers.sh; fi
done
# node with tsx's loader rather than the tsx command: on Ctrl-C the tsx command SIGKILLs a script whose event loop is
# busy for 60 ms (a synchronous build or tar step), before it can stop the n8n processes, Redis and PostgreSQL it started.
exec node --import tsx scripts/start.ts "$@"
