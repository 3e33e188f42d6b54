#!/usr/bin/env bash
# Debian's Chromium for the Playwright tests (never `playwright install`: it downloads a browser).
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then exit 0; fi
echo "Installing Debian's chromium for the browser tests…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
