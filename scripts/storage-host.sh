#!/usr/bin/env bash
# storage-host.sh — a real, local ZFS storage host for ZfsPortal on this Debian 12 machine.
#
#   up      install what is missing and bring the host up (idempotent; repairs a half-finished run)
#   status  report zfs-fuse, the pool, sshd and the ssh+sudo chain; exit 0 only if all is up
#   env     print the backend settings as ASP.NET Core environment variables (KEY=value lines)
#   down    remove everything `up` made: Ganesha's namespace, exports (and the exports file), pool, daemons it
#           started, user, sudoers, guard, state dir
#
# The host is what a production ZFS host looks like to the portal: an unprivileged SSH user on a
# private sshd (127.0.0.1, key auth only, host key pinned), allowed exactly `sudo -n <guard> …`, where the
# guard (storage-host/zfsportal-guard, root-owned) runs /usr/sbin/zfs|zpool|exportfs only with the arguments
# the portal sends, on this pool's datasets below the prefixes; a file-backed pool served by zfs-fuse; exportfs.
#
# Environment (defaults in brackets):
#   ZFSPORTAL_POOL [zfsportal]           pool name
#   ZFSPORTAL_POOL_SIZE [20G]            sparse size of the pool image (only used when it is created; the
#                                        seed walk-through needs two 5 GiB shares with room to spare)
#   ZFSPORTAL_HOST_DIR [/var/lib/zfsportal-host]   state dir (keys, sshd config, pool image, backend.json)
#   ZFSPORTAL_SSH_USER [zfsportal]       unprivileged SSH user
#   ZFSPORTAL_SSH_PORT [2222]            port of the private sshd on 127.0.0.1
#   ZFSPORTAL_BACKEND_NAME [local-zfs]   the backend's name in backend.json (a second host needs its own)
#   ZFSPORTAL_COMPRESSION [auto]         DatasetCreationOptions.compression; auto = lz4 if the pool
#                                        supports it (feature-flag pools), else "on" (zfs-fuse: pool v23)
#   ZFSPORTAL_NFS_HELPER [exportfs]      the backend's NFS helper: exportfs, or ganesha, which also brings up
#                                        NFS-Ganesha in a namespace of its own that real clients can mount from
#                                        (storage-host/ganesha.sh; server address 198.18.0.1 inside it)
#   ZFSPORTAL_MANILA_USER []             a second SSH user on the same sshd for Manila's ZFSonLinux driver, which the
#                                        bench runs beside the portal (storage-host/manila-peer.sh); none if empty;
#                                        if unset, the one an earlier `up` made (its manila-peer.json) stays
#   ZFSPORTAL_GUARD_PREFIXES [zfsportal_share_ zfsportal_test_ zfsbench_]
#                                        dataset prefixes the guard admits: the portal's, and the ones the
#                                        project's tests and bench name their own datasets with
#
# Runs as root, needs no systemd. Sends no traffic anywhere but loopback and its own namespaces (and apt, if it must install).
set -euo pipefail
umask 022
export LC_ALL=C

readonly POOL="${ZFSPORTAL_POOL:-zfsportal}"
readonly POOL_SIZE="${ZFSPORTAL_POOL_SIZE:-20G}"
readonly HOST_DIR="${ZFSPORTAL_HOST_DIR:-/var/lib/zfsportal-host}"
readonly SSH_USER="${ZFSPORTAL_SSH_USER:-zfsportal}"
readonly SSH_PORT="${ZFSPORTAL_SSH_PORT:-2222}"
readonly COMPRESSION="${ZFSPORTAL_COMPRESSION:-auto}"
# Unset (not empty): the Manila user a host brought up earlier keeps its place, so that a later plain `up` (the
# tests' one) does not drop it from sshd's AllowUsers while leaving its manila-peer.json behind.
previous_manila_user() { sed -n 's/.*"User": "\([a-z_][a-z0-9_-]*\)".*/\1/p' "$HOST_DIR/manila-peer.json" 2>/dev/null || true; }
readonly MANILA_USER="${ZFSPORTAL_MANILA_USER-$(previous_manila_user)}"

