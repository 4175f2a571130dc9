#!/usr/bin/env bash
# Debian's Azure CLI (`az`) for the setup-script tests (test/e2e/setupAzure.e2e.test.ts), which run the real `az`
# against the emulator. Installs it once.
set -euo pipefail
if command -v az >/dev/null 2>&1; then exit 0; fi
bash "$(dirname "$0")/apt-install.sh" "the setup-azure.sh tests (the real az CLI against the emulator)" azure-cli
