# shellcheck shell=bash
# storage-host/ganesha.sh — sourced by scripts/storage-host.sh: NFS-Ganesha serving the pool for real NFS clients,
# when ZFSPORTAL_NFS_HELPER=ganesha. Everything runs in a network + mount namespace of the project's own, so the
# machine's network, rpcbind and NFS are never touched:
#   - a holder process (`unshare --net --mount --propagation slave`) named as netns $GAN_NETNS, with lo up, a tmpfs
#     on /run (rpcbind's and D-Bus's sockets), and a bridge $GAN_BRIDGE at $GAN_SERVER_IP/$GAN_PREFIX_LEN that client
#     namespaces (made by tests, named $GAN_NETNS-*) plug veths into;
#   - inside it: rpcbind, a D-Bus system bus (how the helper reads back what Ganesha serves), ganesha.nfsd;
#   - the pool's root mount is made shared first, so datasets zfs-fuse mounts later appear inside (a slave copy).
# The addresses come from 198.18.0.0/15 (RFC 2544 benchmarking), which no real network here uses; they exist only
# inside these namespaces. Export blocks live in $GAN_EXPORTS (one file per share, `%dir` in ganesha.conf), written
# only by the helper program $GAN_BIN (storage-host/zfsportal-ganesha), which its own sudoers drop-in names.
#   ganesha_enabled                  whether this host serves NFS through Ganesha
#   ns_pid, ns_pids, ns_propagates   the holder's pid; every process in its network namespace; whether it sees new mounts
#   start_ganesha_ns, stop_ganesha_ns, ensure_ganesha   the namespace with its daemons, (re)started when needed
#   ensure_ganesha_helper, ganesha_status, remove_ganesha   the helper, its config and drop-in; `status`; what `down` removes

readonly GAN_DIR="$HOST_DIR/ganesha"
readonly GAN_EXPORTS="$GAN_DIR/exports.d" GAN_STAGING="$GAN_DIR/staging"
readonly GAN_CONF="$GAN_DIR/ganesha.conf" GAN_LOG="$GAN_DIR/ganesha.log" GAN_PID="$GAN_DIR/ganesha.pid"
readonly GAN_NS_PID="$GAN_DIR/namespace.pid" GAN_HOLDER="$GAN_DIR/holder.sh"
readonly GAN_NETNS="zfsp-nfs-$SSH_USER" GAN_BRIDGE="zfsp-br0"
readonly GAN_SERVER_IP="198.18.0.1" GAN_PREFIX_LEN=24
readonly GANESHA_NFSD=/usr/bin/ganesha.nfsd RPCBIND=/usr/sbin/rpcbind DBUS_DAEMON=/usr/bin/dbus-daemon
# Added to $PACKAGES by `up` when ganesha_enabled.
# shellcheck disable=SC2034
readonly GAN_PACKAGES=(nfs-ganesha nfs-ganesha-vfs rpcbind dbus libnfs-utils iproute2 util-linux)
if [[ $SSH_USER == zfsportal ]]; then
  readonly GAN_BIN=/usr/local/sbin/zfsportal-ganesha GAN_BIN_CONF=/etc/zfsportal-ganesha.conf
  readonly GAN_SUDOERS=/etc/sudoers.d/zfsportal-ganesha
else
  readonly GAN_BIN="/usr/local/sbin/zfsportal-ganesha-$SSH_USER" GAN_BIN_CONF="/etc/zfsportal-ganesha-$SSH_USER.conf"
  readonly GAN_SUDOERS="/etc/sudoers.d/zfsportal-ganesha-$SSH_USER"
fi

ganesha_enabled() { [[ $NFS_HELPER == ganesha ]]; }

# --- the namespace ----------------------------------------------------------------------------

# The holder: a `sleep` whose argv[0] names our state dir, recorded in $GAN_NS_PID.
ns_pid() {
  local p
  p=$(read_pid "$GAN_NS_PID") || return 1
  pid_cmdline_has "$p" "zfsp-nfs-holder $GAN_DIR" || return 1
  printf '%s\n' "$p"
}

