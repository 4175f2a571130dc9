#!/usr/bin/env bash
# Debian's PostgreSQL and Redis for the queue-mode cluster (tests and `npm start -- --queue`). Installs what is
# missing, once; the servers themselves are started per run, unprivileged, on free ports in a temporary folder
# (test/e2e/harness/servers.ts), never as system services.
set -euo pipefail
missing=()
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then missing+=(postgresql); fi
if ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
	echo "Missing ${missing[*]} and this is not root: install Debian's '${missing[*]}' package(s)." >&2
	exit 1
fi
echo "Installing Debian's ${missing[*]} for the queue-mode cluster…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d 101: the packages' post-install scripts must not start system-wide services; the cluster starts its own.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created_policy=1
fi
apt-get install -y -qq "${missing[@]}" >/dev/null
if [ "$created_policy" = "1" ]; then rm -f "$policy"; fi
