# shellcheck shell=bash
# storage-host/packages.sh — sourced by scripts/storage-host.sh: the Debian packages the host needs ($PACKAGES).
#   is_installed      whether dpkg has a package fully installed
#   ensure_packages   apt-get installs the missing ones, with service starts denied while it runs
#   check_tools       every binary the other parts call is there

# --- 1. packages ------------------------------------------------------------------------------

is_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true) == "ii "* ]]
}

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
  for t in "$ZFS" "$ZPOOL" "$ZFS_FUSE" "$EXPORTFS" "$SSHD" "$SUDO" "$PYTHON3" /usr/bin/ssh /usr/bin/ssh-keygen /usr/sbin/visudo; do
    [[ -x $t ]] || die "$t is missing although its package is installed"
  done
}
