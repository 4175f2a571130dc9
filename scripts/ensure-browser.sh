#!/usr/bin/env bash
# Debian's Chromium for the browser checks (Playwright drives it; no browser download). Installs it once.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
bash "$(dirname "$0")/apt-install.sh" "the browser checks" chromium
