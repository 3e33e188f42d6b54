# shellcheck shell=bash
# storage-host/backend.sh — sourced by scripts/storage-host.sh: the portal's settings for this host.
#   compression_value          DatasetCreationOptions.compression ($COMPRESSION; auto is resolved against the pool)
#   backend_json, backend_env  the settings as backend.json and as Storage__Backends__0__* environment lines
#   write_backend              writes $BACKEND_JSON and $BACKEND_ENV (what `env` prints)
#   print_settings             the summary `up` ends with

# --- 8. backend settings ----------------------------------------------------------------------

compression_value() {
  if [[ $COMPRESSION != auto ]]; then printf '%s\n' "$COMPRESSION"; return; fi
  # lz4 needs a feature-flag pool (OpenZFS shows version "-"); zfs-fuse pools are v23 and only know
  # on|off|lzjb|gzip|gzip-N|zle, where "on" means lzjb (on OpenZFS 2.x "on" means lz4).
  local v
  v=$("$ZPOOL" get version "$POOL" 2>/dev/null | awk 'NR==2 {print $3}')
  if [[ $v == - || ( $v =~ ^[0-9]+$ && $v -ge 5000 ) ]]; then echo lz4; else echo on; fi
}

# Clients mount from the Ganesha namespace's own address; the kernel table (exportfs) names the loopback one.
export_ip() { if ganesha_enabled; then echo "$GAN_SERVER_IP"; else echo "$LISTEN_IP"; fi; }

ganesha_path() { if ganesha_enabled; then echo "$GAN_BIN"; fi; }

backend_json() {
  cat <<EOF
{
  "Name": "$BACKEND_NAME",
  "Host": "$LISTEN_IP",
  "Port": $SSH_PORT,
  "User": "$SSH_USER",
  "PrivateKeyPath": "$CLIENT_KEY",
  "HostKeySha256": "$1",
  "ShareExportIp": "$(export_ip)",
  "ServiceIp": "$LISTEN_IP",
  "Pools": ["$POOL"],
  "DatasetPrefix": "$DATASET_PREFIX",
  "SnapshotPrefix": "$SNAPSHOT_PREFIX",
  "DatasetCreationOptions": {"compression": "$2"},
  "NfsHelper": "$NFS_HELPER",
  "SudoPath": "$SUDO",
  "ZfsPath": "$ZFS",
  "ZpoolPath": "$ZPOOL",
  "ExportfsPath": "$EXPORTFS",
  "GuardPath": "$GUARD_BIN",
  "GaneshaPath": "$(ganesha_path)",
  "ExportsFile": "$EXPORTS_FILE"
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
${p}ShareExportIp=$(export_ip)
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
${p}GuardPath=$GUARD_BIN
${p}GaneshaPath=$(ganesha_path)
${p}ExportsFile=$EXPORTS_FILE
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
  share export IP     $(export_ip)
  service IP          $LISTEN_IP
  dataset prefix      $DATASET_PREFIX
  snapshot prefix     $SNAPSHOT_PREFIX
  creation options    compression=$comp
  NFS helper          $NFS_HELPER$(if ganesha_enabled; then echo "  (NFS-Ganesha in netns $GAN_NETNS; helper $GAN_BIN)"; fi)
  guard               $GUARD_BIN  (config $GUARD_CONF; sudoers names only it)
  exports file        $EXPORTS_FILE  (written by the guard; read at boot and on exportfs -ra)
  settings            $BACKEND_JSON
                      $BACKEND_ENV   (set -a; . <(scripts/storage-host.sh env); set +a)
EOF
}
