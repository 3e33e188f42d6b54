#!/usr/bin/env bash
# storage-host.sh — a real, local ZFS storage host for ZfsPortal on this Debian 12 machine.
#
#   up      install what is missing and bring the host up (idempotent; repairs a half-finished run)
#   status  report zfs-fuse, the pool, sshd and the ssh+sudo chain; exit 0 only if all is up
#   env     print the backend settings as ASP.NET Core environment variables (KEY=value lines)
#   down    remove everything `up` made: exports, pool, daemons it started, user, sudoers, state dir
#
# The host is what a production ZFS host looks like to the portal: an unprivileged SSH user on a
# private sshd (127.0.0.1, key auth only, host key pinned), allowed exactly
# `sudo -n /usr/sbin/zfs|zpool|exportfs`, a file-backed pool served by zfs-fuse, and exportfs.
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
#
# Runs as root, needs no systemd. Sends no traffic anywhere but loopback (and apt, if it must install).
set -euo pipefail
umask 022
export LC_ALL=C

readonly POOL="${ZFSPORTAL_POOL:-zfsportal}"
readonly POOL_SIZE="${ZFSPORTAL_POOL_SIZE:-20G}"
readonly HOST_DIR="${ZFSPORTAL_HOST_DIR:-/var/lib/zfsportal-host}"
readonly SSH_USER="${ZFSPORTAL_SSH_USER:-zfsportal}"
readonly SSH_PORT="${ZFSPORTAL_SSH_PORT:-2222}"
readonly COMPRESSION="${ZFSPORTAL_COMPRESSION:-auto}"

readonly BACKEND_NAME="${ZFSPORTAL_BACKEND_NAME:-local-zfs}"
readonly LISTEN_IP="127.0.0.1"
readonly DATASET_PREFIX="zfsportal_share_"
readonly SNAPSHOT_PREFIX="zfsportal_snap_"
readonly NFS_HELPER="exportfs"
readonly PACKAGES=(zfs-fuse openssh-server sudo nfs-kernel-server)

readonly ZFS=/usr/sbin/zfs ZPOOL=/usr/sbin/zpool EXPORTFS=/usr/sbin/exportfs
readonly ZFS_FUSE=/usr/sbin/zfs-fuse SSHD=/usr/sbin/sshd SUDO=/usr/bin/sudo
# One drop-in per SSH user, so that a second host set up with other ZFSPORTAL_* settings keeps its own.
if [[ $SSH_USER == zfsportal ]]; then readonly SUDOERS_FILE=/etc/sudoers.d/zfsportal-host
else readonly SUDOERS_FILE="/etc/sudoers.d/zfsportal-host-$SSH_USER"; fi
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

CHANGED=0
WROTE=0
CLEANUP=()

log()     { printf '[storage-host] %s\n' "$*" >&2; }
changed() { CHANGED=1; log "$*"; }
die()     { printf '[storage-host] ERROR: %s\n' "$*" >&2; exit 1; }

on_exit() {
  local c
  for c in "${CLEANUP[@]+"${CLEANUP[@]}"}"; do eval "$c" || true; done
}
trap on_exit EXIT

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
  [[ $COMPRESSION =~ ^[a-z0-9-]+$ ]] || die "ZFSPORTAL_COMPRESSION '$COMPRESSION' is not a compression value"
}

need_root() { (( EUID == 0 )) || die "must run as root"; }

take_lock() {
  mkdir -p "${LOCK_FILE%/*}"
  exec 9>"$LOCK_FILE"
  flock -w 600 9 || die "another storage-host.sh run holds $LOCK_FILE"
}

# --- small helpers ----------------------------------------------------------------------------

# write_file DEST MODE OWNER  (content on stdin): replaces DEST only if content, mode or owner
# differ; sets WROTE=1 if it did. MODE as stat %a prints it (e.g. 600).
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

