#!/usr/bin/env bash
# Installs Debian packages the tests need (`bash scripts/apt-install.sh "<why>" pkg...`), as root only. The packages'
# post-install scripts may not start system services (policy-rc.d 101): the tests start their own servers.
set -euo pipefail
why=$1
shift
if [ "$(id -u)" != "0" ]; then
	echo "Missing $* and this is not root: install Debian's '$*' package(s) ($why)." >&2
	exit 1
fi
echo "Installing Debian's $* for $why…"
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created_policy=1
fi
trap 'if [ "$created_policy" = "1" ]; then rm -f "$policy"; fi' EXIT
apt-get update -qq
apt-get install -y -qq "$@" >/dev/null