readonly BACKEND_NAME="${ZFSPORTAL_BACKEND_NAME:-local-zfs}"
readonly LISTEN_IP="127.0.0.1"
readonly DATASET_PREFIX="zfsportal_share_"
readonly SNAPSHOT_PREFIX="zfsportal_snap_"
readonly NFS_HELPER="${ZFSPORTAL_NFS_HELPER:-exportfs}"
readonly GUARD_PREFIXES="${ZFSPORTAL_GUARD_PREFIXES:-${DATASET_PREFIX} zfsportal_test_ zfsbench_}"
PACKAGES=(zfs-fuse openssh-server sudo nfs-kernel-server python3)

readonly ZFS=/usr/sbin/zfs ZPOOL=/usr/sbin/zpool EXPORTFS=/usr/sbin/exportfs
readonly ZFS_FUSE=/usr/sbin/zfs-fuse SSHD=/usr/sbin/sshd SUDO=/usr/bin/sudo PYTHON3=/usr/bin/python3
# One drop-in, one guard, one guard config and one exports file (the portal's exports as the NFS service reads them at
# boot and on `exportfs -ra`, written only by the guard) per SSH user, so that a second host set up with other ZFSPORTAL_*
# settings keeps its own.
if [[ $SSH_USER == zfsportal ]]; then
  readonly SUDOERS_FILE=/etc/sudoers.d/zfsportal-host
  readonly GUARD_BIN=/usr/local/sbin/zfsportal-guard GUARD_CONF=/etc/zfsportal-guard.conf
  readonly EXPORTS_FILE=/etc/exports.d/zfsportal.exports
else
  readonly SUDOERS_FILE="/etc/sudoers.d/zfsportal-host-$SSH_USER"
  readonly GUARD_BIN="/usr/local/sbin/zfsportal-guard-$SSH_USER" GUARD_CONF="/etc/zfsportal-guard-$SSH_USER.conf"
  readonly EXPORTS_FILE="/etc/exports.d/zfsportal-$SSH_USER.exports"
fi
# The guard's program, imported by the stub at $GUARD_BIN with its bytecode compiled beside it (storage-host/guard.sh).
readonly GUARD_LIB="/usr/local/lib/${GUARD_BIN##*/}"
readonly LOCK_FILE=/run/lock/zfsportal-host.lock
POLICY_RC_D=/usr/sbin/policy-rc.d   # variable only so that a test can point it elsewhere
# The user's GECOS field marks it as ours: `up` adopts and `down` deletes only a user carrying it.
readonly USER_MARK="ZfsPortal storage host user (scripts/storage-host.sh)"

# Files in the state dir.
readonly VDEV_DIR="$HOST_DIR/vdev"
readonly POOL_IMG="$VDEV_DIR/$POOL.img"
readonly POOL_MARK="$VDEV_DIR/$POOL.created"     # written once `zpool create` succeeded
readonly ZF_PID="$HOST_DIR/zfs-fuse.pid"         # exists only while a zfs-fuse WE started runs
readonly ZF_LOG="$HOST_DIR/zfs-fuse.log"
readonly CLIENT_KEY="$HOST_DIR/id_ed25519"
readonly HOST_KEY="$HOST_DIR/ssh_host_ed25519_key"
readonly KNOWN_HOSTS="$HOST_DIR/known_hosts"
readonly SSHD_CONFIG="$HOST_DIR/sshd_config"
readonly SSHD_PID="$HOST_DIR/sshd.pid"
readonly SSHD_LOG="$HOST_DIR/sshd.log"
readonly BACKEND_JSON="$HOST_DIR/backend.json"
readonly BACKEND_ENV="$HOST_DIR/backend.env"
readonly MANILA_KEY="$HOST_DIR/manila_id_ed25519" MANILA_JSON="$HOST_DIR/manila-peer.json"
readonly MANILA_SUDOERS="/etc/sudoers.d/zfsportal-manila-$MANILA_USER"

