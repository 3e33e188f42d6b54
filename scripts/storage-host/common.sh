# shellcheck shell=bash
# storage-host/common.sh — sourced by scripts/storage-host.sh: what all the parts use. Defines functions and
# the run's state (CHANGED, WROTE, CLEANUP, the EXIT trap); it runs nothing else.
#   log, changed, die          messages on stderr; `changed` also records that this run changed something
#   on_exit                    the EXIT trap: runs the cleanup commands parts pushed onto CLEANUP
#   need_root, take_lock       must be root; one storage-host.sh run at a time, whatever the host ($LOCK_FILE)
#   write_file                 replaces a file only if content, mode or owner differ (sets WROTE)
#   read_pid, pid_cmdline_has, pids_by_comm, child_pids, stop_pid, uid_pids, close_fds
#                              processes by pid through /proc (no procps), and daemons that hold none of our fds
#   ensure_state_dir, rm_stale_tmp   the state dir $HOST_DIR with its vdev dir; leftovers of write_file

CHANGED=0
WROTE=0
CLEANUP=()

log()     { printf '[storage-host] %s\n' "$*" >&2; }
# CHANGED is read by the commands in storage-host.sh, which shellcheck does not see when it checks this file alone.
# shellcheck disable=SC2034
changed() { CHANGED=1; log "$*"; }
die()     { printf '[storage-host] ERROR: %s\n' "$*" >&2; exit 1; }

on_exit() {
  local c
  for c in "${CLEANUP[@]+"${CLEANUP[@]}"}"; do eval "$c" || true; done
}
trap on_exit EXIT

need_root() { (( EUID == 0 )) || die "must run as root"; }

take_lock() {
  mkdir -p "${LOCK_FILE%/*}"
  exec 9>"$LOCK_FILE"
  flock -w 600 9 || die "another storage-host.sh run holds $LOCK_FILE"
}

# --- small helpers ----------------------------------------------------------------------------

# write_file DEST MODE OWNER  (content on stdin): replaces DEST only if content, mode or owner
# differ; sets WROTE=1 if it did. MODE as stat %a prints it (e.g. 600).
# WROTE is read by the parts that call write_file.
# shellcheck disable=SC2034
write_file() {
  local dest=$1 mode=$2 owner=$3 tmp content
  WROTE=0
  content=$(cat; echo .)
  content=${content%.}
  if [[ -f $dest && ! -L $dest && $(cat "$dest"; echo .) == "$content." &&
        $(stat -c '%a %U:%G' "$dest") == "$mode $owner" ]]; then
    return 0   # unchanged: not even a temporary file (the directory's mtime stays as it is)
  fi
  tmp=$(mktemp "${dest%/*}/.${dest##*/}.XXXXXX")
  printf '%s' "$content" >"$tmp"
  chmod "$mode" "$tmp"
  chown "$owner" "$tmp"
  mv -f "$tmp" "$dest"
  WROTE=1
}

# read_pid FILE: prints the pid stored in FILE (fails if none).
read_pid() {
  local p
  [[ -s $1 ]] || return 1
  p=$(head -c 32 "$1" 2>/dev/null) || return 1
  p=${p//[!0-9]/}
  [[ -n $p ]] || return 1
  printf '%s\n' "$p"
}

# pid_cmdline_has PID NEEDLE: the process exists and its command line contains NEEDLE.
pid_cmdline_has() {
  local cmd
  [[ -r /proc/$1/cmdline ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$2"* ]]
}

# pids_by_comm NAME: pids whose /proc/PID/comm is NAME (no procps needed).
pids_by_comm() {
  local d c
  for d in /proc/[0-9]*; do
    c=$(cat "$d/comm" 2>/dev/null) || continue
    [[ $c == "$1" ]] && printf '%s\n' "${d#/proc/}"
  done
  return 0
}

# child_pids PID: direct children of PID.
child_pids() {
  local d pp
  for d in /proc/[0-9]*; do
    pp=$(awk '/^PPid:/ {print $2; exit}' "$d/status" 2>/dev/null) || continue
    [[ $pp == "$1" ]] && printf '%s\n' "${d#/proc/}"
  done
  return 0
}

# stop_pid PID WHAT [TIMEOUT]: TERM, wait, then KILL.
stop_pid() {
  local pid=$1 what=$2 timeout=${3:-30} end
  kill -TERM "$pid" 2>/dev/null || return 0
  end=$((SECONDS + timeout))
  while [[ -d /proc/$pid ]] && (( SECONDS < end )); do sleep 0.2; done
  if [[ -d /proc/$pid ]]; then
    log "$what (pid $pid) did not stop within ${timeout}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    end=$((SECONDS + 10))
    while [[ -d /proc/$pid ]] && (( SECONDS < end )); do sleep 0.2; done
  fi
}

# uid_pids UID: pids whose real or effective uid is UID.
uid_pids() {
  local d ids
  for d in /proc/[0-9]*; do
    ids=$(awk '/^Uid:/ {print $2, $3; exit}' "$d/status" 2>/dev/null) || continue
    [[ " $ids " == *" $1 "* ]] && printf '%s\n' "${d#/proc/}"
  done
  return 0
}

# close_fds: in a subshell about to exec a daemon, close every fd above 2 (the lock on fd 9, pipes
# inherited from whoever runs this script), so the daemon holds nothing of ours open.
close_fds() {
  local fd
  for fd in "/proc/$BASHPID/fd"/*; do
    fd=${fd##*/}
    (( fd > 2 )) && eval "exec $fd>&-" 2>/dev/null
  done
  return 0
}

# --- state dir --------------------------------------------------------------------------------

ensure_state_dir() {
  if [[ ! -d $HOST_DIR ]]; then
    install -d -m 0755 -o root -g root "$HOST_DIR"
    changed "state dir: created $HOST_DIR"
  fi
  if [[ ! -d $VDEV_DIR ]]; then
    install -d -m 0700 -o root -g root "$VDEV_DIR"
    changed "state dir: created $VDEV_DIR"
  fi
  rm_stale_tmp
}

# Leftovers of write_file from an interrupted run.
rm_stale_tmp() {
  rm -f "$HOST_DIR"/.backend.* "$HOST_DIR"/.known_hosts.* "$HOST_DIR"/.sshd_config.* \
        "$HOST_DIR"/.id_ed25519.pub.* "$HOST_DIR"/.ssh_host_ed25519_key.pub.* 2>/dev/null || true
}
