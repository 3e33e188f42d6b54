#!/usr/bin/env bash
# Fails early, with the fix, when the .NET SDK this repository pins (global.json) is missing.
set -euo pipefail
if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is not installed (dotnet is not on PATH). Install it, then run this again." >&2
  exit 1
fi
if ! dotnet --version >/dev/null 2>&1; then
  echo "dotnet cannot find an SDK matching global.json (10.0.x): $(dotnet --version 2>&1 | head -3)" >&2
  exit 1
fi
