# shellcheck shell=bash
# storage-host/manila-peer.sh — sourced by scripts/storage-host.sh: a second SSH user on the same sshd and pool for
# Manila's own ZFSonLinux driver, which the bench runs beside the portal (docs/adr/0030). Only with ZFSPORTAL_MANILA_USER.
#   manila_enabled                        whether ZFSPORTAL_MANILA_USER names one
#   manila_sudoers_content                the driver's least-privilege rule: zfs, zpool, exportfs (not the portal's guard,
#                                         which admits only the portal's command shapes), and the mount/umount it issues
#   ensure_manila_peer, remove_manila_peer, manila_peer_status
#
# The driver logs in with its own key, and copies a snapshot as `ssh USER@IP sudo zfs send … | ssh USER@IP sudo zfs
# receive …` on the host itself, so the user also holds that key and an ssh config pointing 127.0.0.1 at this sshd.

manila_enabled() { [[ -n $MANILA_USER ]]; }

manila_sudoers_content() {
  cat <<EOF2
# Written by scripts/storage-host.sh (ZfsPortal bench): Manila's ZFSonLinux driver runs these as root, as a Manila
# deployment's share-node user does (not the portal's guard); mount and umount only in the form and place it uses them.
Defaults:$MANILA_USER !requiretty
$MANILA_USER ALL=(root) NOPASSWD: $ZFS, $ZPOOL, $EXPORTFS, /usr/bin/mount --make-rshared /$POOL, /usr/bin/umount /$POOL/*
EOF2
}

ensure_manila_peer() {
  manila_enabled || return 0
  local home group
  ensure_keypair "$MANILA_KEY" "zfsportal-manila-peer@$(uname -n)"
  ensure_marked_user "$MANILA_USER" ZFSPORTAL_MANILA_USER
  home=$(getent passwd "$MANILA_USER" | cut -d: -f6)
  group=$(id -gn "$MANILA_USER")
  install -d -m 0700 -o "$MANILA_USER" -g "$group" "$home/.ssh"
  write_file "$home/.ssh/authorized_keys" 600 "$MANILA_USER:$group" <<<"restrict $(cat "$MANILA_KEY.pub")"
  write_file "$home/.ssh/id_ed25519" 600 "$MANILA_USER:$group" <"$MANILA_KEY"
  write_file "$home/.ssh/known_hosts" 644 "$MANILA_USER:$group" <<<"[$LISTEN_IP]:$SSH_PORT $(cut -d' ' -f1,2 "$HOST_KEY.pub")"
  write_file "$home/.ssh/config" 600 "$MANILA_USER:$group" <<EOF2
Host $LISTEN_IP
  Port $SSH_PORT
  IdentityFile ~/.ssh/id_ed25519
  IdentitiesOnly yes
  BatchMode yes
  StrictHostKeyChecking yes
EOF2
  # The driver runs `which exportfs` and `modinfo zfs` without sudo; a share node's user finds them on its PATH.
  # bash reads ~/.bashrc for commands run over ssh; Debian's own .bashrc stops early for those, so this comes first.
  write_file "$home/.bashrc" 644 "$MANILA_USER:$group" <<<'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  install_sudoers "$MANILA_SUDOERS" "manila peer" manila_sudoers_content
  write_file "$MANILA_JSON" 644 root:root <<EOF2
{"User": "$MANILA_USER", "Host": "$LISTEN_IP", "Port": $SSH_PORT, "PrivateKeyPath": "$MANILA_KEY", "Pool": "$POOL"}
EOF2
  return 0
}

manila_peer_status() {
  manila_enabled || return 0
  if [[ -f $MANILA_SUDOERS && -r $MANILA_JSON ]] && getent passwd "$MANILA_USER" >/dev/null; then
    echo "  ok    Manila driver peer user $MANILA_USER ($MANILA_JSON)"
  else
    echo "  FAIL  Manila driver peer user $MANILA_USER incomplete (user, $MANILA_SUDOERS or $MANILA_JSON)"; return 1
  fi
}

remove_manila_peer() {
  manila_enabled || return 0
  local entry uid p
  if entry=$(getent passwd "$MANILA_USER") && [[ $(cut -d: -f5 <<<"$entry") == "$USER_MARK" ]]; then
    uid=$(cut -d: -f3 <<<"$entry")
    for p in $(uid_pids "$uid"); do kill -KILL "$p" 2>/dev/null || true; done
    userdel -r "$MANILA_USER" 2>/dev/null || userdel -r "$MANILA_USER"
    changed "down: deleted user $MANILA_USER"
  fi
  if [[ -e $MANILA_SUDOERS ]]; then rm -f "$MANILA_SUDOERS"; changed "down: removed $MANILA_SUDOERS"; fi
  rm -f "$MANILA_KEY" "$MANILA_KEY.pub" "$MANILA_JSON"
}
