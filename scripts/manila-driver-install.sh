#!/usr/bin/env bash
# Debian's python3-manila (Zed, 15.1.0): the bench runs its ZFSonLinux driver class standalone (bench/manila_peer.py),
# without Manila's API, scheduler, message bus or database, beside the portal and the floor.
# Debian's own /usr/bin/python3 (not a python3 earlier on PATH). Only the Python package: no manila-* service is installed or started. Idempotent; fails loudly when it cannot install.
set -euo pipefail
probe() { /usr/bin/python3 -c 'import manila.share.drivers.zfsonlinux.driver' 2>/dev/null; }
if probe; then exit 0; fi
echo "Installing Debian's python3-manila for the bench's Manila driver peer…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-manila >/dev/null
probe || { echo "python3-manila installed, but manila.share.drivers.zfsonlinux.driver does not import" >&2; exit 1; }
