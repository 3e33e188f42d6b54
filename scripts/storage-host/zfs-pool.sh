# shellcheck shell=bash
# storage-host/zfs-pool.sh — sourced by scripts/storage-host.sh: the zfs-fuse daemon and the file-backed pool.
#   zfs_answers, our_zfs_fuse_pid, wait_zfs_answers, start_zfs_fuse, ensure_zfs_fuse
#                     zfs-fuse: reuse one that runs, else start one and record its pid in $ZF_PID
#   pool_imported, pool_health, pool_on_our_image, destroy_pool, create_pool, import_pool, ensure_pool
#                     the pool $POOL on the sparse image $POOL_IMG: created or imported, ONLINE, datasets mounted
#   exports_under, unexport_under
#                     the NFS exports at or below the pool's mountpoint, which `down` removes before the pool

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

# --- exports under the pool (removed by down) -------------------------------------------------

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
