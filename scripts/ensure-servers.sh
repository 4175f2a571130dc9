#!/usr/bin/env bash
# Debian's PostgreSQL and Redis for the queue-mode cluster (tests and `npm start -- --queue`). Installs what is
# missing, once; the servers themselves are started per run, unprivileged, on free ports in a temporary folder
# (test/e2e/harness/servers.ts), never as system services.
set -euo pipefail
missing=()
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then missing+=(postgresql); fi
if ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
bash "$(dirname "$0")/apt-install.sh" "the queue-mode cluster" "${missing[@]}"
