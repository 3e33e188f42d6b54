#!/usr/bin/env bash
# Runs every test: unit, bUnit, integration against the real local storage host, and the browser tests
# in Debian's Chromium. Installs what the tests need and brings the storage host up first; a host this
# script brought up is taken down again at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

host_was_up=false
if bash scripts/storage-host.sh status >/dev/null 2>&1; then host_was_up=true; fi
# A host set up before its guard existed fails `status` until `up` installs the guard; it is still someone's host.
if [[ -e ${ZFSPORTAL_HOST_DIR:-/var/lib/zfsportal-host}/backend.json ]]; then host_was_up=true; fi
bash scripts/storage-host.sh up
# The PostgreSQL mode's tests need the portal's own PostgreSQL (127.0.0.1:55432); a failed start fails the run here.
pg_was_up=false
if bash scripts/postgres.sh status >/dev/null 2>&1; then pg_was_up=true; fi
bash scripts/postgres.sh up
bash scripts/dotnet-check.sh
bash scripts/browser-install.sh
bash scripts/manila-client-install.sh

cleanup() {
  if [[ $pg_was_up == false ]]; then bash scripts/postgres.sh down || true; fi
  if [[ $host_was_up == false && -z ${ZFSPORTAL_KEEP_HOST:-} ]]; then bash scripts/storage-host.sh down || true; fi
}
trap cleanup EXIT

results="$root/.build/test-results"
rm -rf "$results"
status=0
dotnet test ZfsPortal.sln -c Release --nologo --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1200000 || status=$?

# The database-facing tests once more on PostgreSQL (claims, recovery, dispatch, quotas and their races, leases,
# the share request's checks): TestDatabase and TestPortal make PostgreSQL databases when this is set. The UI and
# host tests are not repeated; the two-node test (E2E) runs on PostgreSQL in the run above.
postgres_tests="FullyQualifiedName~ZfsPortal.Tests.Provisioning|FullyQualifiedName~ZfsPortal.Tests.Features.Quotas"
postgres_tests+="|FullyQualifiedName~ZfsPortal.Tests.Features.Shares.Create.CreateShareServiceTests"
ZFSPORTAL_TEST_DATABASE=postgresql dotnet test tests/ZfsPortal.Tests -c Release --no-build --nologo \
  --logger "trx;LogFileName=postgresql.trx" --logger "console;verbosity=minimal" --filter "$postgres_tests" \
  --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1200000 || status=$?

# One plain closing line over all test projects, so that CI can tell a run that ran no test.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [[ -f $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
echo "$passed passed, $failed failed, $skipped skipped"
if [[ $status -ne 0 ]]; then exit "$status"; fi
if [[ $passed -eq 0 || $failed -ne 0 ]]; then exit 1; fi
