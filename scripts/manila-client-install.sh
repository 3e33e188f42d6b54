#!/usr/bin/env bash
# Debian's OpenStack clients for the API tests: python3-manilaclient 4.1.1 (`manila`, microversions 2.0 to 2.72) and
# python3-openstackclient 6.0.0 (`openstack share …`, through the plugin python3-manilaclient ships).
# Idempotent; fails loudly when it cannot install, so a missing client never reads as a skipped test.
set -euo pipefail
if command -v manila >/dev/null 2>&1 && command -v openstack >/dev/null 2>&1; then exit 0; fi
echo "Installing Debian's python3-manilaclient and python3-openstackclient for the Manila API tests…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-manilaclient python3-openstackclient >/dev/null
for command in manila openstack; do
  command -v "$command" >/dev/null 2>&1 || { echo "installed, but no '$command' command on PATH" >&2; exit 1; }
done
