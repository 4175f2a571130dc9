#!/usr/bin/env bash
# Debian's Chromium for the browser checks (Playwright drives it; no browser download). Installs it once.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
	echo "Chromium is missing and this is not root: install Debian's 'chromium' package." >&2
	exit 1
fi
echo "Installing Debian's chromium for the browser checks…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
