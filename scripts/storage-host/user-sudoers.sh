# shellcheck shell=bash
# storage-host/user-sudoers.sh — sourced by scripts/storage-host.sh: the key pairs, the SSH user, its sudoers drop-in.
#   ensure_keypair                    an ed25519 key pair, private part root-only (client key and sshd host key)
#   user_home, ensure_user            the unprivileged user $SSH_USER (marked by $USER_MARK), client key authorized
#   sudoers_content, ensure_sudoers   $SUDOERS_FILE: exactly the guard $GUARD_BIN as root, checked by visudo

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

# Creates USER marked as this script's (GECOS), or checks that an existing one is; SETTING names the variable to change
# when it is someone else's. The portal's user and the Manila peer's both come this way.
ensure_marked_user() {
  local user=$1 setting=$2 entry
  if entry=$(getent passwd "$user"); then
    [[ $(cut -d: -f5 <<<"$entry") == "$USER_MARK" ]] ||
      die "user $user exists but was not created by storage-host.sh (GECOS is not '$USER_MARK'); set $setting to another name"
  else
    useradd --create-home --shell /bin/bash --user-group --comment "$USER_MARK" "$user"
    changed "user: created $user"
  fi
  # useradd leaves the password locked ('!'); with UsePAM no, sshd then refuses even key logins.
  if [[ $(getent shadow "$user" | cut -d: -f2) != '*' ]]; then
    usermod -p '*' "$user"
    changed "user: $user set to no-password ('*', not locked)"
  fi
}

ensure_user() {
  ensure_marked_user "$SSH_USER" ZFSPORTAL_SSH_USER
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
# Written by scripts/storage-host.sh (ZfsPortal): the portal's SSH user may run exactly this as root. The guard
# runs $ZFS, $ZPOOL and $EXPORTFS only with the arguments the portal sends (see $GUARD_CONF).
Defaults:$SSH_USER !requiretty
$SSH_USER ALL=(root) NOPASSWD: $GUARD_BIN
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
  install_sudoers "$SUDOERS_FILE" sudoers sudoers_content
}

# Installs the drop-in FILE from the function CONTENT unless it already holds exactly that, root-owned, mode 0440.
# LABEL starts the log line. The portal's, Ganesha's and the Manila peer's rules all come this way.
install_sudoers() {
  local file=$1 label=$2 content=$3 tmp out
  if [[ -f $file && ! -L $file && $(cat "$file") == "$("$content")" && $(stat -c '%a %U:%G' "$file") == "440 root:root" ]]; then
    return 0
  fi
  # A name containing '.' is ignored by sudo, so the candidate is inert until it is renamed.
  tmp=$(mktemp "/etc/sudoers.d/.${file##*/}.XXXXXX")
  CLEANUP+=("rm -f '$tmp'")
  "$content" >"$tmp"
  chmod 0440 "$tmp"
  chown root:root "$tmp"
  out=$(visudo -cf "$tmp" 2>&1) || die "visudo rejects the $label drop-in $file: $out"
  # One rename: sudo reads the old rule or the new one, never neither.
  mv -f "$tmp" "$file"
  changed "$label: installed $file"
}
