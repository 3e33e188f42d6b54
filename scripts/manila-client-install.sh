#!/usr/bin/env bash
# Debian's Manila client for the API tests (python3-manilaclient 4.1.1 speaks microversions 2.0 to 2.72).
# Idempotent; fails loudly when it cannot install, so a missing client never reads as a skipped test.
set -euo pipefail
if command -v manila >/dev/null 2>&1; then exit 0; fi
echo "Installing Debian's python3-manilaclient for the Manila API tests…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-manilaclient >/dev/null
command -v manila >/dev/null 2>&1 || { echo "python3-manilaclient installed but no 'manila' command on PATH" >&2; exit 1; }