# The parts, one file each, in storage-host/ beside this script (found from any cwd, in any clone).
# They only define functions (common.sh also the run's state and the EXIT trap); the commands below call them
# in order. A new part (another NFS server, a database) is one more file there, sourced here, called below.
PARTS_DIR=$(dirname "${BASH_SOURCE[0]}")/storage-host
readonly PARTS_DIR
# shellcheck source=storage-host/common.sh
. "$PARTS_DIR/common.sh"         # log, lock, write_file, process helpers, state dir
# shellcheck source=storage-host/packages.sh
. "$PARTS_DIR/packages.sh"       # 1. packages (apt-get)
# shellcheck source=storage-host/zfs-pool.sh
. "$PARTS_DIR/zfs-pool.sh"       # 2. zfs-fuse, 3. pool, its exports
# shellcheck source=storage-host/user-sudoers.sh
. "$PARTS_DIR/user-sudoers.sh"   # 4. user and keys, 5. sudoers
# shellcheck source=storage-host/guard.sh
. "$PARTS_DIR/guard.sh"          # 5a. the guard sudoers names
# shellcheck source=storage-host/sshd.sh
. "$PARTS_DIR/sshd.sh"           # 6. sshd, 7. the chain
# shellcheck source=storage-host/backend.sh
. "$PARTS_DIR/backend.sh"        # 8. backend settings
# shellcheck source=storage-host/ganesha.sh
. "$PARTS_DIR/ganesha.sh"        # 9. NFS-Ganesha in its own namespace (ZFSPORTAL_NFS_HELPER=ganesha)
# shellcheck source=storage-host/manila-peer.sh
. "$PARTS_DIR/manila-peer.sh"    # 10. Manila's driver as a second user (ZFSPORTAL_MANILA_USER, the bench's peer)

validate_settings() {
  [[ $POOL =~ ^[A-Za-z][A-Za-z0-9_.-]{0,63}$ ]] || die "ZFSPORTAL_POOL '$POOL' is not a plain pool name"
  [[ $POOL_SIZE =~ ^[0-9]+[KMGT]?$ ]] || die "ZFSPORTAL_POOL_SIZE '$POOL_SIZE' must look like 4G"
  [[ $HOST_DIR =~ ^/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+$ && $HOST_DIR != *..* ]] ||
    die "ZFSPORTAL_HOST_DIR '$HOST_DIR' must be an absolute path at least two levels deep ([A-Za-z0-9._-] only)"
  [[ $SSH_USER =~ ^[a-z_][a-z0-9_-]{0,31}$ && $SSH_USER != root ]] ||
    die "ZFSPORTAL_SSH_USER '$SSH_USER' must be a plain, unprivileged user name"
  if [[ ! $SSH_PORT =~ ^[0-9]{1,5}$ ]] || (( SSH_PORT < 1 || SSH_PORT > 65535 )); then
    die "ZFSPORTAL_SSH_PORT '$SSH_PORT' is not a port"
  fi
  [[ $NFS_HELPER == exportfs || $NFS_HELPER == ganesha ]] || die "ZFSPORTAL_NFS_HELPER '$NFS_HELPER' must be exportfs or ganesha"
  [[ -z $MANILA_USER || ( $MANILA_USER =~ ^[a-z_][a-z0-9_-]{0,31}$ && $MANILA_USER != root && $MANILA_USER != "$SSH_USER" ) ]] ||
    die "ZFSPORTAL_MANILA_USER '$MANILA_USER' must be a plain, unprivileged user name other than ZFSPORTAL_SSH_USER"
  [[ $COMPRESSION =~ ^[a-z0-9-]+$ ]] || die "ZFSPORTAL_COMPRESSION '$COMPRESSION' is not a compression value"
  [[ $GUARD_PREFIXES =~ ^[A-Za-z0-9_.:-]+( [A-Za-z0-9_.:-]+)*$ && " $GUARD_PREFIXES " == *" $DATASET_PREFIX "* ]] ||
    die "ZFSPORTAL_GUARD_PREFIXES '$GUARD_PREFIXES' must be prefixes separated by single spaces, including $DATASET_PREFIX"
}

# --- subcommands ------------------------------------------------------------------------------

cmd_up() {
  need_root
  take_lock
  local t0=$SECONDS
  if ganesha_enabled; then PACKAGES+=("${GAN_PACKAGES[@]}"); fi
  ensure_packages
  check_tools
  ensure_state_dir
  ensure_zfs_fuse
  ensure_pool
  ensure_keypair "$CLIENT_KEY" "zfsportal-portal@$(uname -n)"
  ensure_keypair "$HOST_KEY" "zfsportal-host@$(uname -n)"
  ensure_user
  ensure_guard      # before sudoers names it
  ensure_sudoers
  ensure_manila_peer   # before sshd, whose AllowUsers names it
  ensure_sshd
  ensure_known_hosts
  log "verifying the chain: ssh -> sudo -n -> guard -> zfs/zpool/exportfs"
  verify_chain strict >&2
  if ganesha_enabled; then ensure_ganesha; fi
  write_backend
  if (( CHANGED )); then log "up: done in $((SECONDS - t0))s"; else log "up: already up, nothing changed ($((SECONDS - t0))s)"; fi
  print_settings
}