port_open() { (exec 3<>"/dev/tcp/$LISTEN_IP/$SSH_PORT") 2>/dev/null; }

is_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true) == "ii "* ]]
}

# --- 1. packages ------------------------------------------------------------------------------

ensure_packages() {
  local p missing=()
  for p in "${PACKAGES[@]}"; do is_installed "$p" || missing+=("$p"); done
  if (( ${#missing[@]} == 0 )); then
    log "packages: ${PACKAGES[*]} installed"
    return 0
  fi
  log "packages: installing ${missing[*]}"
  # Without systemd, package postinst scripts would run the sysv init scripts through invoke-rc.d:
  # a system sshd on 0.0.0.0:22, a zfs-fuse we did not record, an NFS server that fails to start
  # (and with it the install). A policy-rc.d that denies everything prevents that; Docker-made
  # images ship one already, a fresh machine may not.
  local guard=0
  if [[ ! -e $POLICY_RC_D ]]; then
    printf '#!/bin/sh\n# temporary, written by storage-host.sh for the duration of apt-get install\nexit 101\n' >"$POLICY_RC_D"
    chmod 0755 "$POLICY_RC_D"
    CLEANUP+=("rm -f '$POLICY_RC_D'")
    guard=1
    log "packages: temporary $POLICY_RC_D (deny service starts) in place"
  fi
  local apt=(apt-get -q -o DPkg::Lock::Timeout=900)
  local inst=("${apt[@]}" install -y --no-install-recommends
              -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update || die "apt-get update failed"
  if ! DEBIAN_FRONTEND=noninteractive "${inst[@]}" "${missing[@]}"; then
    log "packages: install failed; trying 'dpkg --configure -a' once and installing again"
    DEBIAN_FRONTEND=noninteractive dpkg --configure -a || true
    DEBIAN_FRONTEND=noninteractive "${inst[@]}" "${missing[@]}" || die "apt-get install ${missing[*]} failed"
  fi
  for p in "${missing[@]}"; do is_installed "$p" || die "package $p is still not installed"; done
  if (( guard )); then rm -f "$POLICY_RC_D"; log "packages: removed the temporary $POLICY_RC_D"; fi
  changed "packages: installed ${missing[*]}"
}

check_tools() {
  local t
  for t in "$ZFS" "$ZPOOL" "$ZFS_FUSE" "$EXPORTFS" "$SSHD" "$SUDO" /usr/bin/ssh /usr/bin/ssh-keygen /usr/sbin/visudo; do
    [[ -x $t ]] || die "$t is missing although its package is installed"
  done
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

# --- 2. zfs-fuse ------------------------------------------------------------------------------

zfs_answers() { "$ZPOOL" list >/dev/null 2>&1; }

# Prints the pid of a zfs-fuse that this script started (recorded in $ZF_PID), fails otherwise.
our_zfs_fuse_pid() {
  local p
  p=$(read_pid "$ZF_PID") || return 1
  pid_cmdline_has "$p" zfs-fuse && pid_cmdline_has "$p" "$ZF_PID" || return 1
  printf '%s\n' "$p"
}

wait_zfs_answers() {
  local end=$((SECONDS + $1))
  until zfs_answers; do
    (( SECONDS < end )) || return 1
    sleep 0.2
  done
}

start_zfs_fuse() {
  [[ -c /dev/fuse ]] || die "zfs-fuse needs /dev/fuse, which this machine does not have"
  rm -f "$ZF_PID"   # zfs-fuse silently refuses to start (rc 1) when its pid file exists
  ( cd / && close_fds && exec "$ZFS_FUSE" --no-kstat-mount --pidfile "$ZF_PID" </dev/null >>"$ZF_LOG" 2>&1 ) ||
    die "zfs-fuse did not start (rc $?); is another zfs-fuse holding /var/lock/zfs/zfs_lock? see $ZF_LOG"
  wait_zfs_answers 30 || die "zfs-fuse started but 'zpool list' does not answer after 30s (see $ZF_LOG)"
  local p
  p=$(our_zfs_fuse_pid) || die "zfs-fuse answers but its pid file $ZF_PID is missing or wrong"
  changed "zfs-fuse: started (pid $p, recorded in $ZF_PID)"
}

ensure_zfs_fuse() {
  local p others
  if zfs_answers; then
    if p=$(our_zfs_fuse_pid); then
      log "zfs-fuse: running (pid $p, started by this script)"
    else
      rm -f "$ZF_PID"
      log "zfs-fuse: running, started elsewhere (pid $(pids_by_comm zfs-fuse | paste -sd' ')); reusing it, 'down' will not stop it"
    fi
    return 0
  fi
  others=$(pids_by_comm zfs-fuse | paste -sd' ')
  if [[ -n $others ]]; then
    log "zfs-fuse: process $others exists but does not answer yet; waiting up to 20s"
    wait_zfs_answers 20 || die "zfs-fuse (pid $others) runs but 'zpool list' does not answer; stop it or fix it, then run 'up' again"
    our_zfs_fuse_pid >/dev/null || rm -f "$ZF_PID"
    return 0
  fi
  start_zfs_fuse
}

# --- 3. pool ----------------------------------------------------------------------------------

pool_imported() { "$ZPOOL" list -H -o name "$POOL" >/dev/null 2>&1; }
pool_health()   { "$ZPOOL" list -H -o health "$POOL" 2>/dev/null; }
pool_on_our_image() { "$ZPOOL" status "$POOL" 2>/dev/null | grep -qF -- "$POOL_IMG"; }

# zpool destroy -f with bounded retries ("pool is busy" on the first try is normal on zfs-fuse).
destroy_pool() {
  local _ out
  for _ in 1 2 3 4 5 6 7 8; do
    out=$("$ZPOOL" destroy -f "$POOL" 2>&1) && return 0
    pool_imported || return 0
    sleep 1
  done
  log "zpool destroy -f $POOL kept failing: $out"
  return 1
}

create_pool() {
  rm -f "$POOL_MARK" "$POOL_IMG"
  truncate -s "$POOL_SIZE" "$POOL_IMG"
  chmod 0600 "$POOL_IMG"
  local out
  out=$("$ZPOOL" create -f "$POOL" "$POOL_IMG" 2>&1) || {
    rm -f "$POOL_IMG"
    die "zpool create $POOL on $POOL_IMG failed: $out"
  }
  : >"$POOL_MARK"
  changed "pool: created $POOL on $POOL_IMG ($POOL_SIZE sparse)"
}

import_pool() {
  local out
  if out=$("$ZPOOL" import -d "$VDEV_DIR" "$POOL" 2>&1); then
    changed "pool: imported $POOL from $POOL_IMG"; return 0
  fi
  if out=$("$ZPOOL" import -f -d "$VDEV_DIR" "$POOL" 2>&1); then
    changed "pool: imported $POOL from $POOL_IMG (forced)"; return 0
  fi
  if [[ ! -e $POOL_MARK ]]; then
    log "pool: $POOL_IMG holds no importable pool and an earlier 'zpool create' never finished; recreating"
    create_pool; return 0
  fi
  die "pool image $POOL_IMG exists but pool $POOL cannot be imported: $out
  (to start over with an empty pool: scripts/storage-host.sh down && scripts/storage-host.sh up)"
}

ensure_pool() {
  if pool_imported; then
    if [[ ! -e $POOL_IMG ]]; then
      log "pool: $POOL is imported but its image $POOL_IMG is gone; destroying the orphan pool"
      destroy_pool || die "cannot destroy orphan pool $POOL"
    elif ! pool_on_our_image; then
      die "a pool named $POOL is imported but is not backed by $POOL_IMG; choose another ZFSPORTAL_POOL"
    fi
  fi
  if ! pool_imported; then
    if [[ -e $POOL_IMG ]]; then import_pool; else create_pool; fi
  fi
  [[ -e $POOL_MARK ]] || : >"$POOL_MARK"
  local health
  health=$(pool_health)
  [[ $health == ONLINE ]] || die "pool $POOL is $health, not ONLINE (zpool status $POOL)"
  # A zfs-fuse that died (or was killed) leaves its FUSE mounts behind, dead ("Transport endpoint is not
  # connected") while zfs still calls them mounted: detach those lazily so that they can be mounted again.
  # stat alone is not enough: after a kill -9 and a restart the pool's root answered stat but not a listing.
  local dead detached=0
  while read -r dead; do
    if ! stat "$dead" >/dev/null 2>&1 || ! ls "$dead" >/dev/null 2>&1; then
      umount -l "$dead" && changed "pool: detached dead mount $dead" && detached=1
    fi
  done < <(awk -v pool="/$POOL" '$3 == "fuse.zfs" && ($2 == pool || index($2, pool "/") == 1) { print $2 }' /proc/mounts | sort -r)
  # zfs still believes those are mounted, so the loop below would skip them: mount everything again.
  if ((detached)); then "$ZFS" mount -a 2>/dev/null || log "pool: WARNING: zfs mount -a after detaching dead mounts failed"; fi
  # After a zfs-fuse restart, pools come back from the cache file imported but unmounted.
  local name canmount mounted
  while IFS=$'\t' read -r name canmount mounted; do
    if [[ $canmount == on && $mounted == no ]]; then
      if "$ZFS" mount "$name" 2>/dev/null; then changed "pool: mounted $name"; else log "pool: WARNING: cannot mount $name"; fi
    fi
  done < <("$ZFS" list -H -o name,canmount,mounted -r "$POOL")
  log "pool: $POOL ONLINE on $POOL_IMG"
}

# --- 4. user and keys -------------------------------------------------------------------------

# ensure_keypair FILE COMMENT: an ed25519 key pair, private part root-only.
ensure_keypair() {
  local f=$1 comment=$2
  if [[ ! -s $f ]] || ! ssh-keygen -y -f "$f" >/dev/null 2>&1; then
    rm -f "$f" "$f.pub"
    ssh-keygen -q -t ed25519 -N '' -C "$comment" -f "$f" </dev/null >/dev/null
    changed "keys: generated $f"
  fi
  [[ $(stat -c '%a %U:%G' "$f") == "600 root:root" ]] || { chown root:root "$f"; chmod 0600 "$f"; changed "keys: fixed mode of $f"; }
  local pub
  pub="$(ssh-keygen -y -f "$f" | cut -d' ' -f1,2) $comment"
  write_file "$f.pub" 644 root:root <<<"$pub"
  (( WROTE )) && changed "keys: wrote $f.pub"
  return 0
}

user_home() { getent passwd "$SSH_USER" | cut -d: -f6; }

ensure_user() {
  local entry
  if entry=$(getent passwd "$SSH_USER"); then
    [[ $(cut -d: -f5 <<<"$entry") == "$USER_MARK" ]] ||
      die "user $SSH_USER exists but was not created by storage-host.sh (GECOS is not '$USER_MARK'); set ZFSPORTAL_SSH_USER to another name"
  else
    useradd --create-home --shell /bin/bash --user-group --comment "$USER_MARK" "$SSH_USER"
    changed "user: created $SSH_USER"
  fi
  # useradd leaves the password locked ('!'); with UsePAM no, sshd then refuses even key logins.
  if [[ $(getent shadow "$SSH_USER" | cut -d: -f2) != '*' ]]; then
    usermod -p '*' "$SSH_USER"
    changed "user: $SSH_USER set to no-password ('*', not locked)"
  fi
  local home group
  home=$(user_home)
  group=$(id -gn "$SSH_USER")
  [[ -n $home && $home == /* ]] || die "user $SSH_USER has no home directory"
  if [[ ! -d $home ]]; then
    install -d -m 0755 -o "$SSH_USER" -g "$group" "$home"
    changed "user: created home $home"
  fi
  if [[ ! -d $home/.ssh ]] || [[ $(stat -c '%a %U' "$home/.ssh") != "700 $SSH_USER" ]]; then
    install -d -m 0700 -o "$SSH_USER" -g "$group" "$home/.ssh"
    changed "user: $home/.ssh"
  fi
  # `restrict`: no pty, no forwarding, no ~/.ssh/rc: the key can only run commands.
  write_file "$home/.ssh/authorized_keys" 600 "$SSH_USER:$group" <<<"restrict $(cat "$CLIENT_KEY.pub")"
  (( WROTE )) && changed "user: installed $home/.ssh/authorized_keys"
  return 0
}

# --- 5. sudoers -------------------------------------------------------------------------------

sudoers_content() {
  cat <<EOF
# Written by scripts/storage-host.sh (ZfsPortal): the portal's SSH user may run exactly these as root.
Defaults:$SSH_USER !requiretty
$SSH_USER ALL=(root) NOPASSWD: $ZFS, $ZPOOL, $EXPORTFS
EOF
}

ensure_sudoers() {
  [[ -d /etc/sudoers.d ]] || die "/etc/sudoers.d is missing (is sudo installed?)"
  grep -Eq '^[@#]includedir[[:space:]]+/etc/sudoers\.d' /etc/sudoers ||
    die "/etc/sudoers does not include /etc/sudoers.d"
  local out
  if [[ -f $SUDOERS_FILE && ! -L $SUDOERS_FILE && $(cat "$SUDOERS_FILE") == "$(sudoers_content)" &&
        $(stat -c '%a %U:%G' "$SUDOERS_FILE") == "440 root:root" ]]; then
    out=$(visudo -cf "$SUDOERS_FILE" 2>&1) || die "visudo rejects $SUDOERS_FILE: $out"
    log "sudoers: $SUDOERS_FILE up to date"
    return 0
  fi
  # A name containing '.' is ignored by sudo, so the candidate is inert until it is renamed.
  local tmp
  tmp=$(mktemp "/etc/sudoers.d/.${SUDOERS_FILE##*/}.XXXXXX")
  CLEANUP+=("rm -f '$tmp'")
  sudoers_content >"$tmp"
  chmod 0440 "$tmp"
  chown root:root "$tmp"
  out=$(visudo -cf "$tmp" 2>&1) || die "visudo rejects the sudoers drop-in: $out"
  mv -f "$tmp" "$SUDOERS_FILE"
  changed "sudoers: installed $SUDOERS_FILE"
}

# --- 6. sshd ----------------------------------------------------------------------------------

sshd_config_content() {
  cat <<EOF
# Private sshd of the ZfsPortal storage host; written by scripts/storage-host.sh.
Port $SSH_PORT
ListenAddress $LISTEN_IP
AddressFamily inet
HostKey $HOST_KEY
PidFile $SSHD_PID
PubkeyAuthentication yes
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
UsePAM no
AllowUsers $SSH_USER
PermitRootLogin no
PermitEmptyPasswords no
PermitUserEnvironment no
StrictModes yes
AuthorizedKeysFile .ssh/authorized_keys
MaxSessions 64
MaxStartups 100:30:200
MaxAuthTries 3
LoginGraceTime 30
UseDNS no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
AllowStreamLocalForwarding no
PermitTunnel no
PrintMotd no
PrintLastLog no
LogLevel INFO
EOF
}

# Prints the pid of our sshd listener (pid file + command line naming our config), fails otherwise.
our_sshd_pid() {
  local p
  p=$(read_pid "$SSHD_PID") || return 1
  pid_cmdline_has "$p" "$SSHD_CONFIG" || return 1
  printf '%s\n' "$p"
}

stop_sshd() {
  local p c
  p=$(our_sshd_pid) || { rm -f "$SSHD_PID"; return 0; }
  # Open sessions are served by children of the listener; end them too (by pid).
  for c in $(child_pids "$p"); do kill -TERM "$c" 2>/dev/null || true; done
  stop_pid "$p" sshd 15
  rm -f "$SSHD_PID"
  changed "sshd: stopped (pid $p)"
}

start_sshd() {
  port_open && die "port $LISTEN_IP:$SSH_PORT is already taken by another process; set ZFSPORTAL_SSH_PORT"
  rm -f "$SSHD_PID"
  # sshd binds, then daemonizes (setsid) and writes its pid file; it outlives this script.
  ( cd / && close_fds && exec "$SSHD" -f "$SSHD_CONFIG" -E "$SSHD_LOG" </dev/null >/dev/null 2>&1 ) ||
    die "sshd -f $SSHD_CONFIG did not start; see $SSHD_LOG"
  local end=$((SECONDS + 15)) p
  until p=$(our_sshd_pid) && port_open; do
    (( SECONDS < end )) || die "sshd did not come up on $LISTEN_IP:$SSH_PORT within 15s; see $SSHD_LOG"
    sleep 0.1
  done
  changed "sshd: started (pid $p) on $LISTEN_IP:$SSH_PORT"
}

ensure_sshd() {
  install -d -m 0755 /run/sshd     # privilege separation dir; /run is a tmpfs
  write_file "$SSHD_CONFIG" 644 root:root < <(sshd_config_content)
  local config_changed=$WROTE
  (( config_changed )) && changed "sshd: wrote $SSHD_CONFIG"
  local out
  out=$("$SSHD" -t -f "$SSHD_CONFIG" 2>&1) || die "sshd -t -f $SSHD_CONFIG: $out"
  local p
  if p=$(our_sshd_pid); then
    if (( config_changed )); then
      log "sshd: config changed; restarting"
      stop_sshd
      start_sshd
    elif ! port_open; then
      die "sshd (pid $p) runs but $LISTEN_IP:$SSH_PORT does not accept connections; see $SSHD_LOG"
    else
      log "sshd: running (pid $p) on $LISTEN_IP:$SSH_PORT"
    fi
  else
    start_sshd
  fi
}

# --- 7. the chain -----------------------------------------------------------------------------

host_key_sha256() {
  local fp
  fp=$(ssh-keygen -l -E sha256 -f "$HOST_KEY.pub" | awk '{print $2}')
  [[ $fp == SHA256:* ]] || die "cannot read the fingerprint of $HOST_KEY.pub"
  printf '%s\n' "${fp#SHA256:}"
}

ensure_known_hosts() {
  local line
  line="[$LISTEN_IP]:$SSH_PORT $(cut -d' ' -f1,2 "$HOST_KEY.pub")"
  write_file "$KNOWN_HOSTS" 644 root:root <<<"$line"
  (( WROTE )) && changed "ssh: pinned the host key in $KNOWN_HOSTS"
  return 0
}

ssh_host() {
  ssh -F /dev/null -i "$CLIENT_KEY" -p "$SSH_PORT" \
    -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
    -o HostKeyAlgorithms=ssh-ed25519 -o ConnectTimeout=10 -o LogLevel=ERROR \
    "$SSH_USER@$LISTEN_IP" "$@" </dev/null
}

# verify_chain: returns 0 if ssh, sudo zfs, sudo zpool, sudo exportfs work and sudo is not wider.
# Prints one line per check; with "strict" as $1 it dies on the first failure.
verify_chain() {
  local strict=${1:-} out ok=0
  fail() { if [[ $strict == strict ]]; then die "$*"; fi; printf '  FAIL  %s\n' "$*"; ok=1; }
  if ! out=$(ssh_host true 2>&1); then
    fail "ssh login as $SSH_USER@$LISTEN_IP:$SSH_PORT with $CLIENT_KEY (host key pinned in $KNOWN_HOSTS) fails: ${out:-no output} (see $SSHD_LOG)"
    return 1
  fi
  printf '  ok    ssh %s@%s:%s (key auth, pinned host key)\n' "$SSH_USER" "$LISTEN_IP" "$SSH_PORT"
  if out=$(ssh_host sudo -n "$ZFS" list -H -o name "$POOL" 2>&1) && [[ $out == "$POOL" ]]; then
    printf '  ok    sudo -n %s list\n' "$ZFS"
  else
    fail "over ssh, 'sudo -n $ZFS list -H -o name $POOL' fails: ${out:-no output} (check $SUDOERS_FILE and zfs-fuse)"
  fi
  if out=$(ssh_host sudo -n "$EXPORTFS" -v 2>&1); then
    printf '  ok    sudo -n %s -v\n' "$EXPORTFS"
  else
    fail "over ssh, 'sudo -n $EXPORTFS -v' fails: ${out:-no output} (check $SUDOERS_FILE and nfs-kernel-server)"
  fi
  if out=$(ssh_host sudo -n "$ZPOOL" list -H -o name "$POOL" 2>&1) && [[ $out == "$POOL" ]]; then
    printf '  ok    sudo -n %s list\n' "$ZPOOL"
  else
    fail "over ssh, 'sudo -n $ZPOOL list' fails: ${out:-no output} (check $SUDOERS_FILE)"
  fi
  if out=$(ssh_host sudo -n /usr/bin/id -u 2>&1); then
    fail "sudoers is wider than it should be: $SSH_USER may run /usr/bin/id as root (got '$out')"
  else
    printf '  ok    sudo -n /usr/bin/id is refused (least privilege)\n'
  fi
  return $ok
}

# --- 8. backend settings ----------------------------------------------------------------------

compression_value() {
  if [[ $COMPRESSION != auto ]]; then printf '%s\n' "$COMPRESSION"; return; fi
  # lz4 needs a feature-flag pool (OpenZFS shows version "-"); zfs-fuse pools are v23 and only know
  # on|off|lzjb|gzip|gzip-N|zle, where "on" means lzjb (on OpenZFS 2.x "on" means lz4).
  local v
  v=$("$ZPOOL" get version "$POOL" 2>/dev/null | awk 'NR==2 {print $3}')
  if [[ $v == - || ( $v =~ ^[0-9]+$ && $v -ge 5000 ) ]]; then echo lz4; else echo on; fi
}

backend_json() {
  cat <<EOF
{
  "Name": "$BACKEND_NAME",
  "Host": "$LISTEN_IP",
  "Port": $SSH_PORT,
  "User": "$SSH_USER",
  "PrivateKeyPath": "$CLIENT_KEY",
  "HostKeySha256": "$1",
  "ShareExportIp": "$LISTEN_IP",
  "ServiceIp": "$LISTEN_IP",
  "Pools": ["$POOL"],
  "DatasetPrefix": "$DATASET_PREFIX",
  "SnapshotPrefix": "$SNAPSHOT_PREFIX",
  "DatasetCreationOptions": {"compression": "$2"},
  "NfsHelper": "$NFS_HELPER",
  "SudoPath": "$SUDO",
  "ZfsPath": "$ZFS",
  "ZpoolPath": "$ZPOOL",
  "ExportfsPath": "$EXPORTFS"
}
EOF
}

backend_env() {
  local p=Storage__Backends__0__
  cat <<EOF
${p}Name=$BACKEND_NAME
${p}Host=$LISTEN_IP
${p}Port=$SSH_PORT
${p}User=$SSH_USER
${p}PrivateKeyPath=$CLIENT_KEY
${p}HostKeySha256=$1
${p}ShareExportIp=$LISTEN_IP
${p}ServiceIp=$LISTEN_IP
${p}Pools__0=$POOL
${p}DatasetPrefix=$DATASET_PREFIX
${p}SnapshotPrefix=$SNAPSHOT_PREFIX
${p}DatasetCreationOptions__compression=$2
${p}NfsHelper=$NFS_HELPER
${p}SudoPath=$SUDO
${p}ZfsPath=$ZFS
${p}ZpoolPath=$ZPOOL
${p}ExportfsPath=$EXPORTFS
EOF
}

write_backend() {
  local fp comp
  fp=$(host_key_sha256)
  comp=$(compression_value)
  write_file "$BACKEND_JSON" 644 root:root < <(backend_json "$fp" "$comp")
  (( WROTE )) && changed "backend: wrote $BACKEND_JSON"
  write_file "$BACKEND_ENV" 644 root:root < <(backend_env "$fp" "$comp")
  (( WROTE )) && changed "backend: wrote $BACKEND_ENV"
  return 0
}

print_settings() {
  local fp comp
  fp=$(host_key_sha256)
  comp=$(compression_value)
  cat <<EOF

ZfsPortal storage host is up.
  backend name        $BACKEND_NAME
  ssh                 $SSH_USER@$LISTEN_IP port $SSH_PORT
  private key         $CLIENT_KEY
  host key SHA-256    $fp
  pool                $POOL  (image $POOL_IMG)
  share export IP     $LISTEN_IP
  service IP          $LISTEN_IP
  dataset prefix      $DATASET_PREFIX
  snapshot prefix     $SNAPSHOT_PREFIX
  creation options    compression=$comp
  NFS helper          $NFS_HELPER
  settings            $BACKEND_JSON
                      $BACKEND_ENV   (set -a; . <(scripts/storage-host.sh env); set +a)
EOF
}

# --- subcommands ------------------------------------------------------------------------------

cmd_up() {
  need_root
  take_lock
  local t0=$SECONDS
  ensure_packages
  check_tools
  ensure_state_dir
  ensure_zfs_fuse
  ensure_pool
  ensure_keypair "$CLIENT_KEY" "zfsportal-portal@$(uname -n)"
  ensure_keypair "$HOST_KEY" "zfsportal-host@$(uname -n)"
  ensure_user
  ensure_sudoers
  ensure_sshd
  ensure_known_hosts
  log "verifying the chain: ssh -> sudo -n -> zfs/zpool/exportfs"
  verify_chain strict >&2
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

# exportfs -v prints "PATH<tab>CLIENT(opts)", wrapping long paths: "PATH\n<tab><tab>CLIENT(opts)".
# Prints "CLIENT PATH" for each entry whose path is MOUNTPOINT or below it.
exports_under() {
  local mp=$1
  "$EXPORTFS" -v 2>/dev/null | awk -v mp="$mp" '
    /^[^ \t]/ { path = $1; if (NF >= 2) { c = $2 } else { next } }
    /^[ \t]/  { c = $1 }
    {
      sub(/\(.*$/, "", c)
      if (path == mp || index(path, mp "/") == 1) print c, path
    }'
}

unexport_under() {
  local mp=$1 client path spec n=0
  [[ -x $EXPORTFS ]] || return 0
  while read -r client path; do
    [[ -n $path ]] || continue
    case $client in
      '<world>') client='*' ;;
      *:*) client="[$client]" ;;     # IPv6
    esac
    spec="$client:$path"
    if "$EXPORTFS" -u "$spec" 2>/dev/null; then n=$((n + 1)); else log "down: WARNING: exportfs -u $spec failed"; fi
  done < <(exports_under "$mp")
  (( n == 0 )) || changed "down: removed $n export entr$( ((n == 1)) && echo y || echo ies) under $mp"
  return 0
}

cmd_down() {
  need_root
  take_lock
  local mp="/$POOL" p
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
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
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
