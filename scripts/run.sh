#!/usr/bin/env bash
# Runs ZfsPortal on the embedded default: SQLite, Hangfire on SQLite, and a local zfs-fuse storage host.
# Seeds an admin and a demo tenant, then prints the URL and their logins. Ctrl+C stops the portal
# (the storage host stays up; `bash scripts/storage-host.sh down` removes it).
#
#   ZFSPORTAL_URLS [http://127.0.0.1:5080]   where the portal listens
#   ZFSPORTAL_DATA [<repo>/data]              portal.db, hangfire.db and the generated demo logins
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
urls="${ZFSPORTAL_URLS:-http://127.0.0.1:5080}"
data="${ZFSPORTAL_DATA:-$root/data}"

bash scripts/storage-host.sh up
bash scripts/dotnet-check.sh

echo "Building the portal (Release)…"
dotnet publish ZfsPortal.csproj -c Release -o "$root/.build/portal" --nologo -v quiet

set -a
# shellcheck disable=SC1090
. <(bash scripts/storage-host.sh env)
set +a
export Portal__DataDirectory="$data" Seed__Demo=true Storage__SyncFromConfiguration=true ASPNETCORE_URLS="$urls" DOTNET_NOLOGO=1

cd "$root/.build/portal"
dotnet ZfsPortal.dll &
portal=$!
trap 'kill "$portal" 2>/dev/null; wait "$portal" 2>/dev/null' INT TERM EXIT

first_url="${urls%%;*}"
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null "$first_url/account/login" 2>/dev/null; then break; fi
  kill -0 "$portal" 2>/dev/null || { echo "The portal stopped during start-up; see the messages above." >&2; exit 1; }
  sleep 0.5
done

echo
echo "ZfsPortal is running at $first_url"
while read -r email password; do
  case "$email" in admin@*) role="admin " ;; *) role="tenant" ;; esac
  echo "  $role  $email  password: $password"
done < "$data/initial-logins.txt"
echo "  (logins are kept in $data/initial-logins.txt; Ctrl+C stops the portal)"
wait "$portal"