cmd_env() {
  [[ -r $BACKEND_ENV ]] || die "$BACKEND_ENV not found: run 'scripts/storage-host.sh up' first"
  cat "$BACKEND_ENV"
}

cmd_status() {
  need_root
  local ok=0 p
  echo "ZfsPortal storage host ($HOST_DIR)"
  if [[ -x $ZPOOL ]] && zfs_answers; then
    if p=$(our_zfs_fuse_pid); then
      echo "  ok    zfs-fuse running (pid $p, started by storage-host.sh)"
    else
      echo "  ok    zfs-fuse running (pid $(pids_by_comm zfs-fuse | paste -sd' '), started elsewhere)"
    fi
    if pool_imported; then
      local health avail
      health=$(pool_health)
      avail=$("$ZFS" get -H -o value available "$POOL" 2>/dev/null || echo '?')
      if [[ $health == ONLINE ]]; then
        echo "  ok    pool $POOL $health, $avail available, on $("$ZPOOL" status "$POOL" | awk 'f && NF {print $1; exit} $1 == "'"$POOL"'" {f=1}')"
      else
        echo "  FAIL  pool $POOL is $health"; ok=1
      fi
    else
      echo "  FAIL  pool $POOL is not imported"; ok=1
    fi
  else
    echo "  FAIL  zfs-fuse is not running (or not installed)"; ok=1
    echo "  FAIL  pool $POOL unknown (no zfs-fuse)"
  fi
  if p=$(our_sshd_pid); then
    if port_open; then echo "  ok    sshd running (pid $p) on $LISTEN_IP:$SSH_PORT"
    else echo "  FAIL  sshd (pid $p) runs but $LISTEN_IP:$SSH_PORT refuses connections"; ok=1; fi
  else
    echo "  FAIL  sshd not running (no live pid in $SSHD_PID)"; ok=1
  fi
  if [[ -f $SUDOERS_FILE ]]; then echo "  ok    sudoers drop-in $SUDOERS_FILE"
  else echo "  FAIL  sudoers drop-in $SUDOERS_FILE missing"; ok=1; fi
  guard_status || ok=1
  manila_peer_status || ok=1
  if ganesha_enabled; then ganesha_status || ok=1; fi
  exports_file_status || ok=1
  if [[ -r $CLIENT_KEY && -r $KNOWN_HOSTS ]] && getent passwd "$SSH_USER" >/dev/null && our_sshd_pid >/dev/null; then
    verify_chain || ok=1
  else
    echo "  FAIL  ssh+sudo chain not checkable (key, known_hosts, user or sshd missing)"; ok=1
  fi
  if [[ -r $BACKEND_JSON ]]; then echo "  ok    settings in $BACKEND_JSON"
  else echo "  FAIL  $BACKEND_JSON missing"; ok=1; fi
  if [[ -x $ZFS ]] && zfs_answers && pool_imported; then
    echo
    echo "Datasets of $POOL:"
    "$ZFS" list -r -o name,used,avail,refquota,quota,mountpoint "$POOL" | sed 's/^/  /'
    local n
    n=$(mount | grep -c ' type fuse.zfs ' || true)
    echo "  ($n zfs-fuse mounts on this machine; zfs-fuse mounts at most 1000)"
  fi
  echo
  if (( ok == 0 )); then echo "status: UP"; else echo "status: NOT UP"; fi
  return $ok
}

