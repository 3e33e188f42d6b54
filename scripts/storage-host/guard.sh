# shellcheck shell=bash
# storage-host/guard.sh — sourced by scripts/storage-host.sh: the host-side guard, the one program sudoers lets
# $SSH_USER run as root. It admits exactly the zfs, zpool and exportfs commands the portal sends, on this host's
# pool below the dataset prefixes, and refuses anything else (see storage-host/zfsportal-guard).
#   guard_config_content          $GUARD_CONF: pools, dataset prefixes, the pool's mount point, the three tool paths
#   guard_program_content         the program from storage-host/zfsportal-guard with this host's CONFIG line
#   guard_stub_content            $GUARD_BIN, what sudoers names: imports the program from $GUARD_LIB
#   ensure_guard                  writes all three root-owned, compiles the program's bytecode, then checks the
#                                 guard admits and refuses as it should
#   guard_status                  `status`: the program and its config are there, root-owned
#   remove_guard                  what `down` takes away
#   ensure_exports_dir, exports_file_status, remove_exports_file
#                                 /etc/exports.d, where the guard keeps $EXPORTS_FILE (the portal's exports, read by
#                                 the NFS service at boot and on `exportfs -ra`); `status` and `down` for the file

# --- 5a. guard --------------------------------------------------------------------------------