# Every process in the holder's network namespace (rpcbind, dbus-daemon, ganesha.nfsd, the holder): ours, whatever they are.
ns_pids() {
  local holder=$1 ns d
  ns=$(readlink "/proc/$holder/ns/net") || return 0
  for d in /proc/[0-9]*; do
    [[ $(readlink "$d/ns/net" 2>/dev/null) == "$ns" ]] && printf '%s\n' "${d#/proc/}"
  done
  return 0
}

pool_root() {
  local mp
  mp=$("$ZFS" get -H -o value mountpoint "$POOL" 2>/dev/null) || die "cannot read the mount point of pool $POOL"
  [[ $mp == /* ]] || mp="/$POOL"
  printf '%s\n' "$mp"
}

# The peer group of a mount point in a mountinfo file ("shared:N" outside, "master:N" in the slave copy).
mount_group() { awk -v mp="$2" -v tag="$3" '$5 == mp { for (i = 7; $i != "-"; i++) if (index($i, tag ":") == 1) { print substr($i, length(tag) + 2); exit } }' "$1"; }

# A zfs-fuse restart or a re-import makes a new, private pool root mount: the namespace then sees nothing new.
ns_propagates() {
  local holder=$1 root outside inside
  root=$(pool_root)
  outside=$(mount_group /proc/self/mountinfo "$root" shared)
  inside=$(mount_group "/proc/$holder/mountinfo" "$root" master)
  [[ -n $outside && $outside == "$inside" ]]
}

ganesha_conf_content() {
  cat <<EOF
# NFS-Ganesha of the ZfsPortal storage host $HOST_DIR; written by scripts/storage-host.sh. It runs in the network
# namespace $GAN_NETNS, so the standard ports are its own. No NLM, RQUOTA or UDP: the tests need none of them.
NFS_CORE_PARAM {
  Protocols = 3, 4;
  Enable_NLM = false;
  Enable_RQUOTA = false;
  Enable_UDP = false;
}
NFS_KRB5 { Active_krb5 = false; }
NFSv4 { RecoveryRoot = "$GAN_DIR/recovery"; Graceless = true; }
LOG { Default_Log_Level = EVENT; }
# One file per share, written by $GAN_BIN.
%dir "$GAN_EXPORTS"
EOF
}

holder_content() {
  cat <<EOF
#!/bin/bash
# Runs as the first process of the NFS namespace of $HOST_DIR (scripts/storage-host.sh, storage-host/ganesha.sh).
set -e
mount -t tmpfs -o mode=0755,size=16m zfsp-nfs-run /run
mkdir -p /run/rpcbind /run/dbus /run/ganesha
ip link set lo up
ip link add $GAN_BRIDGE type bridge
ip addr add $GAN_SERVER_IP/$GAN_PREFIX_LEN dev $GAN_BRIDGE
ip link set $GAN_BRIDGE up
echo \$\$ >"$GAN_NS_PID"
exec -a "zfsp-nfs-holder $GAN_DIR" sleep infinity
EOF
}

in_ns() { nsenter -t "$1" -n -m -- "${@:2}"; }

# A daemon started inside: in a subshell that closed our fds (the lock on fd 9 above all: a daemon holding it
# would block every later storage-host.sh run on the machine).
in_ns_daemon() { ( cd / && close_fds && exec nsenter -t "$1" -n -m -- "${@:2}" </dev/null >>"$GAN_DIR/daemons.log" 2>&1 ); }

start_ganesha_ns() {
  local root holder
  root=$(pool_root)
  mountpoint -q "$root" || die "the pool root $root is not mounted"
  mount --make-shared "$root"
  rm -f "$GAN_NS_PID" "$GAN_PID"
  write_file "$GAN_HOLDER" 755 root:root < <(holder_content)
  ( cd / && close_fds && exec setsid unshare --net --mount --propagation slave --fork "$GAN_HOLDER" </dev/null >>"$GAN_DIR/holder.log" 2>&1 & )
  local end=$((SECONDS + 10))
  until holder=$(ns_pid); do
    (( SECONDS < end )) || die "the NFS namespace did not come up within 10s (see $GAN_DIR/holder.log)"
    sleep 0.1
  done
  ip netns attach "$GAN_NETNS" "$holder" 2>/dev/null || { ip netns delete "$GAN_NETNS" 2>/dev/null; ip netns attach "$GAN_NETNS" "$holder"; } ||
    die "cannot name the NFS namespace $GAN_NETNS"
  in_ns_daemon "$holder" "$RPCBIND" -w || die "rpcbind did not start in $GAN_NETNS"
  in_ns_daemon "$holder" "$DBUS_DAEMON" --system --fork || die "dbus-daemon did not start in $GAN_NETNS"
  in_ns_daemon "$holder" "$GANESHA_NFSD" -f "$GAN_CONF" -L "$GAN_LOG" -p "$GAN_PID" || die "ganesha.nfsd did not start; see $GAN_LOG"
  end=$((SECONDS + 20))
  until in_ns "$holder" dbus-send --system --print-reply --dest=org.ganesha.nfsd /org/ganesha/nfsd/ExportMgr \
          org.ganesha.nfsd.exportmgr.ShowExports >/dev/null 2>&1; do
    (( SECONDS < end )) || die "ganesha.nfsd does not answer on D-Bus within 20s; see $GAN_LOG"
    sleep 0.2
  done
  changed "ganesha: started in netns $GAN_NETNS (holder pid $holder, ganesha pid $(read_pid "$GAN_PID"), $GAN_SERVER_IP/$GAN_PREFIX_LEN)"
}

stop_ganesha_ns() {
  local holder p g
  holder=$(ns_pid) || holder=""
  if [[ -n $holder ]]; then
    # Ganesha first, by TERM, so that it removes its rpcbind entries and pid file; then the rest, the holder last.
    if g=$(read_pid "$GAN_PID") && [[ " $(ns_pids "$holder" | tr '\n' ' ') " == *" $g "* ]]; then stop_pid "$g" ganesha.nfsd 20; fi
    for p in $(ns_pids "$holder"); do [[ $p == "$holder" ]] || stop_pid "$p" "process $p of $GAN_NETNS" 10; done
    stop_pid "$holder" "the NFS namespace holder" 10
    changed "ganesha: stopped the NFS namespace (holder pid $holder)"
  fi
  rm -f "$GAN_NS_PID" "$GAN_PID"
  # Client namespaces the tests named after this host, and the name of the server's.
  local n
  for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    if [[ $n == "$GAN_NETNS" || $n == "$GAN_NETNS"-* ]]; then ip netns delete "$n" 2>/dev/null && changed "ganesha: removed netns $n"; fi
  done
  return 0
}

ensure_ganesha() {
  for t in "$GANESHA_NFSD" "$RPCBIND" "$DBUS_DAEMON" /usr/bin/dbus-send /usr/bin/nsenter /usr/bin/unshare /usr/sbin/ip /usr/bin/nfs-ls; do
    [[ -x $t ]] || die "$t is missing although its package is installed"
  done
  [[ -n $(find /usr/lib -name 'libfsalvfs.so' -print -quit 2>/dev/null) ]] || die "Ganesha's VFS module (nfs-ganesha-vfs) is missing"
  install -d -m 0755 -o root -g root "$GAN_DIR" "$GAN_DIR/recovery"
  install -d -m 0755 -o root -g root "$GAN_EXPORTS"
  install -d -m 0700 -o root -g root "$GAN_STAGING"
  write_file "$GAN_CONF" 644 root:root < <(ganesha_conf_content)
  local conf_changed=$WROTE holder
  (( conf_changed )) && changed "ganesha: wrote $GAN_CONF"
  if holder=$(ns_pid); then
    if (( conf_changed )); then
      log "ganesha: its config changed; restarting the NFS namespace"; stop_ganesha_ns
    elif ! ns_propagates "$holder"; then
      log "ganesha: the pool root was mounted anew since the namespace started (zfs-fuse restart or re-import); restarting it"
      stop_ganesha_ns
    elif ! read_pid "$GAN_PID" >/dev/null || [[ $(cat "/proc/$(read_pid "$GAN_PID")/comm" 2>/dev/null) != ganesha.nfsd ]]; then
      log "ganesha: the daemon is gone; restarting the NFS namespace"; stop_ganesha_ns
    fi
  else
    stop_ganesha_ns   # a namespace name or daemons left by a crash
  fi
  if holder=$(ns_pid); then
    log "ganesha: running in netns $GAN_NETNS (holder pid $holder, ganesha pid $(read_pid "$GAN_PID"))"
  else
    start_ganesha_ns
  fi
  ensure_ganesha_helper
}

# --- the helper program and its sudoers drop-in -----------------------------------------------

ganesha_helper_conf_content() {
  cat <<EOF
# Written by scripts/storage-host.sh (ZfsPortal): what $GAN_BIN lets $SSH_USER change in NFS-Ganesha.
EXPORTS_DIR=$GAN_EXPORTS
STAGING_DIR=$GAN_STAGING
DAEMON_PID_FILE=$GAN_PID
NAMESPACE_PID_FILE=$GAN_NS_PID
LOG_FILE=$GAN_LOG
MOUNT_ROOTS=$(pool_root)
DATASET_PREFIXES=$GUARD_PREFIXES
EOF
}

ganesha_helper_program() {
  local src=$PARTS_DIR/zfsportal-ganesha
  [[ $(grep -c '^CONFIG = "/etc/zfsportal-ganesha.conf"$' "$src" || true) == 1 ]] || die "$src does not hold exactly one CONFIG line"
  sed "s|^CONFIG = \"/etc/zfsportal-ganesha.conf\"\$|CONFIG = \"$GAN_BIN_CONF\"|" "$src"
}

ganesha_sudoers_content() {
  cat <<EOF
# Written by scripts/storage-host.sh (ZfsPortal): the portal's SSH user may change NFS-Ganesha's exports through this
# program only (apply, show, check; see $GAN_BIN_CONF).
$SSH_USER ALL=(root) NOPASSWD: $GAN_BIN
EOF
}

ensure_ganesha_helper() {
  local conf prog out
  conf=$(ganesha_helper_conf_content) || exit 1
  prog=$(ganesha_helper_program) || exit 1
  write_file "$GAN_BIN_CONF" 644 root:root <<<"$conf"
  (( WROTE )) && changed "ganesha: wrote $GAN_BIN_CONF"
  write_file "$GAN_BIN" 755 root:root <<<"$prog"
  (( WROTE )) && changed "ganesha: installed $GAN_BIN"
  install_sudoers "$GAN_SUDOERS" ganesha ganesha_sudoers_content
  out=$("$GAN_BIN" check 2>&1) || die "ganesha: $GAN_BIN check failed: $out"
  log "ganesha: $out"
}

ganesha_status() {
  local holder
  if holder=$(ns_pid); then
    echo "  ok    NFS namespace $GAN_NETNS (holder pid $holder), server address $GAN_SERVER_IP/$GAN_PREFIX_LEN"
    if ns_propagates "$holder"; then echo "  ok    datasets mounted later appear inside it"
    else echo "  FAIL  the namespace no longer sees new mounts of the pool (run 'up')"; return 1; fi
  else
    echo "  FAIL  NFS namespace $GAN_NETNS is not running (run 'up')"; return 1
  fi
  local out
  if out=$("$GAN_BIN" check 2>&1); then echo "  ok    $out"; else echo "  FAIL  $out"; return 1; fi
  if [[ -f $GAN_SUDOERS ]]; then echo "  ok    sudoers drop-in $GAN_SUDOERS"; else echo "  FAIL  $GAN_SUDOERS missing"; return 1; fi
}

remove_ganesha() {
  stop_ganesha_ns
  local f
  for f in "$GAN_SUDOERS" "$GAN_BIN" "$GAN_BIN_CONF"; do
    if [[ -e $f ]]; then rm -f "$f"; changed "down: removed $f"; fi
  done
  rm -f "/etc/sudoers.d/.${GAN_SUDOERS##*/}".* "${GAN_BIN%/*}/.${GAN_BIN##*/}".* "/etc/.${GAN_BIN_CONF##*/}".* 2>/dev/null || true
  if [[ -d $GAN_DIR ]]; then rm -rf "$GAN_DIR"; changed "down: removed $GAN_DIR"; fi
}