cmd_down() {
  need_root
  take_lock
  local mp="/$POOL" p
  remove_ganesha    # before the pool: Ganesha holds its datasets open
  if [[ -x $ZPOOL && -x $ZFS_FUSE ]]; then
    if ! zfs_answers && [[ -z $(pids_by_comm zfs-fuse) ]] &&
       grep -qaF -- "$POOL" /var/lib/zfs/zpool.cache 2>/dev/null; then
      # The pool is in zfs-fuse's cache file, so the next zfs-fuse would bring it back (without its
      # image, as a broken pool): start the daemon now and destroy the pool properly.
      install -d -m 0755 "$HOST_DIR"
      start_zfs_fuse
    fi
    if zfs_answers && pool_imported; then
      mp=$("$ZFS" get -H -o value mountpoint "$POOL" 2>/dev/null || echo "/$POOL")
      [[ $mp == /* ]] || mp="/$POOL"
      unexport_under "$mp"
      destroy_pool || die "cannot destroy pool $POOL (datasets busy?); nothing else was removed yet"
      changed "down: destroyed pool $POOL"
    fi
  fi
  unexport_under "$mp"
  [[ $mp != /* || $mp == / ]] || { mountpoint -q "$mp" 2>/dev/null || rmdir "$mp" 2>/dev/null || true; }

  stop_sshd
  remove_manila_peer

  if p=$(our_zfs_fuse_pid 2>/dev/null); then
    local others
    others=$("$ZPOOL" list -H -o name 2>/dev/null || true)
    if [[ -n $others ]]; then
      log "down: zfs-fuse (pid $p) was started by this script but still serves pools: $(tr '\n' ' ' <<<"$others"); leaving it running"
    else
      stop_pid "$p" zfs-fuse 30
      changed "down: stopped zfs-fuse (pid $p)"
    fi
  elif zfs_answers 2>/dev/null; then
    log "down: zfs-fuse was not started by this script; leaving it running"
  fi
  rm -f "$ZF_PID"

  local entry
  if entry=$(getent passwd "$SSH_USER"); then
    if [[ $(cut -d: -f5 <<<"$entry") == "$USER_MARK" ]]; then
      # Commands run over ssh can outlive their session (no pty, no SIGHUP); they are this user's
      # and block userdel, so end them, by pid.
      local uid pids p2 _ out
      uid=$(cut -d: -f3 <<<"$entry")
      pids=$(uid_pids "$uid" | tr '\n' ' ')
      if [[ -n ${pids// /} ]]; then
        log "down: ending processes of $SSH_USER: $pids"
        for p2 in $pids; do kill -TERM "$p2" 2>/dev/null || true; done
        for _ in $(seq 25); do
          [[ -z $(uid_pids "$uid") ]] && break
          sleep 0.2
        done
        for p2 in $(uid_pids "$uid"); do kill -KILL "$p2" 2>/dev/null || true; done
      fi
      for _ in $(seq 20); do
        out=$(userdel -r "$SSH_USER" 2>&1) && break
        getent passwd "$SSH_USER" >/dev/null || break
        sleep 1
      done
      getent passwd "$SSH_USER" >/dev/null && die "userdel -r $SSH_USER failed: $out"
      changed "down: deleted user $SSH_USER"
    else
      log "down: user $SSH_USER exists but was not created by storage-host.sh; leaving it"
    fi
  fi
  if [[ -e $SUDOERS_FILE ]]; then rm -f "$SUDOERS_FILE"; changed "down: removed $SUDOERS_FILE"; fi
  rm -f "/etc/sudoers.d/.${SUDOERS_FILE##*/}".* 2>/dev/null || true
  remove_guard      # after sudoers no longer names it
  remove_exports_file

  if [[ -d $HOST_DIR ]]; then
    rm -f "$POOL_IMG" "$POOL_MARK" "$ZF_PID" "$ZF_LOG" "$CLIENT_KEY" "$CLIENT_KEY.pub" \
          "$HOST_KEY" "$HOST_KEY.pub" "$KNOWN_HOSTS" "$SSHD_CONFIG" "$SSHD_PID" "$SSHD_LOG" \
          "$BACKEND_JSON" "$BACKEND_ENV"
    rm_stale_tmp
    [[ ! -d $VDEV_DIR ]] || rmdir "$VDEV_DIR" 2>/dev/null || log "down: WARNING: $VDEV_DIR holds other files; left in place"
    if rmdir "$HOST_DIR" 2>/dev/null; then changed "down: removed $HOST_DIR"
    else log "down: WARNING: $HOST_DIR holds files this script did not make; left in place: $(find "$HOST_DIR" -mindepth 1 -maxdepth 1 -printf '%f ')"; fi
  fi
  if (( CHANGED )); then log "down: done"; else log "down: already down"; fi
}

usage() {
  sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'
}

main() {
  validate_settings
  case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