guard_config_content() {
  local root
  root=$("$ZFS" get -H -o value mountpoint "$POOL" 2>/dev/null) || die "cannot read the mount point of pool $POOL"
  [[ $root == /* ]] || root="/$POOL"
  cat <<EOF
# Written by scripts/storage-host.sh (ZfsPortal): what $GUARD_BIN lets $SSH_USER do as root.
# Datasets: POOL/PREFIX… and below, for a pool and a prefix listed here; export paths: ROOT/PREFIX… and below.
POOLS=$POOL
DATASET_PREFIXES=$GUARD_PREFIXES
MOUNT_ROOTS=$root
ZFS=$ZFS
ZPOOL=$ZPOOL
EXPORTFS=$EXPORTFS
EXPORTS_FILE=$EXPORTS_FILE
EOF
}

# Each host's copy reads its own config: two hosts on one machine never share one.
guard_program_content() {
  local src=$PARTS_DIR/zfsportal-guard n
  [[ -r $src ]] || die "$src is missing"
  n=$(grep -c '^CONFIG = "/etc/zfsportal-guard.conf"$' "$src" || true)
  [[ $n == 1 ]] || die "$src does not hold exactly one CONFIG line to set"
  sed "s|^CONFIG = \"/etc/zfsportal-guard.conf\"\$|CONFIG = \"$GUARD_CONF\"|" "$src"
}

# The guard starts once for every command the portal sends: a program run as a script is compiled anew each time
# (14 ms of its 70 here), a module imported keeps its bytecode in __pycache__. Before it imports anything, the stub
# refuses when the directory, the program or the cache could be written by anyone but root (sudo runs the stub as root;
# whoever could write there would choose what root runs).
guard_stub_content() {
  cat <<EOF
#!$PYTHON3 -IS
# Written by scripts/storage-host.sh (ZfsPortal): the guard sudoers lets $SSH_USER run as root. The program is
# $GUARD_LIB/zfsportal_guard.py (storage-host/zfsportal-guard); this stub imports it with its compiled bytecode.
import os
import sys

LIB = "$GUARD_LIB"
PROGRAM = LIB + "/zfsportal_guard.py"


def root_only(path, is_dir):
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return st.st_uid == 0 and not st.st_mode & 0o022 and (os.path.isdir(path) if is_dir else os.path.isfile(path))


if not (root_only(LIB, True) and root_only(LIB + "/__pycache__", True) and root_only(PROGRAM, False)):
    print(f"zfsportal-guard: refused: {LIB}, its __pycache__ and {PROGRAM} must be root's and writable by root only"
          " (run scripts/storage-host.sh up)", file=sys.stderr)
    sys.exit(126)
sys.path.insert(0, LIB)
import zfsportal_guard  # noqa: E402

sys.exit(zfsportal_guard.main(sys.argv[1:]))
EOF
}

ensure_guard() {
  [[ -x $PYTHON3 ]] || die "$PYTHON3 is missing (the guard is a python3 program; python3 comes with nfs-common)"
  # Built before anything is written: a `die` inside a process substitution would not stop the write.
  local conf prog
  conf=$(guard_config_content) || exit 1
  prog=$(guard_program_content) || exit 1
  write_file "$GUARD_CONF" 644 root:root <<<"$conf"
  (( WROTE )) && changed "guard: wrote $GUARD_CONF"
  install -d -m 0755 -o root -g root "$GUARD_LIB" "$GUARD_LIB/__pycache__"   # sets mode and owner of existing ones too
  write_file "$GUARD_LIB/zfsportal_guard.py" 644 root:root <<<"$prog"
  (( WROTE )) && changed "guard: installed $GUARD_LIB/zfsportal_guard.py"
  # Compiled only when the program changed or its cache is empty: an unchanged `up` rewrites nothing.
  if (( WROTE )) || [[ -z $(ls -A "$GUARD_LIB/__pycache__") ]]; then
    "$PYTHON3" -IS -c 'import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True)' "$GUARD_LIB/zfsportal_guard.py" ||
      die "guard: cannot compile $GUARD_LIB/zfsportal_guard.py"
  fi
  write_file "$GUARD_BIN" 755 root:root < <(guard_stub_content)
  (( WROTE )) && changed "guard: installed $GUARD_BIN"
  # Dry checks as root: a read it must admit, a destroy of a pool that does not exist it must refuse.
  local out rc=0
  out=$("$GUARD_BIN" "$ZPOOL" list -H -o name 2>&1) || die "guard: $GUARD_BIN refuses 'zpool list -H -o name': $out"
  out=$("$GUARD_BIN" "$ZPOOL" destroy zfsportal_guard_selftest 2>&1) || rc=$?
  [[ $rc == 126 && $out == "zfsportal-guard: refused: "* ]] ||
    die "guard: $GUARD_BIN did not refuse 'zpool destroy' (exit $rc: $out)"
  ensure_exports_dir
  out=$("$GUARD_BIN" "$EXPORTS_FILE" show 2>&1) || die "guard: $GUARD_BIN cannot read the exports file $EXPORTS_FILE: $out"
  log "guard: $GUARD_BIN in place (config $GUARD_CONF, exports file $EXPORTS_FILE)"
}

ensure_exports_dir() {
  if [[ ! -d /etc/exports.d ]]; then
    install -d -m 0755 -o root -g root /etc/exports.d
    changed "guard: created /etc/exports.d (the NFS service reads *.exports there at boot and on exportfs -ra)"
  fi
}

exports_file_status() {
  if [[ ! -e $EXPORTS_FILE ]]; then echo "  ok    exports file $EXPORTS_FILE not written yet (the guard writes it at the first export)"; return 0; fi
  if [[ -f $EXPORTS_FILE && ! -L $EXPORTS_FILE && $(stat -c '%a %U:%G' "$EXPORTS_FILE") == "644 root:root" ]]; then
    echo "  ok    exports file $EXPORTS_FILE ($(grep -vc '^#' "$EXPORTS_FILE" || true) entries)"; return 0
  fi
  echo "  FAIL  exports file $EXPORTS_FILE is not a root-owned 644 file (remove it and run 'up')"; return 1
}

# After the pool's exports are gone: its lines would only make `exportfs -ra` complain about paths that are gone.
remove_exports_file() {
  local f
  for f in "$EXPORTS_FILE" "/etc/exports.d/.${EXPORTS_FILE##*/}".*; do
    [[ -e $f ]] || continue
    rm -f "$f"
    [[ $f == "$EXPORTS_FILE" ]] && changed "down: removed $f"
  done
  return 0
}

remove_guard() {
  local f
  for f in "$GUARD_BIN" "$GUARD_CONF"; do
    if [[ -e $f ]]; then rm -f "$f"; changed "down: removed $f"; fi
    rm -f "${f%/*}/.${f##*/}".* 2>/dev/null || true   # leftovers of write_file
  done
  if [[ -d $GUARD_LIB ]]; then rm -rf "$GUARD_LIB"; changed "down: removed $GUARD_LIB"; fi
}

# guard_status: one line each for the stub, its config and the program (root-owned, as `up` writes them); 1 if any is not.
guard_status() {
  local ok=0 f want
  for f in "$GUARD_BIN" "$GUARD_CONF" "$GUARD_LIB/zfsportal_guard.py"; do
    want="644 root:root"; [[ $f == "$GUARD_BIN" ]] && want="755 root:root"
    if [[ -f $f && ! -L $f && $(stat -c '%a %U:%G' "$f") == "$want" ]]; then echo "  ok    guard file $f ($want)"
    else echo "  FAIL  guard file $f missing or not $want (run 'up')"; ok=1; fi
  done
  return $ok
}
