#!/usr/bin/env bash
# Runs ZfsPortal in its PostgreSQL mode: the portal's own PostgreSQL (scripts/postgres.sh) and two portal nodes
# behind it, both serving pages and running jobs, on the local zfs-fuse storage host. Idempotent.
#
#   bash scripts/run-nodes.sh up       start PostgreSQL and both nodes (those already running are left alone)
#   bash scripts/run-nodes.sh down     stop both nodes (SIGTERM) and PostgreSQL; the data stays
#   bash scripts/run-nodes.sh status   which nodes answer
#
#   ZFSPORTAL_NODE_PORTS [5081 5082]         one node per port, on 127.0.0.1
#   ZFSPORTAL_NODES_DIR  [<repo>/data-nodes] pid files, logs, the generated demo logins
#   ZFSPORTAL_NODE_ROLES ["" ""]             per node: "" (pages and jobs), "pages" or "jobs"
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
read -r -a ports <<<"${ZFSPORTAL_NODE_PORTS:-5081 5082}"
read -r -a roles <<<"${ZFSPORTAL_NODE_ROLES:-all all}"
state="${ZFSPORTAL_NODES_DIR:-$root/data-nodes}"

answers() { curl -fsS -o /dev/null "http://127.0.0.1:$1/account/login" 2>/dev/null; }
node_pid() { [[ -f $state/node-$1.pid ]] && kill -0 "$(cat "$state/node-$1.pid")" 2>/dev/null && cat "$state/node-$1.pid"; }

up() {
  bash scripts/storage-host.sh up
  bash scripts/postgres.sh up
  bash scripts/dotnet-check.sh
  echo "Building the portal (Release)…"
  dotnet publish ZfsPortal.csproj -c Release -o "$root/.build/portal" --nologo -v quiet
  mkdir -p "$state"
  local i=0 port role
  for port in "${ports[@]}"; do
    role="${roles[$i]:-all}"; i=$((i + 1))
    if node_pid "$port" >/dev/null; then echo "Node on port $port is already running"; continue; fi
    (
      set -a
      # shellcheck disable=SC1090
      . <(bash scripts/storage-host.sh env)
      eval "$(bash scripts/postgres.sh env)"
      set +a
      export Portal__DataDirectory="$state/node-$port" Seed__Demo=true Storage__SyncFromConfiguration=true
      export ASPNETCORE_URLS="http://127.0.0.1:$port" DOTNET_NOLOGO=1
      # Four operations at once per node: two nodes together stay at the eight that zfs-fuse takes (docs/benchmarks.md).
      export Portal__WorkerCount=4
      case "$role" in pages) export Portal__RunJobs=false ;; jobs) export Portal__ServePages=false ;; esac
      cd "$root/.build/portal"
      nohup dotnet ZfsPortal.dll >"$state/node-$port.log" 2>&1 &
      echo $! >"$state/node-$port.pid"
    )
    # One after the other: the first start migrates and seeds, the next finds it done.
    for _ in $(seq 1 240); do
      if [[ $role == jobs ]]; then curl -s -o /dev/null "http://127.0.0.1:$port/" && break; else answers "$port" && break; fi
      node_pid "$port" >/dev/null || { echo "The node on port $port stopped during start-up; see $state/node-$port.log" >&2; exit 1; }
      sleep 0.5
    done
    echo "Node ($role) is running at http://127.0.0.1:$port (log: $state/node-$port.log)"
  done
  local logins
  logins=$(ls "$state"/node-*/initial-logins.txt 2>/dev/null | head -1 || true)
  if [[ -n $logins ]]; then
    while read -r email password; do echo "  $email  password: $password"; done <"$logins"
  fi
}

down() {
  local port pid
  for port in "${ports[@]}"; do
    if pid=$(node_pid "$port"); then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      echo "Node on port $port stopped"
    fi
    rm -f "$state/node-$port.pid"
  done
  bash scripts/postgres.sh down
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status)
    ok=0
    for port in "${ports[@]}"; do
      if node_pid "$port" >/dev/null; then echo "node on $port: running (pid $(node_pid "$port"))"; else echo "node on $port: stopped"; ok=1; fi
    done
    bash scripts/postgres.sh status || ok=1
    exit $ok ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
