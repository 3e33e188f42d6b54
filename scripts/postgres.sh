#!/usr/bin/env bash
# A PostgreSQL of the portal's own, from Debian's package, for the PostgreSQL mode and its tests: its own data
# directory and port, started and stopped by this script and by nothing else. It never touches a system cluster
# (no pg_createcluster, no /etc/postgresql, no service): initdb and pg_ctl run straight on the directory below.
#
#   bash scripts/postgres.sh up       initialise (first time) and start; idempotent
#   bash scripts/postgres.sh down     stop (the data stays); idempotent
#   bash scripts/postgres.sh status   exit 0 when it answers on its port
#   bash scripts/postgres.sh env      the portal's settings for it (Portal__Database, Portal__ConnectionString)
#   bash scripts/postgres.sh purge    stop and delete the data directory
#
#   ZFSPORTAL_PG_DIR  [/var/lib/zfsportal-pg]   data, socket, log, the generated password
#   ZFSPORTAL_PG_PORT [55432]                   listens on 127.0.0.1 only
set -euo pipefail
dir="${ZFSPORTAL_PG_DIR:-/var/lib/zfsportal-pg}"
port="${ZFSPORTAL_PG_PORT:-55432}"
data="$dir/data"
role=zfsportal
database=zfsportal

bin_dir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  if [[ -z $initdb ]]; then
    # Debian's package; its own cluster (if it makes one) is the system's business, this script never starts it.
    echo "PostgreSQL is not installed; installing Debian's postgresql package…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)
  fi
  dirname "$initdb"
}

# The server refuses to run as root: it runs as Debian's postgres user, which owns only this directory.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

connection_string() {
  echo "Host=127.0.0.1;Port=$port;Database=$database;Username=$role;Password=$(cat "$dir/password")"
}

running() {
  [[ -f $data/PG_VERSION ]] && as_pg "$(bin_dir)/pg_ctl" -D "$data" status >/dev/null 2>&1
}

answers() {
  [[ -f $dir/password ]] && PGPASSWORD=$(cat "$dir/password") "$(bin_dir)/psql" -h 127.0.0.1 -p "$port" -U "$role" -d "$database" \
    -Atqc 'select 1' >/dev/null 2>&1
}

up() {
  local bin
  bin=$(bin_dir)
  if ss -ltn "sport = :$port" | grep -q LISTEN && ! running; then
    echo "Port $port is taken by something else; set ZFSPORTAL_PG_PORT to a free one." >&2
    exit 1
  fi
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$dir"; fi
  chmod 700 "$dir"
  if [[ ! -f $data/PG_VERSION ]]; then
    rm -rf "$data"
    umask 077
    openssl rand -hex 24 >"$dir/password.new"
    cp "$dir/password.new" "$dir/superuser-password"
    if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$dir/password.new" "$dir/superuser-password"; fi
    as_pg "$bin/initdb" -D "$data" -U postgres --pwfile="$dir/superuser-password" --auth=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    mkdir -p "$dir/run" "$dir/log"
    if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$dir/run" "$dir/log"; fi
    cat >>"$data/postgresql.conf" <<EOF
# zfsportal: set by scripts/postgres.sh
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
# Two portal nodes, the tests' databases and Hangfire's pools; each node's pool stays well under this.
max_connections = 400
EOF
  fi
  if ! running; then
    as_pg "$bin/pg_ctl" -D "$data" -l "$dir/log/postgres.log" -w -t 60 start >/dev/null
  fi
  if [[ ! -f $dir/password ]]; then
    local password
    password=$(cat "$dir/password.new")
    PGPASSWORD=$(cat "$dir/superuser-password") "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
      -c "create role $role login createdb password '$password'" -c "create database $database owner $role" >/dev/null
    mv "$dir/password.new" "$dir/password"
  fi
  answers || { echo "PostgreSQL started but does not answer on 127.0.0.1:$port; see $dir/log/postgres.log" >&2; exit 1; }
  echo "PostgreSQL is up on 127.0.0.1:$port (data in $data)"
}

down() {
  if running; then as_pg "$(bin_dir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
  echo "PostgreSQL on port $port is stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status)
    if answers; then echo "PostgreSQL is up on 127.0.0.1:$port"; else echo "PostgreSQL is not running on 127.0.0.1:$port" >&2; exit 1; fi ;;
  env)
    answers || { echo "PostgreSQL is not running; bash scripts/postgres.sh up" >&2; exit 1; }
    echo "Portal__Database=postgresql"
    echo "Portal__ConnectionString='$(connection_string)'" ;;
  connection-string) connection_string ;;
  purge) down; rm -rf "$dir"; echo "Removed $dir" ;;
  *) echo "usage: $0 up|down|status|env|connection-string|purge" >&2; exit 2 ;;
esac
