# shellcheck shell=bash
# storage-host/sshd.sh — sourced by scripts/storage-host.sh: the private sshd and the ssh+sudo chain through it.
#   port_open                          whether $LISTEN_IP:$SSH_PORT accepts connections
#   sshd_config_content, our_sshd_pid, stop_sshd, start_sshd, ensure_sshd
#                                      sshd on $LISTEN_IP:$SSH_PORT with its own config, pid file and log
#   host_key_sha256, ensure_known_hosts   the host key's fingerprint; the host key pinned in $KNOWN_HOSTS
#   ssh_host, verify_chain             a command over ssh as $SSH_USER; the check ssh -> sudo -n -> guard -> zfs/zpool/exportfs

# --- 6. sshd ----------------------------------------------------------------------------------

port_open() { (exec 3<>"/dev/tcp/$LISTEN_IP/$SSH_PORT") 2>/dev/null; }

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
AllowUsers $SSH_USER${MANILA_USER:+ $MANILA_USER}
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

# verify_chain: returns 0 if ssh works, sudo runs the guard without a password, the guard runs the portal's zfs, zpool
# and exportfs commands and refuses others, and sudo is not wider (neither zfs itself nor anything else).
# Prints one line per check; with "strict" as $1 it dies on the first failure.
verify_chain() {
  local strict=${1:-} out ok=0 rc
  fail() { if [[ $strict == strict ]]; then die "$*"; fi; printf '  FAIL  %s\n' "$*"; ok=1; }
  if ! out=$(ssh_host true 2>&1); then
    fail "ssh login as $SSH_USER@$LISTEN_IP:$SSH_PORT with $CLIENT_KEY (host key pinned in $KNOWN_HOSTS) fails: ${out:-no output} (see $SSHD_LOG)"
    return 1
  fi
  printf '  ok    ssh %s@%s:%s (key auth, pinned host key)\n' "$SSH_USER" "$LISTEN_IP" "$SSH_PORT"
  local g=(sudo -n "$GUARD_BIN")
  if out=$(ssh_host "${g[@]}" "$ZFS" get -H -p -o name,property,value available,used "$POOL" 2>&1) &&
     [[ $out == "$POOL"$'\t'available$'\t'* ]]; then
    printf '  ok    sudo -n %s %s get available,used %s\n' "$GUARD_BIN" "$ZFS" "$POOL"
  else
    fail "over ssh, 'sudo -n $GUARD_BIN $ZFS get … available,used $POOL' fails: ${out:-no output} (check $SUDOERS_FILE, $GUARD_CONF and zfs-fuse)"
  fi
  if out=$(ssh_host "${g[@]}" "$EXPORTFS" -v 2>&1); then
    printf '  ok    sudo -n %s %s -v\n' "$GUARD_BIN" "$EXPORTFS"
  else
    fail "over ssh, 'sudo -n $GUARD_BIN $EXPORTFS -v' fails: ${out:-no output} (check $SUDOERS_FILE and nfs-kernel-server)"
  fi
  if out=$(ssh_host "${g[@]}" "$ZPOOL" list -H -o name 2>&1) && grep -qxF -- "$POOL" <<<"$out"; then
    printf '  ok    sudo -n %s %s list\n' "$GUARD_BIN" "$ZPOOL"
  else
    fail "over ssh, 'sudo -n $GUARD_BIN $ZPOOL list -H -o name' fails or lacks $POOL: ${out:-no output} (check $SUDOERS_FILE)"
  fi
  # A pool that does not exist: were the guard to let it through, zpool would only say so.
  rc=0; out=$(ssh_host "${g[@]}" "$ZPOOL" destroy zfsportal_guard_selftest 2>&1) || rc=$?
  if [[ $rc == 126 && $out == "zfsportal-guard: refused: "* ]]; then
    printf '  ok    the guard refuses zpool destroy\n'
  else
    fail "over ssh, the guard did not refuse 'zpool destroy' (exit $rc: ${out:-no output}); reinstall it with 'up'"
  fi
  # A portal dataset name, but without setuid=off and devices=off: refused before zfs runs (ADR 32), so nothing is made.
  local first=${GUARD_PREFIXES%% *}
  rc=0; out=$(ssh_host "${g[@]}" "$ZFS" create "$POOL/${first}guard_selftest" 2>&1) || rc=$?
  if [[ $rc == 126 && $out == *"without -o devices=off -o setuid=off"* ]]; then
    printf '  ok    the guard refuses a zfs create without setuid=off and devices=off
'
  else
    fail "over ssh, the guard did not refuse a create without setuid=off and devices=off (exit $rc: ${out:-no output}); reinstall it with 'up'"
  fi
  local cmd
  for cmd in "$ZFS get -H -o value name $POOL" "/usr/bin/id -u"; do
    # shellcheck disable=SC2086 # the words of $cmd are meant to split
    if out=$(ssh_host sudo -n $cmd 2>&1); then
      fail "sudoers is wider than it should be: $SSH_USER may run '${cmd%% *}' as root without the guard (got '$out')"
    else
      printf '  ok    sudo -n %s is refused (only the guard)\n' "${cmd%% *}"
    fi
  done
  return $ok
}
